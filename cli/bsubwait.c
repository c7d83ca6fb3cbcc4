/*
 * bsubwait.c - bsub -K: wait for the job to start and to end, on the link
 * that submitted it, reconnecting when the daemon goes away (a master
 * restart must not fail a waiting workflow). Exit codes: the job's exit
 * code (DONE 0; EXIT with no code 1); 126 when it was killed while still
 * pending; for an array, 0 when every element is DONE, else the code of
 * the lowest-indexed element that is not (1 if it has none). On a
 * terminal a status line (waitline.c) shows the elapsed time and the
 * job's state and pending reason between those lines; piped, the output
 * is only the lines scripts parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util.h"
#include "waitline.h"

static long
bsubwait_timeout_ms(void)
{
	const char *s = getenv("PUMICE_CONNECT_TIMEOUT");

	return (s != NULL && *s != '\0') ? (long)(atof(s) * 1000) : 30000;
}

/* One wait; reconnects on a dropped link. Returns the JOBREC or NULL
 * after printing why (rejected: *rc = 255). */
static json_t *
bsubwait_once(struct client *c, struct waitline *w, long id, const char *until,
    int *rc)
{
	uint64_t first_fail = 0;
	char err[1024];
	json_t *data, *job;
	int r;

	for (;;) {
		json_t *args = json_pack("{s:I, s:s}", "id", (json_int_t)id, "until", until);
		r = c->fd >= 0 ? waitline_request(w, c, "wait", args, &data, err,
		    sizeof(err)) : CLIENT_UNREACHABLE;
		json_decref(args);
		if (r == CLIENT_OK)
			break;
		if (r == CLIENT_REJECTED) {
			waitline_clear(w);
			fprintf(stderr, "Job <%ld>: %s\n", id, err);
			*rc = CLI_EXIT_FAIL;
			return NULL;
		}
		if (first_fail == 0)
			first_fail = now_mono_ms();
		else if (now_mono_ms() - first_fail > (uint64_t)bsubwait_timeout_ms()) {
			waitline_clear(w);
			client_die_unreachable("bsub", err);
		}
		client_close(c);
		nanosleep(&(struct timespec){ 1, 0 }, NULL);
		if (client_open(c, err, sizeof(err)) != CLIENT_OK) {
			waitline_clear(w);
			client_die_unreachable("bsub", err);
		}
	}
	waitline_clear(w);
	job = json_incref(json_object_get(data, "job"));
	json_decref(data);
	if (job == NULL)
		job = json_object();
	return job;
}

static int
bsubwait_code(const json_t *job)
{
	const char *stat = json_string_value(json_object_get(job, "stat"));
	long code = (long)json_integer_value(json_object_get(job, "exit_code"));

	if (stat != NULL && strcmp(stat, "DONE") == 0)
		return 0;
	return code > 0 && code < 256 ? (int)code : 1;
}

/* The failing element with the smallest index so far: its code. */
struct bsubwait_worst {
	long idx;
	int code;
};

static int
bsubwait_chunk(json_t *jobs, void *arg)
{
	struct bsubwait_worst *w = arg;
	const json_t *job;
	size_t i;
	long idx;

	json_array_foreach(jobs, i, job) {
		idx = (long)json_integer_value(json_object_get(job, "idx"));
		if (bsubwait_code(job) != 0 && (w->idx < 0 || idx < w->idx)) {
			w->idx = idx;
			w->code = bsubwait_code(job);
		}
	}
	return 0;
}

/* An array's code from its elements (see the top of the file). */
static int
bsubwait_array_code(struct client *c, long id)
{
	struct bsubwait_worst w = { -1, 0 };
	json_t *missing = NULL;
	char err[1024];
	int rc;

	json_t *args = json_pack("{s:[{s:I}], s:b, s:s}", "ids", "id", (json_int_t)id,
	    "all_states", 1, "user", "all");
	rc = jobpages_each(c, args, "jobs", bsubwait_chunk, &w, &missing, err,
	    sizeof(err));
	json_decref(args);
	json_decref(missing);
	if (rc != CLIENT_OK)
		return 1;
	return w.code;
}

int
bsubwait_show_start(const json_t *job)
{
	const json_t *hosts = json_object_get(job, "exec_hosts");
	const char *host = json_string_value(json_array_get(hosts, 0));

	if (host == NULL && json_integer_value(json_object_get(job, "start_time")) == 0 &&
	    bsubwait_code(job) != 0) {
		fprintf(stderr, "<<Terminated while pending>>\n");
		return 126;
	}
	fprintf(stderr, "<<Starting on %s>>\n", host ? host : "-");
	return 0;
}

/* Waits for the start, then prints how it went: 0 once started, else
 * bsub's code. */
static int
bsubwait_started(struct client *c, struct waitline *w, long id)
{
	json_t *job;
	int rc = 0;

	if ((job = bsubwait_once(c, w, id, "start", &rc)) == NULL)
		return rc;
	rc = bsubwait_show_start(job);
	json_decref(job);
	return rc;
}

int
bsubwait_start(struct client *c, long id)
{
	struct waitstat ws = { id, false, NULL };
	struct waitline w;

	waitline_init(&w, waitstat_text, &ws);
	return bsubwait_started(c, &w, id);
}

int
bsubwait_end(struct client *c, long id)
{
	struct waitstat ws = { id, false, NULL };
	struct waitline w;
	json_t *job;
	int rc = 0;

	waitline_init(&w, waitstat_text, &ws);
	if ((job = bsubwait_once(c, &w, id, "end", &rc)) == NULL)
		return rc;
	rc = bsubwait_code(job);
	json_decref(job);
	return rc;
}

int
bsubwait_run(struct client *c, long id, bool array)
{
	struct waitstat ws = { id, array, NULL };
	struct waitline w;
	json_t *job;
	int rc;

	waitline_init(&w, waitstat_text, &ws);
	fprintf(stderr, "<<Waiting for dispatch ...>>\n");
	if ((rc = bsubwait_started(c, &w, id)) != 0)
		return rc;
	if ((job = bsubwait_once(c, &w, id, "end", &rc)) == NULL)
		return rc;
	fprintf(stderr, "<<Job is finished>>\n");
	rc = array ? bsubwait_array_code(c, id) : bsubwait_code(job);
	json_decref(job);
	return rc;
}
