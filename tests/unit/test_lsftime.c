/*
 * test_lsftime.c - bsub -b/-t times (lsftime.c): formats, ranges, days a
 * month lacks, and partial times moving on to their next occurrence.
 * Runs in UTC so that the expected moments are fixed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lsftime.h"

/* 2026-04-15 10:30:20 UTC, a Wednesday */
#define NOW ((time_t)1776249020)

static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = 0;
	return timegm(&tm);
}

static void
test_good(void **state)
{
	const struct {
		const char *in;
		time_t want;
	} cases[] = {
		{ "10:30", utc(2026, 4, 15, 10, 30) },	/* this minute: now */
		{ "10:31", utc(2026, 4, 15, 10, 31) },
		{ "10:29", utc(2026, 4, 16, 10, 29) },	/* passed: tomorrow */
		{ "0:0", utc(2026, 4, 16, 0, 0) },
		{ "23:59", utc(2026, 4, 15, 23, 59) },
		{ "16:08:00", utc(2026, 4, 16, 8, 0) },
		{ "14:08:00", utc(2026, 5, 14, 8, 0) },	/* passed: next month */
		{ "31:08:00", utc(2026, 5, 31, 8, 0) },	/* April has no 31st */
		{ "04:15:11:00", utc(2026, 4, 15, 11, 0) },
		{ "04:15:10:00", utc(2027, 4, 15, 10, 0) },	/* passed: next year */
		{ "02:29:00:00", utc(2028, 2, 29, 0, 0) },	/* next leap year */
		{ "12:02:05:10", utc(2026, 12, 2, 5, 10) },
		{ "2026:12:02:05:10", utc(2026, 12, 2, 5, 10) },
		{ "2020:01:01:00:00", utc(2020, 1, 1, 0, 0) },	/* past, as given */
		{ "2028:02:29:12:00", utc(2028, 2, 29, 12, 0) },
	};
	char err[128];
	time_t t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (lsftime_parse(cases[i].in, NOW, &t, err, sizeof(err)) != 0)
			fail_msg("%s: %s", cases[i].in, err);
		if (t != cases[i].want)
			fail_msg("%s: got %lld, want %lld", cases[i].in, (long long)t,
			    (long long)cases[i].want);
	}
}

static void
test_bad(void **state)
{
	const struct {
		const char *in, *err;
	} cases[] = {
		{ "", "bad time '': expected [[[YYYY:]MM:]DD:]hh:mm" },
		{ "10", "bad time '10': at least hh:mm is needed" },
		{ "10:", "bad time '10:': expected [[[YYYY:]MM:]DD:]hh:mm" },
		{ ":10", "bad time ':10': expected [[[YYYY:]MM:]DD:]hh:mm" },
		{ "10::30", "bad time '10::30': expected [[[YYYY:]MM:]DD:]hh:mm" },
		{ "1a:30", "bad time '1a:30': expected [[[YYYY:]MM:]DD:]hh:mm" },
		{ "-1:30", "bad time '-1:30': expected [[[YYYY:]MM:]DD:]hh:mm" },
		{ "1:2:3:4:5:6", "bad time '1:2:3:4:5:6': expected [[[YYYY:]MM:]DD:]hh:mm" },
		{ "24:00", "bad time '24:00': hour 24 is out of range 0-23" },
		{ "10:60", "bad time '10:60': minute 60 is out of range 0-59" },
		{ "0:10:00", "bad time '0:10:00': day 0 is out of range 1-31" },
		{ "32:10:00", "bad time '32:10:00': day 32 is out of range 1-31" },
		{ "13:01:10:00", "bad time '13:01:10:00': month 13 is out of range 1-12" },
		{ "1969:01:01:10:00", "bad time '1969:01:01:10:00': year 1969 is out of range 1970-9999" },
		{ "2026:02:30:10:00", "bad time '2026:02:30:10:00': no such date" },
		{ "2027:02:29:10:00", "bad time '2027:02:29:10:00': no such date" },
		{ "02:30:10:00", "bad time '02:30:10:00': no such date" },
		{ "10:30 ", "bad time '10:30 ': expected [[[YYYY:]MM:]DD:]hh:mm" },
	};
	char err[128];
	time_t t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		if (lsftime_parse(cases[i].in, NOW, &t, err, sizeof(err)) != -1)
			fail_msg("%s: accepted", cases[i].in);
		assert_string_equal(err, cases[i].err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
