/*
 * query.c - the read-only ops: jobs (bjobs), hosts (bhosts), queues
 * (bqueues) and info (lsid). They change nothing and answer at once; jobs
 * answers a page at a time (jobpage.c), so no listing holds the loop.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "jobpage.h"
#include "jobstate.h"
#include "master.h"
#include "proto.h"
#include "sched.h"
#include "util.h"

/* Where the next page starts: the ids entry (ids given) or job id, and
 * the array position. The client hands it back as it got it. */
struct query_cursor {
	bool set;
	long sel, id, pos;
};

static void
query_cursor_read(json_t *args, struct query_cursor *c)
{
	json_t *o = json_object_get(args, "cursor");

	memset(c, 0, sizeof(*c));
	if (!json_is_object(o))
		return;
	c->set = true;
	c->sel = (long)json_integer_value(json_object_get(o, "sel"));
	c->id = (long)json_integer_value(json_object_get(o, "id"));
	c->pos = (long)json_integer_value(json_object_get(o, "pos"));
	if (c->sel < 0 || c->pos < 0)
		c->sel = c->pos = 0;
}

static json_t *
query_cursor_json(long sel, long id, long pos)
{
	return json_pack("{s:I, s:I, s:I}", "sel", (json_int_t)sel, "id",
	    (json_int_t)id, "pos", (json_int_t)pos);
}

/* The first job in memory at or after id (it may have left since). */
static struct job *
query_first(struct master *m, long id)
{
	struct job *j = job_find(m, id);

	if (j != NULL)
		return j;
	TAILQ_FOREACH(j, &m->byid, id_entry)
		if (j->id > id)
			break;
	return j;
}

/* A page of the jobs the filters select; the cursor of the next, or NULL. */
static json_t *
query_page_filtered(struct jobpage *pg, const struct query_cursor *c)
{
	struct job *j = c->set ? query_first(pg->m, c->id) : TAILQ_FIRST(&pg->m->byid);
	long pos = c->set && j != NULL && j->id == c->id ? c->pos : 0, seen = 0;

	for (; j != NULL; j = TAILQ_NEXT(j, id_entry), pos = 0) {
		if (++seen % 64 == 0 && jobpage_full(pg))
			return query_cursor_json(0, j->id, pos);
		if (!jobsel_job_match(pg->f, j))
			continue;
		if ((pos = jobpage_job(pg, j, NULL, pos)) >= 0)
			return query_cursor_json(0, j->id, pos);
		if (jobpage_full(pg) && TAILQ_NEXT(j, id_entry) != NULL)
			return query_cursor_json(0, TAILQ_NEXT(j, id_entry)->id, 0);
	}
	return NULL;
}

/* A page of the jobs ids names, in their order. */
static json_t *
query_page_ids(struct jobpage *pg, json_t *ids, const struct query_cursor *c)
{
	size_t k = c->set ? (size_t)c->sel : 0, first = k;
	long pos = c->set ? c->pos : 0;
	struct arrayspec idx;
	struct job *j;
	bool has_idx;
	char *miss;

	for (; k < json_array_size(ids); k++, pos = 0) {
		if (k > first && jobpage_full(pg))
			return query_cursor_json((long)k, 0, 0);
		j = jobsel_resolve(pg->m, json_array_get(ids, k), &idx, &has_idx,
		    false, &miss);
		free(miss);
		if (j == NULL)
			continue;
		pos = jobpage_job(pg, j, has_idx ? &idx : NULL, pos);
		if (has_idx)
			arrayspec_free(&idx);
		if (pos >= 0)
			return query_cursor_json((long)k, j->id, pos);
	}
	return NULL;
}

/* Whether an element of j (of sel, when given) passes f's state filter. */
struct query_any {
	const struct jobsel_filter *f;
	bool found;
};

static void
query_any_elem(struct job *j, long idx, void *arg)
{
	struct query_any *a = arg;

	if (!a->found && jobsel_elem_match(a->f, j, idx))
		a->found = true;
}

/* LSF's word for a state filter that matched none of a named job:
 * "Job <5> is not running"; -d, -p, -r, -s in bjobs' order. */
