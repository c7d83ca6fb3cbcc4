/*
 * lsftime.h - LSF's begin/termination times (bsub -b, -t):
 * "[[[YYYY:]MM:]DD:]hh:mm", two to five colon-separated numbers, local
 * time. Fields left out come from the current time; when that gives a
 * moment before the current minute the smallest field left out moves on
 * (tomorrow, next month, next year), so that a partial time always means
 * the next such moment. A fully specified time is taken as it is.
 */
#ifndef PUMICE_LSFTIME_H
#define PUMICE_LSFTIME_H

#include <stddef.h>
#include <time.h>

/* Parses s relative to now into *t. Returns 0 or -1 with err. */
int lsftime_parse(const char *s, time_t now, time_t *t, char *err, size_t errlen);

#endif
