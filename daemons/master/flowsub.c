/*
 * flowsub.c - op "flow_submit" {flow: NODE, name, continue}: a workflow in
 * one request, accepted whole or refused whole. A NODE is a step
 * {name, job: SUBMIT, retry} or {name, chain: [NODE...]},
 * {name, group: [NODE...]}, {name, chord: [NODE...], then: NODE}.
 *
 * Three passes, all in one loop turn and so in one transaction:
 *   1. the tree is walked: its shape checked, each step's predecessors
 *      found (a chain step waits on the previous node's last steps, a
 *      chord's "then" on every member's), and each step's job checked
 *      exactly as bsub's is (submit_prepare); the first problem refuses
 *      the workflow, naming the step, before anything is recorded;
 *   2. each step is recorded as a job whose -w dependency is done() (or
 *      ended(), with "continue") of its predecessors' jobs, and-ed with
 *      the step's own -w; predecessors come first in tree order, so
 *      their ids are known;
 *   3. the "flow" event records the tree with job ids (flow.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "log.h"
#include "master.h"
#include "proto.h"
#include "util.h"

struct flowsub {
	struct master *m;
	struct reqctx *rq;
	bool cont;
	json_t *steps;		/* the step nodes, in tree order */
	json_t *after;		/* per step: predecessor step indices */
	json_t *data;		/* per step: its submit event's data */
	const char **queues;
	char err[768];
};

/* The keys a node of each kind may have (the first names the kind). */
static const struct flowsub_kind {
	const char *key;
	const char *const allowed[4];
} flowsub_kinds[] = {
	{ "job", { "job", "name", "retry", NULL } },
	{ "chain", { "chain", "name", NULL } },
	{ "group", { "group", "name", NULL } },
	{ "chord", { "chord", "then", "name", NULL } },
};

static json_t *flowsub_walk(struct flowsub *s, json_t *node, json_t *after,
    int depth);

