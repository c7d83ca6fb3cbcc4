/*
 * flowop.c - ops "flow_status" {id} (bflow status: the tree with each
 * step's state; without id, a line per workflow) and "flow_kill" {id}
 * (bflow kill: bkill of every unfinished step, as killcmd.c does it).
 * A workflow's state comes from its steps' jobs, so it is the same after
 * a restart: RUN (or PEND) while a step is unfinished, then DONE when
 * every step is DONE, else EXIT; "failed" names the first step (in tree
 * order) that ended EXIT for a reason of its own, not because a step it
 * waited on failed.
 */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "jobstate.h"
#include "master.h"
#include "proto.h"
#include "util.h"

#define FLOW_KILLED_PREFIX "TERM_FLOW:"

/* A step's state: its job's, or for an array the one that sums it up. */
static const char *
flowop_state(struct job *j, const char **reason)
{
	*reason = NULL;
	if (j == NULL)
		return "GONE";	/* purged after CLEAN_PERIOD */
	if (!job_is_array(j))
		return jobstate_name(job_elem_state(j, 0, reason));
	if (j->nrun > 0)
		return "RUN";
	if (job_pending_count(j) > 0)
		return job_nstate(j, JS_PEND) > 0 ? "PEND" : "PSUSP";
	*reason = j->pend_killed ? j->pend_kill_reason : NULL;
	return j->nexit > 0 ? "EXIT" : "DONE";
}

static bool
flowop_flow_killed(const char *reason)
{
	return reason != NULL && strncmp(reason, FLOW_KILLED_PREFIX,
	    strlen(FLOW_KILLED_PREFIX)) == 0;
}

struct flowop_sum {
	long unfinished, started, exit;
	const char *failed;
};

/* The step's node for the reply: state, counts, reason; sums it up. */
static void
flowop_step(struct master *m, json_t *node, struct flowop_sum *sum)
{
	struct job *j = flow_step_job(m, (long)json_integer_value(json_object_get(node,
	    "job")));
	const char *reason, *st = flowop_state(j, &reason);

	json_object_set_new(node, "state", json_string(st));
	if (reason != NULL)
		json_object_set_new(node, "reason", json_string(reason));
	if (j != NULL && job_is_array(j))
		json_object_set_new(node, "counts", json_pack("{s:I, s:I, s:I, s:I, s:I}",
		    "total", (json_int_t)j->count, "pend", (json_int_t)job_pending_count(j),
		    "run", (json_int_t)j->nrun, "done", (json_int_t)j->ndone,
		    "exit", (json_int_t)j->nexit));
	if (j != NULL && !job_finished(j))
		sum->unfinished++;
	if (j != NULL && (j->nrun > 0 || j->ndone + j->nexit > 0))
		sum->started++;
	if (j != NULL && j->nexit > 0) {
		sum->exit++;
		if (sum->failed == NULL && !flowop_flow_killed(reason))
			sum->failed = proto_str(node, "name");
	}
}

/* A copy of the tree with each step's state (the steps visited in tree
 * order, as flow.c collected them). */
static json_t *
flowop_tree(struct master *m, struct flow *f, struct flowop_sum *sum)
{
	json_t *tree = json_deep_copy(f->tree);
	json_t *stack = json_pack("[O]", tree), *node, *v;
	static const char *const kids[] = { "then", "chord", "group", "chain" };
	size_t k, i;

	while (json_array_size(stack) > 0) {
		node = json_incref(json_array_get(stack, json_array_size(stack) - 1));
		json_array_remove(stack, json_array_size(stack) - 1);
		if (json_object_get(node, "job") != NULL)
			flowop_step(m, node, sum);
		for (k = 0; k < nitems(kids); k++) {
			v = json_object_get(node, kids[k]);
			if (json_is_object(v))
				json_array_append(stack, v);
			for (i = json_array_size(v); i > 0; i--)
				json_array_append(stack, json_array_get(v, i - 1));
		}
		json_decref(node);
	}
	json_decref(stack);
	return tree;
}

static const char *
flowop_flow_state(const struct flowop_sum *sum)
{
	if (sum->unfinished > 0)
		return sum->started > 0 ? "RUN" : "PEND";
	return sum->exit > 0 ? "EXIT" : "DONE";
}

/* {id, name, user, state, failed, continue, submit_time, steps[, tree]} */
static json_t *
flowop_record(struct master *m, struct flow *f, bool with_tree)
{
	struct flowop_sum sum = { 0 };
	json_t *tree = flowop_tree(m, f, &sum);
	json_t *r = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:I}", "id",
	    (json_int_t)f->id, "name", f->name, "user", f->user, "state",
	    flowop_flow_state(&sum), "continue", f->cont, "submit_time",
	    (json_int_t)f->submit_time, "steps", (json_int_t)f->nsteps);

	if (sum.failed != NULL)
		json_object_set_new(r, "failed", json_string(sum.failed));
	if (with_tree)
		json_object_set_new(r, "tree", tree);
	else
		json_decref(tree);
	return r;
}

void
flowop_status(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *id = json_object_get(args, "id"), *list;
	struct flow *f;

	if (id != NULL) {
		if ((f = flow_find(m, (long)json_integer_value(id))) == NULL)
			return control_reply(m, rq, false, NULL, "not_found",
			    "Workflow <%lld>: No such workflow",
			    (long long)json_integer_value(id));
		return control_reply(m, rq, true, json_pack("{s:o}", "flow",
		    flowop_record(m, f, true)), NULL, NULL);
	}
	list = json_array();
	TAILQ_FOREACH(f, flow_list(m), entry)
		if (json_is_true(json_object_get(args, "all")) ||
		    strcmp(f->user, rq->user) == 0)
			json_array_append_new(list, flowop_record(m, f, false));
	control_reply(m, rq, true, json_pack("{s:o}", "flows", list), NULL, NULL);
}

void
flowop_kill(struct master *m, struct reqctx *rq, json_t *args)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	struct flow *f = flow_find(m, id);
	json_t *ids, *kargs;
	struct job *j;
	size_t i;

	if (f == NULL)
		return control_reply(m, rq, false, NULL, "not_found",
		    "Workflow <%ld>: No such workflow", id);
	if (!rq->admin && strcmp(rq->user, f->user) != 0)
		return control_reply(m, rq, false, NULL, "denied",
		    "Workflow <%ld>: User permission denied", id);
	ids = json_array();
	for (i = 0; i < f->nsteps; i++)
		if ((j = flow_step_job(m, f->steps[i].job)) != NULL && !job_finished(j))
			json_array_append_new(ids, json_pack("{s:I}", "id",
			    (json_int_t)j->id));
	if (json_array_size(ids) == 0) {	/* an empty list would select by filters */
		json_decref(ids);
		return control_reply(m, rq, false, NULL, "rejected",
		    "Workflow <%ld>: Workflow has already finished", id);
	}
	kargs = json_pack("{s:o}", "ids", ids);
	f->killing = true;	/* every step goes: none is killed as a dependant */
	killcmd_op(m, rq, kargs);
	f->killing = false;
	json_decref(kargs);
}
