/*
 * jobmove.c - btop/bbot: the op "move" {id, pos (1 = first), bottom:bool}
 * changes where a pending job stands among the pending jobs of its queue
 * (an administrator's view: all of them; a user's: his own), through
 * struct job's order (see master.h). To the very top or bottom one "move"
 * event gives the job an order past every other; a middle position
 * renumbers the jobs concerned with the orders they already had, one
 * event per job whose order changes. Replies {pos, bottom}.
 */
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "util.h"

static int
jobmove_cmp(const void *a, const void *b)
{
	const struct job *x = *(struct job *const *)a, *y = *(struct job *const *)b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
jobmove_cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* The pending jobs the move is among, in dispatch order, without j. */
static struct job **
jobmove_peers(struct master *m, struct reqctx *rq, struct job *j, size_t *n)
{
	struct job **v, *k;
	size_t count = 0;

	TAILQ_FOREACH(k, &m->pending, pend_entry)
		count++;
	v = xcalloc(count + 1, sizeof(*v));
	*n = 0;
	TAILQ_FOREACH(k, &m->pending, pend_entry)
		if (k != j && job_pending_count(k) > 0 && strcmp(k->queue, j->queue) == 0 &&
		    (rq->admin || strcmp(k->user, j->user) == 0))
			v[(*n)++] = k;
	qsort(v, *n, sizeof(*v), jobmove_cmp);
	return v;
}

static void
jobmove_set(struct master *m, struct job *j, long order)
{
	if (j->order != order)
		job_event(m, j->id, -1, "move", json_pack("{s:I}", "order",
		    (json_int_t)order));
}

/* Puts j at index at of the n+1 jobs: peers v with j inserted. */
static void
jobmove_place(struct master *m, struct job *j, struct job **v, size_t n, size_t at)
{
	long *orders;
	size_t i;

	if (n == 0)
		return;
	if (at == 0)
		return jobmove_set(m, j, v[0]->order - 1);
	if (at == n)
		return jobmove_set(m, j, v[n - 1]->order + 1);
	orders = xcalloc(n + 1, sizeof(*orders));
	for (i = 0; i < n; i++)
		orders[i] = v[i]->order;
	orders[n] = j->order;
	qsort(orders, n + 1, sizeof(*orders), jobmove_cmp_long);
	for (i = 0; i <= n; i++)
		jobmove_set(m, i == at ? j : v[i < at ? i : i - 1], orders[i]);
	free(orders);
}

void
jobmove_move(struct master *m, struct reqctx *rq, json_t *args)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	long pos = (long)json_integer_value(json_object_get(args, "pos"));
	bool bottom = json_is_true(json_object_get(args, "bottom"));
	struct job *j = job_find(m, id), **v;
	size_t n, at;

	if (j == NULL)
		return control_reply(m, rq, false, NULL, "notfound",
		    "Job <%ld>: No matching job found", id);
	if (!control_may_act(rq, j))
		return control_reply(m, rq, false, NULL, "denied",
		    "Job <%ld>: User permission denied", id);
	if (job_pending_count(j) == 0)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: Job is not pending", id);
	if (pos < 1)
		pos = 1;
	v = jobmove_peers(m, rq, j, &n);
	at = (size_t)pos - 1 > n ? n : (size_t)pos - 1;
	if (bottom)
		at = n - at;
	jobmove_place(m, j, v, n, at);
	free(v);
	control_reply(m, rq, true, json_pack("{s:I, s:b}", "pos",
	    (json_int_t)(bottom ? (long)(n - at + 1) : (long)at + 1), "bottom", bottom),
	    NULL, NULL);
}
