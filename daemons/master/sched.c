/*
 * sched.c - the scheduling pass and dependency evaluation.
 *
 * A pass brings the snapshot of the hosts and running jobs up to date
 * (snapshot.c keeps it between passes), sorts the jobs with pending elements by queue priority, user priority
 * (-sp), btop/bbot order and id, and walks them queue by queue: first come
 * first served, or by fairshare where the queue has FAIRSHARE. Each job is
 * checked for queue state, dependency, array %N and queue/user limits
 * (limits.c), then placed (place.c); a job that waits for what running
 * jobs hold (slots, memory, an idle host for -x, slots on one host, room
 * under per-host limits) gets a backfill reservation on the host(s) it
 * waits for, so later small jobs do not starve it. A pass
 * stops after SCHED_SLICE starts or SCHED_SLICE_US and asks for another,
 * which resumes where it stopped in the same order (sched_state), so a
 * large backlog never stalls the event loop (commands come first in the
 * loop, loop.c, and a slice ends early when one waits: sched_clock);
 * collecting and sorting the pending jobs for a walk is cut into slices
 * the same way (sched_order_step). The jobs that reserved
 * earlier in the walk, and jobs since submitted to queues ahead of where
 * it stands, are tried first (sched_resume). Passes run on events
 * (submit, finish, host change) and on the master's tick. Each pass
 * over a non-empty pending list reports its duration to stats.c (op
 * "stats").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consum.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "sched.h"
#include "strmap.h"
#include "util.h"

#define SCHED_SLICE 2000

/* ---- dependencies ---- */

struct dep_counts {
	long total, done, exit, run, pend, hold;
	bool codes_ok, codes_bad;	/* for exit(X, op n) */
};

struct dep_ctx {
	struct master *m;
	const char *user;
	long self;
	const struct dep_node *cond;
	struct dep_counts c;
};

static void
dep_count_elem(struct job *j, long idx, struct dep_ctx *x)
{
	struct elem *e = job_elem(j, idx);
	int st = job_elem_state(j, idx, NULL);

	x->c.total++;
	if (st == JS_DONE)
		x->c.done++;
	else if (st == JS_EXIT) {
		x->c.exit++;
		if (x->cond->op != DEP_OP_NONE) {
			if (dep_op_test(x->cond->op, x->cond->value, e ? e->exit_code : 0))
				x->c.codes_ok = true;
			else
				x->c.codes_bad = true;
		}
	} else if (st & JS_PENDING) {
		x->c.pend++;
		if (st == JS_PSUSP)
			x->c.hold++;
	} else
		x->c.run++;
}

static void
dep_count_job(struct job *j, const char *list, struct dep_ctx *x)
{
	struct arrayspec sel;
	long pos;
	size_t i;

	if (list != NULL && strcmp(list, "*") != 0 && job_is_array(j) &&
	    arrayspec_parse_list(list, 2147483646L, &sel, NULL, 0) == 0) {
		for (pos = 0; pos < sel.count; pos++)
			if (arrayspec_has(&j->arr, arrayspec_at(&sel, pos)))
				dep_count_elem(j, arrayspec_at(&sel, pos), x);
		arrayspec_free(&sel);
		return;
	}
	if (x->cond->op != DEP_OP_NONE && x->cond->cond == DEP_EXIT) {
		/* exit codes live in element records */
		for (i = 0; i < j->ehash_size; i++) {
			struct elem *e;
			for (e = j->ehash[i]; e != NULL; e = e->hnext)
				if (e->state == JS_EXIT) {
					if (dep_op_test(x->cond->op, x->cond->value, e->exit_code))
						x->c.codes_ok = true;
					else
						x->c.codes_bad = true;
				}
		}
	}
	x->c.total += j->count;
	x->c.done += j->ndone;
	x->c.exit += j->nexit;
	x->c.run += j->nrun;
	x->c.pend += job_pending_count(j);
}

static dep_value
dep_num(const struct dep_node *n, const struct dep_counts *c)
{
	long v;

	switch (n->cond) {
	case DEP_NUMDONE: v = c->done; break;
	case DEP_NUMENDED: v = c->done + c->exit; break;
	case DEP_NUMEXIT: v = c->exit; break;
	case DEP_NUMPEND: v = c->pend; break;
	case DEP_NUMRUN: v = c->run; break;
	case DEP_NUMHOLD: v = c->hold; break;
	default: v = c->run + c->done + c->exit; break;
	}
	if (n->op == DEP_OP_ALL ? v == c->total : dep_op_test(n->op, n->value, v))
		return DEP_TRUE;
	if (c->done + c->exit == c->total)
		return DEP_NEVER;
	return DEP_FALSE;
}

