/*
 * test_conf.c - loading the cluster configuration from an LSF layout in a
 * scratch directory (conf.c).
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

#include "conf.h"
#include "testlib.h"
#include "util.h"

#define LSBDIR "lsbatch/demo/configdir/"

struct tfile {
	const char *name, *text;
};

static char tdir[64];


static int
setup(void **state)
{
	strcpy(tdir, "/tmp/test_conf.XXXXXX");
	return mkdtemp(tdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tdir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void
test_minimal(void **state)
{
	struct conf *c;
	char err[256], *s;

	tl_put(tdir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
	if ((c = conf_load(tdir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->envdir, tdir);
	assert_string_equal(c->confdir, tdir);
	s = xasprintf("%s/lsbatch", tdir);
	assert_string_equal(c->lsb_confdir, s);
	free(s);
	assert_string_equal(c->cluster, "demo");
	assert_string_equal(c->sharedir, "/var/lib/pumice");
	assert_string_equal(c->statedir, "/var/lib/pumice/demo");
	assert_null(c->master_host);
	assert_null(c->master_addr);
	assert_int_equal(c->mbd_port, 6881);
	s = xasprintf("%s/cluster.key", tdir);
	assert_string_equal(c->key_file, s);
	free(s);
	assert_string_equal(c->master_socket, "/run/pumice/master.sock");
	assert_string_equal(c->socket, "/run/pumice/agent.sock");
	assert_string_equal(c->unit_for_limits, "MB");
	assert_int_equal(c->heartbeat, 5);
	assert_int_equal(c->nadmins, 0);
	assert_true(conf_is_admin(c, "root"));
	assert_false(conf_is_admin(c, "bob"));
	assert_int_equal(c->nqueues, 1);
	assert_string_equal(c->queues[0].name, "default");
	assert_int_equal(c->queues[0].priority, 1);
	assert_int_equal(c->queues[0].qjob_limit, CONF_UNLIMITED);
	assert_null(c->queues[0].users);
	assert_string_equal(c->default_queue, "default");
	assert_int_equal(c->clean_period, 3600);
	assert_int_equal(c->max_job_array_size, 1000);
	assert_int_equal(c->max_jobid, 999999);
	assert_int_equal(c->job_terminate_interval, 10);
	assert_string_equal(cfg_get(&c->lsfconf, "LSF_CLUSTER_NAME"), "demo");
	conf_free(c);
	/* Commands need no lsb.* files. */
	assert_non_null(c = conf_load(tdir, 0, err, sizeof(err)));
	assert_int_equal(c->nqueues, 0);
	assert_null(c->default_queue);
	conf_free(c);
	/* envdir NULL: $LSF_ENVDIR. */
	setenv("LSF_ENVDIR", tdir, 1);
	assert_non_null(c = conf_load(NULL, 0, err, sizeof(err)));
	assert_string_equal(c->envdir, tdir);
	conf_free(c);
	unsetenv("LSF_ENVDIR");
}

static void
full_layout(void)
{
	char *s = xasprintf("LSF_CONFDIR=%s/conf\nLSF_MASTER_LIST=\"m1 m2\"\n"
	    "LSB_MBD_PORT=16324\nLSF_UNIT_FOR_LIMITS=GB\nPUMICE_HEARTBEAT=2\n"
	    "PUMICE_MASTER_ADDR=10.0.0.1\nLSB_SHAREDIR=/data/share\n"
	    "PUMICE_KEY_FILE=/k\nLSF_CLUSTER_NAME=ignored\nLSB_JOB_MEMLIMIT=y\n", tdir);

	tl_put(tdir, "lsf.conf", s);
	free(s);
	tl_put(tdir, "conf/lsf.shared", "Begin Cluster\nClusterName Servers\ndemo (m1)\n"
	    "other -\nEnd Cluster\nBegin HostType\nTYPENAME\nlinux\nEnd HostType\n");
	tl_put(tdir, "conf/lsf.cluster.demo", "Begin ClusterAdmins\nAdministrators = alice bob\n"
	    "End ClusterAdmins\nBegin Host\nHOSTNAME model type server RESOURCES\n"
	    "m1 ! ! 1 ()\nEnd Host\n");
	tl_put(tdir, "conf/" LSBDIR "lsb.params", "Begin Parameters\nDEFAULT_QUEUE = normal short\n"
	    "CLEAN_PERIOD = 60\nMAX_JOB_ARRAY_SIZE=1000000\nMAX_JOBID = 9999999\n"
	    "JOB_TERMINATE_INTERVAL = 0\nMBD_SLEEP_TIME = 10\nEnd Parameters\n");
	tl_put(tdir, "conf/" LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = normal\n"
	    "PRIORITY = 30\nDESCRIPTION = \"For normal jobs\"\nUSERS = all\n"
	    "HOSTS = h1 h2+2\nUJOB_LIMIT = 4\nRUNLIMIT = 60 120\nr1m = 0.7/2.0\n"
	    "End Queue\n\nbegin queue\nqueue_name = short\nqjob_limit=0\n"
	    "PJOB_LIMIT = 1\nHJOB_LIMIT = 2\nusers = alice bob\nend queue\n");
}