/* The reason the workflow is refused, in s->err; NULL for the caller. */
static json_t *flowsub_fail(struct flowsub *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static json_t *
flowsub_fail(struct flowsub *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return NULL;
}

static const struct flowsub_kind *
flowsub_kind(struct flowsub *s, json_t *node)
{
	const struct flowsub_kind *k = NULL;
	const char *key;
	json_t *v;
	size_t i, n;

	if (!json_is_object(node)) {
		errf(s->err, sizeof(s->err), "a workflow node is not an object");
		return NULL;
	}
	for (i = 0; i < nitems(flowsub_kinds) && k == NULL; i++)
		if (json_object_get(node, flowsub_kinds[i].key) != NULL)
			k = &flowsub_kinds[i];
	if (k == NULL) {
		errf(s->err, sizeof(s->err), "a workflow node has none of job, chain, "
		    "group, chord");
		return NULL;
	}
	json_object_foreach(node, key, v) {
		for (n = 0; k->allowed[n] != NULL && strcmp(k->allowed[n], key) != 0; n++)
			;
		if (k->allowed[n] == NULL) {
			errf(s->err, sizeof(s->err), "a %s node cannot have \"%s\"",
			    k->key[0] == 'j' ? "step" : k->key, key);
			return NULL;
		}
	}
	return k;
}

/* A step's job is named after the step and in job group /bflow/ID
 * (bjobs -g, bkill -g), unless its -J and -g say otherwise. */
static void
flowsub_defaults(struct flowsub *s, json_t *job, const char *name)
{
	json_t *opts = json_object_get(job, "opts");
	char group[48];

	if (proto_str(opts, "J") == NULL)
		json_object_set_new(job, "name", json_string(name));
	if (!json_is_object(opts))
		json_object_set_new(job, "opts", opts = json_object());
	if (proto_str(opts, "g") == NULL) {
		snprintf(group, sizeof(group), "/bflow/%ld", flow_next_id(s->m));
		json_object_set_new(opts, "g", json_string(group));
	}
}

/* A step: its name (default "stepN"), retry, predecessors, its job. */
static json_t *
flowsub_step(struct flowsub *s, json_t *node, json_t *after)
{
	size_t n = json_array_size(s->steps);
	json_t *retry = json_object_get(node, "retry"), *job = json_object_get(node, "job");
	const char *queue, *name = proto_str(node, "name");
	char e[512];
	json_t *data;

	if (n >= FLOW_MAX_STEPS)
		return flowsub_fail(s, "more than %d steps", FLOW_MAX_STEPS);
	if (name == NULL) {
		char buf[32];
		snprintf(buf, sizeof(buf), "step%zu", n + 1);
		json_object_set_new(node, "name", json_string(buf));
		name = proto_str(node, "name");
	}
	if (retry != NULL && (!json_is_integer(retry) || json_integer_value(retry) < 0 ||
	    json_integer_value(retry) > FLOW_MAX_RETRY))
		return flowsub_fail(s, "step %s: retry must be 0 to %d",
		    name, FLOW_MAX_RETRY);
	if (json_is_object(job))
		flowsub_defaults(s, job, name);
	if ((data = submit_prepare(s->m, s->rq, job, &queue, e, sizeof(e))) == NULL)
		return flowsub_fail(s, "step %s: %s", name, e);
	s->queues = xrealloc(s->queues, (n + 1) * sizeof(*s->queues));
	s->queues[n] = queue;
	json_array_append(s->steps, node);
	json_array_append(s->after, after);
	json_array_append_new(s->data, data);
	return json_pack("[I]", (json_int_t)n);
}

/* The members of a group (or chord) side by side, all after `after`;
 * their last steps together. */
static json_t *
flowsub_group(struct flowsub *s, json_t *members, json_t *after, int depth)
{
	json_t *exits = json_array(), *child, *x;
	size_t i;

	json_array_foreach(members, i, child) {
		if ((x = flowsub_walk(s, child, after, depth + 1)) == NULL) {
			json_decref(exits);
			return NULL;
		}
		json_array_extend(exits, x);
		json_decref(x);
	}
	return exits;
}

/* A chain: each node after the last steps of the one before it. */
static json_t *
flowsub_chain(struct flowsub *s, json_t *members, json_t *after, int depth)
{
	json_t *cur = json_incref(after), *child, *x;
	size_t i;

	json_array_foreach(members, i, child) {
		x = flowsub_walk(s, child, cur, depth + 1);
		json_decref(cur);
		if ((cur = x) == NULL)
			return NULL;
	}
	return cur;
}

/* Checks node and its steps, all after the steps in after; returns the
 * node's last steps (what follows it waits on), or NULL with s->err. */
static json_t *
flowsub_walk(struct flowsub *s, json_t *node, json_t *after, int depth)
{
	const struct flowsub_kind *k = flowsub_kind(s, node);
	json_t *members, *x, *r;

	if (k == NULL)
		return NULL;
	if (depth > FLOW_MAX_DEPTH)
		return flowsub_fail(s, "nested deeper than %d",
		    FLOW_MAX_DEPTH);
	if (strcmp(k->key, "job") == 0)
		return flowsub_step(s, node, after);
	members = json_object_get(node, k->key);
	if (!json_is_array(members) || json_array_size(members) == 0)
		return flowsub_fail(s, "%s: a list of one node or more "
		    "is expected", k->key);
	if (strcmp(k->key, "chain") == 0)
		return flowsub_chain(s, members, after, depth);
	if ((x = flowsub_group(s, members, after, depth)) == NULL ||
	    strcmp(k->key, "group") == 0)
		return x;
	if (json_object_get(node, "then") == NULL) {
		json_decref(x);
		return flowsub_fail(s, "chord: \"then\" is missing");
	}
	r = flowsub_walk(s, json_object_get(node, "then"), x, depth + 1);
	json_decref(x);
	return r;
}

/* Step names are how messages and bflow status name steps: unique. */
static int
flowsub_names_unique(struct flowsub *s)
{
	json_t *seen = json_object(), *node;
	const char *name;
	size_t i;
	int rc = 0;

	json_array_foreach(s->steps, i, node) {
		name = proto_str(node, "name");
		if (json_object_get(seen, name) != NULL) {
			rc = errf(s->err, sizeof(s->err), "step name %s is used twice", name);
			break;
		}
		json_object_set_new(seen, name, json_true());
	}
	json_decref(seen);
	return rc;
}

/* The step's -w: done()/ended() of its predecessors, and its own. */
static void
flowsub_dep(struct flowsub *s, json_t *data, json_t *after_ids)
{
	const char *own = proto_str(data, "dep"), *cond = s->cont ? "ended" : "done";
	char *dep = xstrdup(""), *t;
	json_t *v;
	size_t i;

	json_array_foreach(after_ids, i, v) {
		t = xasprintf("%s%s%s(%lld)", dep, i ? " && " : "", cond,
		    (long long)json_integer_value(v));
		free(dep);
		dep = t;
	}
	if (*dep != '\0' && own != NULL) {
		t = xasprintf("(%s) && (%s)", own, dep);
		free(dep);
		dep = t;
	}
	if (*dep != '\0')
		json_object_set_new(data, "dep", json_string(dep));
	free(dep);
}

/* Records step i; its node then holds the job id and the predecessors'. */
static long
flowsub_record(struct flowsub *s, size_t i)
{
	json_t *node = json_array_get(s->steps, i), *ids = json_array(), *v;
	json_t *data = json_incref(json_array_get(s->data, i));
	size_t k;
	long id;

	json_array_foreach(json_array_get(s->after, i), k, v)
		json_array_append(ids, json_object_get(json_array_get(s->steps,
		    (size_t)json_integer_value(v)), "job"));
	flowsub_dep(s, data, ids);
	if ((id = submit_record(s->m, s->rq, data, s->queues[i], s->err,
	    sizeof(s->err))) < 0) {
		json_decref(ids);
		return -1;
	}
	json_object_set_new(node, "job", json_integer(id));
	json_object_set_new(node, "after", ids);
	return id;
}

static void
flowsub_free(struct flowsub *s)
{
	json_decref(s->steps);
	json_decref(s->after);
	json_decref(s->data);
	free(s->queues);
}

/* Passes 2 and 3; the reply lists the steps' jobs. */
static void
flowsub_commit(struct flowsub *s, json_t *tree, const char *name)
{
	long fid = flow_next_id(s->m), id;
	json_t *jobs = json_array(), *node;
	size_t i;

	json_array_foreach(s->steps, i, node) {
		if ((id = flowsub_record(s, i)) < 0)	/* checked: not expected */
			fatalx("workflow %ld: step %zu could not be recorded: %s", fid,
			    i + 1, s->err);
		json_array_append_new(jobs, json_pack("{s:s, s:I}", "name",
		    proto_str(node, "name"), "id", (json_int_t)id));
	}
	if (job_event(s->m, 0, 0, "flow", json_pack("{s:I, s:s, s:s, s:b, s:O}",
	    "fid", (json_int_t)fid, "name", name, "user", s->rq->user, "continue",
	    s->cont, "tree", tree)) < 0)
		fatalx("workflow %ld could not be recorded", fid);
	control_reply(s->m, s->rq, true, json_pack("{s:I, s:o}", "fid",
	    (json_int_t)fid, "jobs", jobs), NULL, NULL);
}

void
flowsub_op(struct master *m, struct reqctx *rq, json_t *args)
{
	struct flowsub s = { .m = m, .rq = rq,
	    .cont = json_is_true(json_object_get(args, "continue")),
	    .steps = json_array(), .after = json_array(), .data = json_array() };
	json_t *tree = json_object_get(args, "flow"), *none = json_array(), *x;
	const char *name = proto_str(args, "name");

	x = flowsub_walk(&s, tree, none, 0);
	json_decref(none);
	if (x != NULL && flowsub_names_unique(&s) == 0 &&
	    m->conf->max_jobid - (long)m->njobs < (long)json_array_size(s.steps)) {
		errf(s.err, sizeof(s.err), "No free job IDs for %zu steps (MAX_JOBID)",
		    json_array_size(s.steps));
		json_decref(x);
		x = NULL;
	}
	if (x == NULL || s.err[0] != '\0') {
		control_reply(m, rq, false, NULL, "rejected", "%s. Workflow not "
		    "submitted", s.err);
	} else
		flowsub_commit(&s, tree, name ? name : "");
	json_decref(x);
	flowsub_free(&s);
}
