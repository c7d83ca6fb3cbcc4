/*
 * fairshare.c - queue-level fairshare (FAIRSHARE = USER_SHARES[...]).
 *
 * Usage is the slot-seconds jobs actually ran, charged per job: every
 * FAIRSHARE_TICK seconds, from the master's timer (fairshare_tick), for
 * the time each running job ran since the last tick, and when a job
 * leaves its host (fairshare_released) for the rest; at each tick past
 * usage decays with the half-life HIST_HOURS (lsb.params, default 5
 * hours). Nothing depends on when scheduling passes run.
 *
 * Shares belong to accounts (schedconf_share_account): [user,N],
 * [group@,N] and default give each user one of its own; [group,N] gives
 * the group one account that its members share, kept under "@group" with
 * the sum of their usage and running slots. An account's dynamic priority
 * is shares / (1 + running slots + usage in slot-hours); within a group
 * account members go by their own usage, with equal shares. Only queues
 * with FAIRSHARE are tallied.
 *
 * Usage is durable: the store's shares table holds each account's usage
 * and the time it was aged to. It is written with the group commit that
 * happens anyway (fairshare_commit, from loop.c), never with a commit of
 * its own, and only the accounts whose usage moved by a slot-second or
 * more since they were last written. A crash loses what was charged since
 * the last commit of the store: the restarted master ages the stored usage
 * from its time and charges the jobs still running from that time on at
 * its first tick, so what is lost is at most the charges of jobs that
 * ended with no commit since (none: a job's end commits its event, and its
 * release charge is made before) and rows that moved by less than a
 * slot-second.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "sched.h"
#include "strmap.h"
#include "util.h"

#define FAIRSHARE_TICK 10	/* seconds between charges of running jobs */

/* "queue|user" and "queue|@group": d = usage (slot-seconds), n = running
 * slots (counted afresh each pass, plus the pass's starts), d2 = the
 * usage last written to the store (while loading: the row's time). */
struct fairshare {
	struct strmap map;
	long last;		/* usage aged and charged up to here */
};

struct fairshare *
fairshare_new(long now)
{
	struct fairshare *f = xcalloc(1, sizeof(struct fairshare));

	f->last = now;
	return f;
}

void
fairshare_free(struct fairshare *f)
{
	if (f == NULL)
		return;
	strmap_clear(&f->map);
	free(f);
}

static struct strmap_ent *
fairshare_ent(struct fairshare *f, const char *queue, const char *name)
{
	char key[512];

	snprintf(key, sizeof(key), "%s|%s", queue, name);
	return strmap_get(&f->map, key, 1);
}

static void
fairshare_age_one(struct strmap_ent *e, void *arg)
{
	e->d *= *(double *)arg;
}

void
fairshare_age(struct fairshare *f, long now, double half_life_hours)
{
	double factor = 1;

	if (now <= f->last)
		return;
	if (half_life_hours > 0)
		factor = pow(0.5, (double)(now - f->last) / (half_life_hours * 3600));
	strmap_foreach(&f->map, fairshare_age_one, &factor);
	f->last = now;
}

void
fairshare_charge(struct fairshare *f, const char *queue, const char *user,
    const char *group, double slot_seconds)
{
	fairshare_ent(f, queue, user)->d += slot_seconds;
	if (group != NULL)
		fairshare_ent(f, queue, group)->d += slot_seconds;
}

static void
fairshare_reset_one(struct strmap_ent *e, void *arg)
{
	e->n = 0;
}

void
fairshare_started(struct fairshare *f, const char *queue, const char *user,
    const char *group, int slots)
{
	fairshare_ent(f, queue, user)->n += slots;
	if (group != NULL)
		fairshare_ent(f, queue, group)->n += slots;
}

double
fairshare_priority(struct fairshare *f, const char *queue, const char *name,
    int shares)
{
	struct strmap_ent *e = fairshare_ent(f, queue, name);

	return (double)shares / (1.0 + (double)e->n + e->d / 3600.0);
}

double
fairshare_usage(struct fairshare *f, const char *queue, const char *name)
{
	return fairshare_ent(f, queue, name)->d;
}

long
fairshare_running_slots(struct fairshare *f, const char *queue,
    const char *name)
{
	return fairshare_ent(f, queue, name)->n;
}