static dep_value
dep_value_of(const struct dep_node *n, const struct dep_counts *c)
{
	switch (n->cond) {
	case DEP_DONE:
	case DEP_POST_DONE:
		return c->done == c->total ? DEP_TRUE : c->exit > 0 ? DEP_NEVER : DEP_FALSE;
	case DEP_ENDED:
		return c->done + c->exit == c->total ? DEP_TRUE : DEP_FALSE;
	case DEP_EXIT:
	case DEP_POST_ERR:
		if (c->done > 0 || c->codes_bad)
			return DEP_NEVER;
		return c->exit == c->total ? DEP_TRUE : DEP_FALSE;
	case DEP_STARTED:
		return c->pend == 0 ? DEP_TRUE : DEP_FALSE;
	case DEP_EXTERNAL:
		return DEP_FALSE;
	default:
		return dep_num(n, c);
	}
}

static bool
dep_name_match(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n > 0 && pat[n - 1] == '*')
		return strncmp(pat, name, n - 1) == 0;
	return strcmp(pat, name) == 0;
}

/* Calls fn on every job a name target refers to (the user's own jobs). */
static int
dep_foreach_named(struct master *m, const char *user, long self, const char *name,
    void (*fn)(struct job *, void *), void *arg)
{
	size_t i;
	int n = 0;

	for (i = 0; i < m->jhash_size; i++) {
		struct job *j;
		for (j = m->jhash[i]; j != NULL; j = j->hnext)
			if (j->id != self && strcmp(j->user, user) == 0 &&
			    dep_name_match(name, j->name)) {
				fn(j, arg);
				n++;
			}
	}
	return n;
}

static void
dep_named_cb(struct job *j, void *arg)
{
	struct dep_ctx *x = arg;

	dep_count_job(j, x->cond->target.idx, x);
}

static dep_value
dep_cond_cb(void *arg, const struct dep_node *n)
{
	struct dep_ctx *x = arg;
	struct job *j;

	memset(&x->c, 0, sizeof(x->c));
	x->cond = n;
	if (n->target.id > 0) {
		if ((j = job_find(x->m, n->target.id)) == NULL)
			return DEP_NEVER;
		dep_count_job(j, n->target.idx, x);
	} else if (n->target.name == NULL ||
	    dep_foreach_named(x->m, x->user, x->self, n->target.name, dep_named_cb, x) == 0)
		return DEP_NEVER;
	if (x->c.total == 0)
		return DEP_NEVER;
	return dep_value_of(n, &x->c);
}

dep_value
sched_dep_eval(struct master *m, struct job *j)
{
	struct dep_ctx x = { .m = m, .user = j->user, .self = j->id };

	if (j->dep == NULL)
		return DEP_TRUE;
	return dep_eval(j->dep, dep_cond_cb, &x);
}

struct dep_check {
	struct master *m;
	const char *user;
	char *err;
	size_t errlen;
};

static void
dep_check_noop(struct job *j, void *arg)
{
}

static int
dep_check_cb(void *arg, const struct dep_node *n)
{
	struct dep_check *x = arg;
	struct job *j;

	if (n->target.id > 0) {
		j = job_find(x->m, n->target.id);
		if (j == NULL)
			return errf(x->err, x->errlen, "%ld: No matching job found", n->target.id);
		if (n->cond >= DEP_NUMDONE && !job_is_array(j))
			return errf(x->err, x->errlen, "Job <%ld> is not a job array", j->id);
		return 0;
	}
	if (n->cond >= DEP_NUMDONE)
		return errf(x->err, x->errlen, "%s: num*() needs an array job ID",
		    n->target.name ? n->target.name : "?");
	if (n->target.name == NULL || dep_foreach_named(x->m, x->user, -1,
	    n->target.name, dep_check_noop, NULL) == 0)
		return errf(x->err, x->errlen, "%s: No matching job found",
		    n->target.name ? n->target.name : "?");
	return 0;
}

int
sched_dep_check(struct master *m, struct job *j, const char *user, char *err,
    size_t errlen)
{
	struct dep_check x = { m, user, err, errlen };

	return dep_walk(j->dep, dep_check_cb, &x) != 0 ? -1 : 0;
}

/* ---- placement ---- */

/* The next pending index of j, or -1. */
static long
sched_next_idx(struct job *j)
{
	size_t i;

	if (!job_is_array(j)) {
		struct elem *e = job_elem(j, 0);
		return e && e->state == JS_PEND ? 0 : -1;
	}
	/* held arrays (pend_held): only records in PEND can go */
	while (!j->pend_killed && !j->pend_held && j->next_pos < j->arr.count) {
		long idx = arrayspec_at(&j->arr, j->next_pos);
		struct elem *e = job_elem(j, idx);
		if (e == NULL || e->state == JS_PEND)
			return idx;
		j->next_pos++;
	}
	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (e->state == JS_PEND)
				return e->idx;
	}
	return -1;
}

