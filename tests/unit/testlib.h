/*
 * testlib.h - what several unit tests need and would otherwise each write
 * again: files of a scratch configuration.
 */
#ifndef PUMICE_TESTLIB_H
#define PUMICE_TESTLIB_H

/* Writes text to dir/name, making the directories on the way; fails the
 * test on any error. */
void tl_put(const char *dir, const char *name, const char *text);

#endif
