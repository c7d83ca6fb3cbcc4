/*
 * snapshot.c - the hosts as one scheduling pass sees them (struct
 * place_host): slots (lsb.hosts MXJ, else what the agent reports; "!" =
 * its cores), JL/U, attributes from the lsf.cluster Host table over the
 * agent's own, load indices, and what the running jobs hold: slots on
 * every host they use, memory booked (rusage[mem] or -M, for the rusage
 * duration), exclusive use, and when they end (for backfill). Running
 * slots are also counted into the limit tallies.
 *
 * Built afresh it costs ~4.5 ms at 10,000 hosts, as long as a scheduling
 * slice, so the snapshot is kept between slices and walks instead
 * (snapshot_sync) and each entry is rebuilt only when its host changed:
 * the modules that change hosts and running jobs report it through the
 * snapshot_*_changed/started/released calls. A host's runs are its
 * source of truth (kept sorted by place_run_cmp, whatever order they came
 * in, so that backfill sees them alike); used slots, booked memory and
 * exclusive use are summed from them, and the limit tallies follow each
 * run added or removed. Starts are noted by job id and applied at the
 * next sync: those a pass makes are in its snapshot already (place.c
 * commits them), and their runs must not be seen before the next pass,
 * as in a snapshot built afresh. Test: test_sched's test_kept_snapshot.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "master.h"
#include "sched.h"
#include "util.h"
#include "watch.h"

/* Attributes from the lsf.cluster Host table win over the agent's. */
static const char *
snapshot_type(const struct schedconf_host *ch, const struct host *h)
{
	return ch && ch->type ? ch->type : h->arch;
}

static const char *
snapshot_model(const struct schedconf_host *ch, const struct host *h)
{
	return ch && ch->model ? ch->model : h->model;
}

int
snapshot_max_slots(struct master *m, const struct host *h)
{
	const struct schedconf_host *ch = schedconf_host(m->conf->sched, h->name);
	int mxj, jlu;

	schedconf_host_limits(m->conf->sched, h->name, snapshot_model(ch, h),
	    snapshot_type(ch, h), &mxj, &jlu);
	return mxj == SCHEDCONF_MXJ_NCPUS ? h->ncpus : mxj >= 0 ? mxj : h->maxslots;
}

int
snapshot_jlu(struct master *m, const struct host *h)
{
	const struct schedconf_host *ch = schedconf_host(m->conf->sched, h->name);
	int mxj, jlu;

	schedconf_host_limits(m->conf->sched, h->name, snapshot_model(ch, h),
	    snapshot_type(ch, h), &mxj, &jlu);
	return jlu;
}

static void
snapshot_host(struct master *m, struct host *h, struct place_host *p)
{
	const struct schedconf *sc = m->conf->sched;
	const struct schedconf_host *ch = schedconf_host(sc, h->name);
	int mxj;

	p->name = h->name;
	p->h = h;
	p->usable = h->status == HOST_OK && h->conn != NULL && !h->adm_closed &&
	    !h->fault.closed;
	p->ncpus = h->ncpus;
	p->sel.name = h->name;
	p->sel.type = snapshot_type(ch, h);
	p->sel.model = snapshot_model(ch, h);
	p->sel.resources = ch ? ch->resources : NULL;
	schedconf_host_limits(sc, h->name, p->sel.model, p->sel.type, &mxj, &p->jlu);
	p->maxslots = mxj == SCHEDCONF_MXJ_NCPUS ? h->ncpus : mxj >= 0 ? mxj : h->maxslots;
	p->mem_total = h->mem_total > 0 ? (uint64_t)h->mem_total : 0;
}

