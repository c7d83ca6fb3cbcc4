/*
 * test_resreq.c - -R strings (resreq.c) and select expressions
 * (selexpr.c): sections with and without blanks, merging of several -R,
 * units, rusage alternatives, span, order, and the errors users see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "resreq.h"

#define KB 1ULL
#define MB 1024ULL
#define GB (1024ULL * 1024)

static const struct {
	const char *in[3];	/* merged in order */
	uint64_t mem, swp;
	long duration;
	int span, ptile, norder;
	const char *select_text, *alt, *same;
} good[] = {
	{ { "rusage[mem=20]" }, 20 * MB, 0, 0, 0, 0, 0, NULL, NULL, NULL },
	{ { "rusage[mem=1024MB]" }, 1024 * MB, 0, 0, 0, 0, 0, NULL, NULL, NULL },
	{ { "rusage[mem=4G:swp=50:duration=1h]" }, 4 * GB, 50 * MB, 3600, 0, 0, 0, NULL, NULL, NULL },
	{ { "rusage[mem=2GB, lic=1]" }, 2 * GB, 0, 0, 0, 0, 0, NULL, NULL, NULL },
	{ { "rusage[mem=20:duration=10 || mem=10:duration=20]" }, 20 * MB, 0, 600, 0, 0, 0,
	    NULL, " mem=10:duration=20", NULL },
	{ { "rusage[mem=4]span[ptile=4]" }, 4 * MB, 0, 0, 0, 4, 0, NULL, NULL, NULL },
	{ { "rusage[mem=8]", "span[hosts=1]" }, 8 * MB, 0, 0, 1, 0, 0, NULL, NULL, NULL },
	{ { "span[hosts=-1]" }, 0, 0, 0, -1, 0, 0, NULL, NULL, NULL },
	{ { "select[mem>=1024MB] rusage[mem=1024MB]" }, 1024 * MB, 0, 0, 0, 0, 0,
	    "mem>=1024MB", NULL, NULL },
	{ { "mem>1000 && type==linux order[-r1m]" }, 0, 0, 0, 0, 0, 1,
	    "mem>1000 && type==linux", NULL, NULL },
	{ { "select[gpu]", "select[ncpus>=4]" }, 0, 0, 0, 0, 0, 0,
	    "(gpu) && (ncpus>=4)", NULL, NULL },
	{ { "order[r15s:pg]" }, 0, 0, 0, 0, 0, 2, NULL, NULL, NULL },
	{ { "same[model] span[ptile=2]" }, 0, 0, 0, 0, 2, 0, NULL, NULL, "model" },
	{ { "SELECT [ type == any ] RUSAGE[ mem = 1.5G ]" }, 1536 * MB, 0, 0, 0, 0, 0,
	    "type == any", NULL, NULL },
	{ { "span[ptile=2]", "span[hosts=1]" }, 0, 0, 0, 1, 0, 0, NULL, NULL, NULL },
	{ { "rusage[mem=1]", "rusage[mem=2]" }, 2 * MB, 0, 0, 0, 0, 0, NULL, NULL, NULL },
	{ { "" }, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL },
};

static void
test_good(void **state)
{
	struct resreq rr;
	char err[256];
	size_t i, k;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		resreq_init(&rr);
		for (k = 0; k < 3 && good[i].in[k] != NULL; k++)
			if (resreq_parse(&rr, good[i].in[k], "MB", err, sizeof(err)) < 0)
				fail_msg("'%s' refused: %s", good[i].in[k], err);
		assert_int_equal(rr.mem_kb, good[i].mem);
		assert_int_equal(rr.swp_kb, good[i].swp);
		assert_int_equal(rr.duration, good[i].duration);
		assert_int_equal(rr.span_hosts, good[i].span);
		assert_int_equal(rr.ptile, good[i].ptile);
		assert_int_equal(rr.norder, good[i].norder);
		if (good[i].select_text == NULL)
			assert_null(rr.select_text);
		else
			assert_string_equal(rr.select_text, good[i].select_text);
		if (good[i].alt == NULL)
			assert_null(rr.rusage_alt);
		else
			assert_string_equal(rr.rusage_alt, good[i].alt);
		if (good[i].same != NULL)
			assert_string_equal(rr.same, good[i].same);
		resreq_free(&rr);
	}
}