/* ---- the pass ---- */

/*
 * A slice yields to the loop after SCHED_SLICE_US when a command is
 * waiting, accepted or not (issue 11: p99 <= 10 ms for a command), else
 * goes on up to SCHED_SLICE_MAX_US: slices as short as commands need
 * cost throughput when nobody asks (each collects the jobs that reserved
 * and the new ones ahead of the walk, sched_resume).
 * The command sockets are polled at most every SCHED_POLL_US (one
 * epoll_wait, ~1 us).
 */
#define SCHED_SLICE_US 3000
#define SCHED_SLICE_MAX_US 20000
#define SCHED_POLL_US 200

/* When a slice ends: soft once a command waits, hard in any case. */
struct sched_clock {
	struct master *m;
	uint64_t soft, hard, next_poll;
};

static bool
sched_clock_up(struct sched_clock *c)
{
	uint64_t now = now_mono_us();

	if (now > c->hard)
		return true;
	if (now <= c->soft || now < c->next_poll)
		return false;
	c->next_poll = now + SCHED_POLL_US;
	/* a command at its socket, or a listing page already read and
	 * queued (queryq.c): either would otherwise wait out the slice */
	return loop_cmd_waiting(c->m) || queryq_waiting(c->m);
}

#define SCHED_MAX_RESERVE 16	/* backfill reservations per pass */

struct sched_item {
	struct job *j;		/* valid just after filling; else find by id */
	long id;
	int prio, qidx, uprio;
	long order;		/* btop/bbot (jobmove.c) when collected */
	long pos;
};

/* One pass: the snapshot and tallies it works on, and its budgets. */
struct sched_run {
	struct master *m;
	struct place_ctx px;
	struct limits *lim;
	struct fairshare *fs;
	int budget, nreserve;
	struct sched_clock clock;
	long tried;
	bool stopped;
	/* user+shape pairs that per-host limits stopped in this pass: the
	 * shape's bucket stays open for other users, these skip the scan */
	struct strmap limited;
	char **limited_detail;
	size_t nlimited;
};

static void
sched_set_reason(struct job *j, const char *reason)
{
	j->pend_reason = reason;
	free(j->pend_detail);
	j->pend_detail = NULL;
}

static void
sched_set_detail(struct job *j, const char *reason, const char *detail)
{
	sched_set_reason(j, reason);
	if (detail != NULL && *detail != '\0')
		j->pend_detail = xstrdup(detail);
}

/* Why j may not start at all now (queue, dependency, requirements). */
static bool
sched_blocked(struct master *m, struct job *j, const struct jobreq *req)
{
	const char *blocked = admin_dispatch_block(m, j->queue);
	dep_value dv;

	if (blocked != NULL) {	/* badmin qinact, or the queue was removed */
		sched_set_reason(j, blocked);
		return true;
	}
	if ((dv = sched_dep_eval(m, j)) != DEP_TRUE) {
		sched_set_reason(j, dv == DEP_NEVER ?
		    "Dependency condition invalid or never satisfied" :
		    "Job dependency condition not satisfied");
		return true;
	}
	if (req->err != NULL) {
		sched_set_detail(j, "Job's resource requirements not satisfied", req->err);
		return true;
	}
	return false;
}

static json_t *
sched_hosts_json(const struct sched_run *s, const struct place_result *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->n; i++)
		for (int k = 0; k < r->slots[i]; k++)
			json_array_append_new(a, json_string(s->px.hosts[r->idx[i]].name));
	return a;
}

/* The start event: a name per slot, and the consumables each host gives
 * (consum.h), picked now so that replay gives the same devices. */
static json_t *
sched_start_data(const struct sched_run *s, const struct place_job *pj,
    const struct place_result *r)
{
	json_t *data = json_pack("{s:o}", "hosts", sched_hosts_json(s, r)), *alloc;

	if (!jobcons_any(pj->req))
		return data;
	alloc = json_array();
	for (int i = 0; i < r->n; i++) {
		const struct place_host *h = &s->px.hosts[r->idx[i]];
		consum_pick(s->px.cons, s->px.sc, h->name, h->h ? h->h->ngpus : 0,
		    pj->req, r->slots[i], alloc);
	}
	json_object_set_new(data, "alloc", alloc);
	return data;
}

static char *
sched_limited_key(const struct place_job *pj)
{
	return xasprintf("%s|%s", pj->user, pj->req->shape);
}

/* True (reason set) when pj's user and shape were stopped by per-host
 * limits earlier in this pass. */
static bool
sched_limited(struct sched_run *s, struct job *j, const struct place_job *pj)
{
	char *key;
	struct strmap_ent *e;

	if (s->nlimited == 0)
		return false;
	key = sched_limited_key(pj);
	e = strmap_get(&s->limited, key, 0);
	free(key);
	if (e == NULL)
		return false;
	sched_set_detail(j, "Job slot limit reached", s->limited_detail[e->n]);
	return true;
}

