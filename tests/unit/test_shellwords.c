/*
 * test_shellwords.c - sh-style splitting, quoting and LSF command joining
 * (shellwords.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "shellwords.h"

#define MAXW 6

static const struct {
	const char *in;
	int n;
	const char *w[MAXW];
} split_good[] = {
	{ "", 0, { NULL } },
	{ "   \t ", 0, { NULL } },
	{ "-n 4", 2, { "-n", "4" } },
	{ "  -J   myjob  ", 2, { "-J", "myjob" } },
	{ "-R \"rusage[mem=100] span[hosts=1]\"", 2,
	    { "-R", "rusage[mem=100] span[hosts=1]" } },
	{ "-J 'a b' c", 3, { "-J", "a b", "c" } },
	{ "a'b c'd", 1, { "ab cd" } },
	{ "\"\" ''", 2, { "", "" } },
	{ "a\\ b", 1, { "a b" } },
	{ "\"a\\\"b\\\\c\\d\"", 1, { "a\"b\\c\\d" } },
	{ "'a\\b'", 1, { "a\\b" } },
	{ "-o out # a comment", 2, { "-o", "out" } },
	{ "#whole line", 0, { NULL } },
	{ "a#b '#c' \"#d\"", 3, { "a#b", "#c", "#d" } },
	{ "\\#x", 1, { "#x" } },
	{ "-W 1:30\t-q\tshort", 4, { "-W", "1:30", "-q", "short" } },
	{ "a\\\nb", 1, { "ab" } },
	{ "x \"$HOME `id`\"", 2, { "x", "$HOME `id`" } },
};

static void
test_split_good(void **state)
{
	char err[64], **argv;
	size_t i;
	int n, j;

	for (i = 0; i < sizeof(split_good) / sizeof(split_good[0]); i++) {
		n = shellwords_split(split_good[i].in, &argv, err, sizeof(err));
		if (n != split_good[i].n)
			fail_msg("'%s': %d words, expected %d", split_good[i].in, n,
			    split_good[i].n);
		for (j = 0; j < n; j++)
			assert_string_equal(argv[j], split_good[i].w[j]);
		assert_null(argv[n]);
		shellwords_free(argv);
	}
}

static const struct {
	const char *in, *err;
} split_bad[] = {
	{ "-J 'abc", "unterminated single quote" },
	{ "-J \"abc", "unterminated double quote" },
	{ "a \"b\\\"", "unterminated double quote" },
	{ "'", "unterminated single quote" },
};

static void
test_split_bad(void **state)
{
	char err[64], **argv = (char **)1;
	size_t i;

	for (i = 0; i < sizeof(split_bad) / sizeof(split_bad[0]); i++) {
		assert_int_equal(shellwords_split(split_bad[i].in, &argv, err,
		    sizeof(err)), -1);
		assert_string_equal(err, split_bad[i].err);
		assert_null(argv);
	}
}

static const struct {
	const char *in, *out;
} quote[] = {
	{ "plain", "plain" },
	{ "a/b.c-d_e:f=g,h@i%j+k", "a/b.c-d_e:f=g,h@i%j+k" },
	{ "", "''" },
	{ "a b", "'a b'" },
	{ "it's", "'it'\\''s'" },
	{ "$HOME", "'$HOME'" },
	{ "*.c", "'*.c'" },
	{ "a;b", "'a;b'" },
	{ "~x", "'~x'" },
	{ "#x", "'#x'" },
	{ "tab\there", "'tab\there'" },
};

static void
test_quote(void **state)
{
	size_t i;
	char *q, **argv;

	for (i = 0; i < sizeof(quote) / sizeof(quote[0]); i++) {
		q = shellwords_quote(quote[i].in);
		assert_string_equal(q, quote[i].out);
		/* What we quote, splitting gives back. */
		assert_int_equal(shellwords_split(q, &argv, NULL, 0), 1);
		assert_string_equal(argv[0], quote[i].in);
		shellwords_free(argv);
		free(q);
	}
}

static void
test_join(void **state)
{
	char *a1[] = { "echo", "hello world", "x" };
	char *a2[] = { "cmd a b" };
	char *a3[] = { "python3 -c", "print('hi')", "" };
	char *a4[] = { "ls", "-l", "/tmp" };
	char *s;

	s = shellwords_join(3, a1);
	assert_string_equal(s, "echo 'hello world' x");
	free(s);
	s = shellwords_join(1, a2);
	assert_string_equal(s, "cmd a b");	/* first word verbatim */
	free(s);
	s = shellwords_join(3, a3);
	assert_string_equal(s, "python3 -c 'print('\\''hi'\\'')' ''");
	free(s);
	s = shellwords_join(3, a4);
	assert_string_equal(s, "ls -l /tmp");
	free(s);
	s = shellwords_join(0, a4);
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_good),
		cmocka_unit_test(test_split_bad),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
