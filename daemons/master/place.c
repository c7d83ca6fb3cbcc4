/*
 * place.c - where a job can run, on a snapshot of the hosts (sched.h).
 *
 * Jobs of one shape (same queue, -n, select, order, span, memory booking,
 * -x, -m and run limit) share a bucket per pass: its candidate hosts are
 * filtered (open, select, -m, queue HOSTS) and sorted (-m preference,
 * order[], then most free slots) once, and a cursor skips hosts that
 * filled up, so a thousand identical jobs cost about one scan. A shape
 * that failed stays failed for the pass unless the failure came from a
 * per-user limit. A host's capacity for a job is its free slots less
 * those held for a backfill reservation (unless the job ends before it),
 * bounded by per-host limits and by the memory left after bookings.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consum.h"
#include "master.h"
#include "sched.h"
#include "util.h"

#define PLACE_NBUCKETS 1024

struct place_bucket {
	char *key;
	int *cand, *pref;
	size_t ncand, cursor;
	bool failed;
	const char *reason;
	char detail[256];
	bool slots_only, reservable;
	struct place_bucket *next;
};

/* Scan state of one placement attempt, for the failure detail. */
struct place_scan {
	bool mem_short, lim_short;
	const char *cons_short;	/* a consumable running jobs hold (consum.h) */
};

void
place_ctx_init(struct place_ctx *x, struct place_host *hosts, size_t n,
    const struct schedconf *sc, long now)
{
	memset(x, 0, sizeof(*x));
	x->hosts = hosts;
	x->nhosts = n;
	x->sc = sc;
	x->per_task = sc != NULL && sc->reserve_per_task;
	x->now = now;
}

void
place_ctx_reset(struct place_ctx *x)
{
	struct place_bucket *b, *next;

	for (size_t i = 0; i < x->nbuckets; i++)
		for (b = x->buckets[i]; b != NULL; b = next) {
			next = b->next;
			free(b->key);
			free(b->cand);
			free(b->pref);
			free(b);
		}
	free(x->buckets);
	x->buckets = NULL;
	x->nbuckets = 0;
	x->last_req = NULL;
	x->last_bucket = NULL;
}

void
place_ctx_free(struct place_ctx *x)
{
	place_ctx_reset(x);
}

void
place_result_free(struct place_result *r)
{
	free(r->idx);
	free(r->slots);
	r->idx = r->slots = NULL;
	r->n = r->total = 0;
}

uint64_t
place_booking(const struct jobreq *req, int slots, bool per_task)
{
	return per_task ? req->rsv_kb * (uint64_t)slots : req->rsv_kb;
}

/* ---- candidates ---- */

/* Preference of host name in a host list (-m or queue HOSTS): the +N of
 * the word naming it, 0 without one, -1 when the list excludes it. */
static int
place_list_pref(const struct schedconf *sc, char **words, const char *name)
{
	int others = -1;
	bool positive = false;
	char w[256], *plus;

	for (char **p = words; *p != NULL; p++) {
		positive |= **p != '~';
		snprintf(w, sizeof(w), "%s", **p == '~' ? *p + 1 : *p);
		int pref = (plus = strrchr(w, '+')) ? atoi(plus + 1) : 0;
		if (plus != NULL)
			*plus = '\0';
		bool hit = strcmp(w, name) == 0 || strcmp(w, "all") == 0 ||
		    schedconf_hgroup_has(sc, w, name);
		if (**p == '~' && hit)
			return -1;
		if (**p != '~' && hit && strcmp(w, "all") != 0)
			return pref;
		if (strcmp(w, "others") == 0 || strcmp(w, "all") == 0)
			others = pref;
	}
	return positive ? others : 0;	/* only exclusions: every other host */
}

struct place_sort {
	const struct place_ctx *x;
	const struct jobreq *req;
	const int *pref;	/* by host index */
};

