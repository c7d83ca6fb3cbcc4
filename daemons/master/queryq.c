/*
 * queryq.c - fairness between users for listings. Every "jobs" page is
 * queued under its user's uid and served from a zero timer, one page per
 * user per turn, users in turn, so one user's many bjobs cannot keep
 * another's waiting for more than a page of each other user; the sockets
 * are read between two turns. A user may have PUMICE_QUERY_PER_USER pages
 * queued; past that the answer is "busy" and the client asks again a
 * little later. A page is bounded (jobpage.c) and nothing is kept between
 * pages, so this queue is the only state a listing has at the master, and
 * a closed connection's entries go with it.
 */
#include <stdlib.h>

#include "master.h"
#include "util.h"

struct queryq_req {
	struct reqctx *rq;
	json_t *args;
	queryq_fn fn;
	TAILQ_ENTRY(queryq_req) entry;
};

struct queryq_user {
	long uid;
	long n;
	TAILQ_HEAD(, queryq_req) reqs;
	TAILQ_ENTRY(queryq_user) entry;
};

struct queryq {
	TAILQ_HEAD(, queryq_user) users;	/* in turn order */
};

static struct queryq_user *
queryq_user(struct queryq *q, long uid)
{
	struct queryq_user *u;

	TAILQ_FOREACH(u, &q->users, entry)
		if (u->uid == uid)
			return u;
	u = xcalloc(1, sizeof(*u));
	u->uid = uid;
	TAILQ_INIT(&u->reqs);
	TAILQ_INSERT_TAIL(&q->users, u, entry);
	return u;
}

static void
queryq_run(struct master *m, struct queryq_req *r)
{
	r->fn(m, r->rq, r->args);
	history_release(m);
	json_decref(r->args);
	free(r);
}

void
queryq_add(struct master *m, struct reqctx *rq, json_t *args, queryq_fn fn)
{
	struct queryq_user *u;
	struct queryq_req *r;

	if (m->query_ev == NULL)	/* no loop (unit tests): at once */
		return fn(m, rq, args);
	if (m->queryq == NULL) {
		m->queryq = xcalloc(1, sizeof(*m->queryq));
		TAILQ_INIT(&m->queryq->users);
	}
	u = queryq_user(m->queryq, rq->uid);
	if (u->n >= m->conf->query_per_user)
		return control_reply(m, rq, false, NULL, "busy", "The master is "
		    "serving %ld listings of yours (PUMICE_QUERY_PER_USER); "
		    "try again", u->n);
	r = xcalloc(1, sizeof(*r));
	r->rq = rq;
	r->args = json_incref(args);
	r->fn = fn;
	TAILQ_INSERT_TAIL(&u->reqs, r, entry);
	u->n++;
	loop_want_query(m);
}

bool
queryq_waiting(const struct master *m)
{
	return m->queryq != NULL && !TAILQ_EMPTY(&m->queryq->users);
}

/* One page for each user with one queued, in turn. */
void
queryq_turn(struct master *m)
{
	struct queryq_user *u, *next;
	struct queryq_req *r;

	if (m->queryq == NULL)
		return;
	for (u = TAILQ_FIRST(&m->queryq->users); u != NULL; u = next) {
		next = TAILQ_NEXT(u, entry);
		if ((r = TAILQ_FIRST(&u->reqs)) != NULL) {
			TAILQ_REMOVE(&u->reqs, r, entry);
			u->n--;
			queryq_run(m, r);
		}
		if (u->n == 0) {
			TAILQ_REMOVE(&m->queryq->users, u, entry);
			free(u);
		}
	}
	if (!TAILQ_EMPTY(&m->queryq->users))
		loop_want_query(m);
}

static void
queryq_drop(struct master *m, struct conn *c, bool all)
{
	struct queryq_user *u, *nu;
	struct queryq_req *r, *nr;

	if (m->queryq == NULL)
		return;
	for (u = TAILQ_FIRST(&m->queryq->users); u != NULL; u = nu) {
		nu = TAILQ_NEXT(u, entry);
		for (r = TAILQ_FIRST(&u->reqs); r != NULL; r = nr) {
			nr = TAILQ_NEXT(r, entry);
			if (!all && r->rq->conn != c)
				continue;
			TAILQ_REMOVE(&u->reqs, r, entry);
			u->n--;
			reqctx_free(r->rq);
			json_decref(r->args);
			free(r);
		}
		if (u->n == 0) {
			TAILQ_REMOVE(&m->queryq->users, u, entry);
			free(u);
		}
	}
}

void
queryq_conn_gone(struct master *m, struct conn *c)
{
	queryq_drop(m, c, false);
}

void
queryq_free(struct master *m)
{
	queryq_drop(m, NULL, true);
	free(m->queryq);
	m->queryq = NULL;
}
