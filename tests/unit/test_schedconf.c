/*
 * test_schedconf.c - the scheduler's configuration (schedconf.c): the
 * lsf.cluster Host table, lsb.hosts (MXJ, JL/U, HostGroup), lsb.users
 * (User limits, UserGroup, group@), queue RUNLIMIT/MEMLIMIT/RES_REQ/
 * EXCLUSIVE/FAIRSHARE and lsb.params keys, good files and bad ones.
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
#include "schedconf.h"
#include "testlib.h"
#include "util.h"

#define LSBDIR "lsbatch/demo/configdir/"

static char tdir[64];


static int
setup(void **state)
{
	strcpy(tdir, "/tmp/test_schedconf.XXXXXX");
	if (mkdtemp(tdir) == NULL)
		return -1;
	tl_put(tdir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
	return 0;
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
test_good(void **state)
{
	const struct schedconf_ulim *ul;
	const struct schedconf_host *h;
	struct schedconf *s;
	struct conf *c;
	char err[512];
	int mxj, jlu;
	long total = 0;
	bool group;

	tl_put(tdir, "lsf.cluster.demo", "Begin Host\nHOSTNAME model type server RESOURCES\n"
	    "pi1 Pi4 ARM 1 (small local)\nbox ! ! 1 ()\nEnd Host\n"
	    "Begin ResourceMap\nRESOURCENAME LOCATION\nlicence (3@[all])\n"
	    "ngpus_physical (2@[box])\nEnd ResourceMap\n");
	tl_put(tdir, "lsf.shared", "Begin Cluster\nClusterName\ndemo\nEnd Cluster\n"
	    "Begin Resource\nRESOURCENAME TYPE INTERVAL INCREASING CONSUMABLE DESCRIPTION\n"
	    "licence Numeric () N Y (Licences)\nEnd Resource\n");
	tl_put(tdir, "lsf.conf", "LSF_CLUSTER_NAME=demo\nLSB_GPU_REQ=\"num=2:j_exclusive=yes\"\n");
	tl_put(tdir, LSBDIR "lsb.hosts", "Begin Host\nHOST_NAME MXJ JL/U r1m\n"
	    "default 2 - ()\nbox ! 3 ()\nPi4 1 - ()\nnode[1-3,7] 6 - ()\nnode3 9 - ()\n"
	    "rack[01-10]a 4 - ()\nEnd Host\n"
	    "Begin HostGroup\nGROUP_NAME GROUP_MEMBER\npis (pi1 pi2)\nall_g (pis box)\n"
	    "rng (gpu[10-12])\n"
	    "End HostGroup\n");
	tl_put(tdir, LSBDIR "lsb.users", "Begin UserGroup\nGROUP_NAME GROUP_MEMBER\n"
	    "team (ann bob)\nEnd UserGroup\nBegin User\nUSER_NAME MAX_JOBS JL/P\n"
	    "carl 4 -\nteam@ 2 1\ndefault 10 -\nEnd User\n");
	tl_put(tdir, LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = normal\nRUNLIMIT = 10 1:00\n"
	    "MEMLIMIT = 512 2G\nRES_REQ = select[mem>100] rusage[mem=10]\nEXCLUSIVE = Y\n"
	    "FAIRSHARE = USER_SHARES[[ann, 3] [team,2] [default,1]]\n"
	    "REQUEUE_EXIT_VALUES = 3 EXCLUDE(20 21) 30 EXCLUDE( 7 )\nRERUNNABLE = yes\n"
	    "MAX_JOB_REQUEUE = 4\nEnd Queue\n");
	tl_put(tdir, LSBDIR "lsb.params", "Begin Parameters\nMAX_USER_PRIORITY = 50\n"
	    "RESOURCE_RESERVE_PER_TASK = Y\nHIST_HOURS = 2.5\nMAX_JOB_REQUEUE = 0\n"
	    "End Parameters\n");
	if ((c = conf_load(tdir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	s = c->sched;
	assert_non_null(h = schedconf_host(s, "pi1"));
	assert_string_equal(h->model, "Pi4");
	assert_string_equal(h->type, "ARM");
	assert_string_equal(h->resources[0], "small");
	assert_string_equal(h->resources[1], "local");
	assert_null(schedconf_host(s, "box")->model);
	schedconf_host_limits(s, "box", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, SCHEDCONF_MXJ_NCPUS);
	assert_int_equal(jlu, 3);
	schedconf_host_limits(s, "pi1", "Pi4", "ARM", &mxj, &jlu);
	assert_int_equal(mxj, 1);
	schedconf_host_limits(s, "other", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 2);
	assert_int_equal(jlu, -1);
	/* ranges: node[1-3,7], zero-padded rack[01-10]a; a name beats a range */
	schedconf_host_limits(s, "node2", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 6);
	schedconf_host_limits(s, "node7", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 6);
	schedconf_host_limits(s, "node3", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 9);
	schedconf_host_limits(s, "node4", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 2);
	schedconf_host_limits(s, "node10", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 2);
	schedconf_host_limits(s, "rack05a", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 4);
	schedconf_host_limits(s, "rack5a", NULL, NULL, &mxj, &jlu);
	assert_int_equal(mxj, 2);
	assert_true(schedconf_hgroup_has(s, "rng", "gpu12"));
	assert_false(schedconf_hgroup_has(s, "rng", "gpu13"));
	assert_true(schedconf_hgroup_has(s, "all_g", "pi2"));
	assert_false(schedconf_hgroup_has(s, "pis", "box"));
	assert_non_null(ul = schedconf_user_limit(s, "carl", &group));
	assert_int_equal(ul->max_jobs, 4);
	assert_non_null(ul = schedconf_user_limit(s, "bob", &group));
	assert_string_equal(ul->name, "team@");
	assert_false(group);
	assert_int_equal(ul->jlp, 1);
	assert_non_null(ul = schedconf_user_limit(s, "zed", &group));
	assert_int_equal(ul->max_jobs, 10);
	assert_int_equal(s->queues[0].runlimit_def, 600);
	assert_int_equal(s->queues[0].runlimit_max, 3600);
	assert_int_equal(s->queues[0].memlimit_def, 512 * 1024);
	assert_int_equal(s->queues[0].memlimit_max, 2 * 1024 * 1024);
	assert_string_equal(s->queues[0].res_req, "select[mem>100] rusage[mem=10]");
	assert_true(s->queues[0].exclusive);
	assert_int_equal(s->queues[0].nshares, 3);
	assert_int_equal(schedconf_shares(s, &s->queues[0], "ann"), 3);
	assert_int_equal(schedconf_shares(s, &s->queues[0], "bob"), 2);
	assert_int_equal(schedconf_shares(s, &s->queues[0], "zed"), 1);
	assert_true(s->queues[0].rerunnable);
	for (int code = 0; code < 256; code++) {
		int want = code == 3 || code == 30 ? SCHEDCONF_REQUEUE :
		    code == 20 || code == 21 || code == 7 ? SCHEDCONF_REQUEUE_EXCLUDE : 0;
		if (s->queues[0].requeue_exit[code] != want)
			fail_msg("REQUEUE_EXIT_VALUES: code %d is %d, want %d", code,
			    s->queues[0].requeue_exit[code], want);
	}
	assert_int_equal(s->max_user_priority, 50);
	assert_true(s->reserve_per_task);
	assert_true(s->hist_hours > 2.4 && s->hist_hours < 2.6);
	assert_int_equal(s->queues[0].max_requeue, 4);
	assert_int_equal(s->max_job_requeue, 0);
	/* consumables: lsf.shared Resource, lsf.cluster ResourceMap, LSB_GPU_REQ */
	assert_true(resmap_find(&s->rmap, "licence")->consumable);
	free(resmap_pool(&s->rmap, "licence", "pi1", &total));
	assert_int_equal(total, 3);
	free(resmap_pool(&s->rmap, "ngpus_physical", "box", &total));
	assert_int_equal(total, 2);
	assert_int_equal(s->gpu_default.num, 2);
	assert_int_equal(s->gpu_default.j_exclusive, 1);
	conf_free(c);
}