static void
snapshot_sel(const struct host *h, struct place_host *p)
{
	double *n = p->sel.num;
	uint64_t avail = p->mem_total > p->mem_rsv ? p->mem_total - p->mem_rsv : 0;

	n[SEL_R15S] = h->load[0];
	n[SEL_R1M] = h->load[1];
	n[SEL_R15M] = h->load[2];
	n[SEL_UT] = h->ut;
	n[SEL_MEM] = (double)(h->mem_free > 0 && (uint64_t)h->mem_free < avail ?
	    (uint64_t)h->mem_free : avail);
	n[SEL_SWP] = (double)h->swap_free;
	n[SEL_TMP] = (double)h->tmp_free;
	n[SEL_MAXTMP] = (double)h->tmp_total;
	n[SEL_PG] = h->pg;
	n[SEL_IO] = h->io;
	n[SEL_LS] = h->ls;
	n[SEL_IT] = h->it;
	n[SEL_NCPUS] = h->ncpus;
	n[SEL_MAXMEM] = (double)h->mem_total;
	n[SEL_MAXSWP] = (double)h->swap_total;
	n[SEL_SLOTS] = p->maxslots - p->used;
	n[SEL_MAXSLOTS] = p->maxslots;
}

/* Index of a host by name: the first host's own, else a search. */
static int
snapshot_index(struct place_host *v, size_t n, const struct elem *e, int k)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, e->hosts[k]) == 0)
			return (int)i;
	return -1;
}

/* Adds a run to p->runs in place_run_cmp order. */
static void
snapshot_run(struct place_host *p, const struct elem *e, const struct jobreq *r,
    int slots, uint64_t mem)
{
	struct place_run run = {
		.end = r->run_limit >= 0 ? e->start_time + r->run_limit : LONG_MAX,
		.slots = slots, .mem = mem, .excl = r->exclusive,
		.user = e->job->user, .queue = e->job->queue, .owner = e,
		.mem_until = r->rr.duration == 0 ? LONG_MAX :
		    e->start_time + r->rr.duration,
	};
	size_t k;

	p->runs = xrealloc(p->runs, (p->nruns + 1) * sizeof(*p->runs));
	for (k = p->nruns; k > 0 && place_run_cmp(&p->runs[k - 1], &run) > 0; k--)
		p->runs[k] = p->runs[k - 1];
	p->runs[k] = run;
	p->nruns++;
	p->runs_sorted = true;
}

struct snapshot;
static int snapshot_lookup(struct snapshot *s, const char *name);
static void snapshot_dirty(struct snapshot *s, int i);

/* What element e (first host hi) holds on each host it uses; with s, the
 * hosts are found by name in its index and marked dirty. */
static void
snapshot_elem(struct master *m, struct place_host *v, size_t n, int hi,
    struct elem *e, long now, struct limits *lim, struct snapshot *s)
{
	const struct jobreq *r = jobreq_of(m, e->job);
	const struct schedconf *sc = m->conf->sched;
	bool per_task = sc != NULL && sc->reserve_per_task;
	int k = 0, i, slots;
	uint64_t mem;

	while (k < e->nslots && e->hosts != NULL) {
		if (s != NULL)
			i = snapshot_lookup(s, e->hosts[k]);
		else
			i = strcmp(e->hosts[k], v[hi].name) == 0 ? hi : snapshot_index(v, n, e, k);
		for (slots = 0; k < e->nslots && strcmp(e->hosts[k], e->hosts[k - slots]) == 0;
		    k++)
			slots++;
		if (i < 0)
			continue;
		if (s != NULL)
			snapshot_dirty(s, i);
		v[i].used += slots;
		mem = r->rsv_kb > 0 && (r->rr.duration == 0 || now - e->start_time <
		    r->rr.duration) ? place_booking(r, slots, per_task) : 0;
		v[i].mem_rsv += mem;
		v[i].excl |= r->exclusive;
		snapshot_run(&v[i], e, r, slots, mem);
		if (lim != NULL)
			limits_add(lim, sc, e->job->queue, e->job->user, i, slots);
	}
}