/* ---- the master's jobs ---- */

/* The FAIRSHARE of queue, or NULL when it has none. */
static const struct schedconf_queue *
fairshare_squeue(struct master *m, const char *queue)
{
	const struct schedconf_queue *sq = schedconf_queue_of(m->conf, queue);

	return sq != NULL && sq->shares != NULL ? sq : NULL;
}

const char *
fairshare_group(const struct schedconf *sc, const struct schedconf_queue *sq,
    const char *user, int *shares, char *buf, size_t len)
{
	const char *g = schedconf_share_account(sc, sq, user, shares);

	if (g == NULL)
		return NULL;
	snprintf(buf, len, "@%s", g);
	return buf;
}

/* Adds slots running and slot_seconds used by user in queue, when the
 * queue has FAIRSHARE. */
static void
fairshare_add(struct master *m, struct fairshare *f, const char *queue,
    const char *user, int slots, double slot_seconds)
{
	const struct schedconf_queue *sq = fairshare_squeue(m, queue);
	const char *group;
	char buf[300];
	int shares;

	if (sq == NULL)
		return;
	group = fairshare_group(m->conf->sched, sq, user, &shares, buf, sizeof(buf));
	if (slots != 0)
		fairshare_started(f, queue, user, group, slots);
	if (slot_seconds > 0)
		fairshare_charge(f, queue, user, group, slot_seconds);
}

/* Slot-seconds e ran since the last charge, up to now. */
static double
fairshare_ran(const struct fairshare *f, const struct elem *e, long now)
{
	long from = e->start_time > f->last ? e->start_time : f->last;

	return now > from ? (double)e->nslots * (double)(now - from) : 0;
}

/* Calls fn on every running element, once (on its first host's list). */
static void
fairshare_each_running(struct master *m, void (*fn)(struct elem *, void *),
    void *arg)
{
	struct host *h;
	struct elem *e;

	TAILQ_FOREACH(h, &m->hosts, entry)
		TAILQ_FOREACH(e, &h->running, host_entry)
			fn(e, arg);
}

struct fs_tally {
	struct master *m;
	struct fairshare *f;
	struct strmap pairs;	/* "queue|user": n slots, d slot-seconds */
	long now;
};

static void
fairshare_tally_one(struct elem *e, void *arg)
{
	struct fs_tally *t = arg;
	struct strmap_ent *p;
	char key[512];

	if (fairshare_squeue(t->m, e->job->queue) == NULL)
		return;	/* only FAIRSHARE queues are tallied */
	snprintf(key, sizeof(key), "%s|%s", e->job->queue, e->job->user);
	p = strmap_get(&t->pairs, key, 1);
	p->n += e->nslots;
	if (t->now > 0)
		p->d += fairshare_ran(t->f, e, t->now);
}

struct fs_apply {
	struct master *m;
	struct fairshare *f;
	bool running;		/* count running slots, else charge usage */
};

static void
fairshare_apply_one(struct strmap_ent *p, void *arg)
{
	struct fs_apply *a = arg;
	char *queue = xstrdup(p->key), *user = strchr(queue, '|');

	if (user != NULL) {
		*user++ = '\0';
		fairshare_add(a->m, a->f, queue, user, a->running ? (int)p->n : 0,
		    a->running ? 0 : p->d);
	}
	free(queue);
}

/* Tallies the running jobs by queue and user, then counts their slots
 * (now 0) or charges what they ran since the last charge and ages the
 * usage to now, once per pair. */
static void
fairshare_running(struct master *m, struct fairshare *f, long now)
{
	const struct schedconf *sc = m->conf->sched;
	struct fs_tally t = { m, f, { NULL, 0, 0 }, now };
	struct fs_apply a = { m, f, now == 0 };

	fairshare_each_running(m, fairshare_tally_one, &t);	/* since f->last */
	if (now > 0)
		fairshare_age(f, now, sc != NULL ? sc->hist_hours : 5);
	strmap_foreach(&t.pairs, fairshare_apply_one, &a);
	strmap_clear(&t.pairs);
}

static bool
fairshare_any(const struct master *m)
{
	for (size_t i = 0; m->conf->sched != NULL && i < m->conf->nqueues; i++)
		if (m->conf->sched->queues[i].shares != NULL)
			return true;
	return false;
}

