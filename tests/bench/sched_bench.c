/*
 * sched_bench.c - the scheduler on simulated hosts and jobs (issue 4);
 * prints its figures, asserts nothing. Two parts:
 *
 * core: the placement core alone (limits.c, place.c, jobreq.c): one pass
 *   over P pending jobs on H synthetic place_host entries, as sched_pass
 *   calls them (queue/user limit check, then placement by shape bucket),
 *   from an idle cluster and again from the full one it left.
 * master: sched_pass itself on a real struct master (benchmaster.c: its
 *   configuration, sqlite store, registered hosts; no event loop) with H
 *   hosts of 4, 8, 12 or 16 cores and 1, 2 or 4 GB a core, and a backlog
 *   of JOBS individual jobs (runs of RUN jobs of five shapes: run limits,
 *   span[hosts=1], rusage[mem], select, a dependency never satisfied; one
 *   run in five in a FAIRSHARE queue) or of one ARRAY-element array.
 *   Passes (each a slice of at most 2,000 starts or about 3 ms) are
 *   called back to back until a whole walk of the backlog starts nothing,
 *   committing the store after each as the loop does. Printed: the first
 *   slice (it starts sorting the backlog), the median and longest slice
 *   while filling, the time to fill and starts per second, then that last
 *   walk over the full cluster (snapshot, dependency and queue checks,
 *   failed placements, backfill reservations, fairshare). Each master
 *   runs in a child.
 *
 *   sched_bench [HOSTS [JOBS [ARRAY]]]
 *
 * Sizes come from the arguments, else from the environment, else defaults:
 *   SCHED_BENCH_HOSTS  host counts                        "1000 10000"
 *   SCHED_BENCH_JOBS   individual jobs (core: placements)  100000
 *   SCHED_BENCH_ARRAY  array elements (core: placements)   1000000
 *   SCHED_BENCH_MODE   core, master or both                both
 * A size of 0 leaves that backlog out. The master part raises the
 * open-file soft limit to the hard limit (one descriptor a host).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../daemons/master/master.h"
#include "../../daemons/master/sched.h"
#include "benchmaster.h"
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

/* ---- master: sched_pass on a struct master ---- */

#define MSHAPES 5
#define MAX_SLICES 100000	/* a safety stop; a fill takes a few hundred */

static const struct {
	const char *opts;	/* bsub options as the CLI sends them */
	int nslots;
	const char *dep;	/* -w */
} mshapes[MSHAPES] = {
	{ "{\"W\":\"60\"}", 1, NULL },
	{ "{\"n\":\"4\",\"R\":[\"span[hosts=1]\"],\"W\":\"120\"}", 4, NULL },
	{ "{\"R\":[\"rusage[mem=2G]\"]}", 1, NULL },
	{ "{\"R\":[\"select[mem>=1G && ncpus>=8] order[-slots]\"],\"W\":\"30\"}", 1, NULL },
	{ "{}", 1, "done(1)" },	/* job 1 runs and never ends */
};

static const char bench_queues[] =
    "Begin Queue\nQUEUE_NAME = normal\nPRIORITY = 30\nEnd Queue\n"
    "Begin Queue\nQUEUE_NAME = fair\nPRIORITY = 20\n"
    "FAIRSHARE = USER_SHARES[[default, 1]]\nEnd Queue\n";

/* Each pass's duration (ms) and the elements it started. */
struct bench_slices {
	double *ms;
	long *started;
	size_t n;
};

static void
bench_master_hosts(struct benchmaster *b, size_t nh)
{
	char name[32];

	for (size_t i = 0; i < nh; i++) {
		int ncpus = 4 * (int)(i % 4 + 1);
		long gb = 1L << (i / 4 % 3);

		snprintf(name, sizeof(name), "node%05zu", i);
		benchmaster_host(b, name, ncpus, ncpus * gb * 1024 * 1024);
	}
}

static void
bench_master_jobs(struct benchmaster *b, size_t njobs, size_t narray, char **users)
{
	for (size_t i = 0; i < njobs; i++) {
		size_t run = i / RUN, k = run % MSHAPES;
		json_t *d = json_pack("{s:s, s:s, s:s, s:i, s:o}", "name", "j", "user",
		    users[i % NUSERS], "queue", run / MSHAPES % 5 == 4 ? "fair" : "normal",
		    "nslots", mshapes[k].nslots, "opts", json_loads(mshapes[k].opts, 0, NULL));

		if (mshapes[k].dep != NULL)
			json_object_set_new(d, "dep", json_string(mshapes[k].dep));
		benchmaster_submit(b, d);
	}
	if (narray > 0) {
		char *spec = xasprintf("1-%zu", narray);
		benchmaster_submit(b, json_pack("{s:s, s:s, s:s, s:i, s:s, s:{}}", "name", "a",
		    "user", users[0], "queue", "normal", "nslots", 1, "array", spec, "opts"));
		free(spec);
	}
	benchmaster_commit(b);
}

