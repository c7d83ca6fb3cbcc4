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

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "stats") == 0)
		return bt_stats();
	if (argc >= 4 && strcmp(argv[1], "time") == 0)
		return bt_time(atol(argv[2]), argv + 3);
	if (argc == 3 && strcmp(argv[1], "latency") == 0)
		return bt_latency(atol(argv[2]));
	fprintf(stderr, "usage: benchtool stats | time N CMD... | latency N\n");
	return 2;
}
