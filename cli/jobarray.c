/*
 * jobarray.c - bjobs -A (LSF.md §3.2): one row per job array with its
 * element counts by state, from the master's summary rows (op jobs with
 * "summary", counted without a record per element) or from element
 * JOBRECs (in id order, an array's elements together). Plain jobs are not arrays and get
 * no row, as in LSF. RUN counts UNKWN elements too (they still hold slots).
 * Without -a only arrays with an unfinished element are shown, but their
 * counts include the finished elements. -json gives the same rows as
 * records keyed by the header's names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "query.h"
#include "util.h"

struct jobarray_row {
	long id;
	char *spec;
	const char *owner;
	long njobs, pend, done, run, exit, ssusp, ususp, psusp;
};

static void
jobarray_count(struct jobarray_row *r, const char *stat)
{
	r->njobs++;
	if (strcmp(stat, "PEND") == 0)
		r->pend++;
	else if (strcmp(stat, "DONE") == 0)
		r->done++;
	else if (strcmp(stat, "RUN") == 0 || strcmp(stat, "UNKWN") == 0)
		r->run++;
	else if (strcmp(stat, "EXIT") == 0 || strcmp(stat, "ZOMBI") == 0)
		r->exit++;
	else if (strcmp(stat, "SSUSP") == 0)
		r->ssusp++;
	else if (strcmp(stat, "USUSP") == 0)
		r->ususp++;
	else if (strcmp(stat, "PSUSP") == 0)
		r->psusp++;
}

/* "name[1-10]": the element's name without its "[idx]", and the spec. */
static char *
jobarray_spec(const json_t *job)
{
	const char *name = json_string_value(json_object_get(job, "name"));
	const char *arr = json_string_value(json_object_get(job, "array"));
	size_t n = name ? strlen(name) : 0;
	const char *br = name ? strrchr(name, '[') : NULL;

	if (br != NULL && name[n - 1] == ']')
		n = (size_t)(br - name);
	return xasprintf("%.*s[%s]", (int)n, name ? name : "", arr ? arr : "");
}

static void
jobarray_row_print(FILE *fp, const struct jobarray_row *r)
{
	fprintf(fp, "%-8ld %-11s %-7s %5ld %4ld %4ld %4ld %4ld %5ld %5ld %5ld\n",
	    r->id, r->spec, r->owner, r->njobs, r->pend, r->done, r->run, r->exit,
	    r->ssusp, r->ususp, r->psusp);
}

/* True when some element of array id (from position i on) is unfinished. */
static bool
jobarray_live(const json_t *jobs, size_t i, long id)
{
	const json_t *job;
	const char *st;

	for (; (job = json_array_get(jobs, i)) != NULL; i++) {
		if ((long)json_integer_value(json_object_get(job, "id")) != id)
			break;
		st = json_string_value(json_object_get(job, "stat"));
		if (st != NULL && strcmp(st, "DONE") != 0 && strcmp(st, "EXIT") != 0)
			return true;
	}
	return false;
}

typedef void (*jobarray_emit)(const struct jobarray_row *r, void *arg);

/* Calls emit once per array row; returns the rows. */
static size_t
jobarray_each(const json_t *jobs, bool unfinished, jobarray_emit emit, void *arg)
{
	struct jobarray_row r = { -1, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0 };
	const json_t *job;
	size_t i, rows = 0;
	long skip = -1;

	json_array_foreach(jobs, i, job) {
		long id = (long)json_integer_value(json_object_get(job, "id"));
		const char *stat = json_string_value(json_object_get(job, "stat"));

		if (json_object_get(job, "array") == NULL || id == skip)
			continue;
		if (id != r.id && unfinished && !jobarray_live(jobs, i, id)) {
			skip = id;
			continue;
		}
		if (id != r.id) {
			if (r.id >= 0)
				emit(&r, arg);
			free(r.spec);
			memset(&r, 0, sizeof(r));
			r.id = id;
			r.spec = jobarray_spec(job);
			r.owner = json_string_value(json_object_get(job, "user"));
			if (r.owner == NULL)
				r.owner = "";
			rows++;
		}
		jobarray_count(&r, stat ? stat : "");
	}
	if (r.id >= 0)
		emit(&r, arg);
	free(r.spec);
	return rows;
}

