/*
 * test_bflowspec.c - workflow descriptions as flow_submit requests
 * (cli/bflowspec.c): each step's words become the SUBMIT object bsub
 * -pack would send, and a bad step is refused with its name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/bflow.h"

static json_t *
request(const char *text, char *err, size_t errlen)
{
	json_t *desc = json_loads(text, 0, NULL), *req;

	assert_non_null(desc);
	err[0] = '\0';
	req = bflowspec_request(desc, false, NULL, err, errlen);
	json_decref(desc);
	return req;
}

/* Descriptions refused, and why. */
static void
test_refused(void **state)
{
	static const struct { const char *desc, *err; } cases[] = {
		{ "[1]", "the description is not a JSON object" },
		{ "{\"chain\": [{\"cmd\": \"true\"}], \"continue\": 1}",
		  "\"continue\" is not true or false" },
		{ "{\"chain\": [{\"bsub\": \"-n 2\", \"args\": [\"true\"]}]}",
		  "step step1: a step has \"bsub\" or \"args\", not both" },
		{ "{\"chain\": [{\"cmd\": \"true\"}, {\"name\": \"b\", \"bsub\": \"-n 2\"}]}",
		  "step b: No command is specified" },
		{ "{\"group\": [{\"name\": \"q\", \"bsub\": \"'open true\"}]}",
		  "step q: " },
		{ "{\"chain\": [{\"args\": [\"true\", 3]}]}",
		  "step step1: \"args\" is not a list of strings" },
		{ "{\"chain\": [{\"cmd\": 7}]}", "step step1: \"cmd\" is not a string" },
		{ "{\"chord\": [{\"cmd\": \"true\"}], \"then\": {\"name\": \"r\", "
		  "\"bsub\": \"-K true\"}}", "step r: -K cannot be used in a job pack" },
		{ "{\"chain\": [1]}", "a workflow node is not an object" },
	};
	char err[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *req = request(cases[i].desc, err, sizeof(err));
		if (req != NULL)
			fail_msg("%s: accepted", cases[i].desc);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("%s: \"%s\", expected \"%s\"", cases[i].desc, err,
			    cases[i].err);
	}
}

/* A step's words: options through bsub's table, "cmd" as one word. */
static void
test_steps(void **state)
{
	char err[1024];
	json_t *req = request("{\"name\": \"w\", \"continue\": true, \"chain\": ["
	    "{\"name\": \"a\", \"bsub\": \"-J el[1-3] -n 2\", \"cmd\": \"echo $X > o\"},"
	    "{\"chord\": [{\"args\": [\"-q\", \"short\", \"true\"]}],"
	    " \"then\": {\"bsub\": \"echo 'a b'\", \"retry\": 2}}]}", err, sizeof(err));
	json_t *flow, *a, *m, *t;

	(void)state;
	assert_non_null(req);
	assert_string_equal(json_string_value(json_object_get(req, "name")), "w");
	assert_true(json_is_true(json_object_get(req, "continue")));
	flow = json_object_get(req, "flow");
	assert_null(json_object_get(flow, "continue"));
	a = json_object_get(json_array_get(json_object_get(flow, "chain"), 0), "job");
	assert_string_equal(json_string_value(json_object_get(a, "cmd")), "echo $X > o");
	assert_string_equal(json_string_value(json_object_get(a, "name")), "el");
	assert_string_equal(json_string_value(json_object_get(a, "array")), "1-3");
	assert_int_equal(json_integer_value(json_object_get(a, "nslots")), 2);
	m = json_array_get(json_object_get(json_array_get(json_object_get(flow,
	    "chain"), 1), "chord"), 0);
	assert_null(json_object_get(m, "args"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "job"),
	    "queue")), "short");
	t = json_object_get(json_array_get(json_object_get(flow, "chain"), 1), "then");
	assert_int_equal(json_integer_value(json_object_get(t, "retry")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(t, "job"),
	    "cmd")), "echo 'a b'");
	json_decref(req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
