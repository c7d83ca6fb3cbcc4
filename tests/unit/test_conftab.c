/*
 * test_conftab.c - the configuration key table (conftab.c): values checked
 * by type and range, lookups by file and case, and every key documented in
 * its file's section-5 manual page (run from the top of the tree, as make
 * check does; PUMICE_SRCDIR names another); the lsb.params rows that drive
 * bparams: a description each, the struct conf fields their live values
 * come from, and params_list built from them.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/master.h"
#include "conf.h"
#include "conftab.h"
#include "util.h"

static const struct {
	enum conftab_file file;
	const char *key, *value;
	int ok;
} checks[] = {
	{ CT_LSF_CONF, "PUMICE_HEARTBEAT", "5", 1 },
	{ CT_LSF_CONF, "PUMICE_HEARTBEAT", "0", 0 },
	{ CT_LSF_CONF, "PUMICE_HEARTBEAT", "3601", 0 },
	{ CT_LSF_CONF, "pumice_heartbeat", "5x", 0 },
	{ CT_LSF_CONF, "LSB_MBD_PORT", "65535", 1 },
	{ CT_LSF_CONF, "LSB_MBD_PORT", "65536", 0 },
	{ CT_LSF_CONF, "LSF_UNIT_FOR_LIMITS", "GB", 1 },
	{ CT_LSF_CONF, "LSF_UNIT_FOR_LIMITS", "k", 1 },
	{ CT_LSF_CONF, "LSF_UNIT_FOR_LIMITS", "XB", 0 },
	{ CT_LSF_CONF, "LSF_UNIT_FOR_LIMITS", "", 0 },
	{ CT_LSB_PARAMS, "MAX_JOBID", "999999", 1 },
	{ CT_LSB_PARAMS, "MAX_JOBID", "0", 0 },
	{ CT_LSB_QUEUES, "PRIORITY", "high", 0 },
	{ CT_LSB_QUEUES, "UJOB_LIMIT", "-5", 0 },
	{ CT_LSB_QUEUES, "r1m", "0.7/2.0", 1 },
	{ CT_LSB_QUEUES, "R1M", "/2", 1 },
	{ CT_LSB_QUEUES, "r1m", "0.7/x", 0 },
	{ CT_LSB_QUEUES, "NICE", "anything", 1 },
};

static void
test_check(void **state)
{
	const struct conftab_key *k;
	char err[256];
	size_t i;

	for (i = 0; i < nitems(checks); i++) {
		k = conftab_find(checks[i].file, checks[i].key);
		assert_non_null(k);
		err[0] = '\0';
		if (checks[i].ok)
			assert_int_equal(conftab_check(k, checks[i].value, err, sizeof(err)), 0);
		else {
			assert_int_equal(conftab_check(k, checks[i].value, err, sizeof(err)), -1);
			assert_non_null(strstr(err, k->key));
		}
	}
}

static void
test_find(void **state)
{
	assert_null(conftab_find(CT_LSB_QUEUES, "NO_SUCH_KEY"));
	/* a key belongs to its file only */
	assert_null(conftab_find(CT_LSB_QUEUES, "PUMICE_HEARTBEAT"));
	assert_non_null(conftab_find(CT_LSB_QUEUES, "job_starter"));
}