struct place_host *
snapshot_build(struct master *m, long now, struct limits *lim, size_t *n)
{
	struct place_host *v;
	struct host *h;
	struct elem *e;
	size_t i = 0;

	*n = 0;
	TAILQ_FOREACH(h, &m->hosts, entry)
		(*n)++;
	v = xcalloc(*n + 1, sizeof(*v));
	TAILQ_FOREACH(h, &m->hosts, entry)
		snapshot_host(m, h, &v[i++]);
	i = 0;
	TAILQ_FOREACH(h, &m->hosts, entry) {
		TAILQ_FOREACH(e, &h->running, host_entry)
			snapshot_elem(m, v, *n, (int)i, e, now, lim, NULL);
		i++;
	}
	for (i = 0; i < *n; i++) {
		snapshot_sel(v[i].h, &v[i]);
		v[i].h->excl = v[i].excl;
	}
	return v;
}

void
snapshot_mark_excl(struct master *m)
{
	struct host *h;
	struct elem *e;

	TAILQ_FOREACH(h, &m->hosts, entry) {
		h->excl = false;
		h->rsv = 0;	/* no pending job holds anything */
	}
	TAILQ_FOREACH(h, &m->hosts, entry)
		TAILQ_FOREACH(e, &h->running, host_entry) {
			if (!jobreq_of(m, e->job)->exclusive)
				continue;
			for (int k = 0; k < e->nslots && e->hosts != NULL; k++) {
				struct host *x = host_find(m, e->hosts[k]);
				if (x != NULL)
					x->excl = true;
			}
		}
}

void
snapshot_free(struct place_host *hosts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(hosts[i].runs);
	free(hosts);
}

/* ---- the snapshot kept between passes ---- */

struct snap_start {
	long id, idx;
};

/* Slots a pass placed: in the snapshot and the tallies until its start
 * event's run replaces them at the next sync. */
struct snap_placed {
	char *queue, *user;
	int idx, slots;
};

struct snapshot {
	bool valid;		/* false: built again at the next sync */
	const struct conf *conf;	/* it was built for */
	long now;		/* of the last sync */
	struct place_host *hosts;
	size_t n;
	struct limits *lim;
	struct strmap index;	/* host name -> its index (n) */
	bool *dirty;		/* by index: rebuilt at the next sync */
	int *dirtyv;
	size_t ndirty;
	long *expiry;		/* by index: a timed memory booking ends */
	struct snap_start *started;
	size_t nstarted, capstarted;
	struct snap_placed *placed;
	size_t nplaced, capplaced;
};

/* More starts than this between two passes: built again instead. */
#define SNAP_MAX_STARTED 1000000

static struct snapshot *
snapshot_of(struct master *m)
{
	struct snapshot *s = m->sched != NULL ? m->sched->snap : NULL;

	return s != NULL && s->valid ? s : NULL;
}

static int
snapshot_lookup(struct snapshot *s, const char *name)
{
	struct strmap_ent *e = strmap_get(&s->index, name, 0);

	return e != NULL ? (int)e->n : -1;
}

static void
snapshot_dirty(struct snapshot *s, int i)
{
	if (s->dirty[i])
		return;
	s->dirty[i] = true;
	s->dirtyv[s->ndirty++] = i;
}

static void
snapshot_unplace(struct snapshot *s, const struct schedconf *sc)
{
	for (size_t k = 0; k < s->nplaced; k++) {
		struct snap_placed *p = &s->placed[k];
		limits_add(s->lim, sc, p->queue, p->user, p->idx, -p->slots);
		snapshot_dirty(s, p->idx);
		free(p->queue);
		free(p->user);
	}
	s->nplaced = 0;
}

