/*
 * history.c - finished jobs after CLEAN_PERIOD, and the "history" op.
 *
 * A purged job lives only as its events in sqlite (store.c) until
 * PUMICE_HISTORY_DAYS pass. To show one, its events are replayed through
 * job_apply into a scratch master (m->hist) that shares nothing with the
 * live one but the configuration: the same code builds the same record,
 * and the live tables (jobs, hosts, pending list) are never touched. The
 * scratch lives for one request; control_request calls history_release.
 *
 * The history op {ids:[SEL], user, states:"unfinished"|"finished"|"all",
 * limit} answers {jobs:[{id, records:[JOBREC], events:[EVENT]}],
 * missing:[text]}; EVENT is {idx, type, time, data} as stored, the submit
 * event without its environment.
 */
#include <stdlib.h>
#include <string.h>

#include "envtab.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "util.h"

static struct master *
history_scratch(struct master *m)
{
	struct master *h = xcalloc(1, sizeof(*h));

	master_init(h);
	h->conf = m->conf;
	h->replaying = true;
	return h;
}

void
history_release(struct master *m)
{
	if (m->hist == NULL)
		return;
	job_free_all(m->hist);
	host_free_all(m->hist);
	free(m->hist);
	m->hist = NULL;
}

/* Replays the stored events of job id into the scratch master. */
static void
history_replay(struct master *h, long id, json_t *events)
{
	json_t *ev;
	size_t i;
	char err[256];

	json_array_foreach(events, i, ev) {
		const char *type = json_string_value(json_object_get(ev, "type"));

		if (type == NULL || strcmp(type, "purge") == 0)
			continue;
		if (job_apply(h, id, (long)json_integer_value(json_object_get(ev, "idx")),
		    type, (long)json_integer_value(json_object_get(ev, "time")),
		    json_object_get(ev, "data"), err, sizeof(err)) < 0)
			log_debug("history: job %ld: %s event skipped: %s", id, type, err);
	}
}

struct job *
history_job(struct master *m, long id)
{
	struct job *j;
	json_t *events;

	if (m->hist != NULL && (j = job_find(m->hist, id)) != NULL)
		return j;
	if (m->store == NULL || !store_in_history(m->store, id))
		return NULL;
	if (m->hist == NULL)
		m->hist = history_scratch(m);
	events = store_job_events(m->store, id);
	history_replay(m->hist, id, events);
	json_decref(events);
	return job_find(m->hist, id);
}

void
history_expire(struct master *m, long now)
{
	int n, k;

	if (m->store == NULL)
		return;
	n = store_expire(m->store, now - m->conf->history_days * 86400L);
	if (n < 0)
		log_warnx("history: could not delete expired jobs");
	else if (n > 0)
		log_info("history: %d jobs older than %ld days deleted", n,
		    m->conf->history_days);
	if ((k = jobspec_collect_envs(m)) < 0)
		log_warnx("history: could not delete unused environments");
	else if (k > 0)
		log_info("history: %d environments no job names any more deleted", k);
	if (n != 0 || k != 0 || store_dirty(m->store))
		loop_want_commit(m);
}

/* ---- the history op ---- */

/*
 * The most element records one history reply may hold. The reply is
 * built whole in the loop (each record with its job's events), so a
 * bigger one is refused before anything is built, with a hint, rather
 * than holding every other client and agent for seconds.
 */
#define HISTORY_MAX_RECORDS 20000

struct history_ctx {
	struct master *m;
	json_t *jobs, *missing;
	int mask;
};

/* Events of job id as the reply shows them (no environment, no bpost
 * attachment). */
static json_t *
history_events(struct master *m, long id)
{
	json_t *events = store_job_events(m->store, id), *ev;
	size_t i;

	json_array_foreach(events, i, ev) {
		const char *type = json_string_value(json_object_get(ev, "type"));
		if (type != NULL && strcmp(type, "submit") == 0) {
			json_object_del(json_object_get(ev, "data"), "env");
			json_object_del(json_object_get(ev, "data"), "env_id");
		}
		if (type != NULL && strcmp(type, "post") == 0)	/* bread's, up to 1 MB */
			json_object_del(json_object_get(ev, "data"), "data");
	}
	return events;
}

/* Every element record of j (of sel, when given) whose state is in mask. */
static json_t *
history_records(struct master *m, struct job *j, int mask,
    const struct arrayspec *sel)
{
	const struct arrayspec *a = sel ? sel : &j->arr;
	json_t *recs = json_array();
	long pos;

	if (!job_is_array(j)) {
		if (job_elem_state(j, 0, NULL) & mask)
			json_array_append_new(recs, job_record(m, j, 0));
		return recs;
	}
	for (pos = 0; pos < a->count; pos++) {
		long idx = arrayspec_at(a, pos);
		if (arrayspec_has(&j->arr, idx) && (job_elem_state(j, idx, NULL) & mask))
			json_array_append_new(recs, job_record(m, j, idx));
	}
	return recs;
}

static void
history_add(struct history_ctx *x, struct job *j, const struct arrayspec *sel)
{
	json_t *recs = history_records(x->m, j, x->mask, sel);

	if (json_array_size(recs) == 0) {
		json_decref(recs);
		return;
	}
	json_array_append_new(x->jobs, json_pack("{s:I, s:o, s:o}", "id",
	    (json_int_t)j->id, "records", recs, "events", history_events(x->m, j->id)));
}

/* How many records history_records would make for j: an upper bound. */
static long
history_count(struct job *j, int mask, const struct arrayspec *sel)
{
	if (!job_is_array(j))
		return (job_elem_state(j, 0, NULL) & mask) != 0;
	return sel != NULL ? sel->count : job_nstate(j, mask);
}

