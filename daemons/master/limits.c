/*
 * limits.c - the slot counters behind queue and user limits (LSF.md 7.5,
 * 7.8): slots per queue (QJOB_LIMIT), per queue and user (UJOB_LIMIT), per
 * queue and host (HJOB_LIMIT, PJOB_LIMIT), per user (lsb.users MAX_JOBS,
 * or per group as a whole), per user and host (JL/U, JL/P). Rebuilt every
 * pass from the running jobs, then kept current as the pass places jobs.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "master.h"
#include "sched.h"
#include "strmap.h"
#include "util.h"

struct limits {
	struct strmap map;
	/*
	 * Which counters some limit reads: the per-queue/user totals, the per
	 * queue and host ones (HJOB_LIMIT, PJOB_LIMIT), the per user and host
	 * ones (JL/U, JL/P). Keeping only those spares a pass over 10,000
	 * busy hosts most of its hashing (see limits_configure).
	 */
	bool totals, qhost, uhost;
};

struct limits *
limits_new(void)
{
	struct limits *l = xcalloc(1, sizeof(struct limits));

	l->totals = l->qhost = l->uhost = true;
	return l;
}

void
limits_configure(struct limits *l, const struct conf *c)
{
	const struct schedconf *sc = c->sched;
	size_t i;

	l->totals = l->qhost = l->uhost = false;
	for (i = 0; i < c->nqueues; i++) {
		l->totals |= c->queues[i].qjob_limit >= 0 || c->queues[i].ujob_limit >= 0;
		l->qhost |= c->queues[i].hjob_limit >= 0 || c->queues[i].pjob_limit >= 0;
	}
	for (i = 0; sc != NULL && i < sc->nulims; i++) {
		l->totals = true;
		l->uhost |= sc->ulims[i].jlp >= 0;
	}
	for (i = 0; sc != NULL && i < sc->nhostlims; i++)
		l->uhost |= sc->hostlims[i].jlu >= 0;
}

void
limits_free(struct limits *l)
{
	if (l == NULL)
		return;
	strmap_clear(&l->map);
	free(l);
}

/* The counter of kind ("QH" or "UH") for a queue or user on host hidx. */
static struct strmap_ent *
limits_ent(struct limits *l, int create, const char *kind, const char *a, int hidx)
{
	char key[512];

	snprintf(key, sizeof(key), "%s|%s|%d", kind, a, hidx);
	return strmap_get(&l->map, key, create);
}

long
limits_count(struct limits *l, const char *kind, const char *a, const char *b)
{
	char key[512];
	struct strmap_ent *e;

	snprintf(key, sizeof(key), "%s|%s|%s", kind, a, b ? b : "");
	e = strmap_get(&l->map, key, 0);
	return e ? e->n : 0;
}

static void
limits_bump(struct limits *l, const char *kind, const char *a, const char *b, int n)
{
	char key[512];

	snprintf(key, sizeof(key), "%s|%s|%s", kind, a, b ? b : "");
	strmap_get(&l->map, key, 1)->n += n;
}

void
limits_add(struct limits *l, const struct schedconf *sc, const char *queue,
    const char *user, int hidx, int slots)
{
	const struct schedconf_ulim *ul;
	bool group;

	if (l->totals) {
		limits_bump(l, "Q", queue, NULL, slots);
		limits_bump(l, "QU", queue, user, slots);
		limits_bump(l, "U", user, NULL, slots);
		if ((ul = schedconf_user_limit(sc, user, &group)) != NULL && group)
			limits_bump(l, "UG", ul->name, NULL, slots);
	}
	if (hidx >= 0 && l->qhost)
		limits_ent(l, 1, "QH", queue, hidx)->n += slots;
	if (hidx >= 0 && l->uhost)
		limits_ent(l, 1, "UH", user, hidx)->n += slots;
}

static long
limits_host_count(struct limits *l, const char *kind, const char *a, int hidx)
{
	struct strmap_ent *e = limits_ent(l, 0, kind[0] == 'Q' ? "QH" : "UH", a, hidx);

	return e ? e->n : 0;
}

static int
limits_min(int room, long lim, long used)
{
	long left = lim - used;

	if (left < 0)
		left = 0;
	return left < room ? (int)left : room;
}