static const char *
query_state_word(int mask)
{
	static const struct { int mask; const char *word; } words[] = {
		{ JS_FINISHED, "finished" }, { JS_PEND, "pending" },
		{ JS_RUN, "running" }, { JS_SUSPENDED, "suspended" },
	};
	size_t i;

	for (i = 0; i < nitems(words); i++)
		if (mask & words[i].mask)
			return words[i].word;
	return "found";
}

/* A named job (or its selected elements) none of which is in f's states. */
static void
query_state_missing(json_t *missing, const struct jobsel_filter *f, json_t *sel,
    struct job *j, const struct arrayspec *idx)
{
	struct query_any a = { f, false };
	const char *list = proto_str(sel, "idx");

	jobsel_foreach_idx(j, idx, query_any_elem, &a);
	if (a.found)
		return;
	if (list != NULL)
		json_array_append_new(missing, json_sprintf("Job <%ld[%s]> is not %s",
		    j->id, list, query_state_word(f->mask)));
	else
		json_array_append_new(missing, json_sprintf("Job <%ld> is not %s",
		    j->id, query_state_word(f->mask)));
}

/* What ids name that does not exist, or (f: a state filter) is in none of
 * its states: every text, for the first page. */
static json_t *
query_missing(struct master *m, json_t *ids, const struct jobsel_filter *f)
{
	json_t *missing = json_array(), *sel;
	struct arrayspec idx;
	struct job *j;
	bool has_idx;
	char *miss;
	size_t i;

	json_array_foreach(ids, i, sel) {
		j = jobsel_resolve(m, sel, &idx, &has_idx, false, &miss);
		if (j == NULL) {
			json_array_append_new(missing, json_string(miss));
			free(miss);
			continue;
		}
		if (has_idx)
			jobsel_missing_add(missing, jobsel_missing_elems(j, &idx), false);
		if (f != NULL)
			query_state_missing(missing, f, sel, j, has_idx ? &idx : NULL);
		if (has_idx)
			arrayspec_free(&idx);
	}
	return missing;
}

static long
query_limit_arg(json_t *args)
{
	json_int_t n = json_integer_value(json_object_get(args, "limit"));

	if (n <= 0)
		return JOBPAGE_LIMIT;
	return n > JOBPAGE_LIMIT_MAX ? JOBPAGE_LIMIT_MAX : (long)n;
}

/* The same for a page of the row encoding: larger pages by default. */
static long
query_rows_limit(json_t *args)
{
	json_int_t n = json_integer_value(json_object_get(args, "limit"));

	if (n <= 0 || n > JOBPAGE_ROWS_LIMIT)
		return JOBPAGE_ROWS_LIMIT;
	return (long)n;
}

/* A page of compact rows as the reply's data text: {"jobs":[rows],
 * and rep's members}. Frees both. */
static struct evbuffer *
query_text_data(json_t *rep, struct evbuffer *rows)
{
	struct evbuffer *data = evbuffer_new();
	char *text = json_dumps(rep, JSON_COMPACT);

	evbuffer_add(data, "{\"jobs\":[", 9);
	evbuffer_add_buffer(data, rows);
	evbuffer_add(data, "],", 2);
	evbuffer_add(data, text + 1, strlen(text + 1));	/* rep's members and } */
	free(text);
	evbuffer_free(rows);
	json_decref(rep);
	return data;
}

/*
 * bjobs: one page of records (or of -A rows with "summary"), from the
 * request's cursor on; "next" when more remain, "missing" on the first
 * page. The master keeps nothing between pages (pumice-protocol(7)).
 */
