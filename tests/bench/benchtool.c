/*
 * benchtool.c - the small C helper of the benchmark scripts (bench.sh):
 * timing and percentiles that a shell does badly. It measures and prints;
 * it never judges a time.
 *
 *   benchtool stats            numbers on stdin -> "median min max p99 n"
 *   benchtool time N CMD...    runs CMD N times (stdout to /dev/null),
 *                              prints each run's wall time in ms
 *   benchtool latency N        N times: submit "true" to the local Pumice
 *                              cluster, wait until it started, until it
 *                              ended (the "wait" op on one connection);
 *                              prints "start_ms end_ms" per run
 *   benchtool schedstats [BEFORE]
 *                              the master's scheduler pass counters (op
 *                              "stats": passes, jobs started, total and
 *                              max time, histogram) as one JSON line; with
 *                              BEFORE (an earlier output) only what
 *                              happened since
 *   benchtool passes FILE...   schedstats outputs summed: "median min max
 *                              p99 n" of the pass times (ms), then
 *                              "busy_ms started"; percentiles come from
 *                              the master's histogram (within 1/8), max
 *                              is exact when the slowest pass since
 *                              BEFORE was the master's slowest
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

static double
bt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
bt_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double
bt_pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	return v[(k > n ? n : k) - 1];
}

static int
bt_stats(void)
{
	size_t n = 0, cap = 64;
	double *v = xcalloc(cap, sizeof(*v)), x, med;

	while (scanf("%lf", &x) == 1) {
		if (n == cap)
			v = xrealloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = x;
	}
	if (n == 0) {
		printf("0 0 0 0 0\n");
		free(v);
		return 1;
	}
	qsort(v, n, sizeof(*v), bt_cmp);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("%.6g %.6g %.6g %.6g %zu\n", med, v[0], v[n - 1], bt_pct(v, n, 99), n);
	free(v);
	return 0;
}

static int
bt_time(long n, char **argv)
{
	long i;
	int st;

	for (i = 0; i < n; i++) {
		double t0 = bt_now_ms();
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			execvp(argv[0], argv);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		printf("%.3f\n", bt_now_ms() - t0);
	}
	return 0;
}

static int
bt_wait(struct client *c, long id, const char *until, char *err, size_t errlen)
{
	json_t *data = NULL;
	int rc = client_request(c, "wait", json_pack("{s:I, s:s}", "id",
	    (json_int_t)id, "until", until), &data, err, errlen);

	json_decref(data);
	return rc;
}

static int
bt_latency(long n)
{
	struct client c;
	char err[1024], cwd[PATH_MAX];
	json_t *args, *data;
	long i, id;

	if (client_open(&c, err, sizeof(err)) != CLIENT_OK || getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "benchtool: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		double t0 = bt_now_ms(), t1;
		args = json_pack("{s:{s:s, s:s, s:s, s:{}, s:i, s:s, s:s}}", "job",
		    "cmd", "true", "name", "lat", "subcwd", cwd, "env", "nslots", 1,
		    "out", "/dev/null", "err", "/dev/null");
		if (client_request(&c, "submit", args, &data, err, sizeof(err)) != CLIENT_OK) {
			fprintf(stderr, "benchtool: submit: %s\n", err);
			return 1;
		}
		json_decref(args);
		id = (long)json_integer_value(json_object_get(data, "id"));
		json_decref(data);
		if (bt_wait(&c, id, "start", err, sizeof(err)) != CLIENT_OK)
			break;
		t1 = bt_now_ms();
		if (bt_wait(&c, id, "end", err, sizeof(err)) != CLIENT_OK)
			break;
		printf("%.3f %.3f\n", t1 - t0, bt_now_ms() - t0);
		fflush(stdout);
	}
	client_close(&c);
	return 0;
}

static json_t *
bt_sched_get(void)
{
	json_t *data = NULL, *sched;
	char err[1024];

	if (client_call("stats", json_object(), &data, err, sizeof(err)) != CLIENT_OK) {
		fprintf(stderr, "benchtool: stats: %s\n", err);
		return NULL;
	}
	sched = json_incref(json_object_get(data, "sched"));
	json_decref(data);
	return sched;
}

static json_int_t
bt_jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

#define BT_HIST_MAX 512		/* more than stats.c's buckets */

/* Adds sign * hist ([[low_us, count], ...]) into low/count[0..*n). */
static void
bt_hist_add(json_int_t *count, json_int_t *low, size_t *n, const json_t *hist,
    int sign)
{
	size_t i, k;
	json_t *b;

	json_array_foreach(hist, i, b) {
		json_int_t l = json_integer_value(json_array_get(b, 0));
		for (k = 0; k < *n && low[k] != l; k++)
			;
		if (k == *n && *n < BT_HIST_MAX)
			low[(*n)++] = l;
		if (k < BT_HIST_MAX)
			count[k] += sign * json_integer_value(json_array_get(b, 1));
	}
}