static void
sched_limited_add(struct sched_run *s, const struct place_job *pj,
    const char *detail)
{
	char *key = sched_limited_key(pj);

	s->limited_detail = xrealloc(s->limited_detail,
	    (s->nlimited + 1) * sizeof(char *));
	s->limited_detail[s->nlimited] = xstrdup(detail);
	strmap_get(&s->limited, key, 1)->n = (long)s->nlimited++;
	free(key);
}

static bool
sched_rsv_has(const struct sched_state *st, long id)
{
	for (size_t i = 0; i < st->nrsv; i++)
		if (st->rsv[i] == id)
			return true;
	return false;
}

/* j reserved in this walk: a later slice re-establishes it. */
static void
sched_rsv_note(struct sched_state *st, long id)
{
	if (sched_rsv_has(st, id))
		return;
	st->rsv = xrealloc(st->rsv, (st->nrsv + 1) * sizeof(*st->rsv));
	st->rsv[st->nrsv++] = id;
}

/* Ends the slice once its budget is spent; a slice tries one job at least,
 * so a walk always advances. A clock read costs tens of ns (vDSO): it is
 * read at every job and every start. */
static bool
sched_out_of_time(struct sched_run *s)
{
	if (s->budget <= 0 || (s->tried > 0 && sched_clock_up(&s->clock)))
		s->stopped = true;
	return s->stopped;
}

/* Places and starts one element of j; false when it cannot. */
static bool
sched_one(struct sched_run *s, struct job *j, const struct place_job *pj,
    const struct conf_queue *q)
{
	struct place_result r;
	char detail[256];
	const char *reason;
	long idx;

	if (j->arr.limit > 0 && j->nrun >= j->arr.limit) {
		snprintf(detail, sizeof(detail), "%d/%ld elements running", j->nrun,
		    j->arr.limit);
		sched_set_detail(j, "The job array has reached its job slot limit", detail);
		return false;
	}
	if ((idx = sched_next_idx(j)) < 0)
		return false;
	if (s->lim != NULL && limits_check(s->lim, s->m->conf->sched, q, j->user,
	    pj->req->nmin, &reason, detail, sizeof(detail)) < 0) {
		sched_set_detail(j, reason, detail);
		return false;
	}
	if (sched_limited(s, j, pj))
		return false;
	if (place_job(&s->px, pj, &r) < 0) {
		sched_set_detail(j, r.reason, r.detail);
		if (!r.slots_only && strcmp(r.reason, "Job slot limit reached") == 0)
			sched_limited_add(s, pj, r.detail);
		if (r.reservable && s->nreserve < SCHED_MAX_RESERVE) {
			place_reserve(&s->px, pj);
			sched_rsv_note(s->m->sched, j->id);
			s->nreserve++;
		}
		return false;
	}
	snapshot_placed(s->m, pj->queue, pj->user, &r);
	if (s->fs != NULL)
		fairshare_job_started(s->m, s->fs, j, r.total);
	if (job_event(s->m, j->id, idx, "start", sched_start_data(s, pj, &r)) == 0)
		agent_send_run(s->m, job_elem(j, idx));
	place_result_free(&r);
	s->budget--;
	return true;
}

/* Starts up to max elements of j; how many started. */
static int
sched_job(struct sched_run *s, struct job *j, int max)
{
	const struct jobreq *req = jobreq_of(s->m, j);
	const struct conf_queue *q;
	struct place_job pj;
	int started = 0;

	s->tried++;
	if (sched_blocked(s->m, j, req) || (q = conf_queue(s->m->conf, j->queue)) == NULL)
		return 0;
	pj = (struct place_job){ j->id, req, j->user, j->queue, q->hosts,
	    q->hjob_limit, q->pjob_limit };
	while (started < max && s->budget > 0 && job_pending_count(j) > 0 &&
	    sched_one(s, j, &pj, q))
		if (++started > 0 && sched_out_of_time(s))
			break;	/* an array starts many elements: look at the clock */
	return started;
}


/* ---- ordering ---- */

static const struct schedconf_queue *
sched_squeue(struct master *m, int qidx)
{
	if (m->conf->sched == NULL || qidx < 0 || (size_t)qidx >= m->conf->nqueues)
		return NULL;
	return &m->conf->sched->queues[qidx];
}

