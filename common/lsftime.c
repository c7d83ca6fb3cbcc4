/*
 * lsftime.c - bsub -b/-t times (see lsftime.h). Ranges are checked before
 * mktime sees the fields, and a day the month does not have (31 in
 * April, 29 February of a common year) is never normalised into the next
 * month: a partial time moves on to the next month or year that has it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lsftime.h"
#include "util.h"

#define LSFTIME_TRIES 16	/* enough for 31 (two months) and 29 Feb (8 years) */

enum { LT_YEAR, LT_MON, LT_DAY, LT_HOUR, LT_MIN, LT_N };

static const struct {
	const char *name;
	int min, max;
} lsftime_range[LT_N] = {
	{ "year", 1970, 9999 }, { "month", 1, 12 }, { "day", 1, 31 },
	{ "hour", 0, 23 }, { "minute", 0, 59 },
};

/* Splits s into at most five numbers, stored right-aligned in f (minute
 * last); *n gets how many were given. */
static int
lsftime_fields(const char *s, int f[LT_N], int *n, char *err, size_t errlen)
{
	const char *p = s, *start;
	int vals[LT_N], k = 0, i;

	for (;;) {
		start = p;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == start || p - start > 4 || k == LT_N || (*p != ':' && *p != '\0'))
			return errf(err, errlen, "bad time '%s': expected "
			    "[[[YYYY:]MM:]DD:]hh:mm", s);
		vals[k++] = atoi(start);
		if (*p++ == '\0')
			break;
	}
	if (k < 2)
		return errf(err, errlen, "bad time '%s': at least hh:mm is needed", s);
	for (i = 0; i < k; i++) {
		int slot = LT_N - k + i;
		if (vals[i] < lsftime_range[slot].min || vals[i] > lsftime_range[slot].max)
			return errf(err, errlen, "bad time '%s': %s %d is out of range %d-%d",
			    s, lsftime_range[slot].name, vals[i], lsftime_range[slot].min,
			    lsftime_range[slot].max);
		f[slot] = vals[i];
	}
	*n = k;
	return 0;
}

/* The given fields over base; false when the date does not exist. */
static bool
lsftime_make(const struct tm *base, const int f[LT_N], int n, time_t *t)
{
	struct tm tm = *base;
	int year, mon, day;

	tm.tm_sec = 0;
	tm.tm_min = f[LT_MIN];
	tm.tm_hour = f[LT_HOUR];
	if (n > 2)
		tm.tm_mday = f[LT_DAY];
	if (n > 3)
		tm.tm_mon = f[LT_MON] - 1;
	if (n > 4)
		tm.tm_year = f[LT_YEAR] - 1900;
	tm.tm_isdst = -1;
	year = tm.tm_year, mon = tm.tm_mon, day = tm.tm_mday;
	*t = mktime(&tm);
	return *t != (time_t)-1 && tm.tm_year == year && tm.tm_mon == mon &&
	    tm.tm_mday == day;
}

/* base moved on by one of the smallest unit left out of the time. */
static void
lsftime_next(struct tm *base, int n)
{
	if (n == 2)
		base->tm_mday++;
	else if (n == 3) {
		base->tm_mday = 1;
		base->tm_mon++;
	} else {
		base->tm_mday = 1;
		base->tm_year++;
	}
	base->tm_hour = 12;	/* away from DST changes */
	base->tm_isdst = -1;
	mktime(base);
}

int
lsftime_parse(const char *s, time_t now, time_t *t, char *err, size_t errlen)
{
	int f[LT_N] = { 0 }, n = 0, i;
	time_t minute = now - now % 60;
	struct tm base;

	if (s == NULL || lsftime_fields(s, f, &n, err, errlen) < 0)
		return s == NULL ? errf(err, errlen, "no time given") : -1;
	localtime_r(&now, &base);
	for (i = 0; i < LSFTIME_TRIES; i++) {
		bool ok = lsftime_make(&base, f, n, t);
		if (n == LT_N)
			return ok ? 0 : errf(err, errlen, "bad time '%s': no such date", s);
		if (ok && *t >= minute)
			return 0;
		lsftime_next(&base, n);
	}
	return errf(err, errlen, "bad time '%s': no such date", s);
}
