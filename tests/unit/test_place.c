/*
 * test_place.c - placement and ordering on synthetic hosts (place.c,
 * limits.c, fairshare.c, jobreq.c): span, ptile, select, order, rusage
 * memory, -m preferences, exclusive hosts, per-host and queue limits,
 * shape buckets, backfill reservations and fairshare priority.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/master.h"
#include "../../daemons/master/sched.h"

#define GB (1024ULL * 1024)
#define NOW 1000000L

static char *res_big[] = { "bigmem", NULL };

/* Three hosts: a (2 slots, 1 GB), b (4 slots, 4 GB, bigmem), c (2, 1 GB, type X). */
static void
hosts_init(struct place_host *h)
{
	static const struct { const char *name, *type; int slots; uint64_t mem; char **res; } def[] = {
		{ "a", "LINUX", 2, 1 * GB, NULL },
		{ "b", "LINUX", 4, 4 * GB, res_big },
		{ "c", "X", 2, 1 * GB, NULL },
	};

	memset(h, 0, 3 * sizeof(*h));
	for (int i = 0; i < 3; i++) {
		h[i].name = h[i].sel.name = def[i].name;
		h[i].sel.type = def[i].type;
		h[i].usable = true;
		h[i].maxslots = h[i].ncpus = def[i].slots;
		h[i].mem_total = def[i].mem;
		h[i].jlu = -1;
		h[i].sel.resources = def[i].res;
		h[i].sel.num[SEL_NCPUS] = def[i].slots;
		h[i].sel.num[SEL_MAXMEM] = (double)def[i].mem;
		h[i].sel.num[SEL_MEM] = (double)def[i].mem;
		h[i].sel.num[SEL_SLOTS] = def[i].slots;
	}
}

/* A configuration with queues "normal" and "ex" (EXCLUSIVE=Y). */
struct tconf {
	struct conf c;
	struct conf_queue q[2];
	struct schedconf sc;
	struct schedconf_queue sq[2];
	struct schedconf_hostlim hl[1];
};

static void
tconf_init(struct tconf *t)
{
	memset(t, 0, sizeof(*t));
	t->c.unit_for_limits = "MB";
	t->q[0].name = "normal";
	t->q[1].name = "ex";
	for (int i = 0; i < 2; i++) {
		t->q[i].qjob_limit = t->q[i].ujob_limit = t->q[i].hjob_limit =
		    t->q[i].pjob_limit = -1;
		t->sq[i].runlimit_def = t->sq[i].runlimit_max = -1;
	}
	t->sq[1].exclusive = true;
	t->c.queues = t->q;
	t->c.nqueues = 2;
	t->sc.queues = t->sq;
	t->sc.hist_hours = 5;
	t->c.sched = &t->sc;
}

/* opts as JSON text, e.g. {"n":"3","R":["span[hosts=1]"]} */
static struct jobreq *
req_of(struct tconf *t, const char *opts, const char *queue)
{
	json_error_t je;
	json_t *o = json_loads(opts, 0, &je), *spec;
	struct jobreq *r;
	char err[256];

	assert_non_null(o);
	spec = json_pack("{s:o, s:i}", "opts", o, "nslots", 1);
	r = jobreq_build(&t->c, spec, queue, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s refused: %s", opts, err);
	json_decref(spec);
	return r;
}

/* "b:3,a:1" from a result. */
static void
result_text(const struct place_ctx *x, const struct place_result *r, char *buf,
    size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < r->n && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s:%d", i ? "," : "",
		    x->hosts[r->idx[i]].name, r->slots[i]);
}

