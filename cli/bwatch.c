/*
 * bwatch.c - print job and host state changes as they happen (the
 * master's event stream, op "watch"): one line per change, or with -json
 * one JSON object per line. Like bjobs, the caller's own jobs unless -u
 * names a user or "all", or job ids are given. When the link drops (a
 * master restart, or the master ended a watcher that fell behind),
 * bwatch dials again and resumes after the last event it printed; what
 * the master no longer holds is said on stderr. -n stops after that many
 * events (scripts, tests); -since resumes from an id printed before.
 * Exit: 0 after -n events, 255 on a bad option or a refusal, 69 when the
 * cluster cannot be reached at the start.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

struct bwatch_args {
	const char *user;
	json_t *jobs;		/* job ids */
	bool json, has_since;
	json_int_t since;
	long count;		/* -n: events to print, 0 no end */
};

static int
bwatch_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "bwatch: %s\n", why);
	fprintf(stderr, "Usage: bwatch [-u user_name|all] [-json] [-n count] "
	    "[-since event_id] [job_ID ...]\n");
	return CLI_EXIT_FAIL;
}

static int
bwatch_number(const char *s, json_int_t *v)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 0)
		return -1;
	*v = (json_int_t)n;
	return 0;
}

static int
bwatch_job(struct bwatch_args *a, const char *s)
{
	json_int_t id;

	if (bwatch_number(s, &id) < 0 || id == 0) {
		fprintf(stderr, "%s: Illegal job ID.\n", s);
		return -1;
	}
	json_array_append_new(a->jobs, json_integer(id));
	return 0;
}

/* 0, or an exit code after a message. */
static int
bwatch_parse(int argc, char **argv, struct bwatch_args *a)
{
	json_int_t n;
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (strcmp(o, "-json") == 0)
			a->json = true;
		else if (strcmp(o, "-u") == 0 || strcmp(o, "-n") == 0 ||
		    strcmp(o, "-since") == 0) {
			if (i + 1 >= argc)
				return bwatch_usage("option requires an argument");
			if (o[1] == 'u')
				a->user = argv[++i];
			else if (bwatch_number(argv[++i], &n) < 0)
				return bwatch_usage("a count or an event id is a number");
			else if (o[1] == 'n')
				a->count = (long)n;
			else {
				a->has_since = true;
				a->since = n;
			}
		} else if (o[0] == '-')
			return bwatch_usage("illegal option");
		else if (bwatch_job(a, o) < 0)
			return CLI_EXIT_FAIL;
	}
	return 0;
}

static json_t *
bwatch_req(const struct bwatch_args *a)
{
	json_t *args = json_object();

	if (a->user != NULL)
		json_object_set_new(args, "user", json_string(a->user));
	if (json_array_size(a->jobs) > 0)
		json_object_set(args, "jobs", a->jobs);
	if (a->has_since)
		json_object_set_new(args, "since", json_integer(a->since));
	return args;
}

static const char *
bwatch_s(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s && *s ? s : "-";
}

/* "Dec  5 08:01:02  123[4]  PEND -> RUN  node1", or a host's line. */
static void
bwatch_print(const json_t *ev, bool json)
{
	time_t t = (time_t)json_integer_value(json_object_get(ev, "time"));
	json_int_t idx = json_integer_value(json_object_get(ev, "idx"));
	char when[32], id[48];

	if (json) {
		char *s = json_dumps(ev, JSON_COMPACT);
		printf("%s\n", s);
		free(s);
		return;
	}
	strftime(when, sizeof(when), "%b %e %H:%M:%S", localtime(&t));
	if (strcmp(bwatch_s(ev, "kind"), "host") == 0) {
		printf("%s  host %s  %s -> %s\n", when, bwatch_s(ev, "host"),
		    bwatch_s(ev, "from"), bwatch_s(ev, "to"));
		return;
	}
	if (json_object_get(ev, "array") != NULL && idx > 0)
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT "[%" JSON_INTEGER_FORMAT
		    "]", json_integer_value(json_object_get(ev, "job")), idx);
	else
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(json_object_get(ev, "job")));
	printf("%s  %s  %s -> %s  %s\n", when, id, bwatch_s(ev, "from"),
	    bwatch_s(ev, "to"), bwatch_s(ev, "host"));
}

static void
bwatch_start_note(const char *start, const struct bwatch_args *a)
{
	if (strcmp(start, "gap") == 0)
		fprintf(stderr, "bwatch: events after %" JSON_INTEGER_FORMAT " are no "
		    "longer held by the master; some changes were missed\n", a->since);
	else if (strcmp(start, "restart") == 0)
		fprintf(stderr, "bwatch: the master restarted since event %"
		    JSON_INTEGER_FORMAT "; following it from its start\n", a->since);
}

/* One connection's worth of events. 1: the link dropped (dial again),
 * 0: -n reached, else an exit code. */
static int
bwatch_session(struct bwatch_args *a, long *printed, bool first)
{
	struct client c;
	json_t *args, *data, *msg;
	char err[512];
	int rc;

	if (client_open(&c, err, sizeof(err)) != CLIENT_OK) {
		if (first)
			client_die_unreachable("bwatch", err);
		return 1;
	}
	args = bwatch_req(a);
	rc = client_request(&c, "watch", args, &data, err, sizeof(err));
	json_decref(args);
	if (rc != CLIENT_OK) {
		client_close(&c);
		if (rc == CLIENT_REJECTED || first) {
			fprintf(stderr, "bwatch: %s\n", err);
			return rc == CLIENT_REJECTED ? CLI_EXIT_FAIL : CLI_EXIT_UNREACHABLE;
		}
		return 1;
	}
	if (a->has_since)
		bwatch_start_note(json_string_value(json_object_get(data, "start")) ?
		    json_string_value(json_object_get(data, "start")) : "all", a);
	else {	/* from now on: resume after what the master had then */
		a->has_since = true;
		a->since = json_integer_value(json_object_get(data, "last"));
	}
	json_decref(data);
	rc = 1;
	while (client_read(&c, &msg, err, sizeof(err)) == 0) {
		const char *t = json_string_value(json_object_get(msg, "t"));
		json_t *ev = json_object_get(msg, "ev");
		if (t != NULL && strcmp(t, "event") == 0 && ev != NULL) {
			bwatch_print(ev, a->json);
			fflush(stdout);
			a->since = json_integer_value(json_object_get(ev, "id"));
			if (a->count > 0 && ++*printed >= a->count)
				rc = 0;
		} else if (t != NULL && strcmp(t, "watch_end") == 0)
			fprintf(stderr, "bwatch: %s\n", bwatch_s(msg, "err"));
		json_decref(msg);
		if (rc == 0)
			break;
	}
	client_close(&c);
	return rc;
}

int
bwatch_main(int argc, char **argv)
{
	struct bwatch_args a = { .jobs = json_array() };
	struct passwd *pw;
	long printed = 0;
	bool first = true;
	int rc;

	if ((rc = bwatch_parse(argc, argv, &a)) != 0) {
		json_decref(a.jobs);
		return rc;
	}
	if (a.user == NULL && json_array_size(a.jobs) == 0 &&
	    (pw = getpwuid(getuid())) != NULL)
		a.user = pw->pw_name;
	while ((rc = bwatch_session(&a, &printed, first)) == 1) {
		fprintf(stderr, "bwatch: the link to the master dropped; "
		    "resuming after event %" JSON_INTEGER_FORMAT "\n", a.since);
		first = false;
		nanosleep(&(struct timespec){ 0, 500000000 }, NULL);
	}
	json_decref(a.jobs);
	return rc;
}
