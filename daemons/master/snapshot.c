/*
 * snapshot.c - the hosts as one scheduling pass sees them (struct
 * place_host): slots (lsb.hosts MXJ, else what the agent reports; "!" =
 * its cores), JL/U, attributes from the lsf.cluster Host table over the
 * agent's own, load indices, and what the running jobs hold: slots on
 * every host they use, memory booked (rusage[mem] or -M, for the rusage
 * duration), exclusive use, and when they end (for backfill). Running
 * slots are also counted into the limit tallies.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "master.h"
#include "sched.h"
#include "util.h"

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
	p->usable = h->status == HOST_OK && h->conn != NULL && !h->adm_closed;
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

static void
snapshot_run(struct place_host *p, const struct elem *e, const struct jobreq *r,
    int slots, uint64_t mem)
{
	struct place_run *run;

	p->runs = xrealloc(p->runs, (p->nruns + 1) * sizeof(*p->runs));
	run = &p->runs[p->nruns++];
	run->end = r->run_limit >= 0 ? e->start_time + r->run_limit : LONG_MAX;
	run->slots = slots;
	run->mem = mem;
	run->excl = r->exclusive;
	run->user = e->job->user;
	run->queue = e->job->queue;
}

/* What element e (first host hi) holds on each host it uses. */
static void
snapshot_elem(struct master *m, struct place_host *v, size_t n, int hi,
    struct elem *e, long now, struct limits *lim)
{
	const struct jobreq *r = jobreq_of(m, e->job);
	const struct schedconf *sc = m->conf->sched;
	bool per_task = sc != NULL && sc->reserve_per_task;
	int k = 0, i, slots;
	uint64_t mem;

	while (k < e->nslots && e->hosts != NULL) {
		i = strcmp(e->hosts[k], v[hi].name) == 0 ? hi : snapshot_index(v, n, e, k);
		for (slots = 0; k < e->nslots && strcmp(e->hosts[k], e->hosts[k - slots]) == 0;
		    k++)
			slots++;
		if (i < 0)
			continue;
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
			snapshot_elem(m, v, *n, (int)i, e, now, lim);
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