static const struct {
	const char *file, *text, *err;	/* err: after "<tdir>/" */
} bad[] = {
	{ LSBDIR "lsb.hosts", "Begin Host\nHOST_NAME MXJ\nh1 many\nEnd Host\n",
	    LSBDIR "lsb.hosts:3: MXJ must be a number, '!' or '-', not 'many'" },
	{ LSBDIR "lsb.hosts", "Begin Host\nHOST_NAME JL/U\nh1 !\nEnd Host\n",
	    LSBDIR "lsb.hosts:3: JL/U must be a number or '-', not '!'" },
	{ LSBDIR "lsb.hosts", "Begin Host\nHOST_NAME MXJ\nn[3-1] 2\nEnd Host\n",
	    LSBDIR "lsb.hosts:3: bad host range 'n[3-1]' (expected name[1-20,25])" },
	{ LSBDIR "lsb.hosts", "Begin Host\nHOST_NAME MXJ\nn[1-x] 2\nEnd Host\n",
	    LSBDIR "lsb.hosts:3: bad host range 'n[1-x]' (expected name[1-20,25])" },
	{ LSBDIR "lsb.hosts", "Begin Host\nMXJ\n2\nEnd Host\n",
	    LSBDIR "lsb.hosts:1: Host section needs a HOST_NAME column" },
	{ LSBDIR "lsb.hosts", "Begin HostGroup\nGROUP_NAME\ng\nEnd HostGroup\n",
	    LSBDIR "lsb.hosts:1: HostGroup needs GROUP_NAME and GROUP_MEMBER columns" },
	{ LSBDIR "lsb.hosts", "Begin Hosts\nA = 1\nEnd Hosts\n",
	    LSBDIR "lsb.hosts:1: unknown section Hosts (expected Host or HostGroup)" },
	{ LSBDIR "lsb.users", "Begin User\nUSER_NAME MAX_JOBS\nann -3\nEnd User\n",
	    LSBDIR "lsb.users:3: MAX_JOBS must be a number or '-', not '-3'" },
	{ LSBDIR "lsb.users", "Begin Users\nA = 1\nEnd Users\n",
	    LSBDIR "lsb.users:1: unknown section Users (expected User or UserGroup)" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nRUNLIMIT = 1 2 3\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: RUNLIMIT takes [default] max, not '1 2 3'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nRUNLIMIT = soon\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: RUNLIMIT: bad time 'soon' ([h:]m)" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nMEMLIMIT = 1Q\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: MEMLIMIT: bad size '1Q'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nRES_REQ = span[hosts=3]\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: RES_REQ: span: hosts must be 1 or -1, not '3'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nFAIRSHARE = [a,1]\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: FAIRSHARE must be USER_SHARES[[user,shares] ...], not '[a,1]'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nFAIRSHARE = USER_SHARES[[a,x]]\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: FAIRSHARE: expected [user,shares] at '[a,x]]'" },
	/* found by fuzz_conf: no closing bracket read past the value (UBSan) */
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nFAIRSHARE = USER_SHARES[[a,1\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: FAIRSHARE: expected [user,shares] at '[a,1'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nREQUEUE_EXIT_VALUES = 3 x\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: REQUEUE_EXIT_VALUES: 'x' is not an exit code (0-255)" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nREQUEUE_EXIT_VALUES = 256\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: REQUEUE_EXIT_VALUES: '256' is not an exit code (0-255)" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nREQUEUE_EXIT_VALUES = EXCLUDE(2\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: REQUEUE_EXIT_VALUES: EXCLUDE( without ')'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nREQUEUE_EXIT_VALUES = 2)\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: REQUEUE_EXIT_VALUES: unexpected ')' in '2)'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nRERUNNABLE = maybe\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: RERUNNABLE must be yes or no, not 'maybe'" },
	{ LSBDIR "lsb.params", "Begin Parameters\nMAX_USER_PRIORITY = 0\nEnd Parameters\n",
	    LSBDIR "lsb.params:2: MAX_USER_PRIORITY must be a positive integer, not '0'" },
	{ LSBDIR "lsb.queues", "Begin Queue\nQUEUE_NAME = q\nMAX_JOB_REQUEUE = -1\nEnd Queue\n",
	    LSBDIR "lsb.queues:3: MAX_JOB_REQUEUE must be an integer from 0 to 2147483647, "
	    "not '-1'" },
	{ LSBDIR "lsb.params", "Begin Parameters\nMAX_JOB_REQUEUE = many\nEnd Parameters\n",
	    LSBDIR "lsb.params:2: MAX_JOB_REQUEUE must be an integer from 0 to 2147483647, "
	    "not 'many'" },
	{ LSBDIR "lsb.params", "Begin Parameters\nHIST_HOURS = long\nEnd Parameters\n",
	    LSBDIR "lsb.params:2: HIST_HOURS must be a number of hours, not 'long'" },
	{ "lsf.cluster.demo", "Begin ResourceMap\nRESOURCENAME LOCATION\ncamera (1@[all])\n"
	    "End ResourceMap\n",
	    "lsf.cluster.demo:3: resource camera is not in lsf.shared's Resource section" },
	{ "lsf.conf", "LSF_CLUSTER_NAME=demo\nLSB_GPU_REQ=num=two\n",
	    "lsf.conf: LSB_GPU_REQ: num must be a number of GPUs from 1 to 64 "
	    "(optionally /task or /host), not 'two'" },
};

static void
test_bad(void **state)
{
	char err[512], *want;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		teardown(state);
		setup(state);
		tl_put(tdir, bad[i].file, bad[i].text);
		if (conf_load(tdir, 1, err, sizeof(err)) != NULL)
			fail_msg("case %zu accepted", i);
		want = xasprintf("%s/%s", tdir, bad[i].err);
		assert_string_equal(err, want);
		free(want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