static int
sched_cmp_item(const void *a, const void *b)
{
	const struct sched_item *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	if (x->qidx != y->qidx)
		return x->qidx < y->qidx ? -1 : 1;
	if (x->uprio != y->uprio)		/* bsub -sp */
		return x->uprio > y->uprio ? -1 : 1;
	if (x->order != y->order)		/* btop/bbot (jobmove.c) */
		return x->order < y->order ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
sched_cmp_user(const void *a, const void *b)
{
	const struct sched_item *x = a, *y = b;
	int c = strcmp(x->j->user, y->j->user);

	return c != 0 ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
sched_queue_index(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nqueues; i++)
		if (strcmp(c->queues[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
sched_item_fill(struct master *m, struct job *j, struct sched_item *it)
{
	const struct conf_queue *q = conf_queue(m->conf, j->queue);

	it->j = j;
	it->id = j->id;
	it->order = j->order;
	it->prio = q ? q->priority : 0;
	it->qidx = sched_queue_index(m->conf, j->queue);
	it->uprio = jobreq_of(m, j)->user_prio;
}

/* ---- the walk's order, built in slices ---- */

/*
 * Collecting 100,000 pending jobs (and their requirements, parsed again
 * after badmin reconfig) and sorting them took tens of ms in one piece.
 * The build is resumable instead: collect the pending list (in id order)
 * after cursor_id, sort runs of SCHED_RUN items, then merge runs pairwise
 * by doubling widths (bottom-up merge sort, items <-> tmp); each step
 * looks at the clock. Items compare on their own fields only (jobs may go
 * away between slices), by a total order, so the result is the one qsort
 * gave. A job that joins the pending list behind the cursor meanwhile (a
 * requeue) waits for the next walk, as it did when it came mid-walk.
 */
enum { SCHED_BUILD_NONE, SCHED_BUILD_COLLECT, SCHED_BUILD_SORT };
#define SCHED_RUN 256		/* items sorted at once before merging */


/* The first pending job after id after. */
static struct job *
sched_collect_from(struct master *m, long after)
{
	struct job *j = after > 0 ? job_find(m, after) : NULL;

	if (j != NULL && j->on_pending)
		return TAILQ_NEXT(j, pend_entry);
	TAILQ_FOREACH(j, &m->pending, pend_entry)
		if (j->id > after)
			break;
	return j;
}

/* Adds pending jobs to st->items until the list ends (true) or time is up. */
static bool
sched_collect(struct master *m, struct sched_state *st,
    struct sched_clock *clock)
{
	struct job *j = sched_collect_from(m, st->cursor_id);
	long k = 0;

	for (; j != NULL; j = TAILQ_NEXT(j, pend_entry), k++) {
		if (k > 0 && sched_clock_up(clock))
			return false;
		if (st->nitems == st->cap) {
			st->cap = st->cap ? 2 * st->cap : 1024;
			st->items = xrealloc(st->items, st->cap * sizeof(*st->items));
		}
		sched_item_fill(m, j, &st->items[st->nitems++]);
		st->cursor_id = j->id;
	}
	return true;
}

/* Merges a[lo, lo+w) and a[lo+w, lo+2w) (clipped to n) into b[lo, ...). */
static void
sched_merge(const struct sched_item *a, struct sched_item *b, size_t lo,
    size_t w, size_t n)
{
	size_t mid = lo + w < n ? lo + w : n, hi = mid + w < n ? mid + w : n;
	size_t i = lo, k = mid, o = lo;

	while (i < mid && k < hi)
		b[o++] = sched_cmp_item(&a[k], &a[i]) < 0 ? a[k++] : a[i++];
	memcpy(b + o, a + i, (mid - i) * sizeof(*a));
	o += mid - i;
	memcpy(b + o, a + k, (hi - k) * sizeof(*a));
}

/* Sorts st->items in steps; true when sorted. */
static bool
sched_sort(struct sched_state *st, struct sched_clock *clock)
{
	size_t n = st->nitems;
	struct sched_item *t;

	while (st->width == 0 && st->lo < n) {	/* the runs */
		size_t len = n - st->lo < SCHED_RUN ? n - st->lo : SCHED_RUN;
		qsort(st->items + st->lo, len, sizeof(*st->items), sched_cmp_item);
		st->lo += len;
		if (st->lo < n && sched_clock_up(clock))
			return false;
	}
	if (st->width == 0) {
		st->width = SCHED_RUN;
		st->lo = 0;
	}
	while (st->width < n) {
		while (st->lo < n) {
			sched_merge(st->items, st->tmp, st->lo, st->width, n);
			st->lo += 2 * st->width;
			if (sched_clock_up(clock))
				return false;
		}
		t = st->items;
		st->items = st->tmp;
		st->tmp = t;
		st->width *= 2;
		st->lo = 0;
	}
	return true;
}

/* Starts building the order of a new walk. */
static void
sched_order_begin(struct sched_state *st)
{
	st->building = SCHED_BUILD_COLLECT;
	st->nitems = st->cap = 0;
	st->items = xcalloc(1, sizeof(*st->items));
	st->cursor_id = 0;
}

/* One slice of the build; true when the walk can begin. */
static bool
sched_order_step(struct master *m, struct sched_state *st,
    struct sched_clock *clock)
{
	if (st->building == SCHED_BUILD_COLLECT) {
		if (!sched_collect(m, st, clock))
			return false;
		st->building = SCHED_BUILD_SORT;
		st->tmp = xcalloc(st->nitems + 1, sizeof(*st->tmp));
		st->width = st->lo = 0;
		if (sched_clock_up(clock))
			return false;
	}
	if (!sched_sort(st, clock))
		return false;
	free(st->tmp);
	st->tmp = NULL;
	for (size_t i = 0; i < st->nitems; i++)
		st->items[i].pos = (long)i;
	st->building = SCHED_BUILD_NONE;
	st->pos = 0;
	st->nrsv = 0;
	st->max_id = st->cursor_id;
	return true;
}

/* Forgets the walk, and its order half built. */
static void
sched_order_drop(struct sched_state *st)
{
	free(st->items);
	free(st->tmp);
	st->items = st->tmp = NULL;
	st->nitems = st->cap = 0;
	st->building = SCHED_BUILD_NONE;
	st->nrsv = 0;
}

/* The job of an item, if it still has pending elements. */
static struct job *
sched_item_job(struct master *m, struct sched_item *it)
{
	struct job *j = job_find(m, it->id);

	return j != NULL && j->on_pending ? j : NULL;
}

/* First come, first served (with -sp and btop/bbot) within a queue;
 * returns how far it got. */
static size_t
sched_fcfs(struct sched_run *s, struct sched_item *v, size_t n)
{
	struct job *j;
	size_t i;

	for (i = 0; i < n && !sched_out_of_time(s); i++)
		if ((j = sched_item_job(s->m, &v[i])) != NULL)
			sched_job(s, j, s->budget);
	return i;
}

/* A user's fairshare standing: its account's priority, then, within a
 * group account, its own with equal shares. */
struct sched_fs_key {
	double top, sub;
};

static struct sched_fs_key
sched_fs_key(struct sched_run *s, const struct schedconf_queue *sq,
    const struct job *j)
{
	struct sched_fs_key k = { 0, 0 };
	const char *group;
	char buf[300];
	int shares;

	group = fairshare_group(s->m->conf->sched, sq, j->user, &shares, buf, sizeof(buf));
	k.top = fairshare_priority(s->fs, j->queue, group ? group : j->user, shares);
	if (group != NULL)
		k.sub = fairshare_priority(s->fs, j->queue, j->user, 1);
	return k;
}

/*
 * A fairshare queue cut short: the items not reached yet move to the end
 * of v[0..n), so that the walk resumes with them in the next slice
 * (priorities looked at afresh) instead of skipping the rest of the
 * queue until the next walk; what lies before them was passed. Skipping
 * it starved a fairshare queue behind a queue that filled the slice
 * (sched_bench left 7,000 startable jobs pending; test_sched
 * test_fairshare_cut_short). Returns how many items were passed.
 */
static size_t
sched_fs_rest(struct sched_item *v, size_t n, const size_t *head,
    const size_t *end, size_t nu)
{
	size_t r = 0, k = 0;
	struct sched_item *rest;

	for (size_t u = 0; u < nu; u++)
		r += end[u] - head[u];
	rest = xcalloc(r + 1, sizeof(*rest));
	for (size_t u = 0; u < nu; u++)
		for (size_t i = head[u]; i < end[u]; i++)
			rest[k++] = v[i];
	memcpy(v + n - r, rest, r * sizeof(*rest));
	free(rest);
	return n - r;
}

/*
 * Fairshare within a queue: the user with the highest dynamic priority
 * (sched_fs_key) starts one element, then priorities are looked at again.
 * Jobs are grouped by user (in queue order within each user). Returns how
 * many of v[0..n) were passed: n unless the slice ran out (sched_fs_rest).
 */
static size_t
sched_fairshare(struct sched_run *s, const struct schedconf_queue *sq,
    struct sched_item *v, size_t n)
{
	size_t nu = 0, *head = xcalloc(n + 1, sizeof(size_t)), *end;
	struct sched_fs_key best, p;
	size_t i, u, pick, nall = n, passed = nall;

	for (i = 0; i < n; i++)
		v[i].j = sched_item_job(s->m, &v[i]);
	for (i = 0, u = 0; i < n; i++)
		if (v[i].j != NULL)
			v[u++] = v[i];
	n = u;
	qsort(v, n, sizeof(*v), sched_cmp_user);
	end = xcalloc(n + 1, sizeof(size_t));
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i].j->user, v[i - 1].j->user) != 0) {
			if (nu > 0)
				end[nu - 1] = i;
			head[nu++] = i;
		}
	if (nu > 0)
		end[nu - 1] = n;
	while (!sched_out_of_time(s)) {
		pick = nu;
		best = (struct sched_fs_key){ -1, -1 };
		for (u = 0; u < nu; u++) {
			if (head[u] >= end[u])
				continue;
			p = sched_fs_key(s, sq, v[head[u]].j);
			if (p.top > best.top || (p.top == best.top && p.sub > best.sub)) {
				best = p;
				pick = u;
			}
		}
		if (pick == nu)
			break;
		if (sched_job(s, v[head[pick]].j, 1) == 0 ||
		    job_pending_count(v[head[pick]].j) == 0)
			head[pick]++;
	}
	if (s->stopped)
		passed = sched_fs_rest(v, nall, head, end, nu);
	free(head);
	free(end);
	return passed;
}

/* After badmin reconfig: requirements and order are derived again. */
static void
sched_conf_changed(struct master *m)
{
	size_t i;

	for (i = 0; i < m->jhash_size; i++)
		for (struct job *j = m->jhash[i]; j != NULL; j = j->hnext) {
			jobreq_free(j->req);
			j->req = NULL;
		}
	jobreq_flush(m->sched);
	sched_order_drop(m->sched);
	m->sched->conf = m->conf;
}

struct sched_state *
sched_state(struct master *m)
{
	if (m->sched == NULL) {
		m->sched = xcalloc(1, sizeof(*m->sched));
		m->sched->fs = fairshare_new((long)now_real());
	}
	return m->sched;
}

static void
sched_run_init(struct sched_run *s, struct master *m)
{
	struct schedconf *sc = m->conf->sched;
	struct place_host *hosts;
	long now = (long)now_real();
	size_t nh;

	memset(s, 0, sizeof(*s));
	s->m = m;
	sched_state(m);
	if (m->sched->conf != m->conf)
		sched_conf_changed(m);
	s->fs = m->sched->fs;
	fairshare_count_running(m, s->fs);	/* usage: fairshare_tick */
	hosts = snapshot_sync(m, now, &s->lim, &nh);
	place_ctx_init(&s->px, hosts, nh, sc, now);
	s->px.lim = s->lim;
	s->px.cons = consum_of(m);
	s->budget = SCHED_SLICE;
}

/* A slice's clock from t0; tests set st->slice_us for both ends. */
static struct sched_clock
sched_clock(struct master *m, const struct sched_state *st, uint64_t t0)
{
	struct sched_clock c = { m, t0 + SCHED_SLICE_US, t0 + SCHED_SLICE_MAX_US, 0 };

	if (st->slice_us > 0)
		c.soft = c.hard = t0 + (uint64_t)st->slice_us;
	return c;
}

/* The walk's clock: the slice's, but its soft end as long again as the
 * snapshot's update took at least, so that a slice always does as much
 * placing as updating (a full rebuild, after reconfig or a new host, takes
 * ~4.5 ms at 10,000 hosts; an update of the hosts that changed, tens of
 * microseconds). */
static struct sched_clock
sched_walk_clock(struct master *m, const struct sched_state *st, uint64_t t0,
    uint64_t t_snap)
{
	struct sched_clock c = sched_clock(m, st, t0);
	uint64_t now = now_mono_us(), end = now + (now - t_snap);

	if (end > c.soft)
		c.soft = end;
	if (c.soft > c.hard)
		c.hard = c.soft;
	return c;
}

/* True when it goes before the walk's position: a queue of higher
 * priority (or of equal priority listed earlier). */
static bool
sched_item_ahead(const struct sched_item *it, const struct sched_item *cur)
{
	return it->prio > cur->prio || (it->prio == cur->prio && it->qidx < cur->qidx);
}

/*
 * Before a walk resumes at st->pos on a fresh snapshot: the jobs that
 * reserved earlier in it start or reserve again, and jobs submitted since
 * the walk began to a queue ahead of its position are tried, all in
 * dispatch order, so neither waits for the stale walk to end.
 */
static void
sched_resume(struct sched_run *s, struct sched_state *st)
{
	const struct sched_item *cur = &st->items[st->pos];
	struct sched_item *v = xcalloc(st->nrsv + 1, sizeof(*v)), it;
	size_t n = 0, i;
	struct job *j;

	for (i = 0; i < st->nrsv; i++)
		if ((j = job_find(s->m, st->rsv[i])) != NULL && j->on_pending)
			sched_item_fill(s->m, j, &v[n++]);
	TAILQ_FOREACH_REVERSE(j, &s->m->pending, job_list, pend_entry) {
		if (j->id <= st->max_id)
			break;	/* the list is in id order */
		sched_item_fill(s->m, j, &it);
		if (!sched_item_ahead(&it, cur) || sched_rsv_has(st, j->id))
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = it;
	}
	st->nrsv = 0;	/* sched_one notes again those that reserve */
	qsort(v, n, sizeof(*v), sched_cmp_item);
	for (i = 0; i < n && !sched_out_of_time(s); i++)
		if (v[i].j->on_pending)
			sched_job(s, v[i].j, s->budget);
	free(v);
}

/* Walks the sorted items from st->pos; leaves st->pos where it stopped. */
static void
sched_walk(struct sched_run *s, struct sched_state *st)
{
	struct sched_item *v = st->items;
	size_t n = st->nitems, a = st->pos, b;

	/* the walk itself advances one item at least, whatever sched_resume
	 * tried before it: a reserving job retried at every resume used up
	 * 1 us slices and the walk never moved (test_sliced_order_reconfig) */
	s->tried = 0;
	while (a < n && !s->stopped) {
		const struct schedconf_queue *sq = sched_squeue(s->m, v[a].qidx);
		for (b = a + 1; b < n && v[b].qidx == v[a].qidx; b++)
			;
		if (sq != NULL && sq->shares != NULL)
			a += sched_fairshare(s, sq, v + a, b - a);
		else
			a += sched_fcfs(s, v + a, b - a);
	}
	st->pos = a;
}

/* The walk's order, built or still building; false to come back later. */
static bool
sched_order(struct master *m, struct sched_state *st, uint64_t t0)
{
	struct sched_clock c = sched_clock(m, st, t0);

	if (st->conf != m->conf)
		sched_conf_changed(m);
	if (st->items == NULL)
		sched_order_begin(st);
	if (st->building == SCHED_BUILD_NONE)
		return true;
	return sched_order_step(m, st, &c);
}

#define SCHED_WALK_GAP_MAX_US 100000

/*
 * Every walk collects, sorts and visits all pending jobs, however few
 * slots freed since the last: with slices cut short for commands, walks
 * followed each other so closely that each started a handful of jobs,
 * and the master spent 140 us of CPU per start instead of 40. A new walk
 * therefore waits as long as the last one took (at most
 * SCHED_WALK_GAP_MAX_US), so that the scheduler has at most half the
 * loop and each walk finds more to start. Only with a loop to come back
 * (tests and the benchmark call passes directly).
 */
static bool
sched_walk_gap(struct master *m, struct sched_state *st, uint64_t now)
{
	if (st->items != NULL || now >= st->next_walk || m->unix_ev == NULL)
		return false;
	loop_want_sched_in(m, st->next_walk - now);
	return true;
}

/* The walk ended: the next waits as long as it took. */
static void
sched_walk_done(struct sched_state *st, uint64_t now)
{
	st->next_walk = now + (st->walk_us < SCHED_WALK_GAP_MAX_US ? st->walk_us :
	    SCHED_WALK_GAP_MAX_US);
	st->walk_us = 0;
	sched_order_drop(st);
}

void
sched_pass(struct master *m)
{
	struct sched_state *st = sched_state(m);
	struct sched_run s;
	bool fresh;
	uint64_t t0, t_snap;

	if (TAILQ_EMPTY(&m->pending)) {
		sched_order_drop(st);
		snapshot_mark_excl(m);
		return;
	}
	t0 = now_mono_us();
	if (sched_walk_gap(m, st, t0))
		return;
	fresh = st->items == NULL || st->building != SCHED_BUILD_NONE;
	if (!sched_order(m, st, t0)) {
		loop_want_sched(m);
		st->walk_us += now_mono_us() - t0;
		stats_sched_pass(m, now_mono_us() - t0, 0);
		return;
	}
	t_snap = now_mono_us();
	sched_run_init(&s, m);
	s.clock = sched_walk_clock(m, st, t0, t_snap);
	if (!fresh && st->pos < st->nitems)
		sched_resume(&s, st);
	sched_walk(&s, st);
	for (size_t i = 0; i < s.px.nhosts; i++)	/* bhosts RSV */
		s.px.hosts[i].h->rsv = s.px.hosts[i].rsv_slots;
	st->walk_us += now_mono_us() - t0;
	if (s.stopped && st->pos < st->nitems)
		loop_want_sched(m);
	else
		sched_walk_done(st, now_mono_us());
	place_ctx_free(&s.px);	/* the snapshot and its tallies are kept */
	strmap_clear(&s.limited);
	for (size_t i = 0; i < s.nlimited; i++)
		free(s.limited_detail[i]);
	free(s.limited_detail);
	stats_sched_pass(m, now_mono_us() - t0, SCHED_SLICE - s.budget);
}

void
sched_free(struct master *m)
{
	consum_free(m->consum);
	m->consum = NULL;
	stats_free(m);
	if (m->sched == NULL)
		return;
	fairshare_free(m->sched->fs);
	snapshot_state_free(m->sched->snap);
	jobreq_flush(m->sched);
	sched_order_drop(m->sched);
	free(m->sched->rsv);
	free(m->sched);
	m->sched = NULL;
}
