/*
 * test_ctlcmd.c - the job control commands' parsing: bmod's options and
 * -Xn unsetting forms into the modify request, and the shared selection
 * (ctlcmd.c) of bkill/bstop/brequeue/bswitch, good and bad inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/cli.h"
#include "util.h"

static const struct {
	const char *args[8];
	const char *want;	/* compact sorted JSON, or NULL: rejected */
} bmod_cases[] = {
	{ { "-W", "10", "123" }, "{\"id\":123,\"opts\":{\"W\":\"10\"},\"set\":{},\"unset\":[]}" },
	{ { "-Wn", "-Mn", "5" }, "{\"id\":5,\"opts\":{\"M\":null,\"W\":null},\"set\":{},\"unset\":[]}" },
	{ { "-wn", "-on", "5" }, "{\"id\":5,\"opts\":{\"o\":null,\"w\":null},\"set\":{},"
	    "\"unset\":[\"out\",\"out_trunc\",\"dep\"]}" },
	{ { "-json", "-Jdn", "-Jd", "x", "5" }, "{\"id\":5,\"opts\":{\"Jd\":\"x\"},"
	    "\"set\":{},\"unset\":[]}" },
	{ { "-gpu", "num=1", "5" }, "{\"id\":5,\"opts\":{\"gpu\":\"num=1\"},"
	    "\"set\":{},\"unset\":[]}" },		/* -gpu, not -g pu */
	{ { "-gpun", "5" }, "{\"id\":5,\"opts\":{\"gpu\":null},\"set\":{},\"unset\":[]}" },
	{ { "-gpu", "num=zero", "5" }, NULL },
	{ { "-Jn", "5" }, "{\"id\":5,\"opts\":{\"J\":null},\"set\":{},\"unset\":[\"name\"]}" },
	{ { "-J", "new", "-q", "short", "7" }, "{\"id\":7,\"opts\":{\"J\":\"new\",\"q\":\"short\"},"
	    "\"set\":{\"name\":\"new\",\"queue\":\"short\"},\"unset\":[]}" },
	{ { "-J", "%4", "7" }, "{\"id\":7,\"opts\":{\"J\":\"%4\"},\"set\":{\"limit\":4},\"unset\":[]}" },
	{ { "-n", "2", "-w", "done(3)", "8[2]" }, "{\"id\":8,\"idx\":\"2\",\"opts\":{\"n\":\"2\","
	    "\"w\":\"done(3)\"},\"set\":{\"dep\":\"done(3)\",\"nslots\":2},\"unset\":[]}" },
	{ { "-rn", "9" }, "{\"id\":9,\"opts\":{\"rn\":true},\"set\":{},\"unset\":[]}" },
	{ { "-W", "10" }, NULL },			/* no job id */
	{ { "-W", "10", "1", "2" }, NULL },		/* two ids */
	{ { "-W", "abc", "1" }, NULL },
	{ { "-J", "a[1-5]", "1" }, NULL },		/* index list */
	{ { "-w", "done((", "1" }, NULL },
	{ { "-bogus", "1" }, NULL },
	{ { "-W", "10", "x1" }, NULL },
};

static void
test_bmod(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bmod_cases) / sizeof(bmod_cases[0]); i++) {
		char *argv[10] = { "bmod" };
		int argc = 1, k;
		char err[256], *s;
		bool json;
		json_t *req;

		for (k = 0; bmod_cases[i].args[k] != NULL; k++)
			argv[argc++] = (char *)bmod_cases[i].args[k];
		req = bmod_request(argc, argv, &json, err, sizeof(err));
		if (bmod_cases[i].want == NULL) {
			if (req != NULL)
				fail_msg("case %zu: accepted", i);
			assert_true(err[0] != '\0');
			continue;
		}
		if (req == NULL)
			fail_msg("case %zu: %s", i, err);
		s = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS);
		if (strcmp(s, bmod_cases[i].want) != 0)
			fail_msg("case %zu: got %s", i, s);
		free(s);
		json_decref(req);
	}
}

static const struct ctlcmd_opt rq_opts[] = {
	{ "d", "req_done", false }, { "H", "hold", false },
};
static const struct ctlcmd rq_cmd = {
	"brequeue", "requeue", "usage", rq_opts, 2, NULL,
};
static const struct ctlcmd sw_cmd = {
	"bswitch", "switch", "usage", NULL, 0, "dest",
};

static const struct {
	const struct ctlcmd *cmd;
	const char *args[8];
	const char *want;	/* NULL: rejected */
	bool json;
} sel_cases[] = {
	{ &rq_cmd, { "-d", "-H", "12", "13[2]" },
	    "{\"hold\":true,\"ids\":[{\"id\":12},{\"id\":13,\"idx\":\"2\"}],\"req_done\":true}", false },
	{ &rq_cmd, { "-json", "-u", "all", "0" },
	    "{\"all\":true,\"ids\":[],\"user\":\"all\"}", true },
	{ &rq_cmd, { "-J", "x*" }, "{\"ids\":[],\"name\":\"x*\"}", false },
	{ &rq_cmd, { "-m", "node1", "-q", "short" },
	    "{\"host\":\"node1\",\"ids\":[],\"queue\":\"short\"}", false },
	{ &sw_cmd, { "short", "4", "5" },
	    "{\"dest\":\"short\",\"ids\":[{\"id\":4},{\"id\":5}]}", false },
	{ &rq_cmd, { "-r", "1" }, NULL, false },	/* not one of brequeue's */
	{ &rq_cmd, { "-J" }, NULL, false },
	{ &rq_cmd, { "abc" }, NULL, false },
	{ &rq_cmd, { "-d" }, NULL, false },		/* nothing selected */
	{ &sw_cmd, { NULL }, NULL, false },		/* no queue */
};

static void
test_select(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(sel_cases) / sizeof(sel_cases[0]); i++) {
		char *argv[10] = { "cmd" };
		int argc = 1, k;
		bool json = false;
		json_t *req;
		char *s;

		for (k = 0; sel_cases[i].args[k] != NULL; k++)
			argv[argc++] = (char *)sel_cases[i].args[k];
		req = ctlcmd_request(sel_cases[i].cmd, argc, argv, &json);
		if (sel_cases[i].want == NULL) {
			if (req != NULL)
				fail_msg("case %zu: accepted", i);
			continue;
		}
		if (req == NULL)
			fail_msg("case %zu: rejected", i);
		s = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS);
		if (strcmp(s, sel_cases[i].want) != 0)
			fail_msg("case %zu: got %s", i, s);
		assert_int_equal(json, sel_cases[i].json);
		free(s);
		json_decref(req);
	}
}

static void
test_results(void **state)
{
	json_t *ok = json_pack("[{s:s, s:b, s:s}]", "job", "1", "ok", 1, "msg",
	    "Job <1> is being stopped");
	json_t *bad = json_pack("[{s:s, s:b, s:s}, {s:s, s:b, s:s}]", "job", "1", "ok", 1,
	    "msg", "Job <1> is being stopped", "job", "2", "ok", 0, "msg",
	    "Job <2>: Job has already finished");
	json_t *none = json_array();

	assert_int_equal(ctlcmd_results("bstop", ok, true), 0);
	assert_int_equal(ctlcmd_results("bstop", bad, true), CLI_EXIT_FAIL);
	assert_int_equal(ctlcmd_results("bstop", none, true), CLI_EXIT_FAIL);
	json_decref(ok);
	json_decref(bad);
	json_decref(none);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bmod),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_results),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