static const struct {
	const char *opts, *want;	/* want: placement, or "!reason|detail" */
} cases[] = {
	{ "{}", "b:1" },
	{ "{\"n\":\"3\",\"R\":[\"span[hosts=1]\"]}", "b:3" },
	{ "{\"n\":\"4\",\"R\":[\"span[ptile=2]\"]}", "b:2,a:2" },
	{ "{\"n\":\"4\",\"R\":\"span[ptile=2] select[!bigmem]\"}", "a:2,c:2" },
	{ "{\"n\":\"7\"}", "b:4,a:2,c:1" },
	{ "{\"n\":\"2,6\"}", "b:4" },
	{ "{\"n\":\"5,6\"}", "b:4,a:2" },
	{ "{\"R\":[\"rusage[mem=2G]\"]}", "b:1" },
	{ "{\"M\":\"3000\"}", "b:1" },
	{ "{\"R\":[\"select[type==X]\"]}", "c:1" },
	{ "{\"R\":[\"select[bigmem]\"]}", "b:1" },
	{ "{\"R\":[\"order[-maxmem]\"]}", "a:1" },
	{ "{\"m\":\"c a+2\"}", "a:1" },
	{ "{\"m\":\"c others+1\"}", "b:1" },
	{ "{\"m\":\"c+3 others\"}", "c:1" },
	{ "{\"m\":\"~b\"}", "a:1" },
	{ "{\"m\":\"all ~b ~a\"}", "c:1" },
	{ "{\"n\":\"6\",\"R\":[\"span[hosts=1]\"]}",
	    "!Not enough processors to meet the job's spanning requirement|"
	    "needs 6 slots on one host; most free 4 (b)" },
	{ "{\"R\":[\"rusage[mem=8G]\"]}",
	    "!Job's requirements for reserving resource (mem) not satisfied|"
	    "needs 8 GB on one host, largest free 4 GB (b)" },
	{ "{\"R\":[\"rusage[mem=1500]\"], \"n\":\"5\"}",
	    "!Job's requirements for reserving resource (mem) not satisfied|"
	    "needs 1.5 GB on one host, largest free 4 GB (b)" },
	{ "{\"n\":\"9\"}", "!Not enough job slot(s)|needs 9 slot(s), 8 free on 3 candidate host(s)" },
	{ "{\"R\":[\"ncpus>8\"]}",
	    "!Job's resource requirements not satisfied|no open host satisfies select[ncpus>8]" },
};

static void
test_cases(void **state)
{
	struct place_host h[3];
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	char got[600];

	tconf_init(&t);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct jobreq *q = req_of(&t, cases[i].opts, "normal");
		struct place_job pj = { 1, q, "u", "normal", NULL, -1, -1 };
		hosts_init(h);
		place_ctx_init(&x, h, 3, &t.sc, NOW);
		if (place_job(&x, &pj, &r) == 0) {
			result_text(&x, &r, got, sizeof(got));
			place_result_free(&r);
		} else
			snprintf(got, sizeof(got), "!%s|%s", r.reason, r.detail);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'", cases[i].opts, got, cases[i].want);
		place_ctx_free(&x);
		jobreq_free(q);
	}
}

/* One bucket: identical jobs fill the hosts, then all fail alike. */
static void
test_bucket(void **state)
{
	struct place_host h[3];
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	int placed = 0, failed = 0;

	tconf_init(&t);
	hosts_init(h);
	place_ctx_init(&x, h, 3, &t.sc, NOW);
	struct jobreq *q = req_of(&t, "{}", "normal");
	for (long id = 1; id <= 1000; id++) {
		struct place_job pj = { id, q, "u", "normal", NULL, -1, -1 };
		if (place_job(&x, &pj, &r) == 0) {
			placed += r.total;
			place_result_free(&r);
		} else {
			failed++;
			assert_string_equal(r.reason, "Not enough job slot(s)");
		}
	}
	assert_int_equal(placed, 8);
	assert_int_equal(failed, 992);
	assert_int_equal(h[0].used + h[1].used + h[2].used, 8);
	assert_int_equal(x.nbuckets > 0, 1);
	place_ctx_free(&x);
	jobreq_free(q);
}