int
limits_host_room(struct limits *l, const struct schedconf *sc,
    const struct place_job *pj, const struct place_host *h, int hidx)
{
	const struct schedconf_ulim *ul;
	int room = INT_MAX;
	bool group;

	if (h->jlu >= 0)
		room = limits_min(room, h->jlu, limits_host_count(l, "U", pj->user, hidx));
	if (pj->hjob_limit >= 0)
		room = limits_min(room, pj->hjob_limit,
		    limits_host_count(l, "Q", pj->queue, hidx));
	if (pj->pjob_limit >= 0)
		room = limits_min(room, (long)pj->pjob_limit * (h->ncpus > 0 ? h->ncpus : 1),
		    limits_host_count(l, "Q", pj->queue, hidx));
	if ((ul = schedconf_user_limit(sc, pj->user, &group)) != NULL && ul->jlp >= 0)
		room = limits_min(room, (long)ul->jlp * (h->ncpus > 0 ? h->ncpus : 1),
		    limits_host_count(l, "U", pj->user, hidx));
	return room;
}

/* One per-host limit as the pending reason names it. */
struct limits_why {
	const char *name;	/* JL/U, HJOB_LIMIT, PJOB_LIMIT, JL/P */
	long lim, used;
	const char *whose;	/* " in queue normal", " for user u" */
};

static void
limits_why_min(struct limits_why *w, const char *name, long lim, long used,
    const char *whose)
{
	if (w->name == NULL || lim - used < w->lim - w->used)
		*w = (struct limits_why){ name, lim, used, whose };
}

int
limits_host_why(struct limits *l, const struct schedconf *sc,
    const struct place_job *pj, const struct place_host *h, int hidx, char *buf,
    size_t len)
{
	const struct schedconf_ulim *ul;
	struct limits_why w = { NULL, 0, 0, "" };
	long ncpus = h->ncpus > 0 ? h->ncpus : 1;
	char inq[300], foru[300];
	bool group;

	snprintf(inq, sizeof(inq), " in queue %s", pj->queue);
	snprintf(foru, sizeof(foru), " for user %s", pj->user);
	if (h->jlu >= 0)
		limits_why_min(&w, "JL/U", h->jlu, limits_host_count(l, "U", pj->user, hidx), "");
	if (pj->hjob_limit >= 0)
		limits_why_min(&w, "HJOB_LIMIT", pj->hjob_limit,
		    limits_host_count(l, "Q", pj->queue, hidx), inq);
	if (pj->pjob_limit >= 0)
		limits_why_min(&w, "PJOB_LIMIT", (long)pj->pjob_limit * ncpus,
		    limits_host_count(l, "Q", pj->queue, hidx), inq);
	if ((ul = schedconf_user_limit(sc, pj->user, &group)) != NULL && ul->jlp >= 0)
		limits_why_min(&w, "JL/P", (long)ul->jlp * ncpus,
		    limits_host_count(l, "U", pj->user, hidx), foru);
	if (w.name == NULL)
		return -1;
	snprintf(buf, len, "%s %ld/%ld on %s%s", w.name, w.used, w.lim, h->name, w.whose);
	return 0;
}

static int
limits_fail(const char **reason, const char *why)
{
	*reason = why;
	return -1;
}

int
limits_check(struct limits *l, const struct schedconf *sc,
    const struct conf_queue *q, const char *user, int slots,
    const char **reason, char *detail, size_t len)
{
	const struct schedconf_ulim *ul;
	bool group;
	long n;

	if (q->qjob_limit < 0 && q->ujob_limit < 0 && (sc == NULL || sc->nulims == 0))
		return 0;
	if (q->qjob_limit >= 0 && (n = limits_count(l, "Q", q->name, NULL)) + slots >
	    q->qjob_limit) {
		snprintf(detail, len, "queue limit %ld/%d in queue %s", n, q->qjob_limit,
		    q->name);
		return limits_fail(reason, "The queue has reached its job slot limit");
	}
	if (q->ujob_limit >= 0 && (n = limits_count(l, "QU", q->name, user)) + slots >
	    q->ujob_limit) {
		snprintf(detail, len, "user limit %ld/%d in queue %s", n, q->ujob_limit,
		    q->name);
		return limits_fail(reason, "The user has reached his/her job slot limit");
	}
	if ((ul = schedconf_user_limit(sc, user, &group)) == NULL || ul->max_jobs < 0)
		return 0;
	n = group ? limits_count(l, "UG", ul->name, NULL) : limits_count(l, "U", user, NULL);
	if (n + slots <= ul->max_jobs)
		return 0;
	if (group)
		snprintf(detail, len, "group limit %ld/%d (lsb.users MAX_JOBS of %s)", n,
		    ul->max_jobs, ul->name);
	else
		snprintf(detail, len, "user limit %ld/%d (lsb.users MAX_JOBS, all queues)",
		    n, ul->max_jobs);
	return limits_fail(reason, "The user has reached his/her job slot limit");
}
