/*
 * acctfile.c - bacct's way past the sqlite history: jobs the master no
 * longer knows (older than PUMICE_HISTORY_DAYS) are looked up in lsb.acct
 * and its rotated files lsb.acct.1, .2, ... under
 * LSB_SHAREDIR/<cluster>/logdir (acct.c writes them), newest first. A
 * JOB_FINISH line becomes the element record the history op would have
 * sent (without events), so bacct prints both alike.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acctfile.h"
#include "acctrec.h"
#include "arrayspec.h"
#include "conf.h"
#include "util.h"

/* The element record of one JOB_FINISH line (histfmt.c's JOBREC keys). */
static json_t *
acctfile_rec(const struct acctrec *r)
{
	bool sig = r->exit_status > 0 && r->exit_status < 256;
	long code = sig ? 128 + r->exit_status : r->exit_status >> 8;
	char *name = xstrdup(r->job_name ? r->job_name : ""), *b = strchr(name, '[');
	json_t *rec;

	if (b != NULL && r->idx > 0)	/* the record's name is without [...] */
		*b = '\0';
	rec = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I,"
	    " s:f, s:I, s:I, s:I, s:s, s:s}",
	    "id", (json_int_t)r->job_id, "idx", (json_int_t)r->idx, "name", name,
	    "user", r->user ? r->user : "", "queue", r->queue ? r->queue : "",
	    "cmd", r->command ? r->command : "", "project", r->project ? r->project : "",
	    "stat", r->status == ACCTREC_DONE ? "DONE" : "EXIT",
	    "from_host", r->from_host ? r->from_host : "",
	    "submit_time", (json_int_t)r->submit_time,
	    "start_time", (json_int_t)r->start_time,
	    "finish_time", (json_int_t)r->event_time,
	    "cpu", r->utime > 0 ? r->utime : 0.0, "maxrss", (json_int_t)r->max_rmem,
	    "exit_code", (json_int_t)code, "signal", (json_int_t)(sig ? r->exit_status : 0),
	    "exit_reason", "", "cwd", r->cwd ? r->cwd : "");
	free(name);
	return rec;
}

static bool
acctfile_wanted(const json_t *want, const struct acctrec *r)
{
	const char *list = json_string_value(json_object_get(want, "idx"));
	struct arrayspec a;
	char err[128];
	bool in;

	if (json_integer_value(json_object_get(want, "id")) != r->job_id)
		return false;
	if (list == NULL)
		return true;
	if (arrayspec_parse_list(list, LONG_MAX, &a, err, sizeof(err)) < 0)
		return false;
	in = arrayspec_has(&a, r->idx) != 0;
	arrayspec_free(&a);
	return in;
}

/* Appends the records of one file matching want to recs. */
static void
acctfile_scan(const char *path, const json_t *want, json_t *recs)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, err[128];
	struct acctrec r;
	size_t cap = 0;

	if (f == NULL)
		return;
	while (getline(&line, &cap, f) > 0) {
		if (acctrec_parse(line, &r, err, sizeof(err)) < 0)
			continue;
		if (acctfile_wanted(want, &r))
			json_array_append_new(recs, acctfile_rec(&r));
		acctrec_free(&r);
	}
	free(line);
	fclose(f);
}

/* The records of want ({id[, idx]}) in every lsb.acct file. */
static json_t *
acctfile_find(const struct conf *c, const json_t *want)
{
	json_t *recs = json_array();
	char *path;
	int n;

	for (n = 0; ; n++) {
		path = n == 0 ? xasprintf("%s/%s/logdir/lsb.acct", c->sharedir, c->cluster) :
		    xasprintf("%s/%s/logdir/lsb.acct.%d", c->sharedir, c->cluster, n);
		if (access(path, F_OK) != 0 && n > 0) {	/* lsb.acct may be new */
			free(path);
			break;
		}
		acctfile_scan(path, want, recs);
		free(path);
	}
	return recs;
}

static bool
acctfile_has_job(const json_t *jobs, long id)
{
	const json_t *job;
	size_t i;

	json_array_foreach(jobs, i, job)
		if (json_integer_value(json_object_get(job, "id")) == id)
			return true;
	return false;
}

/* Drops the "Job <id>..." texts of missing. */
static void
acctfile_unmiss(json_t *missing, long id)
{
	char *a = xasprintf("Job <%ld>", id), *b = xasprintf("Job <%ld[", id);
	size_t i;

	for (i = json_array_size(missing); i-- > 0;) {
		const char *t = json_string_value(json_array_get(missing, i));
		if (t != NULL && (strncmp(t, a, strlen(a)) == 0 ||
		    strncmp(t, b, strlen(b)) == 0))
			json_array_remove(missing, i);
	}
	free(a);
	free(b);
}

void
acctfile_fill(const json_t *ids, json_t *data)
{
	json_t *jobs = json_object_get(data, "jobs"), *recs;
	const char *envdir = getenv("LSF_ENVDIR");
	const json_t *want;
	struct conf *c;
	char err[256];
	size_t i;
	long id;

	if (json_array_size(ids) == 0 || (c = conf_load_paths(envdir ? envdir :
	    "/etc/pumice", err, sizeof(err))) == NULL)
		return;
	json_array_foreach(ids, i, want) {
		id = (long)json_integer_value(json_object_get(want, "id"));
		if (acctfile_has_job(jobs, id))
			continue;
		recs = acctfile_find(c, want);
		if (json_array_size(recs) == 0) {
			json_decref(recs);
			continue;
		}
		json_array_append_new(jobs, json_pack("{s:I, s:o, s:[]}", "id",
		    (json_int_t)id, "records", recs, "events"));
		acctfile_unmiss(json_object_get(data, "missing"), id);
	}
	conf_free(c);
}
