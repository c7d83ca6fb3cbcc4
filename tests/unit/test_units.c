/*
 * test_units.c - sizes, run limits and the "Mbytes" display (units.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

static const struct {
	const char *in, *unit;
	uint64_t kb;
} size_good[] = {
	{ "1024", "KB", 1024 },
	{ "1024", NULL, 1024 },
	{ "1024", "MB", 1048576 },
	{ "1024MB", "KB", 1048576 },
	{ "1024mb", "KB", 1048576 },
	{ "4G", "MB", 4194304 },
	{ "4g", "MB", 4194304 },
	{ "2GB", "KB", 2097152 },
	{ "2 GB", "KB", 2097152 },
	{ "512K", "MB", 512 },
	{ "512kb", "MB", 512 },
	{ "1.5G", "MB", 1572864 },
	{ "0.5", "MB", 512 },
	{ "1T", "KB", 1073741824 },
	{ "1", "tb", 1073741824 },
	{ "1", "G", 1048576 },
	{ "0", "MB", 0 },
	{ " 7 ", "KB", 7 },
	{ "1.0001", "KB", 1 },
	{ "1P", "KB", 1ULL << 40 },
	{ "4000M", "KB", 4096000 },
};

static const struct {
	const char *in, *unit, *err;
} size_bad[] = {
	{ "", "KB", "bad size ''" },
	{ "abc", "KB", "bad size 'abc'" },
	{ "-5", "KB", "negative size '-5'" },
	{ "5XB", "KB", "bad unit in size '5XB'" },
	{ "5MBB", "KB", "bad unit in size '5MBB'" },
	{ "5 M B", "KB", "bad unit in size '5 M B'" },
	{ "1.2.3", "KB", "bad unit in size '1.2.3'" },
	{ "99999999999999999999", "KB", "size '99999999999999999999' is too large" },
	{ "17179869184T", "KB", "size '17179869184T' is too large" },
	{ "16384E", "KB", "size '16384E' is too large" },
	{ "5", "XB", "unknown unit 'XB' for limits" },
	{ ".", "KB", "bad size '.'" },
};

static void
test_size_good(void **state)
{
	char err[128];
	uint64_t kb;
	size_t i;

	for (i = 0; i < sizeof(size_good) / sizeof(size_good[0]); i++) {
		kb = 12345;
		err[0] = '\0';
		if (units_parse_size(size_good[i].in, size_good[i].unit, &kb, err,
		    sizeof(err)) != 0)
			fail_msg("'%s': %s", size_good[i].in, err);
		assert_int_equal(kb, size_good[i].kb);
	}
}

static void
test_size_bad(void **state)
{
	char err[128];
	uint64_t kb = 42;
	size_t i;

	for (i = 0; i < sizeof(size_bad) / sizeof(size_bad[0]); i++) {
		err[0] = '\0';
		if (units_parse_size(size_bad[i].in, size_bad[i].unit, &kb, err,
		    sizeof(err)) != -1)
			fail_msg("'%s' was accepted", size_bad[i].in);
		assert_string_equal(err, size_bad[i].err);
		assert_int_equal(kb, 42);
	}
}

static const struct {
	const char *in;
	long sec;
	const char *err;
} minutes[] = {
	{ "90", 5400, NULL },
	{ "1:30", 5400, NULL },
	{ "00:30", 1800, NULL },
	{ "0", 0, NULL },
	{ "10:00", 36000, NULL },
	{ "", 0, "bad time '': expected [hours:]minutes" },
	{ "1:", 0, "bad time '1:': expected [hours:]minutes" },
	{ ":5", 0, "bad time ':5': expected [hours:]minutes" },
	{ "-5", 0, "bad time '-5': expected [hours:]minutes" },
	{ "1:2:3", 0, "bad time '1:2:3': expected [hours:]minutes" },
	{ "1h", 0, "bad time '1h': expected [hours:]minutes" },
	{ "1:60", 0, "bad time '1:60': minutes must be below 60" },
	{ "99999999999999999999", 0, "time '99999999999999999999' is too large" },
	{ "999999999999999999", 0, "time '999999999999999999' is too large" },
	{ "90/hostA", 0, "bad time '90/hostA': expected [hours:]minutes" },
	{ "30s", 30, NULL },
	{ "5S", 5, NULL },
	{ "0s", 0, NULL },
	{ "s", 0, "bad time 's': expected [hours:]minutes" },
	{ "1.5s", 0, "bad time '1.5s': expected [hours:]minutes or seconds with s" },
	{ "1:30s", 0, "bad time '1:30s': expected [hours:]minutes" },
};

static void
test_minutes(void **state)
{
	char err[128];
	long sec;
	size_t i;

	for (i = 0; i < sizeof(minutes) / sizeof(minutes[0]); i++) {
		sec = -7;
		err[0] = '\0';
		if (minutes[i].err == NULL) {
			if (units_parse_minutes(minutes[i].in, &sec, err, sizeof(err)) != 0)
				fail_msg("'%s': %s", minutes[i].in, err);
			assert_int_equal(sec, minutes[i].sec);
		} else {
			assert_int_equal(units_parse_minutes(minutes[i].in, &sec, err,
			    sizeof(err)), -1);
			assert_string_equal(err, minutes[i].err);
		}
	}
}

static const struct {
	uint64_t kb;
	const char *out;
} fmt[] = {
	{ 0, "0 Kbytes" },
	{ 10, "10 Kbytes" },
	{ 1023, "1023 Kbytes" },
	{ 1024, "1 Mbytes" },
	{ 1536, "1.5 Mbytes" },
	{ 524288, "512 Mbytes" },
	{ 3984589, "3.8 Gbytes" },
	{ 1048576, "1 Gbytes" },
	{ 1073741824, "1 Tbytes" },
	{ 1025, "1 Mbytes" },
};

static void
test_format(void **state)
{
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		units_format_kb(fmt[i].kb, buf, sizeof(buf));
		assert_string_equal(buf, fmt[i].out);
	}
	units_format_kb(UINT64_MAX, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Ebytes"));
	units_format_kb(3984589, buf, 4);	/* truncates, never overflows */
	assert_string_equal(buf, "3.8");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_good),
		cmocka_unit_test(test_size_bad),
		cmocka_unit_test(test_minutes),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
