/*
 * test_bsubscript.c - #BSUB directives and the #! interpreter
 * (bsubscript.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "bsubscript.h"

#define MAXW 8

static const struct {
	const char *text, *interp;
	int argc;
	const char *argv[MAXW];
	int lines[MAXW];
} good[] = {
	{ "", NULL, 0, { NULL }, { 0 } },
	{ "echo hi\n", NULL, 0, { NULL }, { 0 } },
	{ "#!/bin/bash\n#BSUB -n 4\n#BSUB -J job\necho\n", "/bin/bash", 4,
	    { "-n", "4", "-J", "job" }, { 2, 2, 3, 3 } },
	{ "#! /usr/bin/env python3 \r\n#BSUB -q short\r\n", "/usr/bin/env python3", 2,
	    { "-q", "short" }, { 2, 2 } },
	{ "# BSUB -o out.%J\n#\tBSUB -e err\n", NULL, 4,
	    { "-o", "out.%J", "-e", "err" }, { 1, 1, 2, 2 } },
	{ "#BSUB -R \"rusage[mem=100] span[hosts=1]\" # comment\n", NULL, 2,
	    { "-R", "rusage[mem=100] span[hosts=1]" }, { 1, 1 } },
	{ "#BSUB -J 'a b' \\\n#BSUB   -n 2\n#BSUB -q q\n", NULL, 6,
	    { "-J", "a b", "-n", "2", "-q", "q" }, { 1, 1, 1, 1, 3, 3 } },
	{ "#BSUB -W \\\n  1:30\n", NULL, 2, { "-W", "1:30" }, { 1, 1 } },
	{ "#BSUBX -n 4\n#BSUB-n 4\n##BSUB -n 4\nBSUB -n 4\n", NULL, 0, { NULL }, { 0 } },
	{ "echo\n#BSUB -n 8", NULL, 2, { "-n", "8" }, { 2, 2 } },
	{ "#BSUB\n", NULL, 0, { NULL }, { 0 } },
	{ "  #BSUB -x\n", NULL, 1, { "-x" }, { 1 } },
	{ "echo\n#!/bin/sh\n", NULL, 0, { NULL }, { 0 } },
	{ "#BSUB -J \"#notcomment\" #BSUB -n 3\n", NULL, 2,
	    { "-J", "#notcomment" }, { 1, 1 } },
	{ "#BSUB -n 1 \\", NULL, 2, { "-n", "1" }, { 1, 1 } },
};

static void
test_good(void **state)
{
	struct bsub_script s;
	char err[128];
	size_t i;
	int j;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (bsubscript_parse(good[i].text, &s, err, sizeof(err)) != 0)
			fail_msg("case %zu: %s", i, err);
		if (good[i].interp == NULL)
			assert_null(s.interp);
		else
			assert_string_equal(s.interp, good[i].interp);
		if (s.argc != good[i].argc)
			fail_msg("case %zu: %d words, expected %d", i, s.argc,
			    good[i].argc);
		for (j = 0; j < s.argc; j++) {
			assert_string_equal(s.argv[j], good[i].argv[j]);
			assert_int_equal(s.lines[j], good[i].lines[j]);
		}
		assert_null(s.argv[s.argc]);
		bsubscript_free(&s);
	}
}

static const struct {
	const char *text, *err;
} bad[] = {
	{ "#!/bin/sh\n#BSUB -J 'oops\n", "line 2: unterminated single quote in #BSUB directive" },
	{ "\n\n\n#BSUB -o \"x\n", "line 4: unterminated double quote in #BSUB directive" },
	{ "#BSUB -n 1\n#BSUB -J \"a \\\nb\n", "line 2: unterminated double quote in #BSUB directive" },
};

static void
test_bad(void **state)
{
	struct bsub_script s;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(bsubscript_parse(bad[i].text, &s, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
		assert_null(s.argv);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