static void
snapshot_drop(struct snapshot *s)
{
	for (size_t k = 0; k < s->nplaced; k++) {
		free(s->placed[k].queue);
		free(s->placed[k].user);
	}
	s->nplaced = 0;
	snapshot_free(s->hosts, s->n);
	limits_free(s->lim);
	strmap_clear(&s->index);
	free(s->dirty);
	free(s->dirtyv);
	free(s->expiry);
	s->hosts = NULL;
	s->lim = NULL;
	s->dirty = NULL;
	s->dirtyv = NULL;
	s->expiry = NULL;
	s->n = s->ndirty = s->nstarted = 0;
	s->valid = false;
}

void
snapshot_state_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	snapshot_drop(s);
	free(s->started);
	free(s->placed);
	free(s);
}

/* When the first timed memory booking on p ends (LONG_MAX none). */
static long
snapshot_expiry(const struct place_host *p)
{
	long t = LONG_MAX;

	for (size_t k = 0; k < p->nruns; k++)
		if (p->runs[k].mem > 0 && p->runs[k].mem_until < t)
			t = p->runs[k].mem_until;
	return t;
}

static void
snapshot_rebuild(struct master *m, struct snapshot *s, long now)
{
	snapshot_drop(s);
	s->lim = limits_new();
	limits_configure(s->lim, m->conf);
	s->hosts = snapshot_build(m, now, s->lim, &s->n);
	s->dirty = xcalloc(s->n + 1, sizeof(*s->dirty));
	s->dirtyv = xcalloc(s->n + 1, sizeof(*s->dirtyv));
	s->expiry = xcalloc(s->n + 1, sizeof(*s->expiry));
	for (size_t i = 0; i < s->n; i++) {
		strmap_get(&s->index, s->hosts[i].name, 1)->n = (long)i;
		s->expiry[i] = snapshot_expiry(&s->hosts[i]);
	}
	s->conf = m->conf;
	s->valid = true;
}

/* Entry i again from its host and its runs (bookings ended by now drop). */
static void
snapshot_refresh(struct master *m, struct snapshot *s, int i, long now)
{
	struct place_host *p = &s->hosts[i], keep = *p;
	bool expired = false;

	memset(p, 0, sizeof(*p));
	snapshot_host(m, keep.h, p);
	p->runs = keep.runs;
	p->nruns = keep.nruns;
	p->runs_sorted = keep.runs_sorted;
	for (size_t k = 0; k < p->nruns; k++) {
		struct place_run *r = &p->runs[k];
		if (r->mem > 0 && r->mem_until <= now) {
			r->mem = 0;
			expired = true;
		}
		p->used += r->slots;
		p->mem_rsv += r->mem;
		p->excl |= r->excl;
	}
	if (expired)
		qsort(p->runs, p->nruns, sizeof(*p->runs), place_run_cmp);
	s->expiry[i] = snapshot_expiry(p);
	snapshot_sel(keep.h, p);
	keep.h->excl = p->excl;
	s->dirty[i] = false;
}

static bool
snapshot_has_run(const struct place_host *p, const struct elem *e)
{
	for (size_t k = 0; k < p->nruns; k++)
		if (p->runs[k].owner == e)
			return true;
	return false;
}

/* The runs of the starts noted since the last sync, of elements that
 * still hold their hosts and are not counted yet. */
static void
snapshot_add_started(struct master *m, struct snapshot *s, long now)
{
	for (size_t k = 0; k < s->nstarted; k++) {
		struct job *j = job_find(m, s->started[k].id);
		struct elem *e = j != NULL ? job_elem(j, s->started[k].idx) : NULL;
		int hi;

		if (e == NULL || e->host == NULL ||
		    (hi = snapshot_lookup(s, e->host->name)) < 0 ||
		    snapshot_has_run(&s->hosts[hi], e))
			continue;
		snapshot_elem(m, s->hosts, s->n, hi, e, now, s->lim, s);
	}
	s->nstarted = 0;
}

