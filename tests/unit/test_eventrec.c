/*
 * test_eventrec.c - lsb.events lines (eventrec.c): type, version and time
 * first, strings quoted with '"' doubled and line breaks as blanks (so a
 * record stays one line), NULL written as "", numbers as they are, and
 * the builder reusable after a line is taken.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eventrec.h"

static void
test_line(void **state)
{
	struct eventrec b = { 0 };
	char *line;

	eventrec_begin(&b, "JOB_STATUS", 1700000000);
	eventrec_long(&b, 42);
	eventrec_long(&b, -1);
	eventrec_str(&b, "say \"hi\"\nnow\r");
	eventrec_str(&b, NULL);
	eventrec_str(&b, "");
	eventrec_raw(&b, "1.00");
	line = eventrec_end(&b);
	assert_string_equal(line, "\"JOB_STATUS\" \"10.1\" 1700000000 42 -1 "
	    "\"say \"\"hi\"\" now \" \"\" \"\" 1.00\n");
	free(line);
	assert_null(b.s);
	eventrec_begin(&b, "JOB_NEW", 5);	/* reused */
	line = eventrec_end(&b);
	assert_string_equal(line, "\"JOB_NEW\" \"10.1\" 5\n");
	free(line);
}

static void
test_long_string(void **state)
{
	struct eventrec b = { 0 };
	char big[5000], *line;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	eventrec_begin(&b, "JOB_NEW", 1);
	eventrec_str(&b, big);
	line = eventrec_end(&b);
	assert_int_equal(strlen(line), strlen("\"JOB_NEW\" \"10.1\" 1 \"\"\n") + 4999);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_long_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
