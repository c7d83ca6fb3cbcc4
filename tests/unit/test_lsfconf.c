/*
 * test_lsfconf.c - lsf.conf and Begin/End section syntax (lsfconf.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lsfconf.h"

static const char lsfconf_text[] =
    "# lsf.conf\n"
    "LSF_CONFDIR=/etc/pumice\n"
    "LSF_MASTER_LIST=\"h1 h2\"   # master candidates\n"
    "LSB_MBD_PORT = 6881\n"
    "LSF_UNIT_FOR_LIMITS=MB\n"
    "export LSF_LOGDIR=/var/log/pumice\n"
    "QUOTED='a # b'\n"
    "MIXED=x\"y z\"'w'\n"
    "ESC=a\\ b\n"
    "LONG=one \\\n"
    "  two\n"
    "\n"
    "   \t\n"
    "EMPTY=\n"
    "LSB_MBD_PORT=7000\n"
    "lower_case=1\n";

static void
test_lsfconf_good(void **state)
{
	struct cfg_file f;
	char err[128];

	if (cfg_parse_lsfconf("lsf.conf", lsfconf_text, &f, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(f.path, "lsf.conf");
	assert_string_equal(cfg_get(&f, "LSF_CONFDIR"), "/etc/pumice");
	assert_string_equal(cfg_get(&f, "LSF_MASTER_LIST"), "h1 h2");
	assert_string_equal(cfg_get(&f, "lsf_master_list"), "h1 h2");
	assert_string_equal(cfg_get(&f, "LSB_MBD_PORT"), "7000");	/* last wins */
	assert_string_equal(cfg_get(&f, "LSF_LOGDIR"), "/var/log/pumice");
	assert_string_equal(cfg_get(&f, "QUOTED"), "a # b");
	assert_string_equal(cfg_get(&f, "MIXED"), "xy zw");
	assert_string_equal(cfg_get(&f, "ESC"), "a b");
	assert_string_equal(cfg_get(&f, "LONG"), "one    two");
	assert_string_equal(cfg_get(&f, "EMPTY"), "");
	assert_string_equal(cfg_get(&f, "lower_case"), "1");
	assert_null(cfg_get(&f, "NOPE"));
	assert_int_equal(f.nkv, 11);
	assert_int_equal(f.kv[1].line, 3);
	assert_int_equal(f.kv[2].line, 15);	/* the replacing line */
	cfg_file_free(&f);
	cfg_file_free(&f);
}

static const struct {
	const char *text, *err;
} lsfconf_bad[] = {
	{ "A=1\nnot a setting\n", "lsf.conf:2: expected NAME=VALUE" },
	{ "=1\n", "lsf.conf:1: expected NAME=VALUE" },
	{ "1A=1\n", "lsf.conf:1: expected NAME=VALUE" },
	{ "A-B=1\n", "lsf.conf:1: expected NAME=VALUE" },
	{ "\n\nA=\"open\n", "lsf.conf:3: unterminated quote" },
	{ "A='x\n", "lsf.conf:1: unterminated quote" },
	{ "Begin Parameters\n", "lsf.conf:1: expected NAME=VALUE" },
};

static void
test_lsfconf_bad(void **state)
{
	struct cfg_file f;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(lsfconf_bad) / sizeof(lsfconf_bad[0]); i++) {
		if (cfg_parse_lsfconf("lsf.conf", lsfconf_bad[i].text, &f, err,
		    sizeof(err)) != -1)
			fail_msg("case %zu accepted", i);
		assert_string_equal(err, lsfconf_bad[i].err);
		assert_null(f.path);
	}
}

static const char sections_text[] =
    "# lsf.cluster.demo\n"
    "Begin   ClusterAdmins\n"
    "Administrators = lsfadmin bob\n"
    "END ClusterAdmins\n"
    "\n"
    "Begin Host\n"
    "HOSTNAME  model  type   server  r1m  RESOURCES   # columns\n"
    "hostA     !      !      1       3.5  (cs fs)\n"
    "hostB     !      !      1       -    ()\n"
    "hostC     IntelI5 linux 0\n"
    "\"host D\" ( a  ( b ) ) x 1 - ( )\n"
    "End Host\n"
    "begin queue\n"
    "QUEUE_NAME = normal\n"
    "DESCRIPTION = \"For normal # jobs\"\n"
    "PRE_EXEC = /bin/echo \"x y\"\n"
    "USERS = a \\\n"
    "        b\n"
    "r1m=0.7/2.0\n"
    "End Queue\n"
    "Begin Resource\n"
    "RESOURCENAME TYPE INTERVAL INCREASING DESCRIPTION\n"
    "End Resource\n";

