/*
 * util.h - small helpers shared by every program: allocation that dies on
 * OOM, error buffers, hex, time, whole-file I/O.
 */
#ifndef PUMICE_UTIL_H
#define PUMICE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes a message into err (may be NULL); always returns -1. */
int errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void hex_encode(const uint8_t *in, size_t n, char *out);	/* out: 2n+1 bytes */
int hex_decode(const char *in, uint8_t *out, size_t outlen);	/* bytes or -1 */
int hex_val(char c);	/* a hex digit's value, or -1 */

uint64_t now_mono_ms(void);	/* CLOCK_MONOTONIC in ms */
uint64_t now_mono_us(void);	/* ... in microseconds */
double now_real(void);		/* wall clock, seconds since the epoch */

/* Reads a whole file (NUL-terminated); NULL with errno on failure. */
char *file_read_all(const char *path, size_t *len);
/* Writes data to path atomically (tmp, fsync, rename, fsync dir). */
int file_write_atomic(const char *path, const void *data, size_t len, int mode);
/* The same without the fsyncs: whole or not at all, but not durable. */
int file_write_replace(const char *path, const void *data, size_t len, int mode);
/* mkdir -p */
int mkdir_p(const char *path, int mode);
/* mkdir -p for a directory others must reach (a socket's): the daemons'
 * umask 077 does not apply, so new levels get mode exactly. */
int mkdir_p_public(const char *path, int mode);
/* The daemons' umask: what they create is theirs alone (state, spool,
 * logs hold job environments); places others reach are made explicitly. */
#define DAEMON_UMASK 077

#endif