static void
test_full(void **state)
{
	const struct conf_queue *q;
	struct conf *c;
	char err[256];

	full_layout();
	if ((c = conf_load(tdir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->cluster, "demo");
	assert_string_equal(c->master_host, "m1");
	assert_string_equal(c->master_addr, "10.0.0.1");
	assert_int_equal(c->mbd_port, 16324);
	assert_string_equal(c->unit_for_limits, "GB");
	assert_int_equal(c->heartbeat, 2);
	assert_string_equal(c->statedir, "/data/share/demo");
	assert_string_equal(c->key_file, "/k");
	assert_int_equal(c->nadmins, 2);
	assert_true(conf_is_admin(c, "bob"));
	assert_false(conf_is_admin(c, "carol"));
	assert_string_equal(c->default_queue, "normal");
	assert_int_equal(c->clean_period, 60);
	assert_int_equal(c->max_job_array_size, 1000000);
	assert_int_equal(c->max_jobid, 9999999);
	assert_int_equal(c->job_terminate_interval, 0);
	assert_string_equal(cfg_section_get(&c->params.sec[0], "MBD_SLEEP_TIME"), "10");
	assert_string_equal(cfg_get(&c->lsfconf, "LSB_JOB_MEMLIMIT"), "y");
	assert_int_equal(c->nqueues, 2);
	assert_null(conf_queue(c, "default"));
	assert_non_null(q = conf_queue(c, "normal"));
	assert_int_equal(q->priority, 30);
	assert_string_equal(q->description, "For normal jobs");
	assert_null(q->users);
	assert_string_equal(q->hosts[0], "h1");
	assert_string_equal(q->hosts[1], "h2+2");
	assert_null(q->hosts[2]);
	assert_int_equal(q->ujob_limit, 4);
	assert_int_equal(q->qjob_limit, CONF_UNLIMITED);
	assert_int_equal(q->nextra, 2);
	assert_string_equal(q->extra[0].key, "RUNLIMIT");
	assert_string_equal(q->extra[0].value, "60 120");
	assert_string_equal(q->extra[1].key, "r1m");
	assert_int_equal(q->line, 1);
	assert_non_null(q = conf_queue(c, "short"));
	assert_int_equal(q->priority, 1);
	assert_string_equal(q->description, "");
	assert_int_equal(q->qjob_limit, 0);
	assert_int_equal(q->pjob_limit, 1);
	assert_int_equal(q->hjob_limit, 2);
	assert_string_equal(q->users[1], "bob");
	assert_int_equal(q->line, 12);
	conf_free(c);
}

/* Master host from the Host table when LSF_MASTER_LIST is absent. */
static void
test_host_master(void **state)
{
	struct conf *c;
	char err[256];

	tl_put(tdir, "lsf.conf", "LSF_UNIT_FOR_LIMITS=kb\n");
	tl_put(tdir, "lsf.shared", "Begin Cluster\nClusterName\ndemo\nEnd Cluster\n");
	tl_put(tdir, "lsf.cluster.demo", "Begin Host\nHOSTNAME model type server\n"
	    "client ! ! 0\npi1 ! ! 1\npi2 ! ! 1\nEnd Host\n");
	tl_put(tdir, LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME=normal\nEnd Queue\n");
	if ((c = conf_load(tdir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->master_host, "pi1");
	assert_string_equal(c->master_addr, "pi1");
	assert_string_equal(c->unit_for_limits, "kb");
	/* DEFAULT_QUEUE unset: "default" is created next to "normal". */
	assert_int_equal(c->nqueues, 2);
	assert_string_equal(c->default_queue, "default");
	assert_non_null(conf_queue(c, "default"));
	conf_free(c);
}

/* LSF_DYNAMIC_HOST_TIMEOUT: hours, m minutes, s seconds, EXPIRY[...]. */
static void
test_dyn_timeout(void **state)
{
	static const struct { const char *v; long secs; } good[] = {
		{ "", 0 }, { "2", 7200 }, { "90m", 5400 }, { "90M", 5400 }, { "3s", 3 },
		{ "EXPIRY[30m] THRESHOLD[10] INTERVAL[1]", 1800 }, { "expiry[1]", 3600 },
	};
	struct conf *c;
	char err[256], *text;
	size_t i;

	tl_put(tdir, "lsf.shared", "Begin Cluster\nClusterName\ndemo\nEnd Cluster\n");
	tl_put(tdir, "lsf.cluster.demo", "Begin Host\nHOSTNAME model type server\n"
	    "pi1 ! ! 1\nEnd Host\n");
	tl_put(tdir, LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME=normal\nEnd Queue\n");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		text = xasprintf("LSF_DYNAMIC_HOST_TIMEOUT=%s\n", good[i].v);
		tl_put(tdir, "lsf.conf", text);
		free(text);
		if ((c = conf_load(tdir, 1, err, sizeof(err))) == NULL)
			fail_msg("%s: %s", good[i].v, err);
		assert_int_equal(c->dynamic_host_timeout, good[i].secs);
		conf_free(c);
	}
}

static const struct {
	const char *file, *text, *err;	/* err: after "<tdir>/" */
} bad[] = {
	{ "lsf.conf", "LSF_CLUSTER_NAME=demo\nLSF_DYNAMIC_HOST_TIMEOUT=soon\n",
	    "lsf.conf:2: LSF_DYNAMIC_HOST_TIMEOUT must be hours, or minutes with m, "
	    "or seconds with s, not 'soon'" },
	{ "lsf.conf", "LSF_CLUSTER_NAME=demo\nLSF_DYNAMIC_HOST_TIMEOUT=10x\n",
	    "lsf.conf:2: LSF_DYNAMIC_HOST_TIMEOUT must be hours, or minutes with m, "
	    "or seconds with s, not '10x'" },
	{ "lsf.conf", "LSF_CLUSTER_NAME=demo\nLSF_DYNAMIC_HOST_TIMEOUT=-1\n",
	    "lsf.conf:2: LSF_DYNAMIC_HOST_TIMEOUT must be hours, or minutes with m, "
	    "or seconds with s, not '-1'" },
	{ NULL, NULL, "lsf.conf: No such file or directory" },
	{ "lsf.conf", "A=1\n", "lsf.shared: no such file, and %s/lsf.conf sets no LSF_CLUSTER_NAME" },
	{ "lsf.conf", "A=1\nB\n", "lsf.conf:2: expected NAME=VALUE" },
	{ "lsf.conf", "LSF_CLUSTER_NAME=demo\nLSB_MBD_PORT=70000\n",
	    "lsf.conf:2: LSB_MBD_PORT must be an integer from 1 to 65535, not '70000'" },
	{ "lsf.conf", "LSF_CLUSTER_NAME=demo\nPUMICE_HEARTBEAT=x\n",
	    "lsf.conf:2: PUMICE_HEARTBEAT must be an integer from 1 to 3600, not 'x'" },
	{ "lsf.conf", "LSF_CLUSTER_NAME=demo\nLSF_UNIT_FOR_LIMITS=XB\n",
	    "lsf.conf:2: LSF_UNIT_FOR_LIMITS must be KB, MB, GB, TB, PB or EB, not 'XB'" },
	{ "lsf.shared", "Begin HostType\nTYPENAME\nEnd HostType\n",
	    "lsf.shared: no Cluster section naming the cluster" },
	{ "lsf.shared", "\nBegin Cluster\nClusterName\nEnd Cluster\n",
	    "lsf.shared:2: Cluster section names no cluster" },
	{ "lsf.shared", "Begin Cluster\nName\nx\nEnd Cluster\n",
	    "lsf.shared:1: Cluster section has no ClusterName column" },
	{ "lsf.shared", "Begin Cluster\nClusterName\n../x\nEnd Cluster\n",
	    "lsf.shared:1: bad cluster name '../x'" },
	{ "lsf.shared", "Begin Cluster\nClusterName\ndemo\n",
	    "lsf.shared:1: Begin Cluster without End Cluster" },
	{ "lsf.cluster.demo", "Begin ClusterAdmins\nAdmins = a\nEnd ClusterAdmins\n",
	    "lsf.cluster.demo:2: unknown key Admins in section ClusterAdmins" },
	{ LSBDIR "lsb.params", "Begin Parameters\nMAX_JOB_ARRAY_SIZE = 0\nEnd Parameters\n",
	    LSBDIR "lsb.params:2: MAX_JOB_ARRAY_SIZE must be an integer from 1 to 2147483646, not '0'" },
	{ LSBDIR "lsb.params", "Begin Parameters\nCLEAN_PERIOD = soon\nEnd Parameters\n",
	    LSBDIR "lsb.params:2: CLEAN_PERIOD must be an integer from 0 to " TL_LONG_MAX ", not 'soon'" },
	{ LSBDIR "lsb.params", "Begin Parameters\n\nDEFAULT_QUEUE = normal\nEnd Parameters\n",
	    LSBDIR "lsb.params:3: DEFAULT_QUEUE names undefined queue normal" },
	{ LSBDIR "lsb.params", "Begin Queue\nEnd Queue\n",
	    LSBDIR "lsb.params:1: unknown section Queue (expected Parameters)" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nFOO = 1\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: unknown queue parameter FOO" },
	{ LSBDIR "lsb.queues", "Begin Queue\nPRIORITY = 1\nEnd Queue\n",
	    LSBDIR "lsb.queues:1: Queue section without QUEUE_NAME" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nEnd Queue\nBegin Queue\nQUEUE_NAME = q\nEnd Queue\n",
	    LSBDIR "lsb.queues:5: queue q is defined twice" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = a b\nEnd Queue\n",
	    LSBDIR "lsb.queues:2: bad queue name 'a b' (at most 40 characters, no blanks)" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nUJOB_LIMIT = -1\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: UJOB_LIMIT must be an integer from 0 to 2147483647, not '-1'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nPRIORITY = high\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: PRIORITY must be an integer from 0 to 2147483647, not 'high'" },
	{ LSBDIR "lsb.queues", "Begin Host\nHOST_NAME\nEnd Host\n",
	    LSBDIR "lsb.queues:1: unknown section Host (expected Queue)" },
	{ LSBDIR "lsb.queues", "QUEUE_NAME = q\n",
	    LSBDIR "lsb.queues:1: expected Begin <section>" },
};

static void
test_bad(void **state)
{
	char err[512], *want, *pct, *path;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		teardown(state);
		setup(state);
		tl_put(tdir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
		if (bad[i].file == NULL) {
			path = xasprintf("%s/lsf.conf", tdir);
			unlink(path);
			free(path);
		} else
			tl_put(tdir, bad[i].file, bad[i].text);
		if (conf_load(tdir, 1, err, sizeof(err)) != NULL)
			fail_msg("case %zu accepted", i);
		want = xasprintf("%s/%s", tdir, bad[i].err);
		if ((pct = strstr(want, "%s")) != NULL) {
			char *w2 = xasprintf("%.*s%s%s", (int)(pct - want), want, tdir,
			    pct + 2);
			free(want);
			want = w2;
		}
		assert_string_equal(err, want);
		free(want);
	}
}

/* The broken lsb.* files do not matter to commands. */
static void
test_lsb_not_needed(void **state)
{
	struct conf *c;
	char err[256];

	tl_put(tdir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
	tl_put(tdir, LSBDIR "lsb.queues", "garbage\n");
	assert_null(conf_load(tdir, 1, err, sizeof(err)));
	assert_non_null(c = conf_load(tdir, 0, err, sizeof(err)));
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_minimal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_master, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dyn_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lsb_not_needed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