/* Memory bookings add up per host; RESOURCE_RESERVE_PER_TASK books per slot. */
static void
test_memory(void **state)
{
	struct place_host h[3];
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	struct jobreq *q;

	tconf_init(&t);
	hosts_init(h);
	place_ctx_init(&x, h, 3, &t.sc, NOW);
	q = req_of(&t, "{\"R\":\"rusage[mem=3G]\"}", "normal");
	struct place_job pj = { 1, q, "u", "normal", NULL, -1, -1 };
	assert_int_equal(place_job(&x, &pj, &r), 0);
	assert_string_equal(h[r.idx[0]].name, "b");
	place_result_free(&r);
	pj.id = 2;
	assert_int_equal(place_job(&x, &pj, &r), -1);
	assert_string_equal(r.detail, "needs 3 GB on one host, largest free 1 GB (b)");
	place_ctx_free(&x);
	jobreq_free(q);

	t.sc.reserve_per_task = true;
	hosts_init(h);
	place_ctx_init(&x, h, 3, &t.sc, NOW);
	q = req_of(&t, "{\"n\":\"4\",\"R\":\"rusage[mem=1G] span[hosts=1]\"}", "normal");
	pj.req = q;
	assert_int_equal(place_job(&x, &pj, &r), 0);	/* 4 x 1 GB on b */
	assert_int_equal(h[1].mem_rsv, 4 * GB);
	place_result_free(&r);
	place_ctx_free(&x);
	jobreq_free(q);
}

static void
test_exclusive(void **state)
{
	struct place_host h[3];
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	struct jobreq *ex, *plain;
	char err[256];

	tconf_init(&t);
	hosts_init(h);
	h[1].used = 1;		/* b busy */
	place_ctx_init(&x, h, 3, &t.sc, NOW);
	ex = req_of(&t, "{\"x\":true}", "ex");
	plain = req_of(&t, "{\"R\":\"select[type==X]\"}", "normal");
	struct place_job pj = { 1, ex, "u", "ex", NULL, -1, -1 };
	assert_int_equal(place_job(&x, &pj, &r), 0);
	assert_string_equal(h[r.idx[0]].name, "a");	/* idle, not b */
	assert_true(h[0].excl);
	place_result_free(&r);
	struct place_job pj2 = { 2, plain, "u", "normal", NULL, -1, -1 };
	assert_int_equal(place_job(&x, &pj2, &r), 0);	/* c is not excl */
	place_result_free(&r);
	pj.id = 3;	/* a excl, b busy, c busy now: no idle host */
	assert_int_equal(place_job(&x, &pj, &r), -1);
	assert_string_equal(r.reason, "Job's resource requirements not satisfied");
	place_ctx_free(&x);
	jobreq_free(ex);
	jobreq_free(plain);
	/* -x in a queue without EXCLUSIVE=Y is refused */
	json_t *spec = json_pack("{s:{s:b}}", "opts", "x", 1);
	assert_null(jobreq_build(&t.c, spec, "normal", err, sizeof(err)));
	assert_string_equal(err, "normal: Queue does not accept EXCLUSIVE jobs "
	    "(EXCLUSIVE=Y in lsb.queues)");
	json_decref(spec);
}

