/*
 * peek.c - bpeek: the master relays a request for a running job's output
 * down the link of the agent that runs it (the master never dials out) and
 * answers the command when the agent's peek_rep comes back. Pending
 * requests wait on master->peeks; if either side's connection goes away,
 * the request is answered (agent gone) or dropped (command gone). The
 * same forwarding carries interactive jobs' I/O (jobio.c: io, io_rep).
 */
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "util.h"

struct peekreq {
	long pid;		/* peek id on the agent link */
	long id, idx;		/* the job element, named in the reply */
	struct reqctx *rq;
	struct conn *agent;
	TAILQ_ENTRY(peekreq) entry;
};

/* The user's newest job (with that name, when given). */
static struct job *
peek_latest(struct master *m, const char *user, const char *name)
{
	struct job *best = NULL, *j;
	size_t i;

	for (i = 0; i < m->jhash_size; i++)
		for (j = m->jhash[i]; j != NULL; j = j->hnext)
			if (strcmp(j->user, user) == 0 && (name == NULL ||
			    strcmp(j->name, name) == 0) && (best == NULL || j->id > best->id))
				best = j;
	return best;
}

static struct job *
peek_find(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *id = json_object_get(args, "id");
	const char *name = json_string_value(json_object_get(args, "name"));

	if (json_is_integer(id))
		return job_find(m, (long)json_integer_value(id));
	return peek_latest(m, rq->user, name);
}

void
peek_forward(struct master *m, struct reqctx *rq, struct elem *e, struct conn *agent,
    json_t *order)
{
	struct peekreq *p = xcalloc(1, sizeof(*p));

	p->pid = ++m->next_peek;
	p->id = e->job->id;
	p->idx = e->idx;
	p->rq = rq;
	p->agent = agent;
	TAILQ_INSERT_TAIL(&m->peeks, p, entry);
	json_object_set_new(order, "pid", json_integer(p->pid));
	json_object_set_new(order, "id", json_integer(e->job->id));
	json_object_set_new(order, "idx", json_integer(e->idx));
	conn_send(p->agent, order);
}

/* Asks agent for e's output; a finished e's comes with its spec and cwd. */
static void
peek_send(struct master *m, struct reqctx *rq, struct elem *e, struct conn *agent,
    json_int_t off)
{
	json_t *order = json_pack("{s:s, s:I}", "t", "peek", "off", off);

	if (e->host == NULL) {
		json_object_set_new(order, "job", agent_jobspec(m, e));
		if (elem_cwd(e) != NULL)
			json_object_set_new(order, "cwd", json_string(elem_cwd(e)));
	}
	peek_forward(m, rq, e, agent, order);
}

/*
 * A finished element's output, when asked for ("done": HTTP): read by the
 * agent of the host it ran on, which works the -o file out from its spec.
 */
static void
peek_finished(struct master *m, struct reqctx *rq, struct elem *e, json_int_t off)
{
	bool ran = e != NULL && e->start_time != 0 && e->hosts != NULL && e->nslots > 0;
	struct host *h = ran ? host_find(m, e->hosts[0]) : NULL;

	if (!ran)
		return control_reply(m, rq, false, NULL, "finished", "Already finished; it never ran");
	if (h == NULL || h->conn == NULL)
		return control_reply(m, rq, false, NULL, "internal",
		    "The job's host %s is unreachable", e->hosts[0]);
	peek_send(m, rq, e, h->conn, off);
}

/* op peek {id | name, idx, off, done} -> {data (base64), off, next, size,
 * file, id, idx}; done: a finished job's output too */
void
peek_op(struct master *m, struct reqctx *rq, json_t *args)
{
	struct job *j = peek_find(m, rq, args);
	long idx = (long)json_integer_value(json_object_get(args, "idx"));
	json_int_t off = json_integer_value(json_object_get(args, "off"));
	struct elem *e;
	int st;

	if (j == NULL || (strcmp(j->user, rq->user) != 0 && !rq->admin))
		return control_reply(m, rq, false, NULL, "notfound", "No matching job found");
	if (job_is_array(j) && idx == 0)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld> is a job array: name an element, as %ld[1]", j->id, j->id);
	st = job_elem_state(j, idx, NULL);
	e = job_elem(j, idx);
	if (st & JS_PENDING)
		return control_reply(m, rq, false, NULL, "notstarted", "Not yet started");
	if ((st & JS_FINISHED) && json_is_true(json_object_get(args, "done")))
		return peek_finished(m, rq, e, off > 0 ? off : 0);
	if ((st & JS_FINISHED) || e == NULL)
		return control_reply(m, rq, false, NULL, "finished", "Already finished");
	if (e->host == NULL || e->host->conn == NULL)
		return control_reply(m, rq, false, NULL, "internal",
		    "The job's host %s is unreachable", e->host ? e->host->name : "");
	peek_send(m, rq, e, e->host->conn, off > 0 ? off : 0);
}

/* A=>M peek_rep {pid, ok, err, code, data, off, next, size, file} */
void
peek_on_reply(struct master *m, struct conn *c, json_t *msg)
{
	long pid = (long)json_integer_value(json_object_get(msg, "pid"));
	const char *err = json_string_value(json_object_get(msg, "err"));
	const char *code = json_string_value(json_object_get(msg, "code"));
	struct peekreq *p;
	json_t *data;

	TAILQ_FOREACH(p, &m->peeks, entry)
		if (p->pid == pid && p->agent == c)
			break;
	if (p == NULL)
		return log_debug("peek_rep %ld: nobody waits for it", pid);
	TAILQ_REMOVE(&m->peeks, p, entry);
	if (json_is_true(json_object_get(msg, "ok"))) {
		data = json_deep_copy(msg);
		json_object_del(data, "t");
		json_object_del(data, "pid");
		json_object_del(data, "ok");
		json_object_set_new(data, "id", json_integer(p->id));
		json_object_set_new(data, "idx", json_integer(p->idx));
		control_reply(m, p->rq, true, data, NULL, NULL);
	} else
		control_reply(m, p->rq, false, NULL, code ? code : "internal", "%s",
		    err ? err : "the agent could not read the output");
	free(p);
}

/* A connection closed: fail peeks sent down it, forget those it asked. */
void
peek_conn_gone(struct master *m, struct conn *c)
{
	struct peekreq *p, *next;

	for (p = TAILQ_FIRST(&m->peeks); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->agent != c && p->rq->conn != c)
			continue;
		TAILQ_REMOVE(&m->peeks, p, entry);
		if (p->rq->conn == c)
			reqctx_free(p->rq);
		else
			control_reply(m, p->rq, false, NULL, "internal",
			    "The job's host went away");
		free(p);
	}
}