/* Elements running (each on its first host's list), *slots their slots. */
static long
bench_running(struct master *m, long *slots)
{
	struct host *h;
	struct elem *e;
	long n = 0;

	*slots = 0;
	TAILQ_FOREACH(h, &m->hosts, entry) {
		*slots += h->used;
		TAILQ_FOREACH(e, &h->running, host_entry)
			n++;
	}
	return n;
}

/* One pass, timed; the commit after it is not. */
static void
bench_slice(struct benchmaster *b, struct bench_slices *s)
{
	long slots, before = bench_running(&b->m, &slots);
	double t0 = bench_now();

	sched_pass(&b->m);
	s->ms = xrealloc(s->ms, (s->n + 1) * sizeof(*s->ms));
	s->started = xrealloc(s->started, (s->n + 1) * sizeof(*s->started));
	s->ms[s->n] = (bench_now() - t0) * 1e3;
	benchmaster_commit(b);
	s->started[s->n++] = bench_running(&b->m, &slots) - before;
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, longest and sum of ms[a..b). */
static void
bench_spread(const double *ms, size_t a, size_t b, double *med, double *max,
    double *sum)
{
	size_t n = b - a;
	double *v = xcalloc(n + 1, sizeof(*v));

	memcpy(v, ms + a, n * sizeof(*v));
	qsort(v, n, sizeof(*v), bench_cmp_double);
	*med = n > 0 ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
	*max = n > 0 ? v[n - 1] : 0;
	*sum = 0;
	for (size_t i = 0; i < n; i++)
		*sum += v[i];
	free(v);
}

/* Walks the backlog in slices until a whole walk starts nothing; *full is
 * the first slice of that walk (s->n when the backlog ran out instead),
 * *filled one past the last slice that started anything. */
static int
bench_fill(struct benchmaster *b, struct bench_slices *s, size_t *filled,
    size_t *full)
{
	struct master *m = &b->m;
	long walk_started = 0;
	int walks = 0;

	*filled = *full = 0;
	while (!TAILQ_EMPTY(&m->pending) && s->n < MAX_SLICES) {
		bench_slice(b, s);
		if (s->started[s->n - 1] > 0)
			*filled = s->n;
		walk_started += s->started[s->n - 1];
		if (m->sched->items != NULL)
			continue;	/* the walk goes on in the next slice */
		walks++;
		if (walk_started == 0)
			return walks;
		walk_started = 0;
		*full = s->n;
	}
	*full = s->n;
	return walks;
}

static void
bench_master_report(struct benchmaster *b, const struct bench_slices *s,
    size_t filled, size_t full, int walks, double setup)
{
	struct master *m = &b->m;
	double med, max, fill, fmed, fmax, ftotal;
	long started = 0, slots, total = 0, pending = 0;
	struct host *h;
	struct job *j;

	bench_spread(s->ms, 0, filled, &med, &max, &fill);
	bench_spread(s->ms, full, s->n, &fmed, &fmax, &ftotal);
	for (size_t i = 0; i < filled; i++)
		started += s->started[i];
	TAILQ_FOREACH(h, &m->hosts, entry)
		total += h->maxslots;
	TAILQ_FOREACH(j, &m->pending, pend_entry)
		pending++;
	bench_running(m, &slots);
	printf("%7.1f | %6zu %6.1f %6.1f %6.1f %5d %7.2f %7ld %5.1f%% %8.0f |", setup,
	    filled, filled ? s->ms[0] : 0, med, max, walks, fill / 1e3, started,
	    total ? 100.0 * (double)slots / (double)total : 0, fill > 0 ?
	    (double)started / (fill / 1e3) : 0);
	if (full < s->n)
		printf(" %6zu %6.1f %6.1f %6.1f %8.1f %8.0f\n", s->n - full, s->ms[full],
		    fmed, fmax, ftotal, ftotal > 0 ? (double)pending / (ftotal / 1e3) : 0);
	else
		printf(" (no walk without a start: backlog ran out)\n");
}

/*
 * What the fill left pending. Every job of the backlog without a
 * dependency fits an empty cluster of these sizes (unless the backlog is
 * larger than the cluster), so "never tried" must be 0: a job the walks
 * never reached is a scheduler bug (a fairshare queue cut short used to
 * be skipped for the rest of its walk, leaving 7,000 jobs at 10,000 hosts).
 */
static void
bench_left(struct master *m)
{
	long dep = 0, tried = 0, never = 0;
	struct job *j;

	TAILQ_FOREACH(j, &m->pending, pend_entry) {
		if (j->dep != NULL)
			dep++;
		else if (j->pend_reason != NULL &&
		    strcmp(j->pend_reason, "New job is waiting for scheduling") == 0)
			never++;
		else
			tried++;
	}
	printf("%30s| left pending: %ld with a dependency, %ld tried (no room), %ld never "
	    "tried%s\n", "", dep, tried, never, never > 0 ? "  <- NOT ALL TRIED" : "");
}

/* One master: nh hosts and a backlog of njobs jobs or an narray array. */
static void
bench_master(size_t nh, size_t njobs, size_t narray)
{
	struct benchmaster b;
	struct bench_slices s = { NULL, NULL, 0 };
	char *users[NUSERS];
	size_t filled, full;
	double t0 = bench_now(), setup;
	int walks;

	printf("%6zu %8zu %-5s ", nh, njobs ? njobs : narray, njobs ? "jobs" : "array");
	for (int i = 0; i < NUSERS; i++)
		users[i] = xasprintf("user%02d", i);
	benchmaster_open(&b, bench_queues);
	bench_master_hosts(&b, nh);
	bench_master_jobs(&b, njobs, narray, users);
	setup = bench_now() - t0;
	walks = bench_fill(&b, &s, &filled, &full);
	bench_master_report(&b, &s, filled, full, walks, setup);
	bench_left(&b.m);
	benchmaster_close(&b);
}

/* Runs bench_master in a child, so that each master starts from a fresh
 * process (memory, descriptors) and needs no teardown. */
static void
bench_master_child(size_t nh, size_t njobs, size_t narray)
{
	struct rlimit rl;
	pid_t pid;
	int st;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < nh + 64) {
		printf("%6zu hosts: skipped, ulimit -n is %lu\n", nh, (unsigned long)rl.rlim_cur);
		return;
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		bench_master(nh, njobs, narray);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("  (%zu hosts: the benchmark's child failed)\n", nh);
}

/* ---- sizes ---- */

struct bench_sizes {
	size_t hosts[16], nhosts, jobs, array;
	bool core, master;
};

static size_t
bench_env_size(const char *name, size_t def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? (size_t)strtoul(v, NULL, 10) : def;
}

static void
bench_sizes(struct bench_sizes *z, int argc, char **argv)
{
	const char *hosts = getenv("SCHED_BENCH_HOSTS"), *mode = getenv("SCHED_BENCH_MODE");
	char *end;

	memset(z, 0, sizeof(*z));
	if (argc > 1)
		hosts = argv[1];
	for (const char *p = hosts ? hosts : "1000 10000"; z->nhosts < nitems(z->hosts); p = end) {
		size_t n = (size_t)strtoul(p, &end, 10);
		if (end == p)
			break;
		z->hosts[z->nhosts++] = n;
	}
	z->jobs = argc > 2 ? (size_t)atol(argv[2]) : bench_env_size("SCHED_BENCH_JOBS", 100000);
	z->array = argc > 3 ? (size_t)atol(argv[3]) : bench_env_size("SCHED_BENCH_ARRAY",
	    1000000);
	z->core = mode == NULL || strcmp(mode, "master") != 0;
	z->master = mode == NULL || strcmp(mode, "core") != 0;
}

int
main(int argc, char **argv)
{
	struct bench_sizes z;
	char load[64] = "?";
	FILE *fp = fopen("/proc/loadavg", "r");

	if (fp != NULL) {
		if (fgets(load, sizeof(load), fp) != NULL)
			load[strcspn(load, "\n")] = '\0';
		fclose(fp);
	}
	bench_sizes(&z, argc, argv);
	if (z.core) {
		printf("placement core (place.c + limits.c; %d job shapes in runs of %d, %d users; "
		    "hosts of 8 or 16 slots; loadavg %s)\n", NSHAPES, RUN, NUSERS, load);
		for (size_t i = 0; i < z.nhosts; i++) {
			if (z.jobs > 0)
				bench_one(z.hosts[i], z.jobs);
			if (z.array > 0)
				bench_one(z.hosts[i], z.array);
		}
	}
	if (!z.master)
		return 0;
	printf("\nsched_pass on a master (%d job shapes in runs of %d, %d users, 1 run in 5 "
	    "fairshare; hosts of 4-16 cores, 1-4 GB a core; loadavg %s)\n%30s| filling "
	    "the cluster: slices (ms), walks, seconds, starts, slots busy | the last walk, "
	    "on the full cluster: slices (ms), jobs/s\n%6s %8s %-5s %7s | slices  first "
	    "median    max walks  fill s  started slots starts/s | slices  first median    max"
	    "    total   jobs/s\n", MSHAPES, RUN, NUSERS, load, "", "hosts", "backlog", "",
	    "setup s");
	for (size_t i = 0; i < z.nhosts; i++) {
		if (z.jobs > 0)
			bench_master_child(z.hosts[i], z.jobs, 0);
		if (z.array > 0)
			bench_master_child(z.hosts[i], 0, z.array);
	}
	return 0;
}
