/*
 * jobpage.c - one page of a "jobs" reply (query.c drives it): records for
 * the elements a filter selects, from a job and array position on, until
 * the page holds its record limit or its time budget is spent. The caller
 * turns where it stopped into the reply's "next" cursor; nothing is kept
 * between pages.
 *
 * Unstarted elements of an array (no struct elem) share one derived state,
 * so a run of them is sent as one range record (the first element's record
 * plus "range": [first, last] and "npos"), not one record each: a pending
 * million-element array costs one record. Walking positions that have
 * elements is budgeted too, so a cursor may point inside an array.
 *
 * A page of compact rows is written as JSON text as it is built (the
 * reply sends it as is: control_reply_text), with no jansson value per
 * cell: at 100,000 jobs those values were most of a listing's cost. A
 * client that asks for "rows" gets lines of the row encoding (rowtext.h)
 * instead, which it splits without a JSON parser, and range records as
 * lines too.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "jobpage.h"
#include "jobstate.h"
#include "util.h"

/* How many positions are walked between two looks at the clock. */
#define JOBPAGE_CLOCK_EVERY 1024

/* Records in the page so far. */
static long
jobpage_count_recs(const struct jobpage *pg)
{
	return pg->text != NULL ? pg->nrec : (long)json_array_size(pg->out);
}

bool
jobpage_full(struct jobpage *pg)
{
	if (jobpage_count_recs(pg) >= pg->limit || pg->bytes >= (pg->maxbytes ?
	    pg->maxbytes : JOBPAGE_BYTES))
		return true;
	/* the clock costs more than a text row: looked at every 8th call */
	if (pg->text != NULL && ++pg->nfull % 8 != 0)
		return false;
	return now_mono_us() >= pg->deadline;
}

static int
jobpage_text_put(const char *s, size_t n, void *arg)
{
	return evbuffer_add(arg, s, n);
}

/* Starts the next record of a text page; its bytes are counted after. */
static size_t
jobpage_text_next(struct jobpage *pg)
{
	if (pg->nrec++ > 0 && !pg->rows->tsv)
		evbuffer_add(pg->text, ",", 1);
	return evbuffer_get_length(pg->text);
}

/*
 * Adds a record object. In a text page it is written as text (a range
 * record among compact rows); else its size is guessed, not encoded: the
 * fixed fields, and the command, which is what can make one record large.
 */
static void
jobpage_add(struct jobpage *pg, json_t *rec)
{
	const char *cmd = json_string_value(json_object_get(rec, "cmd"));
	size_t len;

	if (pg->text != NULL) {
		len = jobpage_text_next(pg);
		json_dump_callback(rec, jobpage_text_put, pg->text, JSON_COMPACT |
		    JSON_REAL_PRECISION(9));
		pg->bytes += evbuffer_get_length(pg->text) - len;
		json_decref(rec);
		return;
	}
	pg->bytes += 768 + (cmd ? strlen(cmd) : 0);
	json_array_append_new(pg->out, rec);
}

/* Adds element idx's record with the members the request asked for: a
 * compact row written as text, or an object. */
static void
jobpage_record(struct jobpage *pg, struct job *j, long idx)
{
	size_t len;

	if (pg->rows == NULL) {
		jobpage_add(pg, jobrec_build(pg->m, j, idx, pg->fields ? pg->fields :
		    JOBREC_ALL));
		return;
	}
	len = jobpage_text_next(pg);
	jobrec_write_row(pg->m, j, idx, pg->rows, 0, pg->text);
	pg->bytes += evbuffer_get_length(pg->text) - len;
}

/* A range record carries name and array whatever was asked: the client
 * expands it from them. It stays an object in a page of compact rows. */
static void
jobpage_emit_range(struct jobpage *pg, struct job *j, long first, long last)
{
	long a = arrayspec_at(&j->arr, first), b = arrayspec_at(&j->arr, last);
	json_t *r;

	if (last == first) {
		jobpage_record(pg, j, a);
		return;
	}
	if (pg->rows != NULL && pg->rows->tsv) {	/* a line with its npos */
		size_t len = jobpage_text_next(pg);

		jobrec_write_row(pg->m, j, a, pg->rows, last - first + 1, pg->text);
		pg->bytes += evbuffer_get_length(pg->text) - len;
		return;
	}
	r = jobrec_build(pg->m, j, a, pg->fields ? pg->fields | jobrec_bit("name") |
	    jobrec_bit("array") : JOBREC_ALL);
	json_object_set_new(r, "range", json_pack("[I, I]", (json_int_t)a,
	    (json_int_t)b));
	json_object_set_new(r, "npos", json_integer(last - first + 1));
	jobpage_add(pg, r);
}

/* Whether the unstarted elements of j pass the filter, all alike. */
static bool
jobpage_unstarted_match(const struct jobpage *pg, struct job *j)
{
	const struct jobsel_filter *f = pg->f;

	if (f->host != NULL || f->name_idx >= 0)
		return false;
	return (job_elem_state(j, -1, NULL) & f->mask) != 0;
}

/*
 * Walks j's positions from pos (of sel's list, or of j's own when sel is
 * NULL). Returns -1 when j is done, else the position to resume at. A page
 * may end inside a run of unstarted elements: the run so far is sent.
 */