static int
place_cmp_hosts(const struct place_sort *s, int a, int b)
{
	const struct place_host *ha = &s->x->hosts[a], *hb = &s->x->hosts[b];

	if (s->pref[a] != s->pref[b])
		return s->pref[a] > s->pref[b] ? -1 : 1;
	for (int i = 0; i < s->req->rr.norder; i++) {
		int k = s->req->rr.order[i].idx;
		double va = ha->sel.num[k], vb = hb->sel.num[k];
		bool up = selexpr_index_increasing(k) != s->req->rr.order[i].reverse;
		if (va != vb)
			return (va > vb) == up ? -1 : 1;
	}
	if (ha->maxslots - ha->used != hb->maxslots - hb->used)
		return ha->maxslots - ha->used > hb->maxslots - hb->used ? -1 : 1;
	return strcmp(ha->name, hb->name);
}

/* Merge sort of host indices (qsort has no context argument). */
static void
place_sort_idx(const struct place_sort *s, int *v, int *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	place_sort_idx(s, v, tmp, mid);
	place_sort_idx(s, v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = place_cmp_hosts(s, v[i], v[j]) <= 0 ? v[i++] : v[j++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/* consum_fit on h (1 now, 0 later, -1 never); 1 without a ledger or
 * consumables. */
static int
place_cons_fit(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h, int slots, const char **short_of)
{
	const char *dummy;

	if (x->cons == NULL || !jobcons_any(pj->req))
		return 1;
	return consum_fit(x->cons, x->sc, h->name, h->h ? h->h->ngpus : 0, pj->req,
	    slots, short_of ? short_of : &dummy);
}

/* Whether h suits the job, open or not: its preference (>= 0), or -1. */
static int
place_host_fits(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h)
{
	int pref = 0;

	for (char **xh = pj->req->xhosts; xh != NULL && *xh != NULL; xh++)
		if (strcmp(*xh, h->name) == 0)
			return -1;	/* REQUEUE_EXIT_VALUES EXCLUDE() */
	if (pj->qhosts != NULL && (pref = place_list_pref(x->sc, pj->qhosts, h->name)) < 0)
		return -1;
	if (pj->req->mhosts != NULL &&
	    (pref = place_list_pref(x->sc, pj->req->mhosts, h->name)) < 0)
		return -1;
	if (pj->req->rr.select != NULL && !selexpr_eval(pj->req->rr.select, &h->sel))
		return -1;
	if (place_cons_fit(x, pj, h, pj->req->nmin, NULL) < 0)
		return -1;	/* too few of a consumable, ever */
	return pref;
}

static int
place_host_pref(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h)
{
	return h->usable ? place_host_fits(x, pj, h) : -1;
}

static struct place_bucket *
place_bucket_new(struct place_ctx *x, const struct place_job *pj)
{
	struct place_bucket *b = xcalloc(1, sizeof(*b));
	int *pref = xcalloc(x->nhosts + 1, sizeof(int)), *tmp;
	struct place_sort s = { x, pj->req, pref };

	b->key = xstrdup(pj->req->shape);
	b->cand = xcalloc(x->nhosts + 1, sizeof(int));
	for (size_t i = 0; i < x->nhosts; i++)
		if ((pref[i] = place_host_pref(x, pj, &x->hosts[i])) >= 0)
			b->cand[b->ncand++] = (int)i;
	tmp = xcalloc(b->ncand + 1, sizeof(int));
	place_sort_idx(&s, b->cand, tmp, b->ncand);
	free(tmp);
	b->pref = pref;
	return b;
}

static size_t
place_hash(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h % PLACE_NBUCKETS;
}

static struct place_bucket *
place_bucket(struct place_ctx *x, const struct place_job *pj)
{
	size_t h;
	struct place_bucket *b;

	if (x->last_req == pj->req)	/* jobs alike share one jobreq */
		return x->last_bucket;
	h = place_hash(pj->req->shape);

	if (x->buckets == NULL) {
		x->buckets = xcalloc(PLACE_NBUCKETS, sizeof(*x->buckets));
		x->nbuckets = PLACE_NBUCKETS;
	}
	for (b = x->buckets[h]; b != NULL; b = b->next)
		if (strcmp(b->key, pj->req->shape) == 0)
			break;
	if (b == NULL) {
		b = place_bucket_new(x, pj);
		b->next = x->buckets[h];
		x->buckets[h] = b;
	}
	x->last_req = pj->req;
	x->last_bucket = b;
	return b;
}

/* ---- capacity ---- */

/* True when the reservation on h binds pj: another job's, and pj would
 * still run when that job is expected to start. */
static bool
place_held(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h)
{
	const struct jobreq *r = pj->req;

	return (h->rsv_slots > 0 || h->rsv_mem > 0) && h->rsv_job != pj->id &&
	    !(r->run_limit >= 0 && x->now + r->run_limit <= h->rsv_until);
}

static int
place_free(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h)
{
	int free_slots = h->maxslots - h->used;
	const struct jobreq *r = pj->req;

	if (h->excl || (r->exclusive && h->used > 0))
		return 0;
	if (place_held(x, pj, h))
		free_slots -= h->rsv_slots;
	return free_slots > 0 ? free_slots : 0;
}

/* Memory pj may book on h: what running jobs left, less a reservation's. */
static uint64_t
place_mem_avail(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h)
{
	uint64_t held = h->mem_rsv + (place_held(x, pj, h) ? h->rsv_mem : 0);

	return h->mem_total > held ? h->mem_total - held : 0;
}

static int place_min(int a, int b);
static bool place_why_never(struct place_ctx *x, const struct place_job *pj,
    struct place_result *r);

/* Slots pj may take on host i now. */
static int
place_cap(struct place_ctx *x, const struct place_job *pj, int i,
    struct place_scan *sc)
{
	const struct place_host *h = &x->hosts[i];
	const struct jobreq *r = pj->req;
	int cap = place_free(x, pj, h), room;
	uint64_t avail, mcap;

	if (cap == 0)
		return 0;
	if (place_cons_fit(x, pj, h, place_min(cap, r->nmax), &sc->cons_short) < 1)
		return 0;
	if (x->lim != NULL && (room = limits_host_room(x->lim, x->sc, pj, h, i)) < cap) {
		cap = room;
		sc->lim_short = true;
	}
	if (r->rsv_kb > 0 && cap > 0) {
		avail = place_mem_avail(x, pj, h);
		mcap = x->per_task ? avail / r->rsv_kb : avail >= r->rsv_kb ? INT_MAX : 0;
		if (mcap < (uint64_t)cap) {
			cap = (int)mcap;
			sc->mem_short = true;
		}
	}
	return cap;
}

/* ---- choosing hosts ---- */

static void
place_take(struct place_result *r, int idx, int slots)
{
	r->idx = xrealloc(r->idx, (size_t)(r->n + 1) * sizeof(int));
	r->slots = xrealloc(r->slots, (size_t)(r->n + 1) * sizeof(int));
	r->idx[r->n] = idx;
	r->slots[r->n++] = slots;
	r->total += slots;
}

static int
place_min(int a, int b)
{
	return a < b ? a : b;
}

/* First candidate that holds at least need slots alone. */
static int
place_one_host(struct place_ctx *x, const struct place_job *pj,
    struct place_bucket *b, struct place_result *r, struct place_scan *sc)
{
	const struct jobreq *q = pj->req;

	for (size_t k = b->cursor; k < b->ncand; k++) {
		int cap = place_cap(x, pj, b->cand[k], sc);
		if (cap >= q->nmin) {
			place_take(r, b->cand[k], place_min(cap, q->nmax));
			return 0;
		}
	}
	return -1;
}

/* ptile=P: P slots per host (fewer on the last), up to nmax. */
static int
place_ptile(struct place_ctx *x, const struct place_job *pj,
    struct place_bucket *b, struct place_result *r, struct place_scan *sc)
{
	const struct jobreq *q = pj->req;

	for (size_t k = b->cursor; k < b->ncand && r->total < q->nmax; k++) {
		int want = place_min(q->rr.ptile, q->nmax - r->total);
		if (place_cap(x, pj, b->cand[k], sc) >= want)
			place_take(r, b->cand[k], want);
	}
	return r->total >= q->nmin ? 0 : -1;
}

static int
place_spread(struct place_ctx *x, const struct place_job *pj,
    struct place_bucket *b, struct place_result *r, struct place_scan *sc)
{
	const struct jobreq *q = pj->req;

	for (size_t k = b->cursor; k < b->ncand && r->total < q->nmax; k++) {
		int cap = place_cap(x, pj, b->cand[k], sc);
		if (cap > 0)
			place_take(r, b->cand[k], place_min(cap, q->nmax - r->total));
	}
	return r->total >= q->nmin ? 0 : -1;
}

static void
place_commit(struct place_ctx *x, const struct place_job *pj,
    const struct place_result *r)
{
	for (int i = 0; i < r->n; i++) {
		struct place_host *h = &x->hosts[r->idx[i]];
		uint64_t mem = pj->req->rsv_kb > 0 ?
		    place_booking(pj->req, r->slots[i], x->per_task) : 0;
		h->used += r->slots[i];
		h->mem_rsv += mem;
		h->sel.num[SEL_SLOTS] -= r->slots[i];
		h->sel.num[SEL_MEM] -= (double)mem;
		if (pj->req->exclusive)
			h->excl = true;
		if (x->lim != NULL)
			limits_add(x->lim, x->sc, pj->queue, pj->user, r->idx[i], r->slots[i]);
	}
}

/* ---- failure detail ---- */

static void
place_fmt_mem(uint64_t kb, char *buf, size_t len)
{
	if (kb >= 1024 * 1024)
		snprintf(buf, len, "%.1f GB", (double)kb / (1024.0 * 1024.0));
	else if (kb >= 1024)
		snprintf(buf, len, "%.0f MB", (double)kb / 1024.0);
	else
		snprintf(buf, len, "%llu KB", (unsigned long long)kb);
	len = strlen(buf);
	if (len > 5 && strcmp(buf + len - 5, ".0 GB") == 0)
		memmove(buf + len - 5, " GB", 4);
}

/* A host closed_Fault (hostfault.c) that would suit the job is named in
 * the detail: the job waits for it, and why it is closed is what the user
 * can act on. */
static bool
place_fault_detail(const struct place_ctx *x, const struct place_job *pj,
    struct place_result *r)
{
	const struct place_host *p;

	for (size_t i = 0; i < x->nhosts; i++) {
		p = &x->hosts[i];
		if (p->h != NULL && p->h->fault.closed && place_host_fits(x, pj, p) >= 0) {
			host_fault_detail(p->h, r->detail, sizeof(r->detail));
			return true;
		}
	}
	return false;
}

static void
place_why_none(struct place_ctx *x, const struct place_job *pj,
    struct place_result *r)
{
	const struct jobreq *q = pj->req;
	size_t usable = 0;

	for (size_t i = 0; i < x->nhosts; i++)
		usable += x->hosts[i].usable;
	if (place_fault_detail(x, pj, r) || usable == 0) {
		r->reason = "Not enough job slot(s)";
		if (r->detail[0] == '\0')
			snprintf(r->detail, sizeof(r->detail), "no host is open and reachable");
		return;
	}
	if (x->cons != NULL && jobcons_any(q) && place_why_never(x, pj, r))
		return;
	r->reason = "Job's resource requirements not satisfied";
	if (q->rr.select_text != NULL)
		snprintf(r->detail, sizeof(r->detail), "no open host satisfies "
		    "select[%.200s]", q->rr.select_text);
	else if (q->xhosts != NULL && q->xhosts[0] != NULL)
		snprintf(r->detail, sizeof(r->detail), "no open host among the "
		    "candidates (-m or queue HOSTS); excluded: %.64s%s (it refused "
		    "the job, or REQUEUE_EXIT_VALUES EXCLUDE())", q->xhosts[0],
		    q->xhosts[1] != NULL ? " and others" : "");
	else
		snprintf(r->detail, sizeof(r->detail), "no open host among the "
		    "candidates (-m or queue HOSTS)");
}

struct place_tally {
	long free_total;
	int most_free, most_free_i, held;
	uint64_t most_mem;
	int most_mem_i;
	long held_job;
};

static void
place_tally(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b, struct place_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->most_free_i = t->most_mem_i = -1;
	for (size_t k = 0; k < b->ncand; k++) {
		const struct place_host *h = &x->hosts[b->cand[k]];
		int f = place_free(x, pj, h);
		t->free_total += f;
		if (h->rsv_slots > 0 && place_held(x, pj, h)) {
			t->held += h->rsv_slots;
			t->held_job = h->rsv_job;
		}
		if (f > t->most_free || t->most_free_i < 0) {
			t->most_free = f;
			t->most_free_i = b->cand[k];
		}
		if (f > 0 && (place_mem_avail(x, pj, h) > t->most_mem || t->most_mem_i < 0)) {
			t->most_mem = place_mem_avail(x, pj, h);
			t->most_mem_i = b->cand[k];
		}
	}
}

static void
place_why_mem(struct place_ctx *x, const struct place_job *pj,
    const struct place_tally *t, struct place_result *r)
{
	char need[32], have[32];

	place_fmt_mem(x->per_task ? pj->req->rsv_kb * (uint64_t)pj->req->nmin :
	    pj->req->rsv_kb, need, sizeof(need));
	place_fmt_mem(t->most_mem, have, sizeof(have));
	r->reason = "Job's requirements for reserving resource (mem) not satisfied";
	if (t->most_mem_i < 0)
		snprintf(r->detail, sizeof(r->detail), "needs %s on one host, no host "
		    "with free slots", need);
	else
		snprintf(r->detail, sizeof(r->detail), "needs %s on one host, largest "
		    "free %s (%s)", need, have, x->hosts[t->most_mem_i].name);
}

/* Per-host limits: the one that binds on the first limited candidate
 * with free slots, and how many more are limited. */
static void
place_why_limit(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b, struct place_result *r)
{
	char first[200] = "";
	int more = -1, f;

	for (size_t k = 0; k < b->ncand; k++) {
		const struct place_host *h = &x->hosts[b->cand[k]];
		if ((f = place_free(x, pj, h)) == 0 ||
		    limits_host_room(x->lim, x->sc, pj, h, b->cand[k]) >= f)
			continue;
		if (++more == 0)
			limits_host_why(x->lim, x->sc, pj, h, b->cand[k], first,
			    sizeof(first));
	}
	r->reason = "Job slot limit reached";
	if (more <= 0)
		snprintf(r->detail, sizeof(r->detail), "%s", first);
	else
		snprintf(r->detail, sizeof(r->detail), "%s, and %d more host%s at a "
		    "per-host limit", first, more, more == 1 ? "" : "s");
}

/* What a consumable's users see, in LSF's words; not reservable: backfill
 * reservations count slots and memory only. */
static void
place_why_cons(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b, const char *name, struct place_result *r)
{
	const struct jobreq *q = pj->req;
	long need = strcmp(name, RESMAP_GPU) == 0 ? jobcons_gpus(q, q->nmin) : 0;

	for (size_t i = 0; i < q->ncons && need == 0; i++)
		if (strcmp(q->cons[i].name, name) == 0)
			need = q->cons[i].n;
	r->reason = consum_reason(x->cons, name);	/* jobs keep the pointer */
	snprintf(r->detail, sizeof(r->detail), "needs %ld %s on a host; not free "
	    "now on any of the %zu candidate host(s)", need, name, b->ncand);
}

/* No usable host has enough of a consumable the job asks for. */
static bool
place_why_never(struct place_ctx *x, const struct place_job *pj,
    struct place_result *r)
{
	const char *name = NULL;
	long most = 0, t;
	size_t most_i = 0;

	for (size_t i = 0; i < x->nhosts; i++) {
		const struct place_host *h = &x->hosts[i];
		if (!h->usable || place_cons_fit(x, pj, h, pj->req->nmin, &name) >= 0)
			continue;
		t = consum_total(x->sc, h->name, h->h ? h->h->ngpus : 0, name);
		if (t >= most) {
			most = t;
			most_i = i;
		}
	}
	if (name == NULL)
		return false;
	r->reason = consum_reason(x->cons, name);
	if (most > 0)
		snprintf(r->detail, sizeof(r->detail), "no host has enough %s: the "
		    "most is %ld (%s)", name, most, x->hosts[most_i].name);
	else
		snprintf(r->detail, sizeof(r->detail), "no open host has %s "
		    "(lsf.cluster ResourceMap, or GPUs its agent detected)", name);
	return true;
}

static void
place_why(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b, const struct place_scan *sc,
    struct place_result *r)
{
	const struct jobreq *q = pj->req;
	struct place_tally t;
	size_t n;

	place_tally(x, pj, b, &t);
	if (sc->cons_short != NULL && t.free_total >= q->nmin)
		return place_why_cons(x, pj, b, sc->cons_short, r);
	r->reservable = true;	/* each reason below waits for running jobs */
	if (sc->mem_short && t.free_total >= q->nmin)
		return place_why_mem(x, pj, &t, r);
	if (q->exclusive && t.free_total == 0) {
		r->reason = "Job's resource requirements not satisfied";
		snprintf(r->detail, sizeof(r->detail), "an exclusive job needs an idle "
		    "host; none of %zu candidates is", b->ncand);
		return;
	}
	if ((q->rr.span_hosts == 1 || q->rr.ptile > 0) && t.free_total >= q->nmin) {
		r->reason = "Not enough processors to meet the job's spanning requirement";
		snprintf(r->detail, sizeof(r->detail), q->rr.ptile > 0 ?
		    "needs %d slots, %d per host; most free %d (%s)" :
		    "needs %d slots on one host%.0d; most free %d (%s)", q->nmin,
		    q->rr.ptile, t.most_free, x->hosts[t.most_free_i].name);
		return;
	}
	if (sc->lim_short && t.free_total >= q->nmin)
		return place_why_limit(x, pj, b, r);
	r->reason = "Not enough job slot(s)";
	r->slots_only = true;
	n = (size_t)snprintf(r->detail, sizeof(r->detail), "needs %d slot(s), %ld free "
	    "on %zu candidate host(s)", q->nmin, t.free_total, b->ncand);
	if (t.held > 0 && n < sizeof(r->detail))
		snprintf(r->detail + n, sizeof(r->detail) - n, ", %d more held for "
		    "job %ld", t.held, t.held_job);
}

/* ---- placing ---- */

static bool
place_host_full(const struct place_host *h)
{
	return h->excl || h->used >= h->maxslots;
}

static int
place_pick(struct place_ctx *x, const struct place_job *pj,
    struct place_bucket *b, struct place_result *r, struct place_scan *sc)
{
	const struct jobreq *q = pj->req;

	while (b->cursor < b->ncand && place_host_full(&x->hosts[b->cand[b->cursor]]))
		b->cursor++;
	if (q->rr.ptile > 0)
		return place_ptile(x, pj, b, r, sc);
	if (place_one_host(x, pj, b, r, sc) == 0)
		return 0;
	if (q->rr.span_hosts == 1 || q->exclusive)
		return -1;
	return place_spread(x, pj, b, r, sc);
}

int
place_job(struct place_ctx *x, const struct place_job *pj, struct place_result *r)
{
	struct place_bucket *b = place_bucket(x, pj);
	struct place_scan sc = { false, false, NULL };

	memset(r, 0, sizeof(*r));
	if (b->failed) {
		r->reason = b->reason;
		r->slots_only = b->slots_only;
		r->reservable = b->reservable;
		memcpy(r->detail, b->detail, sizeof(r->detail));
		return -1;
	}
	if (b->ncand == 0) {
		place_why_none(x, pj, r);
	} else if (place_pick(x, pj, b, r, &sc) == 0) {
		place_commit(x, pj, r);
		return 0;
	} else {
		place_result_free(r);
		place_why(x, pj, b, &sc, r);
	}
	if (!sc.lim_short) {
		b->failed = true;
		b->reason = r->reason;
		b->slots_only = r->slots_only;
		b->reservable = r->reservable;
		memcpy(b->detail, r->detail, sizeof(b->detail));
	}
	return -1;
}

/* ---- backfill reservation ---- */

/* What one host offers pj, now or once some of its runs have ended. Jobs
 * placed in this pass are not among the runs: their slots count as taken
 * for good until the next pass sees them running. */
struct place_avail {
	int slots, room, used;
	uint64_t mem;
	bool excl;
};

static void
place_avail_now(struct place_ctx *x, const struct place_job *pj, int i,
    struct place_avail *a)
{
	const struct place_host *h = &x->hosts[i];

	a->slots = h->maxslots - h->used - (place_held(x, pj, h) ? h->rsv_slots : 0);
	a->room = x->lim != NULL ? limits_host_room(x->lim, x->sc, pj, h, i) : INT_MAX;
	a->used = h->used;
	a->mem = place_mem_avail(x, pj, h);
	a->excl = h->excl;
}

/* Slots pj could take from a. */
static int
place_avail_cap(const struct place_ctx *x, const struct place_job *pj,
    const struct place_avail *a)
{
	const struct jobreq *r = pj->req;
	int cap = place_min(a->slots, a->room);
	uint64_t mcap;

	if (cap <= 0 || a->excl || (r->exclusive && a->used > 0))
		return 0;
	if (r->rsv_kb > 0) {
		mcap = x->per_task ? a->mem / r->rsv_kb : a->mem >= r->rsv_kb ? INT_MAX : 0;
		if (mcap < (uint64_t)cap)
			cap = (int)mcap;
	}
	return cap;
}

/* a once run has ended: its slots and memory come back, and so does the
 * per-host limit room when it counted in pj's user or queue (an upper
 * bound: the limit that binds may be another). */
static void
place_avail_release(struct place_avail *a, const struct place_job *pj,
    const struct place_run *run)
{
	a->slots += run->slots;
	a->used -= run->slots;
	a->mem += run->mem;
	if (run->excl)
		a->excl = false;
	if (a->room < INT_MAX - run->slots &&
	    ((run->user != NULL && strcmp(run->user, pj->user) == 0) ||
	    (run->queue != NULL && strcmp(run->queue, pj->queue) == 0)))
		a->room += run->slots;
}

static int
place_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

int
place_run_cmp(const void *a, const void *b)
{
	const struct place_run *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->slots != y->slots)
		return x->slots < y->slots ? -1 : 1;
	if (x->mem != y->mem)
		return x->mem < y->mem ? -1 : 1;
	if (x->excl != y->excl)
		return x->excl ? 1 : -1;
	if (place_strcmp(x->user, y->user) != 0)
		return place_strcmp(x->user, y->user);
	return place_strcmp(x->queue, y->queue);
}

/* When host i can give pj want slots as its runs end; -1 never. */
static long
place_host_when(struct place_ctx *x, const struct place_job *pj, int i, int want)
{
	struct place_host *h = &x->hosts[i];
	struct place_avail a;

	place_avail_now(x, pj, i, &a);
	if (place_avail_cap(x, pj, &a) >= want)
		return x->now;
	if (h->nruns > 1 && !h->runs_sorted)
		qsort(h->runs, h->nruns, sizeof(*h->runs), place_run_cmp);
	h->runs_sorted = true;
	for (size_t k = 0; k < h->nruns; k++) {
		place_avail_release(&a, pj, &h->runs[k]);
		if (place_avail_cap(x, pj, &a) >= want)
			return h->runs[k].end;
	}
	return -1;
}

/* One run ending on candidate k (or, with run NULL, host k ready then). */
struct place_ev {
	long end;
	int k;
	const struct place_run *run;
};

static int
place_cmp_ev(const void *a, const void *b)
{
	const struct place_ev *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->run != NULL && y->run != NULL ? place_run_cmp(x->run, y->run) : 0;
}

/* Releases the runs of ev[0..nev) in order until the candidates give nmin
 * slots; when that happened, or -1. */
static long
place_spread_release(struct place_ctx *x, const struct place_job *pj,
    const struct place_ev *ev, size_t nev, struct place_avail *a, int *cap,
    long *total)
{
	for (size_t i = 0; i < nev; i++) {
		size_t k = (size_t)ev[i].k;
		int c;
		place_avail_release(&a[k], pj, ev[i].run);
		c = place_avail_cap(x, pj, &a[k]);
		*total += c - cap[k];
		cap[k] = c;
		if (*total >= pj->req->nmin)
			return ev[i].end;
	}
	return -1;
}

/*
 * When the candidates together can give pj nmin slots (-1: never); cap[k]
 * is what candidate k gives then. Runs without a run limit (end LONG_MAX)
 * are kept out of the sort and released last, in candidate order, which
 * is where the sort by (end, candidate) put them: with 40,000 such runs
 * the sort took ~5 ms per reservation, a whole scheduling slice.
 */
static long
place_spread_when(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b, int *cap)
{
	struct place_avail *a = xcalloc(b->ncand + 1, sizeof(*a));
	struct place_ev *ev, *inf;
	size_t nev = 0, ninf = 0, k;
	long total = 0, when = -1;

	for (k = 0; k < b->ncand; k++)
		nev += x->hosts[b->cand[k]].nruns;
	ev = xcalloc(nev + 1, sizeof(*ev));
	inf = xcalloc(nev + 1, sizeof(*inf));
	nev = 0;
	for (k = 0; k < b->ncand; k++) {
		const struct place_host *h = &x->hosts[b->cand[k]];
		place_avail_now(x, pj, b->cand[k], &a[k]);
		total += cap[k] = place_avail_cap(x, pj, &a[k]);
		for (size_t r = 0; r < h->nruns; r++) {
			struct place_ev e = { h->runs[r].end, (int)k, &h->runs[r] };
			if (e.end == LONG_MAX)
				inf[ninf++] = e;
			else
				ev[nev++] = e;
		}
	}
	if (total >= pj->req->nmin)
		when = x->now;
	qsort(ev, nev, sizeof(*ev), place_cmp_ev);
	if (when < 0)
		when = place_spread_release(x, pj, ev, nev, a, cap, &total);
	if (when < 0)
		when = place_spread_release(x, pj, inf, ninf, a, cap, &total);
	free(a);
	free(ev);
	free(inf);
	return when;
}

/* Holds on host i, until when, what pj will take there: of its slots
 * those free now (all of them for -x), and their memory booking. */
static void
place_hold(struct place_ctx *x, const struct place_job *pj, int i, int slots,
    long when)
{
	struct place_host *h = &x->hosts[i];
	struct place_avail a;
	uint64_t mem = 0;
	int take;

	place_avail_now(x, pj, i, &a);
	if (pj->req->rsv_kb > 0)
		mem = place_booking(pj->req, slots, x->per_task);
	if (mem > a.mem)
		mem = a.mem;
	take = place_min(pj->req->exclusive ? h->maxslots : slots, a.slots);
	if (take < 0)
		take = 0;
	if (take == 0 && mem == 0)
		return;
	h->rsv_slots += take;
	h->rsv_mem += mem;
	h->rsv_until = h->rsv_job != 0 && h->rsv_until < when ? h->rsv_until : when;
	h->rsv_job = pj->id;
}

/* span[hosts=1] and -x: the one host that is ready soonest. */
static void
place_reserve_one(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b)
{
	long when, best = -1;
	int best_i = -1;

	for (size_t k = 0; k < b->ncand; k++) {
		if (x->hosts[b->cand[k]].maxslots < pj->req->nmin)
			continue;
		when = place_host_when(x, pj, b->cand[k], pj->req->nmin);
		if (when >= 0 && (best < 0 || when < best)) {
			best = when;
			best_i = b->cand[k];
		}
	}
	if (best_i >= 0)
		place_hold(x, pj, best_i, pj->req->nmin, best);
}

/* span[ptile=P]: the hosts that have P slots for it soonest. */
static void
place_reserve_ptile(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b)
{
	int per = place_min(pj->req->rr.ptile, pj->req->nmin), left = pj->req->nmin;
	size_t need = (size_t)((pj->req->nmin + per - 1) / per), n = 0;
	struct place_ev *v = xcalloc(b->ncand + 1, sizeof(*v));
	long when;

	for (size_t k = 0; k < b->ncand; k++)
		if ((when = place_host_when(x, pj, b->cand[k], per)) >= 0)
			v[n++] = (struct place_ev){ when, b->cand[k], NULL };
	if (n >= need) {
		qsort(v, n, sizeof(*v), place_cmp_ev);
		for (size_t i = 0; i < need; i++, left -= per)
			place_hold(x, pj, v[i].k, place_min(per, left), v[need - 1].end);
	}
	free(v);
}

/* Slots anywhere: the candidates that together have them soonest. */
static void
place_reserve_spread(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b)
{
	int *cap = xcalloc(b->ncand + 1, sizeof(int)), left = pj->req->nmin, take;
	long when = place_spread_when(x, pj, b, cap);

	for (size_t k = 0; k < b->ncand && left > 0 && when >= 0; k++) {
		if ((take = place_min(cap[k], left)) <= 0)
			continue;
		place_hold(x, pj, b->cand[k], take, when);
		left -= take;
	}
	free(cap);
}

void
place_reserve(struct place_ctx *x, const struct place_job *pj)
{
	struct place_bucket *b = place_bucket(x, pj);

	if (pj->req->rr.ptile > 0)
		place_reserve_ptile(x, pj, b);
	else if (pj->req->rr.span_hosts == 1 || pj->req->exclusive)
		place_reserve_one(x, pj, b);
	else
		place_reserve_spread(x, pj, b);
}
