/*
 * test_adminfmt.c - the administration and configuration output from
 * canned master answers: bparams (short, -l, -a), showconf, lsclusters,
 * bhosts -w/-l with an administrator's close, bqueues -l, and -json.
 * Each case names a line that must appear (or must not) in the output.
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

enum fmt { F_BP_SHORT, F_BP_LONG, F_BP_ALL, F_SHOWCONF, F_CLUSTERS, F_HOSTS,
	F_HOSTS_W, F_HOSTS_L, F_QUEUES_L, F_JSON };

static json_t *
canned(enum fmt f)
{
	switch (f) {
	case F_BP_SHORT:
	case F_BP_LONG:
	case F_BP_ALL:
		return json_pack("[{s:s,s:s,s:s,s:b,s:s},{s:s,s:s,s:s,s:b,s:s},"
		    "{s:s,s:s,s:s,s:b,s:s},{s:s,s:s,s:s,s:b,s:s}]",
		    "key", "DEFAULT_QUEUE", "value", "normal", "unit", "", "core", 1,
		    "desc", "System default queues for automatic queue selection",
		    "key", "MBD_SLEEP_TIME", "value", "10", "unit", "seconds", "core", 1,
		    "desc", "The interval for dispatching jobs by master batch daemon",
		    "key", "RESOURCE_RESERVE_PER_TASK", "value", "N", "unit", "",
		    "core", 0, "desc", "Whether rusage resources are reserved per task",
		    "key", "LSF_UNIT_FOR_LIMITS", "value", "MB", "unit", "", "core", 1,
		    "desc", "The unit of memory limits");
	case F_SHOWCONF:
		return json_pack("{s:s, s:[{s:s,s:s},{s:s,s:s}]}", "header",
		    "MBD configuration at Mon Nov 23 10:00:00 UTC 2026", "conf",
		    "key", "LSB_SHAREDIR", "value", "/var/lib/pumice",
		    "key", "LSF_CONFDIR", "value", "/etc/pumice");
	case F_CLUSTERS:
		return json_pack("[{s:s,s:s,s:s,s:s,s:i,s:i}]", "name",
		    "a_cluster_name_longer_than_its_column", "status", "ok", "master",
		    "head", "admin", "lsfadmin", "hosts", 4, "servers", 4);
	case F_HOSTS:
	case F_HOSTS_W:
	case F_HOSTS_L:
		return json_pack("[{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:I,s:I,"
		    "s:[f,f,f],s:f,s:s}]", "name", "node1", "status", "closed_Adm",
		    "max", 4, "njobs", 1, "run", 1, "ssusp", 0, "ususp", 0, "rsv", 0,
		    "ncpus", 4, "mem_free", (json_int_t)8 * 1024 * 1024,
		    "swap_free", (json_int_t)512 * 1024, "load", 0.5, 1.0, 1.5,
		    "ut", 0.25, "comment", "disk swap");
	case F_QUEUES_L:
		return json_pack("[{s:s,s:i,s:s,s:i,s:s,s:s,s:s,s:i,s:i,s:i,s:i,"
		    "s:s,s:[],s:[s,s],s:{s:s}}]", "name", "normal", "priority", 30,
		    "status", "Closed:Inactive", "max", 10, "jl_u", "-", "jl_p", "-",
		    "jl_h", "-", "njobs", 3, "pend", 1, "run", 2, "susp", 0,
		    "description", "For normal jobs", "users",
		    "hosts", "node1", "node2", "params", "RUNLIMIT", "60");
	case F_JSON:
		return json_pack("{s:[]}", "clusters");
	}
	return NULL;
}

static char *
render(enum fmt f)
{
	json_t *data = canned(f);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	switch (f) {
	case F_BP_SHORT: bparams_print(fp, data, false, false); break;
	case F_BP_LONG: bparams_print(fp, data, false, true); break;
	case F_BP_ALL: bparams_print(fp, data, true, false); break;
	case F_SHOWCONF: showconf_print(fp, data); break;
	case F_CLUSTERS: lsclusters_print(fp, data); break;
	case F_HOSTS: bhosts_print(fp, data, false); break;
	case F_HOSTS_W: bhosts_print(fp, data, true); break;
	case F_HOSTS_L: bhosts_print_long(fp, data); break;
	case F_QUEUES_L: bqueues_print_long(fp, data); break;
	case F_JSON: cli_print_json(fp, "lsclusters", data); break;
	}
	fclose(fp);
	json_decref(data);
	return buf;
}

/* True when text has a line equal to line. */
static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
		p++;
	}
	return false;
}