static const struct {
	const char *in, *err;
} bad[] = {
	{ "rusage[mem=lots]", "rusage: bad value 'lots' for mem" },
	{ "rusage[mem]", "rusage: expected name=value, not 'mem'" },
	{ "rusage[duration=5x]", "rusage: bad duration '5x'" },
	{ "span[hosts=2]", "span: hosts must be 1 or -1, not '2'" },
	{ "span[ptile=0]", "span: ptile must be a positive number, not '0'" },
	{ "span[tiles=3]", "span: expected hosts=1, hosts=-1 or ptile=N, not 'tiles=3'" },
	{ "order[speed]", "order: unknown load index 'speed'" },
	{ "select[mem>", "missing ']' after 'select['" },
	{ "select[mem>]", "select: a value must follow the comparison with 'mem'" },
	{ "select[mem>1XB]", "select: bad memory value '1XB'" },
	{ "select[r1m<fast]", "select: bad number 'fast'" },
	{ "select[type>linux]", "select: 'type' compares only with == or !=" },
	{ "select[foo>3]", "select: unknown load index or attribute 'foo'" },
	{ "select[mem]", "select: 'mem' needs a comparison" },
	{ "select[(gpu]", "select: missing ')'" },
	{ "select[gpu &&]", "select: expected a name at ''" },
	{ "select[gpu gpu]", "select: unexpected text at 'gpu'" },
	{ "rusage[mem=1] junk", "unexpected text at 'junk'" },
	{ "select[\"abc]", "select: unterminated quote" },
};

static void
test_bad(void **state)
{
	struct resreq rr;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		resreq_init(&rr);
		err[0] = '\0';
		if (resreq_parse(&rr, bad[i].in, "MB", err, sizeof(err)) == 0)
			fail_msg("'%s' was accepted", bad[i].in);
		assert_string_equal(err, bad[i].err);
		resreq_free(&rr);
	}
}

static char *gpu_res[] = { "gpu", "local", NULL };

static const struct {
	const char *expr;
	int want;
} evals[] = {
	{ "", 1 },
	{ "gpu", 1 },
	{ "!gpu", 0 },
	{ "fs", 0 },
	{ "not fs", 1 },
	{ "type==LINUX", 1 },
	{ "type!=LINUX", 0 },
	{ "model=='Pi4'", 1 },
	{ "hname==node2", 1 },
	{ "hname==node3 || hname==node2", 1 },
	{ "mem>=3G", 1 },
	{ "mem>=5G", 0 },
	{ "mem>3000", 1 },
	{ "maxmem==8G", 1 },
	{ "ncpus>=4 && r1m<0.5", 1 },
	{ "ncpus>=4 and r1m<0.2", 0 },
	{ "ut<50", 1 },
	{ "ut<0.1", 0 },
	{ "(gpu || fs) && !(ncpus<2)", 1 },
	{ "slots>0", 1 },
	{ "swp>0", 0 },
	{ "type==linux", 1 },
	{ "type==any && model==any", 1 },
	{ "hname==any", 0 },
	{ "model==AMD_EPYC_7", 1 },
	{ "model=='amd epyc 7'", 1 },
	{ "model==AMD_EPYC", 0 },
	{ "model==Xeon_R__Gold", 1 },	/* as lshosts prints "Xeon(R) Gold" */
	{ "model=='xeon(r) gold'", 1 },
	{ "model==Xeon_R_Gold", 0 },
	{ "defined(gpu)", 1 },
	{ "defined(fs)", 0 },
	{ "!defined(fs) && defined(local)", 1 },
	{ "tmp>1000", 1 },
	{ "maxtmp>=80G", 1 },
	{ "tmp>2G", 0 },
};

static void
test_eval(void **state)
{
	struct sel_host h = { "node2", "LINUX", "Pi4", { 0 }, gpu_res };
	struct sel_host epyc = { "node2", "x86_64", "AMD EPYC 7", { 0 }, gpu_res };
	struct sel_host xeon = { "node3", "x86_64", "Xeon(R) Gold", { 0 }, gpu_res };
	struct sel_node *n;
	char err[256];
	size_t i;

	h.num[SEL_MEM] = 4.0 * GB;
	h.num[SEL_MAXMEM] = 8.0 * GB;
	h.num[SEL_NCPUS] = 4;
	h.num[SEL_R1M] = 0.3;
	h.num[SEL_UT] = 0.25;
	h.num[SEL_SLOTS] = 2;
	h.num[SEL_TMP] = 1.0 * GB;
	h.num[SEL_MAXTMP] = 80.0 * GB;
	for (i = 0; i < sizeof(evals) / sizeof(evals[0]); i++) {
		/* model tests are about the hosts that reported "AMD EPYC 7"
		 * and "Xeon(R) Gold" */
		const struct sel_host *hh = strcasestr(evals[i].expr, "epyc") ? &epyc :
		    strcasestr(evals[i].expr, "xeon") ? &xeon : &h;
		if ((n = selexpr_parse(evals[i].expr, "MB", err, sizeof(err))) == NULL)
			fail_msg("'%s' refused: %s", evals[i].expr, err);
		if (selexpr_eval(n, hh) != evals[i].want)
			fail_msg("'%s' should be %d", evals[i].expr, evals[i].want);
		selexpr_free(n);
	}
}

static void
test_deep(void **state)
{
	char buf[400], err[256];
	struct sel_node *n;

	memset(buf, '(', 200);
	strcpy(buf + 200, "gpu");
	assert_null(n = selexpr_parse(buf, "MB", err, sizeof(err)));
	assert_string_equal(err, "select: expression nested too deeply");
	memset(buf, '!', 300);
	strcpy(buf + 300, "gpu");
	assert_null(n = selexpr_parse(buf, "MB", err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
