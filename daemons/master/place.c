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
	bool slots_only;
	struct place_bucket *next;
};

/* Scan state of one placement attempt, for the failure detail. */
struct place_scan {
	bool mem_short, lim_short;
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

static int
place_host_pref(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h)
{
	int pref = 0;

	if (!h->usable)
		return -1;
	if (pj->qhosts != NULL && (pref = place_list_pref(x->sc, pj->qhosts, h->name)) < 0)
		return -1;
	if (pj->req->mhosts != NULL &&
	    (pref = place_list_pref(x->sc, pj->req->mhosts, h->name)) < 0)
		return -1;
	if (pj->req->rr.select != NULL && !selexpr_eval(pj->req->rr.select, &h->sel))
		return -1;
	return pref;
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

static int
place_free(const struct place_ctx *x, const struct place_job *pj,
    const struct place_host *h)
{
	int free_slots = h->maxslots - h->used;
	const struct jobreq *r = pj->req;

	if (h->excl || (r->exclusive && h->used > 0))
		return 0;
	if (h->rsv_slots > 0 && h->rsv_job != pj->id &&
	    !(r->run_limit >= 0 && x->now + r->run_limit <= h->rsv_until))
		free_slots -= h->rsv_slots;
	return free_slots > 0 ? free_slots : 0;
}

static uint64_t
place_mem_avail(const struct place_host *h)
{
	return h->mem_total > h->mem_rsv ? h->mem_total - h->mem_rsv : 0;
}

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
	if (x->lim != NULL && (room = limits_host_room(x->lim, x->sc, pj, h, i)) < cap) {
		cap = room;
		sc->lim_short = true;
	}
	if (r->rsv_kb > 0 && cap > 0) {
		avail = place_mem_avail(h);
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

static void
place_why_none(struct place_ctx *x, const struct place_job *pj,
    struct place_result *r)
{
	const struct jobreq *q = pj->req;
	size_t usable = 0;

	for (size_t i = 0; i < x->nhosts; i++)
		usable += x->hosts[i].usable;
	if (usable == 0) {
		r->reason = "Not enough job slot(s)";
		snprintf(r->detail, sizeof(r->detail), "no host is open and reachable");
		return;
	}
	r->reason = "Job's resource requirements not satisfied";
	if (q->rr.select_text != NULL)
		snprintf(r->detail, sizeof(r->detail), "no open host satisfies "
		    "select[%.200s]", q->rr.select_text);
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
		if (h->rsv_slots > 0 && h->rsv_job != pj->id) {
			t->held += h->rsv_slots;
			t->held_job = h->rsv_job;
		}
		if (f > t->most_free || t->most_free_i < 0) {
			t->most_free = f;
			t->most_free_i = b->cand[k];
		}
		if (f > 0 && (place_mem_avail(h) > t->most_mem || t->most_mem_i < 0)) {
			t->most_mem = place_mem_avail(h);
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

static void
place_why(struct place_ctx *x, const struct place_job *pj,
    const struct place_bucket *b, const struct place_scan *sc,
    struct place_result *r)
{
	const struct jobreq *q = pj->req;
	struct place_tally t;
	size_t n;

	place_tally(x, pj, b, &t);
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
	if (sc->lim_short && t.free_total >= q->nmin) {
		r->reason = "Job slot limit reached";
		snprintf(r->detail, sizeof(r->detail), "per-host limits (JL/U, JL/P, "
		    "HJOB_LIMIT, PJOB_LIMIT) reached for user %s on the free hosts",
		    pj->user);
		return;
	}
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
	struct place_scan sc = { false, false };

	memset(r, 0, sizeof(*r));
	if (b->failed) {
		r->reason = b->reason;
		r->slots_only = b->slots_only;
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
		memcpy(b->detail, r->detail, sizeof(b->detail));
	}
	return -1;
}

/* ---- backfill reservation ---- */

static int
place_cmp_run(const void *a, const void *b)
{
	const struct place_run *x = a, *y = b;

	return x->end < y->end ? -1 : x->end > y->end;
}

/* When need slots are free on the candidates (LONG_MAX: unknown). */
static long
place_free_time(struct place_ctx *x, const struct place_job *pj,
    const int *cand, size_t ncand, int need)
{
	struct place_run *runs = NULL;
	size_t nruns = 0;
	long have = 0, when = x->now;

	for (size_t k = 0; k < ncand; k++) {
		const struct place_host *h = &x->hosts[cand[k]];
		have += place_free(x, pj, h);
		if (h->nruns == 0)
			continue;
		runs = xrealloc(runs, (nruns + h->nruns) * sizeof(*runs));
		memcpy(runs + nruns, h->runs, h->nruns * sizeof(*runs));
		nruns += h->nruns;
	}
	if (nruns > 0)
		qsort(runs, nruns, sizeof(*runs), place_cmp_run);
	for (size_t i = 0; i < nruns && have < need; i++) {
		have += runs[i].slots;
		when = runs[i].end;
	}
	free(runs);
	return have >= need ? when : -1;
}

static void
place_hold(struct place_ctx *x, const struct place_job *pj, const int *cand,
    size_t ncand, long when)
{
	int left = pj->req->nmin;

	for (size_t k = 0; k < ncand && left > 0; k++) {
		struct place_host *h = &x->hosts[cand[k]];
		int f = place_free(x, pj, h), take = place_min(f, left);
		if (take <= 0)
			continue;
		h->rsv_slots += take;
		h->rsv_until = h->rsv_job != 0 && h->rsv_until < when ? h->rsv_until : when;
		h->rsv_job = pj->id;
		left -= take;
	}
}

void
place_reserve(struct place_ctx *x, const struct place_job *pj)
{
	struct place_bucket *b = place_bucket(x, pj);
	long when, best = -1;
	int best_i = -1;

	if (pj->req->rr.span_hosts != 1 && !pj->req->exclusive) {
		if ((when = place_free_time(x, pj, b->cand, b->ncand, pj->req->nmin)) >= 0)
			place_hold(x, pj, b->cand, b->ncand, when);
		return;
	}
	for (size_t k = 0; k < b->ncand; k++) {
		if (x->hosts[b->cand[k]].maxslots < pj->req->nmin)
			continue;
		when = place_free_time(x, pj, &b->cand[k], 1, pj->req->nmin);
		if (when >= 0 && (best < 0 || when < best)) {
			best = when;
			best_i = (int)k;
		}
	}
	if (best_i >= 0)
		place_hold(x, pj, &b->cand[best_i], 1, best);
}