void
fairshare_tick(struct master *m, long now)
{
	struct fairshare *f = sched_state(m)->fs;

	if (now - f->last < FAIRSHARE_TICK)
		return;
	if (fairshare_any(m))
		fairshare_running(m, f, now);
	else
		f->last = now;	/* no fairshare queue: nothing to tally */
}

void
fairshare_count_running(struct master *m, struct fairshare *f)
{
	strmap_foreach(&f->map, fairshare_reset_one, NULL);
	if (fairshare_any(m))	/* each pass: skip the walk where none is set */
		fairshare_running(m, f, 0);
}

void
fairshare_released(struct master *m, struct elem *e)
{
	struct fairshare *f;

	if (m->replaying || m->sched == NULL || e->host == NULL)
		return;
	f = m->sched->fs;
	fairshare_add(m, f, e->job->queue, e->job->user, 0,
	    fairshare_ran(f, e, (long)now_real()));
}

void
fairshare_job_started(struct master *m, struct fairshare *f, struct job *j,
    int slots)
{
	fairshare_add(m, f, j->queue, j->user, slots, 0);
}

/* ---- durable usage ---- */

#define FAIRSHARE_SAVE_MIN 1.0	/* slot-seconds of change worth a write */

struct fs_save {
	fairshare_save_fn fn;
	void *arg;
	long when;
};

static void
fairshare_save_one(struct strmap_ent *e, void *arg)
{
	struct fs_save *sv = arg;

	if (fabs(e->d - e->d2) < FAIRSHARE_SAVE_MIN)
		return;
	sv->fn(sv->arg, e->key, e->d, sv->when);
	e->d2 = e->d;
}

void
fairshare_save(struct fairshare *f, fairshare_save_fn fn, void *arg)
{
	struct fs_save sv = { fn, arg, f->last };

	strmap_foreach(&f->map, fairshare_save_one, &sv);
}

void
fairshare_load(struct fairshare *f, const char *key, double usage, long when)
{
	struct strmap_ent *e = strmap_get(&f->map, key, 1);

	e->d = usage;
	e->d2 = (double)when;
}

static void
fairshare_latest(struct strmap_ent *e, void *arg)
{
	long *last = arg;

	if ((long)e->d2 > *last)
		*last = (long)e->d2;
}

struct fs_loaded {
	long last;
	double half_life_hours;
};

static void
fairshare_loaded_one(struct strmap_ent *e, void *arg)
{
	struct fs_loaded *l = arg;
	long age = l->last - (long)e->d2;

	if (age > 0 && l->half_life_hours > 0)
		e->d *= pow(0.5, (double)age / (l->half_life_hours * 3600));
	e->d2 = e->d;
}

void
fairshare_loaded(struct fairshare *f, long now, double half_life_hours)
{
	struct fs_loaded l = { 0, half_life_hours };

	strmap_foreach(&f->map, fairshare_latest, &l.last);
	if (l.last == 0)
		return;		/* nothing stored: usage counts from now */
	if (l.last > now)
		l.last = now;	/* the clock went back */
	strmap_foreach(&f->map, fairshare_loaded_one, &l);
	f->last = l.last;	/* the first tick charges running jobs from here */
}

static void
fairshare_put(void *arg, const char *key, double usage, long when)
{
	store_put_share(arg, key, usage, when);
}

void
fairshare_commit(struct master *m)
{
	if (m->sched != NULL && m->sched->fs != NULL)
		fairshare_save(m->sched->fs, fairshare_put, m->store);
}

static void
fairshare_restore_row(void *arg, const char *key, double usage, long when)
{
	fairshare_load(arg, key, usage, when);
}

int
fairshare_restore(struct master *m)
{
	struct fairshare *f = sched_state(m)->fs;
	const struct schedconf *sc = m->conf->sched;

	if (store_shares_load(m->store, fairshare_restore_row, f) < 0)
		return -1;
	fairshare_loaded(f, (long)now_real(), sc != NULL ? sc->hist_hours : 5);
	return 0;
}

void
fairshare_each(struct fairshare *f, void (*fn)(struct strmap_ent *, void *),
    void *arg)
{
	strmap_foreach(&f->map, fn, arg);
}
