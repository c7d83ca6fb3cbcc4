/*
 * jobresult.c - a job element's outcome record (result.h, issue 16) and the
 * other members few elements have (struct elem_extra).
 *
 * Where a record comes from: the job's $PUMICE_RESULT file, read by the
 * shepherd after the job and carried by the agent's "finished" into the
 * "finish" event ("result", or "result_error" when the file was refused),
 * so it is committed with the finish, in the same transaction; or the op
 * "result" (bresult), recorded as a "result" event of the element. Both
 * are applied here, live and at replay alike. The later one wins; a
 * refused file keeps an earlier bresult's record beside its reason. A new
 * start clears both (a rerun's outcome is its own).
 *
 * Memory: the record is compact JSON text in the element's elem_extra,
 * which exists only for elements with a result (or a -cwd fallback): an
 * element without one costs the pointer it had for its cwd before.
 */
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "master.h"
#include "proto.h"
#include "result.h"
#include "util.h"

struct elem_extra *
elem_extra(struct elem *e)
{
	if (e->x == NULL)
		e->x = xcalloc(1, sizeof(*e->x));
	return e->x;
}

void
elem_extra_free(struct elem *e)
{
	if (e->x == NULL)
		return;
	free(e->x->cwd);
	free(e->x->result);
	free(e->x->result_error);
	free(e->x);
	e->x = NULL;
}

/* Gives the block back once nothing is left in it. */
static void
elem_extra_trim(struct elem *e)
{
	if (e->x != NULL && e->x->cwd == NULL && e->x->result == NULL &&
	    e->x->result_error == NULL && e->x->ntasks == 0)
		elem_extra_free(e);
}

const char *
elem_cwd(const struct elem *e)
{
	return e->x != NULL ? e->x->cwd : NULL;
}

/* Replaces *slot by a copy of s (NULL: none). */
static void
jobresult_set(struct elem *e, char **slot, const char *s)
{
	free(*slot);
	*slot = s != NULL ? xstrdup(s) : NULL;
	elem_extra_trim(e);
}

void
elem_set_cwd(struct elem *e, const char *cwd)
{
	if (cwd == NULL && e->x == NULL)
		return;
	jobresult_set(e, &elem_extra(e)->cwd, cwd);
}

const char *
job_result(struct job *j, long idx)
{
	struct elem *e = job_elem(j, idx);

	return e != NULL && e->x != NULL ? e->x->result : NULL;
}

const char *
job_result_error(struct job *j, long idx)
{
	struct elem *e = job_elem(j, idx);

	return e != NULL && e->x != NULL ? e->x->result_error : NULL;
}

/* Appends n bytes of s to the buffer *b (of *len bytes, *cap allocated). */
static void
jobresult_add(char **b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*b = xrealloc(*b, *cap);
	}
	memcpy(*b + *len, s, n);
	*len += n;
	(*b)[*len] = '\0';
}

char *
job_results_json(struct job *j)
{
	long pos, n = job_is_array(j) ? j->arr.count : 1;
	size_t len = 0, cap = 64;
	char *b = xmalloc(cap);
	const char *r;

	jobresult_add(&b, &len, &cap, "[", 1);
	for (pos = 0; pos < n; pos++) {
		r = job_result(j, job_is_array(j) ? arrayspec_at(&j->arr, pos) : 0);
		if (pos > 0)
			jobresult_add(&b, &len, &cap, ",", 1);
		jobresult_add(&b, &len, &cap, r ? r : "null", strlen(r ? r : "null"));
	}
	jobresult_add(&b, &len, &cap, "]", 1);
	return b;
}

/* The record obj onto e (the text made once, here). */
static void
jobresult_put(struct elem *e, const json_t *obj)
{
	char *text = result_text(obj);

	jobresult_set(e, &elem_extra(e)->result, text);
	free(text);
}

void
jobresult_clear(struct elem *e)
{
	if (e->x == NULL)
		return;
	jobresult_set(e, &e->x->result, NULL);
	if (e->x != NULL)
		jobresult_set(e, &e->x->result_error, NULL);
}

void
jobresult_finish(struct elem *e, const json_t *data)
{
	const json_t *obj = json_object_get(data, "result");
	const char *why = proto_str(data, "result_error");

	if (json_is_object(obj)) {
		jobresult_put(e, obj);
		jobresult_set(e, &elem_extra(e)->result_error, NULL);
	} else if (why != NULL)
		jobresult_set(e, &elem_extra(e)->result_error, why);
}

/* A "result" event {result, from}: bresult's record replaces the last. */
JEVENT_FN(jobresult_apply)
{
	const json_t *obj = json_object_get(ev->data, "result");
	struct elem *e = job_elem(j, ev->idx);

	if (e == NULL || !json_is_object(obj))
		return errf(err, errlen, "result for element %ld without a run or a "
		    "record", ev->idx);
	(void)m;
	jobresult_put(e, obj);
	return 0;
}

/* Has e run (the only elements a result can be of)? */
static bool
jobresult_ran(const struct elem *e)
{
	return e != NULL && e->start_time > 0 && (e->state & (JS_RUN | JS_SSUSP |
	    JS_USUSP | JS_UNKWN | JS_DONE | JS_EXIT));
}

/*
 * Op "result" {id, idx, result}: bresult. The job's owner (the job itself
 * runs as its owner) or an administrator, on an element that runs or ran;
 * the record is checked as the file is (result_parse's limit and object).
 */
void
jobresult_op(struct master *m, struct reqctx *rq, json_t *args)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	long idx = (long)json_integer_value(json_object_get(args, "idx"));
	json_t *obj = json_object_get(args, "result");
	struct job *j = job_find(m, id);
	char *text;
	size_t len;

	if (j == NULL || (idx > 0 && (!job_is_array(j) || !arrayspec_has(&j->arr, idx))))
		return control_reply(m, rq, false, NULL, "notfound",
		    "Job <%ld>: No matching job found", id);
	if (!control_may_act(rq, j))
		return control_reply(m, rq, false, NULL, "denied",
		    "Job <%ld>: User permission denied", id);
	if (!jobresult_ran(job_elem(j, idx)))
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: The job has not started; it has no result yet", id);
	text = result_text(obj);
	len = text ? strlen(text) : 0;
	free(text);
	if (!json_is_object(obj) || len > RESULT_MAX)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: result of %zu bytes is over the limit of %d bytes", id,
		    len, RESULT_MAX);
	if (job_event(m, id, idx, "result", json_pack("{s:O, s:s}", "result", obj,
	    "from", rq->user)) < 0)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: Result not recorded", id);
	control_reply(m, rq, true, json_pack("{s:I, s:I}", "id", (json_int_t)id,
	    "idx", (json_int_t)idx), NULL, NULL);
}
