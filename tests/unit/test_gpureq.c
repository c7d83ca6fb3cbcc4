/*
 * test_gpureq.c - consumables' parsers: bsub -gpu strings (gpureq.c)
 * merged over defaults, lsf.shared Resource and lsf.cluster ResourceMap
 * tables (resmap.c) and the pools hosts draw from, and the agent's GPU
 * count from device nodes (gpus.c). Good inputs, bad ones, their errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "gpureq.h"
#include "lsfconf.h"
#include "resmap.h"
#include "util.h"
#include "../../daemons/agent/gpus.h"

static const struct {
	const char *in, *def;	/* def: LSB_GPU_REQ, or NULL */
	const char *want;	/* effective, gpureq_format */
} good[] = {
	{ "-", NULL, "num=1:mode=shared:j_exclusive=no" },
	{ "num=2", NULL, "num=2:mode=shared:j_exclusive=no" },
	{ "num=2:mode=shared:j_exclusive=yes", NULL, "num=2:mode=shared:j_exclusive=yes" },
	{ "mode=exclusive_process", NULL, "num=1:mode=exclusive_process:j_exclusive=yes" },
	{ "mode=exclusive_process:j_exclusive=no", NULL,
	    "num=1:mode=exclusive_process:j_exclusive=no" },
	{ "num=1/task", NULL, "num=1/task:mode=shared:j_exclusive=no" },
	{ "num=3/host:mps=yes,shared:gmodel=TeslaV100", NULL,
	    "num=3:mode=shared:j_exclusive=no" },
	{ "  num=2 : j_exclusive=y", NULL, "num=2:mode=shared:j_exclusive=yes" },
	{ "-", "num=2:j_exclusive=yes", "num=2:mode=shared:j_exclusive=yes" },
	{ "num=1", "num=4:mode=exclusive_process", "num=1:mode=exclusive_process:j_exclusive=yes" },
	{ "j_exclusive=no", "mode=exclusive_process", "num=1:mode=exclusive_process:j_exclusive=no" },
};

static const struct {
	const char *in, *err;
} bad[] = {
	{ "", "empty GPU requirement (use '-' for the defaults)" },
	{ "num=0", "num must be a number of GPUs from 1 to 64 (optionally /task or /host), not '0'" },
	{ "num=65", "num must be a number of GPUs from 1 to 64 (optionally /task or /host), not '65'" },
	{ "num=2/slot", "num must be a number of GPUs from 1 to 64 (optionally /task or /host), not '2/slot'" },
	{ "mode=exclusive", "mode must be shared or exclusive_process, not 'exclusive'" },
	{ "j_exclusive=maybe", "j_exclusive must be yes or no, not 'maybe'" },
	{ "num", "expected key=value, not 'num'" },
	{ "colour=red", "unknown GPU requirement 'colour'" },
};

static void
test_gpureq(void **state)
{
	struct gpureq g, d;
	char err[256], buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(good); i++) {
		assert_int_equal(gpureq_parse(&g, good[i].in, err, sizeof(err)), 0);
		if (good[i].def != NULL)
			assert_int_equal(gpureq_parse(&d, good[i].def, err, sizeof(err)), 0);
		gpureq_merge(&g, good[i].def ? &d : NULL);
		gpureq_format(&g, buf, sizeof(buf));
		if (strcmp(buf, good[i].want) != 0)
			fail_msg("'%s' over '%s': got %s, want %s", good[i].in,
			    good[i].def ? good[i].def : "", buf, good[i].want);
	}
	for (i = 0; i < nitems(bad); i++) {
		err[0] = '\0';
		assert_int_equal(gpureq_parse(&g, bad[i].in, err, sizeof(err)), -1);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("'%s': got <%s>, want <%s>", bad[i].in, err, bad[i].err);
	}
}

static const char shared_text[] =
    "Begin Resource\n"
    "RESOURCENAME TYPE INTERVAL INCREASING CONSUMABLE RELEASE DESCRIPTION\n"
    "licence Numeric () N Y Y (Licences)\n"
    "tpu Numeric () N - - (Coral TPU)\n"
    "seat Numeric () N () N (Seats)\n"
    "fast Boolean () () () () (Fast host)\n"
    "load2 Numeric 60 Y N () (A load index)\n"
    "End Resource\n";

static const char cluster_text[] =
    "Begin ResourceMap\n"
    "RESOURCENAME LOCATION\n"
    "licence (10@[all ~node3])\n"
    "tpu (1@[node1] 2@[node2])\n"
    "seat (4@[node1 node2] 1@[default])\n"
    "fast [node1]\n"
    "ngpus_physical (2@[node1 node2])\n"
    "End ResourceMap\n";

static void
resmap_from(struct resmap *rm, const char *shared, const char *cluster,
    int want_rc, const char *want_err)
{
	struct cfg_file fs, fc;
	char err[256] = "";
	int rc;

	resmap_init(rm);
	assert_int_equal(cfg_parse_sections("lsf.shared", shared, &fs, err,
	    sizeof(err)), 0);
	assert_int_equal(cfg_parse_sections("lsf.cluster.demo", cluster, &fc, err,
	    sizeof(err)), 0);
	rc = resmap_shared(rm, &fs, err, sizeof(err));
	if (rc == 0)
		rc = resmap_cluster(rm, &fc, err, sizeof(err));
	cfg_file_free(&fs);
	cfg_file_free(&fc);
	if (rc != want_rc || (want_err && strcmp(err, want_err) != 0))
		fail_msg("rc %d <%s>, want %d <%s>", rc, err, want_rc,
		    want_err ? want_err : "");
}