static const struct fmt_case {
	enum fmt f;
	const char *line;
	bool present;
} fmt_cases[] = {
	{ F_BP_SHORT, "Default Queues:  normal", true },
	{ F_BP_SHORT, "Job Dispatch Interval:  10 seconds", true },
	{ F_BP_SHORT, "    LSF_UNIT_FOR_LIMITS = MB", false },
	{ F_BP_LONG, "System default queues for automatic queue selection:", true },
	{ F_BP_LONG, "    MBD_SLEEP_TIME = 10 (seconds)", true },
	{ F_BP_LONG, "    RESOURCE_RESERVE_PER_TASK = N", false },
	{ F_BP_ALL, "    RESOURCE_RESERVE_PER_TASK = N", true },
	{ F_BP_ALL, "    LSF_UNIT_FOR_LIMITS = MB", true },
	{ F_BP_ALL, "    MBD_SLEEP_TIME = 10", true },
	{ F_SHOWCONF, "MBD configuration at Mon Nov 23 10:00:00 UTC 2026", true },
	{ F_SHOWCONF, "    LSB_SHAREDIR = /var/lib/pumice", true },
	{ F_SHOWCONF, "    LSF_CONFDIR = /etc/pumice", true },
	{ F_CLUSTERS, "CLUSTER_NAME   STATUS   MASTER_HOST               ADMIN    "
	    "HOSTS  SERVERS", true },
	{ F_CLUSTERS, "a_cluster_name_longer_than_its_column ok       head      "
	    "                lsfadmin     4        4", true },
	{ F_HOSTS, "node1              closed          -      4      1      1      "
	    "0      0      0", true },
	{ F_HOSTS_W, "node1              closed_Adm      -      4      1      1      "
	    "0      0      0", true },
	{ F_HOSTS_L, "HOST  node1", true },
	{ F_HOSTS_L, " ADMIN ACTION COMMENT: \"disk swap\"", true },
	{ F_HOSTS_L, " Total           0.5   1.0   1.5   25%  512M  8.0G      3", true },
	{ F_QUEUES_L, "QUEUE: normal", true },
	{ F_QUEUES_L, "  -- For normal jobs", true },
	{ F_QUEUES_L, "  30    0  Closed:Inactive    10    -    -    -     3     1     2     0",
	    true },
	{ F_QUEUES_L, "RUNLIMIT: 60", true },
	{ F_QUEUES_L, "USERS: all", true },
	{ F_QUEUES_L, "HOSTS: node1 node2", true },
	{ F_JSON, "  \"COMMAND\": \"lsclusters\",", true },
};

static void
test_fmt_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
		char *out = render(fmt_cases[i].f);
		if (has_line(out, fmt_cases[i].line) != fmt_cases[i].present)
			fail_msg("case %zu: line '%s' should%s appear in:\n%s", i,
			    fmt_cases[i].line, fmt_cases[i].present ? "" : " not", out);
		free(out);
	}
}

/* bparams -a: every line is "KEY = value" once split on '='. */
static void
test_bparams_all_splits(void **state)
{
	char *out = render(F_BP_ALL), *line, *save = NULL;
	int n = 0;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		assert_non_null(eq);
		assert_null(strchr(eq + 1, '='));
		assert_int_equal(eq[-1], ' ');
		assert_int_equal(eq[1], ' ');
		n++;
	}
	assert_int_equal(n, 4);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_cases),
		cmocka_unit_test(test_bparams_all_splits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