static long
jobpage_walk(struct jobpage *pg, struct job *j, const struct arrayspec *sel,
    long pos)
{
	const struct arrayspec *list = sel ? sel : &j->arr;
	bool runs = pg->ranges && sel == NULL && jobpage_unstarted_match(pg, j);
	long run = -1, idx, start = pos;

	if (runs && j->nelem == 0) {	/* nothing started: one record */
		jobpage_emit_range(pg, j, pos, j->arr.count - 1);
		return -1;
	}
	for (; pos < list->count; pos++) {
		if (pos > start && pos % JOBPAGE_CLOCK_EVERY == 0 && jobpage_full(pg))
			break;
		idx = arrayspec_at(list, pos);
		if (sel != NULL && !arrayspec_has(&j->arr, idx))
			continue;
		if (runs && job_elem(j, idx) == NULL) {
			if (run < 0)
				run = pos;
			continue;
		}
		if (run >= 0) {
			jobpage_emit_range(pg, j, run, pos - 1);
			run = -1;
			if (jobpage_full(pg))
				break;	/* this element starts the next page */
		}
		if (jobsel_elem_match(pg->f, j, idx))
			jobpage_record(pg, j, idx);
		if (jobpage_full(pg)) {
			pos++;
			break;
		}
	}
	if (run >= 0)
		jobpage_emit_range(pg, j, run, pos - 1);
	return pos < list->count ? pos : -1;
}

/* The -A columns of a summary row and the states each counts. */
static const struct {
	const char *key;
	int states;
} jobpage_cols[] = {
	{ "pend", JS_PEND }, { "psusp", JS_PSUSP },
	{ "run", JS_RUN | JS_UNKWN }, { "ssusp", JS_SSUSP },
	{ "ususp", JS_USUSP }, { "exit", JS_EXIT | JS_ZOMBI }, { "done", JS_DONE },
};

static void
jobpage_count(long *n, int state)
{
	size_t k;

	for (k = 0; k < nitems(jobpage_cols); k++)
		if (state & jobpage_cols[k].states)
			n[k]++;
}

/* Counts by state from the job's counters (job_nstate: O(1) a state). */
static void
jobpage_count_fast(struct job *j, int mask, long *n)
{
	size_t k;

	for (k = 0; k < nitems(jobpage_cols); k++)
		n[k] = job_nstate(j, jobpage_cols[k].states & mask);
}

struct jobpage_sumctx {
	const struct jobsel_filter *f;
	long *n;
};

static void
jobpage_count_one(struct job *j, long idx, void *arg)
{
	struct jobpage_sumctx *x = arg;

	if (jobsel_elem_match(x->f, j, idx))
		jobpage_count(x->n, job_elem_state(j, idx, NULL));
}

/* Only elements with a record can run on a host (-m). */
static void
jobpage_count_records(struct job *j, struct jobpage_sumctx *x)
{
	struct elem *e;
	size_t i;

	for (i = 0; i < j->ehash_size; i++)
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			jobpage_count_one(j, e->idx, x);
}

/*
 * One -A row for array j: its counts by state over the elements the filter
 * selects. Without -m, an index or an index list, counts come from the
 * job's counters, never from a walk; else element by element (an index
 * list, or the elements that have a record).
 */
void
jobpage_summary(struct jobpage *pg, struct job *j, const struct arrayspec *sel)
{
	long n[nitems(jobpage_cols)] = { 0 }, total = 0;
	struct jobpage_sumctx x = { pg->f, n };
	json_t *row;
	size_t k;
	char *spec;

	if (!job_is_array(j))
		return;
	if (sel != NULL)
		jobsel_foreach_idx(j, sel, jobpage_count_one, &x);
	else if (pg->f->name_idx >= 0) {
		if (arrayspec_has(&j->arr, pg->f->name_idx))
			jobpage_count_one(j, pg->f->name_idx, &x);
	} else if (pg->f->host != NULL)
		jobpage_count_records(j, &x);
	else
		jobpage_count_fast(j, pg->f->mask, n);
	for (k = 0; k < nitems(n); k++)
		total += n[k];
	if (total == 0)
		return;
	spec = arrayspec_format(&j->arr);
	row = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)j->id,
	    "name", j->name, "array", spec, "user", j->user, "njobs", (json_int_t)total);
	free(spec);
	for (k = 0; k < nitems(n); k++)
		json_object_set_new(row, jobpage_cols[k].key, json_integer(n[k]));
	json_array_append_new(pg->out, row);
}

long
jobpage_job(struct jobpage *pg, struct job *j, const struct arrayspec *sel,
    long pos)
{
	if (pg->summary)
		return jobpage_summary(pg, j, sel), -1;
	if (!job_is_array(j)) {
		if (pos == 0 && jobsel_elem_match(pg->f, j, 0))
			jobpage_record(pg, j, 0);
		return -1;
	}
	if (sel == NULL && pg->f->name_idx >= 0) {	/* -J 'name[5]' */
		if (pos == 0 && arrayspec_has(&j->arr, pg->f->name_idx) &&
		    jobsel_elem_match(pg->f, j, pg->f->name_idx))
			jobpage_record(pg, j, pg->f->name_idx);
		return -1;
	}
	return jobpage_walk(pg, j, sel, pos);
}