/* Every key appears as a word in man/man5/<file>.5. */
static void
test_documented(void **state)
{
	const char *src = getenv("PUMICE_SRCDIR");
	char *path, *text, *p;
	size_t i, n, missing = 0;

	for (i = 0; i < conftab_n; i++) {
		path = xasprintf("%s/man/man5/%s.5", src ? src : ".",
		    conftab_file_name(conftab[i].file));
		text = file_read_all(path, NULL);
		assert_non_null(text);
		n = strlen(conftab[i].key);
		for (p = text; (p = strstr(p, conftab[i].key)) != NULL; p += n)
			if ((p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
			    !(isalnum((unsigned char)p[n]) || p[n] == '_'))
				break;
		if (p == NULL) {
			print_message("%s: no entry for %s\n", path, conftab[i].key);
			missing++;
		}
		free(text);
		free(path);
	}
	assert_int_equal(missing, 0);
}

/* Every lsb.params row describes itself for bparams -l, in LSF's words
 * (a capitalised phrase, not the generic line of a RAW key); listed rows
 * have a unit (maybe ""); only integers live in a long. */
static void
test_params_rows(void **state)
{
	const struct conftab_key *k;
	size_t i, nlisted = 0;

	for (i = 0; i < conftab_n; i++) {
		k = &conftab[i];
		if (k->file != CT_LSB_PARAMS) {
			assert_int_equal(k->flags, 0);
			continue;
		}
		if (k->help == NULL || !isupper((unsigned char)k->help[0]) ||
		    strstr(k->help, "accepted and kept") != NULL)
			fail_msg("%s: no description", k->key);
		if (k->flags & CTF_LISTED) {
			assert_non_null(k->unit);
			nlisted++;
		} else
			assert_false(k->flags & CTF_CORE);
		if (k->live == CV_LONG)
			assert_int_equal(k->type, CT_INT);
	}
	assert_int_equal(nlisted, 21);
	k = conftab_find(CT_LSB_PARAMS, "MAX_JOB_REQUEUE");
	assert_int_equal(k->type, CT_INT);
	assert_int_equal(k->max, INT_MAX);
}

/* Each field of struct conf a row points at, set to a value of its own. */
static const struct {
	const char *key, *value;
} lives[] = {
	{ "DEFAULT_QUEUE", "dq" },
	{ "CLEAN_PERIOD", "11" },
	{ "PUMICE_HISTORY_DAYS", "12" },
	{ "MAX_JOB_ARRAY_SIZE", "13" },
	{ "MAX_JOBID", "14" },
	{ "JOB_TERMINATE_INTERVAL", "15" },
	{ "ACCT_ARCHIVE_SIZE", "16" },
	{ "MAX_ACCT_ARCHIVE_FILE", "17" },
};

static void
live_conf(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->default_queue = "dq";
	c->clean_period = 11;
	c->history_days = 12;
	c->max_job_array_size = 13;
	c->max_jobid = 14;
	c->job_terminate_interval = 15;
	c->acct_archive_size = 16;
	c->max_acct_archive_file = 17;
	c->unit_for_limits = "GB";
}

static void
test_live(void **state)
{
	const struct conftab_key *k;
	struct conf c;
	size_t i, j, nlive = 0;
	char *v;

	live_conf(&c);
	for (i = 0; i < conftab_n; i++) {
		k = &conftab[i];
		if (k->live == CV_NONE)
			continue;
		nlive++;
		for (j = 0; j < nitems(lives) && strcmp(lives[j].key, k->key) != 0; j++)
			;
		if (j == nitems(lives))
			fail_msg("%s: live in struct conf, not in the test", k->key);
		assert_non_null(v = conftab_live_value(k, &c));
		assert_string_equal(v, lives[j].value);
		free(v);
		if (k->live == CV_LONG)
			assert_int_equal(*conftab_live_long(k, &c), atol(lives[j].value));
		else
			assert_null(conftab_live_long(k, &c));
	}
	assert_int_equal(nlive, nitems(lives));
	assert_null(conftab_live_value(conftab_find(CT_LSB_PARAMS, "MBD_SLEEP_TIME"), &c));
}

static const json_t *
param(const json_t *list, const char *key)
{
	const json_t *p;
	size_t i;

	json_array_foreach(list, i, p)
		if (strcmp(json_string_value(json_object_get(p, "key")), key) == 0)
			return p;
	fail_msg("%s: not listed", key);
	return NULL;
}

#define PSTR(list, key, field) json_string_value(json_object_get(param(list, key), field))
#define PCORE(list, key) json_is_true(json_object_get(param(list, key), "core"))

/* params_list (bparams, showconf mbd): the listed rows in order, live
 * longs over the file's text, the file's text over a derived string, the
 * row's default last; keys the file sets that are not listed, as written. */
static void
test_params_list(void **state)
{
	struct cfg_kv kv[] = {
		{ "MBD_SLEEP_TIME", "7", 2 }, { "PUMICE_HISTORY_DAYS", "3", 3 },
		{ "DEFAULT_QUEUE", "a b", 4 }, { "MAX_JOBID", "5000", 5 },
		{ "JOB_SCHEDULING_INTERVAL", "2", 6 }, { "NO_SUCH_KEY", "1", 7 },
	};
	struct cfg_section sec = { .name = "Parameters", .kv = kv, .nkv = nitems(kv) };
	const json_t *p;
	struct conf c;
	json_t *list;
	size_t i;

	live_conf(&c);
	c.params.sec = &sec;
	c.params.nsec = 1;
	list = params_list(&c);
	assert_int_equal(json_array_size(list), 21 + 3);
	assert_string_equal(PSTR(list, "DEFAULT_QUEUE", "value"), "a b");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0),
	    "key")), "DEFAULT_QUEUE");
	assert_string_equal(PSTR(list, "MAX_JOBID", "value"), "14");
	assert_string_equal(PSTR(list, "CLEAN_PERIOD", "value"), "11");
	assert_string_equal(PSTR(list, "CLEAN_PERIOD", "unit"), "seconds");
	assert_string_equal(PSTR(list, "MBD_SLEEP_TIME", "value"), "7");
	assert_string_equal(PSTR(list, "MAX_JOB_REQUEUE", "value"), "2147483647");
	assert_false(PCORE(list, "MAX_JOB_REQUEUE"));
	assert_true(PCORE(list, "JOB_SCHEDULING_INTERVAL"));	/* set in the file */
	assert_true(PCORE(list, "MAX_JOBID"));
	assert_string_equal(PSTR(list, "PUMICE_HISTORY_DAYS", "value"), "3");
	/* a key Pumice acts on, listed because the file sets it: its own words */
	assert_string_equal(PSTR(list, "PUMICE_HISTORY_DAYS", "desc"),
	    "The number of days finished jobs are kept in the state database");
	assert_string_equal(PSTR(list, "PUMICE_HISTORY_DAYS", "unit"), "days");
	assert_string_equal(PSTR(list, "NO_SUCH_KEY", "desc"),
	    "A parameter Pumice keeps without acting on it");
	assert_string_equal(PSTR(list, "LSF_UNIT_FOR_LIMITS", "value"), "GB");
	assert_string_equal(PSTR(list, "MAX_JOBID", "desc"), "The maximum job ID");
	json_array_foreach(list, i, p)
		assert_true(strlen(json_string_value(json_object_get(p, "desc"))) > 0);
	json_decref(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_documented),
		cmocka_unit_test(test_params_rows),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_params_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
