/*
 * stalecb.c - LD_PRELOAD for nfscuts.bats: catches a libnfs callback that
 * writes into the dead stack frame of a sync call.
 *
 * libnfs's sync wrappers (nfs_pwrite, nfs_close, ...) keep their callback's
 * data on their own stack. One that gives up (a dead connection) returns
 * with its call still queued, and a later nfs_destroy_context completes
 * that call: the callback writes into whatever frame stands there by then.
 * That corrupts the stack only now and then (shepherds died of SIGSEGV in
 * fault scenario s7, a few runs in ten), so this makes every such write
 * visible: each sync call runs STALECB_PAD bytes deeper than its caller,
 * below anything else the caller runs, and once it returned, the
 * STALECB_SPAN bytes below the pad, where its frames were, are filled with
 * a canary. After each
 * nfs_destroy_context the canary must be whole; when it is not, the
 * process reports it (stderr, and the file STALECB_LOG names) and aborts.
 * A program that uses only the async calls never fills it and never fails.
 * For single-threaded use of libnfs (the shepherd's main thread).
 */
#define _GNU_SOURCE
#include <alloca.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <nfsc/libnfs.h>

#define STALECB_PAD (64 << 10)	/* deeper than any call chain of the caller's */
#define STALECB_SPAN (16 << 10)	/* deeper than a sync call's own frames */
#define STALECB_BYTE 0x5a

/* The canary: the union of the regions the sync calls' frames used. */
static volatile unsigned char *canary_lo, *canary_hi;

static void *
stalecb_real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

/*
 * Right after a sync call returned, from the caller that ran it below
 * top (its stack pointer): fills where its frames were. Inlined and a
 * plain loop: nothing may run below top while it fills.
 */
static inline void __attribute__((always_inline))
stalecb_fill(volatile char *top)
{
	volatile unsigned char *hi = (volatile unsigned char *)top, *p;

	for (p = hi - STALECB_SPAN; p < hi; p++)
		*p = STALECB_BYTE;
	if (canary_lo == NULL || hi - STALECB_SPAN < canary_lo)
		canary_lo = hi - STALECB_SPAN;
	if (canary_hi == NULL || hi > canary_hi)
		canary_hi = hi;
}

static void
stalecb_report(size_t at)
{
	const char *path = getenv("STALECB_LOG");
	char msg[240];
	int fd, n;

	n = snprintf(msg, sizeof(msg), "stalecb: pid %d: a callback run by "
	    "nfs_destroy_context wrote into the dead stack frame of a sync call "
	    "(canary byte %zu of %zu)\n", (int)getpid(), at,
	    (size_t)(canary_hi - canary_lo));
	if (n <= 0 || (size_t)n >= sizeof(msg))
		return;
	if (write(2, msg, (size_t)n) < 0) {
		/* the abort that follows says as much */
	}
	if (path != NULL && (fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0) {
		if (write(fd, msg, (size_t)n) < 0) {
			/* as above */
		}
		close(fd);
	}
}

void
nfs_destroy_context(struct nfs_context *nfs)
{
	static void (*real)(struct nfs_context *);
	volatile unsigned char *p;

	if (real == NULL)
		*(void **)&real = stalecb_real("nfs_destroy_context");
	real(nfs);
	for (p = canary_lo; p != NULL && p < canary_hi; p++)
		if (*p != STALECB_BYTE) {
			stalecb_report((size_t)(p - canary_lo));
			abort();
		}
}

/* Runs one sync call STALECB_PAD deeper, then fills where it ran. */
#define STALECB_SYNC(name, params, args)				\
int									\
name params								\
{									\
	static int (*real) params;					\
	volatile char *pad = alloca(STALECB_PAD);			\
	int rc;								\
									\
	if (real == NULL)						\
		*(void **)&real = stalecb_real(#name);			\
	pad[0] = 0;							\
	rc = real args;							\
	stalecb_fill(pad);						\
	pad[0] = 1;							\
	return rc;							\
}

STALECB_SYNC(nfs_mount, (struct nfs_context *nfs, const char *server, const char *exp),
    (nfs, server, exp))
STALECB_SYNC(nfs_open2, (struct nfs_context *nfs, const char *path, int flags, int mode,
    struct nfsfh **fh), (nfs, path, flags, mode, fh))
STALECB_SYNC(nfs_mkdir, (struct nfs_context *nfs, const char *path), (nfs, path))
STALECB_SYNC(nfs_fstat64, (struct nfs_context *nfs, struct nfsfh *fh, struct nfs_stat_64 *st),
    (nfs, fh, st))
STALECB_SYNC(nfs_pwrite, (struct nfs_context *nfs, struct nfsfh *fh, uint64_t off,
    uint64_t count, const void *buf), (nfs, fh, off, count, buf))
STALECB_SYNC(nfs_fsync, (struct nfs_context *nfs, struct nfsfh *fh), (nfs, fh))
STALECB_SYNC(nfs_close, (struct nfs_context *nfs, struct nfsfh *fh), (nfs, fh))