static void
test_resmap(void **state)
{
	static const struct {
		const char *res, *host, *pool;	/* pool NULL: none */
		long total;
	} pools[] = {
		{ "licence", "node1", "licence#0", 10 },
		{ "licence", "node2", "licence#0", 10 },
		{ "licence", "node3", NULL, 0 },
		{ "tpu", "node1", "tpu#1", 1 },
		{ "tpu", "node2", "tpu#2", 2 },
		{ "tpu", "node4", NULL, 0 },
		{ "seat", "node2", "seat#3", 4 },
		{ "seat", "node5", "seat@node5", 1 },
		{ "ngpus_physical", "node2", "ngpus_physical@node2", 2 },
		{ "ngpus_physical", "node5", NULL, 0 },
		{ "nothing", "node1", NULL, 0 },
	};
	struct resmap rm;
	char *p;
	long total;
	size_t i;

	(void)state;
	resmap_from(&rm, shared_text, cluster_text, 0, NULL);
	assert_true(resmap_find(&rm, "licence")->consumable);
	assert_true(resmap_find(&rm, "tpu")->consumable);	/* Numeric: Y */
	assert_false(resmap_find(&rm, "seat")->release);
	assert_false(resmap_find(&rm, "fast")->consumable);
	assert_false(resmap_find(&rm, "load2")->consumable);
	assert_true(resmap_find(&rm, RESMAP_GPU)->consumable);	/* built in */
	for (i = 0; i < nitems(pools); i++) {
		total = 0;
		p = resmap_pool(&rm, pools[i].res, pools[i].host, &total);
		if ((p == NULL) != (pools[i].pool == NULL) ||
		    (p != NULL && (strcmp(p, pools[i].pool) != 0 || total != pools[i].total)))
			fail_msg("%s on %s: got %s %ld, want %s %ld", pools[i].res,
			    pools[i].host, p ? p : "none", total,
			    pools[i].pool ? pools[i].pool : "none", pools[i].total);
		free(p);
	}
	resmap_free(&rm);
}

static void
test_resmap_bad(void **state)
{
	static const struct {
		const char *shared, *cluster, *err;
	} badconf[] = {
		{ shared_text, "Begin ResourceMap\nRESOURCENAME LOCATION\ncamera (1@[node1])\nEnd ResourceMap\n",
		    "lsf.cluster.demo:3: resource camera is not in lsf.shared's Resource section" },
		{ shared_text, "Begin ResourceMap\nRESOURCENAME LOCATION\nlicence [all]\nEnd ResourceMap\n",
		    "lsf.cluster.demo:3: licence: licence is consumable: give a value (N@[hosts])" },
		{ shared_text, "Begin ResourceMap\nRESOURCENAME LOCATION\nlicence (x@[all])\nEnd ResourceMap\n",
		    "lsf.cluster.demo:3: licence: expected value@[hosts], not 'x@[all]'" },
		{ shared_text, "Begin ResourceMap\nRESOURCENAME LOCATION\nlicence (2@node1)\nEnd ResourceMap\n",
		    "lsf.cluster.demo:3: licence: expected value@[hosts], not '2@node1'" },
		{ shared_text, "Begin ResourceMap\nRESOURCENAME LOCATION\nlicence (2@[])\nEnd ResourceMap\n",
		    "lsf.cluster.demo:3: licence: no host in '2@[]'" },
		{ "Begin Resource\nRESOURCENAME TYPE CONSUMABLE\nfast Boolean Y\nEnd Resource\n", "",
		    "lsf.shared:3: fast: only a Numeric resource can be consumable" },
		{ "Begin Resource\nRESOURCENAME TYPE CONSUMABLE\nlic Numeric maybe\nEnd Resource\n", "",
		    "lsf.shared:3: CONSUMABLE and RELEASE must be Y or N" },
		{ "Begin Resource\nRESOURCENAME TYPE\nngpus_physical Numeric\nEnd Resource\n", "",
		    "lsf.shared:3: resource ngpus_physical declared twice (it is built in)" },
	};
	struct resmap rm;

	(void)state;
	for (size_t i = 0; i < nitems(badconf); i++) {
		resmap_from(&rm, badconf[i].shared, badconf[i].cluster, -1, badconf[i].err);
		resmap_free(&rm);
	}
}

static void
touch(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fclose(f);
	free(p);
}

static void
test_gpus_detect(void **state)
{
	char dev[] = "/tmp/test_gpus.XXXXXX", proc[] = "/tmp/test_gpus.XXXXXX";
	char *bus;

	(void)state;
	assert_non_null(mkdtemp(dev));
	assert_non_null(mkdtemp(proc));
	assert_int_equal(gpus_detect(dev, proc), 0);
	bus = xasprintf("%s/0000:01:00.0", proc);
	assert_int_equal(mkdir(bus, 0755), 0);
	assert_int_equal(gpus_detect(dev, proc), 1);	/* the driver's list */
	touch(dev, "nvidiactl");
	touch(dev, "nvidia-uvm");
	touch(dev, "nvidia0");
	touch(dev, "nvidia1");
	touch(dev, "nvidiaX");
	assert_int_equal(gpus_detect(dev, proc), 2);	/* device nodes first */
	rmdir(bus);
	free(bus);
	for (const char **n = (const char *[]){ "nvidiactl", "nvidia-uvm", "nvidia0",
	    "nvidia1", "nvidiaX", NULL }; *n != NULL; n++) {
		char *p = xasprintf("%s/%s", dev, *n);
		unlink(p);
		free(p);
	}
	rmdir(dev);
	rmdir(proc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpureq),
		cmocka_unit_test(test_resmap),
		cmocka_unit_test(test_resmap_bad),
		cmocka_unit_test(test_gpus_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
