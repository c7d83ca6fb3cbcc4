/*
 * waitstat.c - what the waited-for job is doing, for the status line of
 * bsub -K (waitline.c): a "jobs" query on a short connection of its own
 * (the wait stays parked on the other), naming only the fields it shows
 * and asking for one record, so a waiter costs the master little each
 * second. An array shows its element counts (a "summary" row) and the
 * reason of its first pending element; a bwait condition, the first of
 * its jobs not yet ended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "proto.h"
#include "util.h"
#include "waitline.h"

/* A stalled master must not freeze the line for long. */
#define WAITSTAT_TIMEOUT_S 2

/* The reply's data to one "jobs" request (args stolen), or NULL: asked
 * once, no retry when busy or unreachable (client_request's retries
 * could hold the line, and bwait's deadline, for half a minute). */
static json_t *
waitstat_ask(json_t *args)
{
	struct timeval tv = { WAITSTAT_TIMEOUT_S, 0 };
	struct client c;
	json_t *msg, *data = NULL;
	char err[256];
	int id;

	if (client_open_once(&c, err, sizeof(err)) != CLIENT_OK) {
		json_decref(args);
		return NULL;
	}
	setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (client_send(&c, "jobs", args, &id, err, sizeof(err)) == CLIENT_OK)
		while (data == NULL && client_read(&c, &msg, err, sizeof(err)) == 0) {
			if (strcmp(proto_type(msg), "rep") == 0 &&
			    json_integer_value(json_object_get(msg, "id")) == id) {
				data = json_is_true(json_object_get(msg, "ok")) ?
				    json_incref(json_object_get(msg, "data")) : NULL;
				json_decref(msg);
				break;
			}
			json_decref(msg);
		}
	client_close(&c);
	json_decref(args);
	return data;
}

static json_t *
waitstat_args(long id)
{
	return json_pack("{s:[{s:I}], s:s, s:i}", "ids", "id", (json_int_t)id,
	    "user", "all", "limit", 1);
}

/* "reason: detail", several reasons joined by "; ", as bjobs -o shows them. */
static void
waitstat_reason(const json_t *rec, char *buf, size_t len)
{
	const char *r = json_string_value(json_object_get(rec, "pend_reason"));
	const char *d = json_string_value(json_object_get(rec, "pend_detail"));
	size_t o = 0;

	*buf = '\0';
	if (r == NULL)
		return;
	for (const char *p = r; *p != '\0' && o + 3 < len; p++) {
		if (*p == '\n') {
			buf[o++] = ';';
			buf[o++] = ' ';
		} else
			buf[o++] = *p;
	}
	buf[o] = '\0';
	if (strchr(r, '\n') == NULL && d != NULL && *d != '\0')
		snprintf(buf + o, len - o, ": %s", d);
}

/* The first record args selects as "STAT: reason" or "STAT on host";
 * named: "job 123 " or "job 123[4] " before it. */
static void
waitstat_first(json_t *args, bool named, char *buf, size_t len)
{
	json_t *data, *rec;
	const char *stat, *host;
	char reason[400];
	size_t off = 0;
	long idx;

	json_object_set_new(args, "fields", json_pack("[s,s,s]", "stat",
	    "pend_reason", "exec_hosts"));
	if ((data = waitstat_ask(args)) == NULL)
		return;
	rec = json_array_get(json_object_get(data, "jobs"), 0);
	stat = json_string_value(json_object_get(rec, "stat"));
	host = json_string_value(json_array_get(json_object_get(rec,
	    "exec_hosts"), 0));
	idx = (long)json_integer_value(json_object_get(rec, "idx"));
	waitstat_reason(rec, reason, sizeof(reason));
	if (named && stat != NULL)
		off = (size_t)snprintf(buf, len, idx > 0 ? "job %lld[%ld] " : "job %lld ",
		    (long long)json_integer_value(json_object_get(rec, "id")), idx);
	if (off >= len)
		off = 0;
	if (stat != NULL && *reason != '\0')
		snprintf(buf + off, len - off, "%s: %s", stat, reason);
	else if (stat != NULL && host != NULL)
		snprintf(buf + off, len - off, "%s on %s", stat, host);
	else if (stat != NULL)
		snprintf(buf + off, len - off, "%s", stat);
	json_decref(data);
}

/* "RUN 3, PEND 5, DONE 2"; the number pending (0 when unknown). */
static long
waitstat_counts(long id, char *buf, size_t len)
{
	static const char *const keys[] = { "run", "pend", "psusp", "ssusp",
	    "ususp", "done", "exit" };
	json_t *args = waitstat_args(id), *data, *row;
	long n, pend = 0;
	size_t i, off = 0;
	char up[8];

	json_object_set_new(args, "summary", json_true());
	json_object_set_new(args, "all_states", json_true());
	if ((data = waitstat_ask(args)) == NULL)
		return 0;
	row = json_array_get(json_object_get(data, "arrays"), 0);
	for (i = 0; i < nitems(keys) && off < len; i++) {
		n = (long)json_integer_value(json_object_get(row, keys[i]));
		if (n == 0)
			continue;
		snprintf(up, sizeof(up), "%s", keys[i]);
		for (char *p = up; *p; p++)
			*p = (char)(*p - 'a' + 'A');
		off += (size_t)snprintf(buf + off, len - off, "%s%s %ld",
		    off ? ", " : "", up, n);
		if (strcmp(keys[i], "pend") == 0)
			pend = n;
	}
	json_decref(data);
	return pend;
}

void
waitstat_text(void *arg, char *buf, size_t len)
{
	const struct waitstat *s = arg;
	char first[400] = "";
	const char *why;
	json_t *args;
	size_t off;

	*buf = '\0';
	if (s->ids != NULL) {	/* bwait: the first job not yet ended */
		args = json_pack("{s:O, s:s, s:i}", "ids", s->ids, "user", "all",
		    "limit", 1);
		return waitstat_first(args, true, buf, len);
	}
	args = waitstat_args(s->id);
	if (!s->array) {
		json_object_set_new(args, "all_states", json_true());
		return waitstat_first(args, false, buf, len);
	}
	if (waitstat_counts(s->id, buf, len) == 0) {
		json_decref(args);
		return;
	}
	json_object_set_new(args, "states", json_pack("[s]", "PEND"));
	waitstat_first(args, false, first, sizeof(first));
	off = strlen(buf);
	if ((why = strstr(first, ": ")) != NULL && off < len)
		snprintf(buf + off, len - off, "; %s", why + 2);
}

/* The job ids the condition names by number ("done(123)",
 * "numdone(125, >= 10)"), as SELs for the status line; NULL for none. A
 * name is skipped: a glob may match many jobs. */
json_t *
waitstat_cond_ids(const char *cond)
{
	json_t *ids = json_array();
	const char *p;
	char *end;
	long id;

	for (p = strchr(cond, '('); p != NULL && json_array_size(ids) < 64;
	    p = strchr(p + 1, '(')) {
		id = strtol(p + 1, &end, 10);
		while (*end == ' ')
			end++;
		if (id > 0 && end > p + 1 && *end != '\0' &&
		    strchr(",)[", *end) != NULL)
			json_array_append_new(ids, json_pack("{s:I}", "id",
			    (json_int_t)id));
	}
	if (json_array_size(ids) == 0) {
		json_decref(ids);
		return NULL;
	}
	return ids;
}