/* JL/U per host and UJOB_LIMIT/QJOB_LIMIT/MAX_JOBS over the cluster. */
static void
test_limits(void **state)
{
	struct place_host h[3];
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	struct jobreq *q;
	const char *reason;
	char detail[256];
	int placed = 0;

	tconf_init(&t);
	t.hl[0] = (struct schedconf_hostlim){ "default", -1, 1 };
	t.sc.hostlims = t.hl;
	t.sc.nhostlims = 1;
	hosts_init(h);
	for (int i = 0; i < 3; i++)
		h[i].jlu = 1;
	place_ctx_init(&x, h, 3, &t.sc, NOW);
	x.lim = limits_new();
	q = req_of(&t, "{}", "normal");
	for (long id = 1; id <= 5; id++) {
		struct place_job pj = { id, q, "u", "normal", NULL, -1, -1 };
		if (place_job(&x, &pj, &r) == 0) {
			placed++;
			place_result_free(&r);
		} else
			assert_string_equal(r.reason, "Job slot limit reached");
	}
	assert_int_equal(placed, 3);		/* one per host */
	struct place_job other = { 9, q, "v", "normal", NULL, -1, -1 };
	assert_int_equal(place_job(&x, &other, &r), 0);	/* v is not limited */
	place_result_free(&r);

	t.q[0].ujob_limit = 3;
	assert_int_equal(limits_check(x.lim, &t.sc, &t.q[0], "u", 1, &reason, detail,
	    sizeof(detail)), -1);
	assert_string_equal(reason, "The user has reached his/her job slot limit");
	assert_string_equal(detail, "user limit 3/3 in queue normal");
	assert_int_equal(limits_check(x.lim, &t.sc, &t.q[0], "v", 1, &reason, detail,
	    sizeof(detail)), 0);
	t.q[0].qjob_limit = 4;
	assert_int_equal(limits_check(x.lim, &t.sc, &t.q[0], "v", 1, &reason, detail,
	    sizeof(detail)), -1);
	assert_string_equal(detail, "queue limit 4/4 in queue normal");
	t.q[0].qjob_limit = -1;
	struct schedconf_ulim ul = { "default", 2, -1 };
	t.sc.ulims = &ul;
	t.sc.nulims = 1;
	assert_int_equal(limits_check(x.lim, &t.sc, &t.q[0], "v", 1, &reason, detail,
	    sizeof(detail)), 0);
	assert_int_equal(limits_check(x.lim, &t.sc, &t.q[0], "v", 2, &reason, detail,
	    sizeof(detail)), -1);
	assert_string_equal(detail, "user limit 1/2 (lsb.users MAX_JOBS, all queues)");
	limits_free(x.lim);
	place_ctx_free(&x);

	/* HJOB_LIMIT 1: one slot of the queue per host, whoever asks */
	hosts_init(h);
	place_ctx_init(&x, h, 3, &t.sc, NOW);
	x.lim = limits_new();
	placed = 0;
	for (long id = 1; id <= 5; id++) {
		struct place_job pj = { id, q, id % 2 ? "u" : "v", "normal", NULL, 1, -1 };
		if (place_job(&x, &pj, &r) == 0) {
			placed += r.total;
			place_result_free(&r);
		}
	}
	assert_int_equal(placed, 3);
	assert_int_equal(limits_count(x.lim, "Q", "normal", NULL), 3);
	limits_free(x.lim);
	place_ctx_free(&x);
	jobreq_free(q);
}

/*
 * Per-host limit reasons name the limit, the count and the host. b gets
 * 8 slots on 4 cores; "used" of them run for user u in queue normal.
 */
static const struct {
	int jlu, hjob, pjob, jlp, used_b, used_a;
	bool a_usable;
	const char *detail;
} limit_reasons[] = {
	{ 2, -1, -1, -1, 2, 0, false, "JL/U 2/2 on b" },
	{ -1, 1, -1, -1, 1, 0, false, "HJOB_LIMIT 1/1 on b in queue normal" },
	{ -1, -1, 1, -1, 4, 0, false, "PJOB_LIMIT 4/4 on b in queue normal" },
	{ -1, -1, -1, 1, 4, 0, false, "JL/P 4/4 on b for user u" },
	{ 3, 2, -1, -1, 2, 0, false, "HJOB_LIMIT 2/2 on b in queue normal" },
	{ 1, -1, -1, -1, 1, 1, true, "JL/U 1/1 on b, and 1 more host at a per-host limit" },
};

static void
test_limit_reasons(void **state)
{
	struct place_host h[3];
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	struct jobreq *q;
	struct schedconf_ulim ul = { "default", -1, -1 };

	tconf_init(&t);
	t.sc.ulims = &ul;
	t.sc.nulims = 1;
	q = req_of(&t, "{}", "normal");
	for (size_t i = 0; i < sizeof(limit_reasons) / sizeof(limit_reasons[0]); i++) {
		struct place_job pj = { 1, q, "u", "normal", NULL, limit_reasons[i].hjob,
		    limit_reasons[i].pjob };
		hosts_init(h);
		h[0].usable = limit_reasons[i].a_usable;
		h[2].usable = false;
		h[1].maxslots = 8;
		ul.jlp = limit_reasons[i].jlp;
		place_ctx_init(&x, h, 3, &t.sc, NOW);
		x.lim = limits_new();
		for (int k = 0; k < 2; k++) {
			int used = k == 0 ? limit_reasons[i].used_a : limit_reasons[i].used_b;
			h[k].jlu = limit_reasons[i].jlu;
			h[k].used = used;
			if (used > 0)
				limits_add(x.lim, &t.sc, "normal", "u", k, used);
		}
		assert_int_equal(place_job(&x, &pj, &r), -1);
		assert_string_equal(r.reason, "Job slot limit reached");
		if (strcmp(r.detail, limit_reasons[i].detail) != 0)
			fail_msg("case %zu: '%s', want '%s'", i, r.detail, limit_reasons[i].detail);
		limits_free(x.lim);
		place_ctx_free(&x);
	}
	jobreq_free(q);
}

