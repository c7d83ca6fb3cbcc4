/*
 * consum.h - consumable resources in the master: what a job asks for
 * (jobcons.c: -gpu, rusage[ngpus_physical], rusage[<consumable>]) and the
 * ledger of what running jobs hold (consum.c), by pool (resmap.h): a
 * count per pool, and for GPUs which device each job holds and whether
 * alone (j_exclusive) or shared.
 *
 * The ledger is derived data, like a host's used slots: a start event
 * carries its "alloc" records (which pool, how many, which GPUs), applying
 * the event takes them (live and at replay after a restart), and the
 * element leaving its host (finish, requeue, kill, lost host) gives them
 * back. A host's total comes from lsf.cluster's ResourceMap, and for GPUs
 * from what its agent detected (ngpus), else from ResourceMap.
 */
#ifndef PUMICE_CONSUM_H
#define PUMICE_CONSUM_H

#include <stdbool.h>
#include <jansson.h>

#include "gpureq.h"
#include "schedconf.h"

#define CONSUM_MAX_GPUS 64

struct jobreq;
struct master;
struct elem;
struct host;

/* One consumable a job asks for on each host it uses. */
struct jobcons_need {
	char *name;
	long n;
};

/* jobcons.c: the consumables of a job, into r (from spec's opts gpu and
 * r->rr's rusage); 0, or -1 with the reason. */
int jobcons_build(struct jobreq *r, const struct schedconf *sc, const json_t *spec,
    char *err, size_t errlen);
void jobcons_free(struct jobreq *r);
bool jobcons_any(const struct jobreq *r);
/* For the shape key: "" when none, else e.g. "g2x|lic=1". */
char *jobcons_shape(const struct jobreq *r);
/* GPUs r wants on a host where it takes slots slots. */
int jobcons_gpus(const struct jobreq *r, int slots);

struct consum;
struct consum *consum_new(void);
void consum_free(struct consum *l);
struct consum *consum_of(struct master *m);	/* created on first use */

/* Whether r's consumables fit on host (ngpus: what its agent detected)
 * for slots slots: 1 now, 0 once running jobs give some back, -1 never
 * (the host has too few); *short_of names the resource that binds. */
int consum_fit(const struct consum *l, const struct schedconf *sc,
    const char *host, int ngpus, const struct jobreq *r, int slots,
    const char **short_of);
/* "Job's requirements for reserving resource (name) not satisfied", kept
 * by the ledger for its life: a job's pend_reason points at it. */
const char *consum_reason(struct consum *l, const char *name);
/* The total of name on host (0 none). */
long consum_total(const struct schedconf *sc, const char *host, int ngpus,
    const char *name);
/* Picks r's share on host and appends its records to alloc. */
void consum_pick(const struct consum *l, const struct schedconf *sc,
    const char *host, int ngpus, const struct jobreq *r, int slots, json_t *alloc);
/* The start event of e was applied / e leaves its host. */
void consum_started(struct master *m, struct elem *e, const json_t *data);
void consum_released(struct master *m, struct elem *e);
/* What host has and holds, for bhosts -l / lshosts: an array of
 * {name, total, used[, gpus:[{id, jobs, excl}]]}, or NULL when nothing. */
json_t *consum_host_json(struct master *m, const struct host *h);
/* The job's variables for its first host (CUDA_VISIBLE_DEVICES, LSB_RES_*)
 * into env (an object, changed in place). */
void consum_env(const json_t *alloc, const char *host, json_t *env);

#endif