void
query_jobs(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *ids = json_object_get(args, "ids"), *next, *rep;
	struct jobsel_filter f;
	struct query_cursor c;
	uint64_t t0 = now_mono_us();
	struct jobpage pg = { m, &f, NULL, query_limit_arg(args),
	    t0 + JOBPAGE_BUDGET_US,
	    json_is_true(json_object_get(args, "ranges")),
	    json_is_true(json_object_get(args, "summary")), 0,
	    jobrec_mask(json_object_get(args, "fields")), NULL, NULL, 0,
	    JOBPAGE_BYTES, 0 };
	struct jobrec_row rows;
	bool rowtext = json_is_true(json_object_get(args, "rows")), state_filter;
	char *namebuf, err[256];

	if (jobsel_filter_check(m, args, err, sizeof(err)) < 0)
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	jobsel_filter_init(m, rq, args, &f, &namebuf);
	query_cursor_read(args, &c);
	pg.out = json_array();
	if ((json_is_true(json_object_get(args, "compact")) || rowtext) &&
	    !pg.summary && pg.fields != JOBREC_ALL) {
		jobrec_row_init(&rows, pg.fields, rowtext);
		pg.rows = &rows;
		pg.text = evbuffer_new();
		if (rowtext && rq->rid < 0) {	/* an agent relays JSON: as before */
			pg.limit = query_rows_limit(args);
			pg.maxbytes = JOBPAGE_ROWS_BYTES;
		}
	}
	state_filter = json_array_size(json_object_get(args, "states")) > 0;
	if (json_array_size(ids) > 0) {
		if (!state_filter)	/* ids: any state, unless -d -p -r -s */
			f.mask = ~0;
		f.user = NULL;
		next = query_page_ids(&pg, ids, &c);
	} else
		next = query_page_filtered(&pg, &c);
	rep = json_pack("{s:o}", "missing", c.set ? json_array() :
	    query_missing(m, ids, state_filter ? &f : NULL));
	free(namebuf);
	if (next != NULL)
		json_object_set_new(rep, "next", next);
	stats_query_page(m, now_mono_us() - t0);
	if (pg.rows != NULL) {
		json_object_set(rep, "cols", rows.names);
		jobrec_row_free(&rows);
		json_decref(pg.out);
		if (rowtext)
			return control_reply_rows(m, rq, rep, pg.text);
		return control_reply_text(m, rq, query_text_data(rep, pg.text));
	}
	json_object_set_new(rep, pg.summary ? "arrays" : "jobs", pg.out);
	control_reply(m, rq, true, rep, NULL, NULL);
}

/* Op jobs: in turn with other users' listings (queryq.c). */
void
query_jobs_op(struct master *m, struct reqctx *rq, json_t *args)
{
	queryq_add(m, rq, args, query_jobs);
}

void
query_hosts(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *hosts = json_array();
	struct host *h;

	TAILQ_FOREACH(h, &m->hosts, entry)
		json_array_append_new(hosts, host_record(m, h));
	control_reply(m, rq, true, json_pack("{s:o}", "hosts", hosts), NULL, NULL);
}

static json_t *
query_limit(int v)
{
	return v < 0 ? json_string("-") : json_integer(v);
}

void
query_queues(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *queues = json_array(), *share;
	size_t qi;
	struct job *j;

	for (qi = 0; qi < m->conf->nqueues; qi++) {
		const struct conf_queue *q = &m->conf->queues[qi];
		long pend = 0, run = 0;

		TAILQ_FOREACH(j, &m->byid, id_entry) {
			if (strcmp(j->queue, q->name) != 0)
				continue;
			pend += job_pending_count(j) * j->nslots;
			run += (long)j->nrun * j->nslots;
		}
		json_array_append_new(queues, json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, "
		    "s:o, s:I, s:I, s:I, s:i}", "name", q->name, "priority", q->priority,
		    "status", "Open:Active", "max", query_limit(q->qjob_limit),
		    "jl_u", query_limit(q->ujob_limit), "jl_p", query_limit(q->pjob_limit),
		    "jl_h", query_limit(q->hjob_limit), "njobs", (json_int_t)(pend + run),
		    "pend", (json_int_t)pend, "run", (json_int_t)run, "susp", 0));
		if (q->description)
			json_object_set_new(json_array_get(queues, json_array_size(queues) - 1),
			    "description", json_string(q->description));
		admin_queue_decorate(m, q, json_array_get(queues, json_array_size(queues) - 1));
		if ((share = fairshare_queue_json(m, q->name)) != NULL)
			json_object_set_new(json_array_get(queues,
			    json_array_size(queues) - 1), "share_info", share);
	}
	control_reply(m, rq, true, json_pack("{s:o, s:s}", "queues", queues,
	    "default_queue", m->conf->default_queue), NULL, NULL);
}

void
query_info(struct master *m, struct reqctx *rq, json_t *args)
{
	control_reply(m, rq, true, json_pack("{s:s, s:s, s:s, s:s}", "cluster",
	    m->conf->cluster, "master", m->hostname, "version", PUMICE_VERSION,
	    "user", rq->user), NULL, NULL);
}