/* A big job waiting for slots holds the free ones; a short job that ends
 * before the reservation backfills, a job without a run limit does not. */
static void
test_backfill(void **state)
{
	struct place_host h[3];
	struct place_run run = { .end = NOW + 3600, .slots = 2 };
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	struct jobreq *big, *shortj, *longj;

	tconf_init(&t);
	hosts_init(h);
	h[0].usable = h[2].usable = false;	/* only b: 4 slots, 2 busy for an hour */
	h[1].used = 2;
	h[1].runs = &run;
	h[1].nruns = 1;
	place_ctx_init(&x, h, 3, &t.sc, NOW);
	big = req_of(&t, "{\"n\":\"4\"}", "normal");
	shortj = req_of(&t, "{\"W\":\"30\"}", "normal");
	longj = req_of(&t, "{}", "normal");
	struct place_job pb = { 1, big, "u", "normal", NULL, -1, -1 };
	assert_int_equal(place_job(&x, &pb, &r), -1);
	assert_true(r.slots_only);
	place_reserve(&x, &pb);
	assert_int_equal(h[1].rsv_slots, 2);
	assert_int_equal(h[1].rsv_until, NOW + 3600);
	struct place_job pl = { 2, longj, "u", "normal", NULL, -1, -1 };
	assert_int_equal(place_job(&x, &pl, &r), -1);
	assert_string_equal(r.detail, "needs 1 slot(s), 0 free on 1 candidate host(s), "
	    "2 more held for job 1");
	struct place_job ps = { 3, shortj, "u", "normal", NULL, -1, -1 };
	assert_int_equal(place_job(&x, &ps, &r), 0);	/* 30 min < 1 h */
	place_result_free(&r);
	place_ctx_free(&x);
	jobreq_free(big);
	jobreq_free(shortj);
	jobreq_free(longj);
}

/*
 * Reservations for jobs blocked by something other than a plain slot
 * count: each row busies some hosts (with user u, queue normal, ending
 * "end" seconds from now), fails a job, checks what it holds on each host
 * ("host:slots/MB@seconds from now"), then places later jobs of user v.
 */
struct rsv_later {
	const char *opts, *want;	/* want: placement, or "!" */
};