static int
bt_cmp_pair(const void *a, const void *b)
{
	const json_int_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The non-empty buckets of low/count[0..n) as an ordered [[low_us, count], ...]. */
static json_t *
bt_hist_json(const json_int_t *low, const json_int_t *count, size_t n)
{
	json_int_t pair[BT_HIST_MAX][2];
	size_t i, k = 0;
	json_t *out = json_array();

	for (i = 0; i < n; i++)
		if (count[i] > 0) {
			pair[k][0] = low[i];
			pair[k++][1] = count[i];
		}
	qsort(pair, k, sizeof(pair[0]), bt_cmp_pair);
	for (i = 0; i < k; i++)
		json_array_append_new(out, json_pack("[I, I]", pair[i][0], pair[i][1]));
	return out;
}

/* hist of now minus hist of before. */
static json_t *
bt_hist_delta(const json_t *now, const json_t *before)
{
	json_int_t low[BT_HIST_MAX] = { 0 }, count[BT_HIST_MAX] = { 0 };
	size_t n = 0;

	bt_hist_add(count, low, &n, json_object_get(now, "hist"), 1);
	bt_hist_add(count, low, &n, json_object_get(before, "hist"), -1);
	return bt_hist_json(low, count, n);
}

/* The counters of now since before: the same shape, max exact or not. */
static json_t *
bt_sched_delta(const json_t *now, const json_t *before)
{
	bool exact = bt_jint(now, "max_us") > bt_jint(before, "max_us");

	return json_pack("{s:I, s:I, s:I, s:I, s:b, s:o}", "passes",
	    bt_jint(now, "passes") - bt_jint(before, "passes"), "started",
	    bt_jint(now, "started") - bt_jint(before, "started"), "total_us",
	    bt_jint(now, "total_us") - bt_jint(before, "total_us"), "max_us",
	    exact ? bt_jint(now, "max_us") : 0, "max_exact", exact, "hist",
	    bt_hist_delta(now, before));
}

static int
bt_schedstats(const char *file)
{
	json_t *now = bt_sched_get(), *before = NULL, *out;
	json_error_t jerr;

	if (now == NULL)
		return 1;
	if (file != NULL && (before = json_load_file(file, 0, &jerr)) == NULL) {
		fprintf(stderr, "benchtool: %s: %s\n", file, jerr.text);
		json_decref(now);
		return 1;
	}
	out = before ? bt_sched_delta(now, before) : json_incref(now);
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	json_decref(now);
	json_decref(before);
	return 0;
}

/* Width of the histogram bucket starting at low (stats.c: 8 per octave). */
static double
bt_bucket_width(json_int_t low)
{
	json_int_t p = 1;

	if (low < 8)
		return 1;
	while (p * 2 <= low)
		p *= 2;
	return (double)(p / 8);
}

/* The duration at rank k (1-based) of hist, in us: its bucket's middle. */
static double
bt_hist_rank(const json_t *hist, json_int_t k)
{
	json_int_t seen = 0, low = 0;
	size_t i;
	json_t *b;

	json_array_foreach(hist, i, b) {
		low = json_integer_value(json_array_get(b, 0));
		if ((seen += json_integer_value(json_array_get(b, 1))) >= k)
			break;
	}
	return (double)low + bt_bucket_width(low) / 2;
}

/* Pass counters of several files (schedstats output) summed and summarised. */
static int
bt_passes(int nfiles, char **files)
{
	json_int_t low[BT_HIST_MAX] = { 0 }, count[BT_HIST_MAX] = { 0 };
	json_int_t n = 0, busy = 0, started = 0, max = 0;
	json_error_t jerr;
	bool exact = true;
	size_t m = 0;
	json_t *f, *h;
	int i;

	for (i = 0; i < nfiles; i++) {
		if ((f = json_load_file(files[i], 0, &jerr)) == NULL) {
			fprintf(stderr, "benchtool: %s: %s\n", files[i], jerr.text);
			continue;
		}
		n += bt_jint(f, "passes");
		busy += bt_jint(f, "total_us");
		started += bt_jint(f, "started");
		if (bt_jint(f, "max_us") > max)
			max = bt_jint(f, "max_us");
		if (json_is_false(json_object_get(f, "max_exact")))
			exact = false;
		bt_hist_add(count, low, &m, json_object_get(f, "hist"), 1);
		json_decref(f);
	}
	h = bt_hist_json(low, count, m);
	if (n <= 0)
		printf("0 0 0 0 0\n0 0\n");
	else
		printf("%.6g %.6g %.6g %.6g %lld\n%.1f %lld\n",
		    bt_hist_rank(h, (n + 1) / 2) / 1e3,
		    (double)json_integer_value(json_array_get(json_array_get(h, 0), 0)) / 1e3,
		    (exact && max > 0 ? (double)max : bt_hist_rank(h, n)) / 1e3,
		    bt_hist_rank(h, (json_int_t)((double)n * 0.99 + 0.999999)) / 1e3,
		    (long long)n, (double)busy / 1e3, (long long)started);
	json_decref(h);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "stats") == 0)
		return bt_stats();
	if (argc >= 4 && strcmp(argv[1], "time") == 0)
		return bt_time(atol(argv[2]), argv + 3);
	if (argc == 3 && strcmp(argv[1], "latency") == 0)
		return bt_latency(atol(argv[2]));
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "schedstats") == 0)
		return bt_schedstats(argc == 3 ? argv[2] : NULL);
	if (argc >= 3 && strcmp(argv[1], "passes") == 0)
		return bt_passes(argc - 2, argv + 2);
	fprintf(stderr, "usage: benchtool stats | time N CMD... | latency N | "
	    "schedstats [BEFORE] | passes FILE...\n");
	return 2;
}
