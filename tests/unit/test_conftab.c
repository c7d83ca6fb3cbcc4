/*
 * test_conftab.c - the configuration key table (conftab.c): values checked
 * by type and range, lookups by file and case, and every key documented in
 * its file's section-5 manual page (run from the top of the tree, as make
 * check does; PUMICE_SRCDIR names another).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