static const struct {
	const char *name;
	int used[3];
	uint64_t mem_mb[3];
	bool excl[3];
	long end[3];
	int jlu;		/* JL/U on every host, -1 none */
	const char *opts, *queue;
	const char *held;	/* "" when nothing can be held */
	struct rsv_later later[3];
} rsv_cases[] = {
	{ "span[hosts=1] with one free slot on each small host",
	    { 1, 0, 1 }, { 0, 0, 0 }, { 0, 0, 0 }, { 600, 0, 1200 }, -1,
	    "{\"n\":\"2\",\"R\":\"span[hosts=1] select[!bigmem]\"}", "normal",
	    "a:1/0@600",
	    { { "{\"R\":\"select[!bigmem]\"}", "c:1" },
	      { "{\"R\":\"select[!bigmem]\"}", "!" },
	      { "{\"R\":\"select[!bigmem]\",\"W\":\"5\"}", "a:1" } } },
	{ "memory: rusage waits for the booking on b to end",
	    { 0, 1, 0 }, { 0, 3072, 0 }, { 0, 0, 0 }, { 0, 3600, 0 }, -1,
	    "{\"R\":\"rusage[mem=2G] select[bigmem]\"}", "normal",
	    "b:1/1024@3600",
	    { { "{\"R\":\"rusage[mem=512] select[bigmem]\"}", "!" },
	      { "{\"R\":\"select[bigmem]\"}", "b:1" },
	      { "{\"R\":\"rusage[mem=512] select[bigmem]\",\"W\":\"30\"}", "b:1" } } },
	{ "exclusive: -x holds the whole host until it is idle",
	    { 0, 1, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 1800, 0 }, -1,
	    "{\"x\":true,\"R\":\"select[bigmem]\"}", "ex",
	    "b:3/0@1800",
	    { { "{\"R\":\"select[bigmem]\"}", "!" },
	      { "{\"R\":\"select[bigmem]\",\"W\":\"10\"}", "b:1" },
	      { NULL, NULL } } },
	{ "ptile: two hosts with two slots each",
	    { 1, 0, 1 }, { 0, 0, 0 }, { 0, 0, 0 }, { 600, 0, 900 }, -1,
	    "{\"n\":\"4\",\"R\":\"span[ptile=2] select[!bigmem]\"}", "normal",
	    "a:1/0@900,c:1/0@900",
	    { { "{\"R\":\"select[!bigmem]\"}", "!" },
	      { "{\"R\":\"select[bigmem]\"}", "b:1" },
	      { NULL, NULL } } },
	{ "JL/U: the user's own job on a must end first",
	    { 1, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 600, 0, 0 }, 1,
	    "{\"m\":\"a\"}", "normal",
	    "a:1/0@600",
	    { { "{\"m\":\"a\"}", "!" },
	      { "{\"m\":\"a b\"}", "b:1" },
	      { NULL, NULL } } },
	{ "an exclusive job on b: a job for b waits for it",
	    { 0, 1, 0 }, { 0, 0, 0 }, { 0, 1, 0 }, { 0, 300, 0 }, -1,
	    "{\"R\":\"select[bigmem]\"}", "normal",
	    "b:1/0@300",
	    { { "{\"R\":\"select[bigmem]\",\"W\":\"4\"}", "!" },
	      { NULL, NULL }, { NULL, NULL } } },
	{ "no host ever has six slots: nothing held",
	    { 1, 1, 1 }, { 0, 0, 0 }, { 0, 0, 0 }, { 60, 60, 60 }, -1,
	    "{\"n\":\"6\",\"R\":\"span[hosts=1]\"}", "normal",
	    "",
	    { { "{}", "b:1" }, { NULL, NULL }, { NULL, NULL } } },
};

static void
held_text(const struct place_host *h, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 3 && n < len; i++)
		if (h[i].rsv_slots > 0 || h[i].rsv_mem > 0)
			n += (size_t)snprintf(buf + n, len - n, "%s%s:%d/%llu@%ld",
			    n ? "," : "", h[i].name, h[i].rsv_slots,
			    (unsigned long long)(h[i].rsv_mem / 1024), h[i].rsv_until - NOW);
}

/* q stays allocated until x is freed: place.c knows a bucket by its jobreq. */
static void
rsv_later_check(struct place_ctx *x, struct jobreq *q, const char *name,
    const struct rsv_later *l, long id)
{
	struct place_job pj = { id, q, "v", "normal", NULL, -1, -1 };
	struct place_result r;
	char got[256];

	if (place_job(x, &pj, &r) == 0) {
		result_text(x, &r, got, sizeof(got));
		place_result_free(&r);
	} else
		snprintf(got, sizeof(got), "!");
	if (strcmp(got, l->want) != 0)
		fail_msg("%s: later %s: got '%s' (%s: %s), want '%s'", name, l->opts, got,
		    r.reason, r.detail, l->want);
}