struct jobarray_text {
	FILE *fp;
	bool header;		/* still to print */
};

static void
jobarray_emit_text(const struct jobarray_row *r, void *arg)
{
	struct jobarray_text *t = arg;

	if (t->header)
		fputs("JOBID    ARRAY_SPEC  OWNER   NJOBS PEND DONE  RUN "
		    "EXIT SSUSP USUSP PSUSP\n", t->fp);
	t->header = false;
	jobarray_row_print(t->fp, r);
}

size_t
jobarray_print(FILE *fp, const json_t *jobs, bool noheader, bool unfinished)
{
	struct jobarray_text t = { fp, !noheader };

	return jobarray_each(jobs, unfinished, jobarray_emit_text, &t);
}

/* The -A columns as a -json record: header names, string values. */
static void
jobarray_emit_json(const struct jobarray_row *r, void *arg)
{
	json_t *rec = json_object();
	const long *n[] = { &r->njobs, &r->pend, &r->done, &r->run, &r->exit,
	    &r->ssusp, &r->ususp, &r->psusp };
	static const char *const names[] = { "NJOBS", "PEND", "DONE", "RUN",
	    "EXIT", "SSUSP", "USUSP", "PSUSP" };
	size_t i;

	json_object_set_new(rec, "JOBID", json_sprintf("%ld", r->id));
	json_object_set_new(rec, "ARRAY_SPEC", json_string(r->spec));
	json_object_set_new(rec, "OWNER", json_string(r->owner));
	for (i = 0; i < nitems(names); i++)
		json_object_set_new(rec, names[i], json_sprintf("%ld", *n[i]));
	json_array_append_new(arg, rec);
}

json_t *
jobarray_records(const json_t *jobs, bool unfinished)
{
	json_t *records = json_array();

	jobarray_each(jobs, unfinished, jobarray_emit_json, records);
	return records;
}

/* A summary row of the master as a struct jobarray_row (spec malloc'd). */
static void
jobarray_from_summary(const json_t *o, struct jobarray_row *r)
{
	static const char *const keys[] = { "njobs", "pend", "done", "run",
	    "exit", "ssusp", "ususp", "psusp" };
	long *n[] = { &r->njobs, &r->pend, &r->done, &r->run, &r->exit,
	    &r->ssusp, &r->ususp, &r->psusp };
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *arr = json_string_value(json_object_get(o, "array"));
	size_t i;

	r->id = (long)json_integer_value(json_object_get(o, "id"));
	r->spec = xasprintf("%s[%s]", name ? name : "", arr ? arr : "");
	r->owner = json_string_value(json_object_get(o, "user"));
	if (r->owner == NULL)
		r->owner = "";
	for (i = 0; i < nitems(keys); i++)
		*n[i] = (long)json_integer_value(json_object_get(o, keys[i]));
}

static size_t
jobarray_rows_each(const json_t *rows, bool unfinished, jobarray_emit emit, void *arg)
{
	struct jobarray_row r;
	const json_t *o;
	size_t i, n = 0;

	json_array_foreach(rows, i, o) {
		jobarray_from_summary(o, &r);
		if (!unfinished || r.pend + r.psusp + r.run + r.ssusp + r.ususp > 0) {
			emit(&r, arg);
			n++;
		}
		free(r.spec);
	}
	return n;
}

size_t
jobarray_rows_print(FILE *fp, const json_t *rows, bool *header, bool unfinished)
{
	struct jobarray_text t = { fp, *header };
	size_t n = jobarray_rows_each(rows, unfinished, jobarray_emit_text, &t);

	*header = t.header;
	return n;
}

void
jobarray_rows_records(const json_t *rows, bool unfinished, json_t *records)
{
	jobarray_rows_each(rows, unfinished, jobarray_emit_json, records);
}