struct place_host *
snapshot_sync(struct master *m, long now, struct limits **lim, size_t *n)
{
	struct sched_state *st = sched_state(m);
	struct snapshot *s;

	if (st->snap == NULL)
		st->snap = xcalloc(1, sizeof(*st->snap));
	s = st->snap;
	if (!s->valid || s->conf != m->conf || now < s->now)
		snapshot_rebuild(m, s, now);
	else {
		snapshot_unplace(s, m->conf->sched);
		snapshot_add_started(m, s, now);
		for (size_t i = 0; i < s->n; i++) {
			struct place_host *p = &s->hosts[i];
			if (s->expiry[i] <= now)
				snapshot_dirty(s, (int)i);
			p->rsv_slots = 0;
			p->rsv_mem = 0;
			p->rsv_until = p->rsv_job = 0;
		}
		for (size_t k = 0; k < s->ndirty; k++)
			snapshot_refresh(m, s, s->dirtyv[k], now);
	}
	s->ndirty = 0;
	s->nstarted = 0;
	s->now = now;
	*lim = s->lim;
	*n = s->n;
	return s->hosts;
}

void
snapshot_placed(struct master *m, const char *queue, const char *user,
    const struct place_result *r)
{
	struct snapshot *s = snapshot_of(m);

	if (s == NULL)
		return;
	for (int i = 0; i < r->n; i++) {
		if (s->nplaced == s->capplaced) {
			s->capplaced = s->capplaced ? 2 * s->capplaced : 256;
			s->placed = xrealloc(s->placed, s->capplaced * sizeof(*s->placed));
		}
		s->placed[s->nplaced++] = (struct snap_placed){ xstrdup(queue),
		    xstrdup(user), r->idx[i], r->slots[i] };
	}
}

/* ---- what changed ---- */

void
snapshot_hosts_changed(struct master *m)
{
	struct snapshot *s = snapshot_of(m);

	if (s != NULL)
		s->valid = false;
}

void
snapshot_host_changed(struct master *m, struct host *h)
{
	struct snapshot *s = snapshot_of(m);
	int i;

	watch_host(m, h);	/* every host change passes here: the stream too */
	if (s == NULL)
		return;
	if ((i = snapshot_lookup(s, h->name)) < 0)
		s->valid = false;
	else
		snapshot_dirty(s, i);
}

void
snapshot_job_changed(struct master *m, struct job *j)
{
	if (j->nrun > 0)
		snapshot_hosts_changed(m);
}

void
snapshot_elem_started(struct master *m, struct elem *e)
{
	struct snapshot *s = snapshot_of(m);

	if (s == NULL)
		return;
	if (s->nstarted >= SNAP_MAX_STARTED) {
		s->valid = false;
		return;
	}
	if (s->nstarted == s->capstarted) {
		s->capstarted = s->capstarted ? 2 * s->capstarted : 1024;
		s->started = xrealloc(s->started, s->capstarted * sizeof(*s->started));
	}
	s->started[s->nstarted++] = (struct snap_start){ e->job->id, e->idx };
}

/* Removes e's runs from entry i, and their slots from the tallies. */
static void
snapshot_unrun(struct master *m, struct snapshot *s, int i, const struct elem *e)
{
	struct place_host *p = &s->hosts[i];
	size_t k, o = 0;

	for (k = 0; k < p->nruns; k++) {
		struct place_run *r = &p->runs[k];
		if (r->owner != e)
			p->runs[o++] = *r;
		else
			limits_add(s->lim, m->conf->sched, r->queue, r->user, i, -r->slots);
	}
	p->nruns = o;
	snapshot_dirty(s, i);
}

void
snapshot_elem_released(struct master *m, struct elem *e)
{
	struct snapshot *s = snapshot_of(m);
	int i;

	if (s == NULL)
		return;
	for (int k = 0; e->hosts != NULL && k < e->nslots; k++)
		if ((k == 0 || strcmp(e->hosts[k], e->hosts[k - 1]) != 0) &&
		    (i = snapshot_lookup(s, e->hosts[k])) >= 0)
			snapshot_unrun(m, s, i, e);
}