/* Live jobs of user (NULL: all) and the records they would make. */
static long
history_count_live(struct master *m, const char *user, int mask)
{
	struct job *j;
	long n = 0;

	TAILQ_FOREACH(j, &m->byid, id_entry)
		if (user == NULL || strcmp(j->user, user) == 0)
			n += history_count(j, mask, NULL);
	return n;
}

/* The same for one selection {id, idx} of a live job. */
static long
history_count_sel(struct master *m, const json_t *sel)
{
	const char *list = json_string_value(json_object_get(sel, "idx"));
	struct job *j = job_find(m, (long)json_integer_value(json_object_get(sel,
	    "id")));
	struct arrayspec a;
	char err[128];
	long n;

	if (j == NULL)
		return 0;
	if (list == NULL || !job_is_array(j))
		return history_count(j, ~0, NULL);
	if (arrayspec_parse_list(list, 2147483646L, &a, err, sizeof(err)) < 0)
		return 0;
	n = history_count(j, ~0, &a);
	arrayspec_free(&a);
	return n;
}

static long
history_count_ids(struct master *m, json_t *ids)
{
	json_t *sel;
	long n = 0;
	size_t i;

	json_array_foreach(ids, i, sel)
		n += history_count_sel(m, sel);
	return n;
}

static void
history_by_id(struct history_ctx *x, json_t *ids)
{
	json_t *sel;
	size_t i;

	json_array_foreach(ids, i, sel) {
		long id = (long)json_integer_value(json_object_get(sel, "id"));
		const char *list = json_string_value(json_object_get(sel, "idx"));
		struct job *j = job_find(x->m, id);
		struct arrayspec a;
		char err[128];

		if (j == NULL)
			j = history_job(x->m, id);
		if (j == NULL) {
			json_array_append_new(x->missing, json_sprintf("Job <%ld> is not "
			    "found", id));
		} else if (list != NULL && (!job_is_array(j) || arrayspec_parse_list(
		    list, 2147483646L, &a, err, sizeof(err)) < 0)) {
			json_array_append_new(x->missing, json_sprintf("Job <%ld[%s]> is "
			    "not found", id, list));
		} else {
			history_add(x, j, list ? &a : NULL);
			if (list != NULL)
				arrayspec_free(&a);
		}
	}
}

static int
history_cmp_id(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* The live jobs of user (NULL: all), in id order. */
static void
history_live(struct history_ctx *x, const char *user)
{
	long *ids = xcalloc(x->m->njobs + 1, sizeof(*ids));
	size_t i, n = 0;
	struct job *j;

	for (i = 0; i < x->m->jhash_size; i++)
		for (j = x->m->jhash[i]; j != NULL; j = j->hnext)
			if (user == NULL || strcmp(j->user, user) == 0)
				ids[n++] = j->id;
	qsort(ids, n, sizeof(*ids), history_cmp_id);
	for (i = 0; i < n; i++)
		history_add(x, job_find(x->m, ids[i]), NULL);
	free(ids);
}

/* Jobs purged from memory but still in history, oldest id first. */
static void
history_stored(struct history_ctx *x, const char *user, long limit)
{
	json_t *ids = store_history_jobs(x->m->store, user, limit), *v;
	size_t i;
	struct job *j;

	json_array_foreach(ids, i, v)
		if ((j = history_job(x->m, (long)json_integer_value(v))) != NULL)
			history_add(x, j, NULL);
	json_decref(ids);
}

static int
history_mask(const char *states)
{
	if (states == NULL || strcmp(states, "unfinished") == 0)
		return JS_UNFINISHED;
	if (strcmp(states, "finished") == 0)
		return JS_FINISHED;
	return ~0;
}

static int
history_cmp_rec(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "id"));

	return x < y ? -1 : x > y;
}

/* Live jobs and jobs in history, together in id order. */
static json_t *
history_sorted(json_t *jobs)
{
	size_t i, n = json_array_size(jobs);
	json_t **v = xcalloc(n + 1, sizeof(*v)), *out = json_array();

	for (i = 0; i < n; i++)
		v[i] = json_array_get(jobs, i);
	qsort(v, n, sizeof(*v), history_cmp_rec);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(jobs);
	return out;
}

void
history_op(struct master *m, struct reqctx *rq, json_t *args)
{
	const char *user = json_string_value(json_object_get(args, "user"));
	json_t *ids = json_object_get(args, "ids");
	struct history_ctx x = { m, json_array(), json_array(), 0 };
	long n;

	x.mask = history_mask(json_string_value(json_object_get(args, "states")));
	if (user == NULL)
		user = rq->user;
	else if (strcmp(user, "all") == 0)
		user = NULL;
	n = json_array_size(ids) > 0 ? history_count_ids(m, ids) :
	    history_count_live(m, user, x.mask);
	if (n > HISTORY_MAX_RECORDS) {
		json_decref(x.jobs);
		json_decref(x.missing);
		return control_reply(m, rq, false, NULL, "toobig", "the answer would "
		    "hold %ld job records, over the limit of %d; name jobs by ID or "
		    "narrow it (-u, -d, -p, -r), or see bjobs -A for arrays", n,
		    HISTORY_MAX_RECORDS);
	}
	if (json_array_size(ids) > 0) {
		x.mask = ~0;
		history_by_id(&x, ids);
	} else {
		history_live(&x, user);
		if (x.mask & JS_FINISHED)
			history_stored(&x, user, (long)json_integer_value(
			    json_object_get(args, "limit")));
		x.jobs = history_sorted(x.jobs);
	}
	control_reply(m, rq, true, json_pack("{s:o, s:o}", "jobs", x.jobs, "missing",
	    x.missing), NULL, NULL);
}