static void
test_sections_good(void **state)
{
	struct cfg_file f;
	struct cfg_section *s;
	char err[128];

	if (cfg_parse_sections("lsf.cluster.demo", sections_text, &f, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(f.nsec, 4);
	s = &f.sec[0];
	assert_string_equal(s->name, "ClusterAdmins");
	assert_int_equal(s->line, 2);
	assert_false(s->is_table);
	assert_string_equal(cfg_section_get(s, "administrators"), "lsfadmin bob");
	s = &f.sec[1];
	assert_true(s->is_table);
	assert_int_equal(s->ncols, 6);
	assert_int_equal(cfg_table_col(s, "resources"), 5);
	assert_int_equal(cfg_table_col(s, "nothere"), -1);
	assert_int_equal(s->nrows, 4);
	assert_string_equal(s->rows[0][0], "hostA");
	assert_string_equal(s->rows[0][1], "!");
	assert_string_equal(s->rows[0][4], "3.5");
	assert_string_equal(s->rows[0][5], "cs fs");
	assert_null(s->rows[1][4]);
	assert_null(s->rows[1][5]);
	assert_string_equal(s->rows[2][3], "0");
	assert_null(s->rows[2][4]);	/* missing trailing columns */
	assert_null(s->rows[2][5]);
	assert_string_equal(s->rows[3][0], "host D");
	assert_string_equal(s->rows[3][1], "a  ( b )");
	assert_null(s->rows[3][5]);
	assert_int_equal(s->row_lines[3], 11);
	s = &f.sec[2];
	assert_string_equal(s->name, "queue");
	assert_false(s->is_table);
	assert_string_equal(cfg_section_get(s, "QUEUE_NAME"), "normal");
	assert_string_equal(cfg_section_get(s, "DESCRIPTION"), "For normal # jobs");
	assert_string_equal(cfg_section_get(s, "PRE_EXEC"), "/bin/echo \"x y\"");
	assert_string_equal(cfg_section_get(s, "users"), "a          b");
	assert_string_equal(cfg_section_get(s, "r1m"), "0.7/2.0");
	assert_int_equal(s->kv[4].line, 19);
	assert_null(cfg_section_get(s, "HOSTS"));
	s = &f.sec[3];
	assert_int_equal(s->ncols, 5);
	assert_int_equal(s->nrows, 0);
	cfg_file_free(&f);
}

static const struct {
	const char *text, *err;
} sections_bad[] = {
	{ "Begin Queue\nQUEUE_NAME = a\n", "f:1: Begin Queue without End Queue" },
	{ "Begin Queue\nBegin Host\n", "f:2: Begin Host inside section Queue (begun at line 1)" },
	{ "End Queue\n", "f:1: End Queue without Begin" },
	{ "Begin Queue\nEnd Host\n", "f:2: End Host does not match Begin Queue at line 1" },
	{ "Begin\n", "f:1: Begin without a section name" },
	{ "\n\nQUEUE_NAME = a\n", "f:3: expected Begin <section>" },
	{ "Begin Queue\nQUEUE_NAME normal\nEnd Queue\n", "f:2: expected KEY = value in section Queue" },
	{ "Begin Queue\n= normal\nEnd Queue\n", "f:2: bad key before '=' in section Queue" },
	{ "Begin Queue\nA B = normal\nEnd Queue\n", "f:2: bad key before '=' in section Queue" },
	{ "Begin Host\nA B\n1 2 3\nEnd Host\n", "f:3: more entries than the 2 columns of section Host" },
	{ "Begin Host\nA B\n1 (2\nEnd Host\n", "f:3: unterminated '('" },
	{ "Begin Host\nA B\n\"1 2\nEnd Host\n", "f:3: unterminated '\"'" },
};

static void
test_sections_bad(void **state)
{
	struct cfg_file f;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(sections_bad) / sizeof(sections_bad[0]); i++) {
		if (cfg_parse_sections("f", sections_bad[i].text, &f, err,
		    sizeof(err)) != -1)
			fail_msg("case %zu accepted", i);
		assert_string_equal(err, sections_bad[i].err);
	}
}

static void
test_is_table(void **state)
{
	assert_true(cfg_section_is_table("Host"));
	assert_true(cfg_section_is_table("CLUSTER"));
	assert_true(cfg_section_is_table("usergroup"));
	assert_true(cfg_section_is_table("HostGroup"));
	assert_false(cfg_section_is_table("Parameters"));
	assert_false(cfg_section_is_table("Queue"));
	assert_false(cfg_section_is_table("ClusterAdmins"));
}

static void
test_load(void **state)
{
	char dir[] = "/tmp/test_lsfconf.XXXXXX", path[64], err[256];
	struct cfg_file f;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lsf.conf", dir);
	assert_int_equal(cfg_load_lsfconf(path, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "lsf.conf: No such file or directory"));
	assert_non_null(fp = fopen(path, "w"));
	fputs("A=1\nBegin X\n", fp);
	fclose(fp);
	assert_int_equal(cfg_load_lsfconf(path, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/lsf.conf:2: expected NAME=VALUE"));
	assert_int_equal(cfg_load_sections(path, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/lsf.conf:1: expected Begin <section>"));
	assert_non_null(fp = fopen(path, "w"));
	fputs("A=1", fp);	/* no final newline */
	fclose(fp);
	assert_int_equal(cfg_load_lsfconf(path, &f, err, sizeof(err)), 0);
	assert_string_equal(cfg_get(&f, "A"), "1");
	assert_string_equal(f.path, path);
	cfg_file_free(&f);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsfconf_good),
		cmocka_unit_test(test_lsfconf_bad),
		cmocka_unit_test(test_sections_good),
		cmocka_unit_test(test_sections_bad),
		cmocka_unit_test(test_is_table),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
