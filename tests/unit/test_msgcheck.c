/*
 * test_msgcheck.c - a message's fields checked against its tables: known
 * fields of the right type pass, an unknown field or a wrong type is
 * refused with a reason naming it, a field may come from either table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "msgcheck.h"

static const struct msgfield own[] = {
	{ "id", MF_INT }, { "idx", MF_STR | MF_INT }, { "done", MF_BOOL },
	{ "opts", MF_OBJ }, { "maybe", MF_STR | MF_NULL }, MSGFIELD_END,
};
static const struct msgfield sel[] = { { "user", MF_STR }, { "ids", MF_ARR }, MSGFIELD_END };

static const struct {
	const char *json;
	int ntab;
	const char *err;	/* NULL: accepted */
} cases[] = {
	{ "{}", 1, NULL },
	{ "{\"id\": 3, \"idx\": \"1-3\", \"done\": true, \"opts\": {}}", 1, NULL },
	{ "{\"idx\": 4, \"maybe\": null}", 1, NULL },
	{ "{\"user\": \"ann\", \"ids\": [], \"id\": 1}", 2, NULL },
	{ "{\"user\": \"ann\"}", 1, "unknown field 'user'" },
	{ "{\"bogus\": 1}", 2, "unknown field 'bogus'" },
	{ "{\"id\": \"3\"}", 1, "field 'id' must be an integer" },
	{ "{\"id\": 3.5}", 1, "field 'id' must be an integer" },
	{ "{\"idx\": []}", 1, "field 'idx' must be a string or an integer" },
	{ "{\"done\": 1}", 1, "field 'done' must be true or false" },
	{ "{\"opts\": null}", 1, "field 'opts' must be an object" },
	{ "{\"ids\": {}}", 2, "field 'ids' must be a list" },
	{ "[]", 1, "arguments must be an object" },
};

static void
test_cases(void **state)
{
	const struct msgfield *tabs[2] = { own, sel };
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		int rc;

		assert_non_null(v);
		err[0] = '\0';
		rc = msgcheck(v, tabs, (size_t)cases[i].ntab, err, sizeof(err));
		if (cases[i].err == NULL) {
			if (rc != 0)
				fail_msg("%s refused: %s", cases[i].json, err);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, cases[i].err);
		}
		json_decref(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
