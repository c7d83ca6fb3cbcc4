/*
 * testlib.h - what several unit tests need and would otherwise each write
 * again: files of a scratch configuration.
 */
#ifndef PUMICE_TESTLIB_H
#define PUMICE_TESTLIB_H

#include <limits.h>

/* LONG_MAX in decimal, as messages print it: 32 bits on armhf. */
#if LONG_MAX == 9223372036854775807L
#define TL_LONG_MAX "9223372036854775807"
#else
#define TL_LONG_MAX "2147483647"
#endif

/* Writes text to dir/name, making the directories on the way; fails the
 * test on any error. */
void tl_put(const char *dir, const char *name, const char *text);

#endif