static void
test_reserve_kinds(void **state)
{
	struct place_host h[3];
	struct place_run runs[3];
	struct jobreq *lq[3] = { NULL, NULL, NULL };
	struct place_ctx x;
	struct place_result r;
	struct tconf t;
	char got[256];

	tconf_init(&t);
	for (size_t i = 0; i < sizeof(rsv_cases) / sizeof(rsv_cases[0]); i++) {
		struct jobreq *q = req_of(&t, rsv_cases[i].opts, rsv_cases[i].queue);
		struct place_job pj = { 1, q, "u", rsv_cases[i].queue, NULL, -1, -1 };
		hosts_init(h);
		place_ctx_init(&x, h, 3, &t.sc, NOW);
		x.lim = limits_new();
		for (int k = 0; k < 3; k++) {
			h[k].jlu = rsv_cases[i].jlu;
			if (rsv_cases[i].used[k] == 0)
				continue;
			runs[k] = (struct place_run){ .end = NOW + rsv_cases[i].end[k],
			    .slots = rsv_cases[i].used[k], .mem = rsv_cases[i].mem_mb[k] * 1024,
			    .excl = rsv_cases[i].excl[k], .user = "u", .queue = "normal" };
			h[k].used = runs[k].slots;
			h[k].mem_rsv = runs[k].mem;
			h[k].excl = runs[k].excl;
			h[k].runs = &runs[k];
			h[k].nruns = 1;
			limits_add(x.lim, &t.sc, "normal", "u", k, runs[k].slots);
		}
		if (place_job(&x, &pj, &r) == 0)
			fail_msg("%s: placed, want it blocked", rsv_cases[i].name);
		if (!r.reservable)
			fail_msg("%s: %s (%s) is not reservable", rsv_cases[i].name,
			    r.reason, r.detail);
		place_reserve(&x, &pj);
		held_text(h, got, sizeof(got));
		if (strcmp(got, rsv_cases[i].held) != 0)
			fail_msg("%s: held '%s', want '%s'", rsv_cases[i].name, got,
			    rsv_cases[i].held);
		for (int k = 0; k < 3 && rsv_cases[i].later[k].opts != NULL; k++) {
			lq[k] = req_of(&t, rsv_cases[i].later[k].opts, "normal");
			rsv_later_check(&x, lq[k], rsv_cases[i].name, &rsv_cases[i].later[k],
			    10 + k);
		}
		limits_free(x.lim);
		place_ctx_free(&x);
		jobreq_free(q);
		for (int k = 0; k < 3; k++) {
			jobreq_free(lq[k]);
			lq[k] = NULL;
		}
	}
}

/* Fairshare: more shares or less usage goes first; usage decays. */
static void
test_fairshare(void **state)
{
	struct fairshare *f = fairshare_new(NOW);
	struct schedconf_share sh[] = { { "alice", 3 }, { "default", 1 } };
	struct schedconf_queue q = { .shares = sh, .nshares = 2 };

	assert_int_equal(schedconf_shares(NULL, &q, "alice"), 3);
	assert_int_equal(schedconf_shares(NULL, &q, "bob"), 1);
	fairshare_age(f, NOW, 5);
	assert_true(fairshare_priority(f, "q", "alice", 3) >
	    fairshare_priority(f, "q", "bob", 1));
	fairshare_charge(f, "q", "alice", NULL, 10 * 3600.0);	/* 10 slot-hours */
	assert_true(fairshare_priority(f, "q", "alice", 3) <
	    fairshare_priority(f, "q", "bob", 1));
	fairshare_age(f, NOW + 5 * 3600 * 4, 5);	/* four half-lives: 0.625 h left */
	assert_true(fairshare_usage(f, "q", "alice") > 0.62 * 3600 &&
	    fairshare_usage(f, "q", "alice") < 0.63 * 3600);
	assert_true(fairshare_priority(f, "q", "alice", 3) >
	    fairshare_priority(f, "q", "bob", 1));
	fairshare_started(f, "q", "bob", NULL, 1);
	assert_true(fairshare_priority(f, "q", "bob", 1) < 0.6);
	/* a group account adds up its members */
	fairshare_charge(f, "q", "ann", "@team", 3600);
	fairshare_started(f, "q", "ben", "@team", 2);
	assert_true(fairshare_usage(f, "q", "@team") == 3600);
	assert_true(fairshare_priority(f, "q", "@team", 4) == 1.0);	/* 4 / (1+2+1) */
	fairshare_free(f);
}

/* Saved rows, as the store keeps them. */
struct saved_row {
	char key[32];
	double usage;
	long when;
};

struct saved {
	struct saved_row v[8];
	int n;
};

