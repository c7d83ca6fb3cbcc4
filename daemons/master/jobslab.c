/*
 * jobslab.c - the blocks of jobs (struct job with its first element) in
 * pages of their own.
 *
 * A job's block is made while the request that submits it is handled,
 * among that request's temporaries (its jansson tree, encodings, sqlite
 * pages); with malloc they end up scattered over the heap, and once the
 * temporaries are freed each keeps a mostly free page resident (a pack of
 * 10,000 jobs cost 1.7 KB of RSS a job for 1.1 KB in use). Here blocks
 * come from slabs of their own, densely, and a freed block is the next
 * one handed out. Slabs are kept (a master that had N jobs will have them
 * again). Blocks of other sizes (a job's spec text) come from the same
 * slabs, a free list for each size in steps of 8 bytes; the caller says
 * the size again when it frees one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "master.h"
#include "log.h"
#include "util.h"

#define JOBSLAB_SIZE (1024 * 1024)
#define JOBSLAB_ALIGN 8	/* pointers and longs: nothing in a job needs more */
/* Larger blocks are malloc's: a job rarely has one. */
#define JOBSLAB_MAX 2048

/* Under ASan every block is malloc's: ASan checks each one, and its leak
 * checker does not scan our mmap'd slabs (what only a job points to would
 * look leaked). GCC says so with __SANITIZE_ADDRESS__, clang (before 16)
 * only through __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define JOBSLAB_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JOBSLAB_MALLOC 1
#endif
#endif

struct jobslab_free {
	struct jobslab_free *next;
};

static struct {
	/* freed blocks, by size in units of JOBSLAB_ALIGN */
	struct jobslab_free *free[JOBSLAB_MAX / JOBSLAB_ALIGN + 1];
	char *cur, *end;		/* the slab being carved */
} slab;

static size_t
jobslab_round(size_t n)
{
	return (n + JOBSLAB_ALIGN - 1) & ~(size_t)(JOBSLAB_ALIGN - 1);
}

/* Carves n bytes (rounded) from the current slab, a new one when full
 * (the rest of the full one is left unused: less than a block). */
static void *
jobslab_carve(size_t n)
{
	void *p;

	if (slab.cur == NULL || (size_t)(slab.end - slab.cur) < n) {
		slab.cur = mmap(NULL, JOBSLAB_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (slab.cur == MAP_FAILED)
			fatal("mmap of a job slab");
		slab.end = slab.cur + JOBSLAB_SIZE;
	}
	p = slab.cur;
	slab.cur += n;
	return p;
}

void *
jobslab_alloc(size_t n)
{
	struct jobslab_free **f;
	void *p;

	n = jobslab_round(n > 0 ? n : 1);
#ifdef JOBSLAB_MALLOC
	return xcalloc(1, n);
#endif
	if (n > JOBSLAB_MAX)
		return xcalloc(1, n);
	f = &slab.free[n / JOBSLAB_ALIGN];
	if (*f != NULL) {
		p = *f;
		*f = (*f)->next;
	} else
		p = jobslab_carve(n);
	return memset(p, 0, n);
}

void
jobslab_free(void *p, size_t n)
{
	struct jobslab_free *f = p;

	if (p == NULL)
		return;
	n = jobslab_round(n > 0 ? n : 1);
#ifdef JOBSLAB_MALLOC
	free(p);
	return;
#endif
	if (n > JOBSLAB_MAX) {
		free(p);
		return;
	}
	f->next = slab.free[n / JOBSLAB_ALIGN];
	slab.free[n / JOBSLAB_ALIGN] = f;
}

char *
jobslab_strdup(const char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	return memcpy(jobslab_alloc(n), s, n);
}

void
jobslab_free_str(char *s)
{
	if (s != NULL)
		jobslab_free(s, strlen(s) + 1);
}
