/*
 * sched_bench.c - the scheduler's placement core (place.c, limits.c,
 * jobreq.c) on simulated hosts and jobs: one pass over P pending jobs on
 * H hosts, as sched_pass runs it (queue/user limit check, then placement
 * by shape bucket), from an idle cluster and from a full one. Prints the
 * pass time and placements per second; asserts nothing.
 *
 *   sched_bench [HOSTS PENDING]     default: 1k and 10k hosts x 100k and 1M jobs
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../daemons/master/master.h"
#include "../../daemons/master/sched.h"
#include "util.h"

#define NSHAPES 4
#define NUSERS 100
#define RUN 1000	/* jobs come in runs of one shape, as arrays and scripts submit */

static const char *shapes[NSHAPES] = {
	"{}",
	"{\"n\":\"4\",\"R\":[\"span[hosts=1]\"]}",
	"{\"R\":[\"rusage[mem=2G]\"]}",
	"{\"R\":[\"select[mem>=1G && ncpus>=8] order[-slots]\"]}",
};

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct place_host *
bench_hosts(size_t n)
{
	struct place_host *h = xcalloc(n, sizeof(*h));

	for (size_t i = 0; i < n; i++) {
		char *name = xasprintf("node%05zu", i);
		h[i].name = h[i].sel.name = name;
		h[i].sel.type = "LINUX";
		h[i].usable = true;
		h[i].maxslots = h[i].ncpus = i % 4 == 0 ? 16 : 8;
		h[i].mem_total = (uint64_t)h[i].ncpus * 1024 * 1024;	/* 1 GB a core */
		h[i].jlu = -1;
		h[i].sel.num[SEL_NCPUS] = h[i].ncpus;
		h[i].sel.num[SEL_MAXMEM] = h[i].sel.num[SEL_MEM] = (double)h[i].mem_total;
		h[i].sel.num[SEL_SLOTS] = h[i].maxslots;
		h[i].sel.num[SEL_R15S] = (double)(i % 7) / 10;
	}
	return h;
}

static void
bench_hosts_free(struct place_host *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)h[i].name);
	free(h);
}

static void
bench_conf(struct conf *c, struct conf_queue *q, struct schedconf *sc,
    struct schedconf_queue *sq)
{
	memset(c, 0, sizeof(*c));
	memset(q, 0, sizeof(*q));
	memset(sc, 0, sizeof(*sc));
	memset(sq, 0, sizeof(*sq));
	q->name = "normal";
	q->qjob_limit = q->hjob_limit = q->pjob_limit = -1;
	q->ujob_limit = 1000000;
	sq->runlimit_def = sq->runlimit_max = -1;
	sc->queues = sq;
	sc->hist_hours = 5;
	c->unit_for_limits = "MB";
	c->queues = q;
	c->nqueues = 1;
	c->sched = sc;
}

/* One pass; returns placements, *secs its duration. */
static long
bench_pass(struct conf *c, struct place_host *hosts, size_t nh, struct jobreq **req,
    char **users, size_t pending, double *secs)
{
	struct place_ctx x;
	struct place_result r;
	const char *reason;
	char detail[256];
	long placed = 0;
	double t0 = bench_now();

	place_ctx_init(&x, hosts, nh, c->sched, 1000000);
	x.lim = limits_new();
	for (size_t i = 0; i < pending; i++) {
		const char *user = users[i % NUSERS];
		struct place_job pj = { (long)i + 1, req[(i / RUN) % NSHAPES], user, "normal",
		    NULL, -1, -1 };
		if (limits_check(x.lim, c->sched, &c->queues[0], user, pj.req->nmin,
		    &reason, detail, sizeof(detail)) < 0)
			continue;
		if (place_job(&x, &pj, &r) == 0) {
			placed++;
			place_result_free(&r);
		}
	}
	*secs = bench_now() - t0;
	limits_free(x.lim);
	place_ctx_free(&x);
	return placed;
}

static void
bench_one(size_t nh, size_t pending)
{
	struct conf c;
	struct conf_queue q;
	struct schedconf sc;
	struct schedconf_queue sq;
	struct jobreq *req[NSHAPES];
	struct place_host *hosts = bench_hosts(nh);
	char *users[NUSERS], err[256];
	double t1, t2;
	long p1, p2;
	json_t *spec;

	bench_conf(&c, &q, &sc, &sq);
	for (int i = 0; i < NUSERS; i++)
		users[i] = xasprintf("user%02d", i);
	for (int i = 0; i < NSHAPES; i++) {
		spec = json_pack("{s:o, s:i}", "opts", json_loads(shapes[i], 0, NULL),
		    "nslots", 1);
		if ((req[i] = jobreq_build(&c, spec, "normal", err, sizeof(err))) == NULL) {
			fprintf(stderr, "sched_bench: %s\n", err);
			exit(1);
		}
		json_decref(spec);
	}
	p1 = bench_pass(&c, hosts, nh, req, users, pending, &t1);	/* idle cluster */
	p2 = bench_pass(&c, hosts, nh, req, users, pending, &t2);	/* now full */
	printf("%6zu hosts %8zu pending | idle: %7.1f ms %6ld placed %9.0f placements/s"
	    " | full: %7.1f ms %ld placed\n", nh, pending, t1 * 1e3, p1,
	    t1 > 0 ? (double)p1 / t1 : 0, t2 * 1e3, p2);
	for (int i = 0; i < NSHAPES; i++)
		jobreq_free(req[i]);
	for (int i = 0; i < NUSERS; i++)
		free(users[i]);
	bench_hosts_free(hosts, nh);
}

int
main(int argc, char **argv)
{
	static const size_t hs[] = { 1000, 10000 }, ps[] = { 100000, 1000000 };

	char load[64] = "?";
	FILE *fp = fopen("/proc/loadavg", "r");

	if (fp != NULL) {
		if (fgets(load, sizeof(load), fp) != NULL)
			load[strcspn(load, "\n")] = '\0';
		fclose(fp);
	}
	printf("scheduler pass (place.c + limits.c; %d job shapes in runs of %d, %d users; "
	    "hosts of 8 or 16 slots; loadavg %s)\n", NSHAPES, RUN, NUSERS, load);
	if (argc == 3) {
		bench_one((size_t)atol(argv[1]), (size_t)atol(argv[2]));
		return 0;
	}
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < 2; k++)
			bench_one(hs[i], ps[k]);
	return 0;
}