static void
save_row(void *arg, const char *key, double usage, long when)
{
	struct saved *s = arg;

	assert_true(s->n < 8);
	snprintf(s->v[s->n].key, sizeof(s->v[s->n].key), "%s", key);
	s->v[s->n].usage = usage;
	s->v[s->n++].when = when;
}

static bool
near(double a, double b)
{
	return a > b - 0.5 && a < b + 0.5;
}

/* Durable usage: only moved accounts are saved, with the time they are
 * aged to; restored rows are aged to the newest row's time, from which
 * the usage decays on. */
static void
test_fairshare_restore(void **state)
{
	struct fairshare *f = fairshare_new(NOW), *g = fairshare_new(NOW + 9 * 3600);
	struct saved s = { .n = 0 };

	fairshare_charge(f, "q", "alice", NULL, 7200);
	fairshare_usage(f, "q", "bob");	/* an account with nothing to save */
	fairshare_save(f, save_row, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].key, "q|alice");
	assert_true(s.v[0].usage == 7200 && s.v[0].when == NOW);
	fairshare_save(f, save_row, &s);	/* unchanged: nothing again */
	assert_int_equal(s.n, 1);
	fairshare_age(f, NOW + 5 * 3600, 5);	/* one half-life */
	fairshare_charge(f, "q", "carol", NULL, 800);
	fairshare_save(f, save_row, &s);
	assert_int_equal(s.n, 3);
	/* restore alice's first row and carol's: alice is aged to carol's time */
	fairshare_load(g, s.v[0].key, s.v[0].usage, s.v[0].when);
	fairshare_load(g, "q|carol", 800, NOW + 5 * 3600);
	fairshare_loaded(g, NOW + 9 * 3600, 5);
	assert_true(near(fairshare_usage(g, "q", "alice"), 3600));
	assert_true(near(fairshare_usage(g, "q", "carol"), 800));
	fairshare_age(g, NOW + 10 * 3600, 5);	/* from the restored time on */
	assert_true(near(fairshare_usage(g, "q", "alice"), 1800));
	assert_true(near(fairshare_usage(g, "q", "carol"), 400));
	fairshare_free(f);
	fairshare_free(g);
}

/* Share accounts: [group,N] is one account, [group@,N] one per member. */
static const struct {
	const char *user;
	const char *group;	/* account, NULL the user's own */
	int shares;
} accounts[] = {
	{ "alice", "grp", 2 }, { "bob", "grp", 2 }, { "carol", NULL, 1 },
	{ "dan", NULL, 3 }, { "erin", NULL, 3 }, { "zed", NULL, 0 },
};

static void
test_share_accounts(void **state)
{
	char *grp_members[] = { "alice", "bob", NULL }, *duo_members[] = { "dan", "erin", NULL };
	struct schedconf_group ug[] = { { "grp", grp_members }, { "duo", duo_members } };
	struct schedconf_share sh[] = { { "grp", 2 }, { "carol", 1 }, { "duo@", 3 } };
	struct schedconf_queue q = { .shares = sh, .nshares = 3 };
	struct schedconf sc = { .ugroups = ug, .nugroups = 2, .queues = &q };
	char buf[64];
	const char *g;
	int shares;

	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		g = schedconf_share_account(&sc, &q, accounts[i].user, &shares);
		if ((g == NULL) != (accounts[i].group == NULL) ||
		    (g != NULL && strcmp(g, accounts[i].group) != 0) ||
		    shares != accounts[i].shares)
			fail_msg("%s: account %s, %d shares", accounts[i].user,
			    g ? g : "(own)", shares);
	}
	assert_string_equal(fairshare_group(&sc, &q, "bob", &shares, buf, sizeof(buf)),
	    "@grp");
	assert_null(fairshare_group(&sc, &q, "dan", &shares, buf, sizeof(buf)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_exclusive),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_limit_reasons),
		cmocka_unit_test(test_backfill),
		cmocka_unit_test(test_reserve_kinds),
		cmocka_unit_test(test_fairshare),
		cmocka_unit_test(test_fairshare_restore),
		cmocka_unit_test(test_share_accounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
