/*
 * wait.c - op "wait" (bsub -K, bwait): a request parked on
 * master->waiters until its job starts or ends; control_wake_waiters runs
 * after every job event, control_conn_gone drops the parked requests of a
 * client that went away.
 */
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "proto.h"

static bool
wait_done(struct job *j, bool until_end)
{
	if (until_end)
		return job_finished(j);
	return j->nrun + j->ndone + j->nexit > 0;
}

static long
wait_first_idx(struct job *j)
{
	size_t i;

	if (!job_is_array(j))
		return 0;
	for (i = 0; i < j->ehash_size; i++)
		if (j->ehash[i] != NULL)
			return j->ehash[i]->idx;
	return arrayspec_at(&j->arr, 0);
}

static void
wait_answer(struct master *m, struct reqctx *rq, struct job *j)
{
	json_t *rec = job_record(m, j, wait_first_idx(j));

	json_object_set_new(rec, "ndone", json_integer(j->ndone));
	json_object_set_new(rec, "nexit", json_integer(j->nexit));
	json_object_set_new(rec, "count", json_integer(j->count));
	control_reply(m, rq, true, json_pack("{s:o}", "job", rec), NULL, NULL);
}

void
wait_op(struct master *m, struct reqctx *rq, json_t *args)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	const char *until = proto_str(args, "until");
	struct job *j = job_find(m, id);

	if (j == NULL)
		return control_reply(m, rq, false, NULL, "notfound", "Job <%ld> is not found", id);
	rq->wait_id = id;
	rq->wait_end = until == NULL || strcmp(until, "end") == 0;
	if (wait_done(j, rq->wait_end))
		return wait_answer(m, rq, j);
	TAILQ_INSERT_TAIL(&m->waiters, rq, entry);
}

void
control_wake_waiters(struct master *m, struct job *j)
{
	struct reqctx *rq, *next;

	for (rq = TAILQ_FIRST(&m->waiters); rq != NULL; rq = next) {
		next = TAILQ_NEXT(rq, entry);
		if (rq->wait_dep != NULL) {
			jobcmd_depwait_poll(m, rq);	/* bwait -w */
			continue;
		}
		if (j == NULL || rq->wait_id != j->id ||
		    !wait_done(j, rq->wait_end))
			continue;
		TAILQ_REMOVE(&m->waiters, rq, entry);
		wait_answer(m, rq, j);
	}
}
void
control_conn_gone(struct master *m, struct conn *c)
{
	struct reqctx *rq, *next;

	for (rq = TAILQ_FIRST(&m->waiters); rq != NULL; rq = next) {
		next = TAILQ_NEXT(rq, entry);
		if (rq->conn != c)
			continue;
		TAILQ_REMOVE(&m->waiters, rq, entry);
		reqctx_free(rq);
	}
}
