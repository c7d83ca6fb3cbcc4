/*
 * sched.h - the scheduler's own types, shared by sched.c (the pass),
 * jobreq.c (a job's parsed requirements), place.c (host snapshot and
 * placement), limits.c (slot counters) and fairshare.c, and by the unit
 * tests and the benchmark, which drive placement on synthetic hosts.
 *
 * A pass works on a snapshot (struct place_ctx) built from the host table
 * and the running jobs; placing a job updates the snapshot only, and the
 * pass turns each placement into a start event. The snapshot is kept
 * between passes (snapshot.c) and brought up to date from what job.c,
 * host.c, agentlink.c, admin.c and reconfig.c report changed, so that it
 * always equals one built afresh from the job and host tables.
 */
#ifndef PUMICE_SCHED_H
#define PUMICE_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "conf.h"
#include "gpureq.h"
#include "resreq.h"
#include "schedconf.h"
#include "selexpr.h"
#include "strmap.h"

struct master;
struct job;
struct host;
struct elem;

/* A job's requirements, from its submit options and its queue. */
struct jobreq {
	struct resreq rr;	/* queue RES_REQ merged with -R */
	int nmin, nmax;		/* -n min[,max] */
	uint64_t mem_limit_kb;	/* -M, else queue MEMLIMIT; 0 none */
	bool mem_hard;		/* -M limit! : killed at it whatever lsf.conf says */
	long run_limit;		/* -W, else queue RUNLIMIT, seconds; -1 none */
	uint64_t rsv_kb;	/* memory booked: rusage[mem], else -M; 0 none */
	bool exclusive;		/* -x */
	bool rerunnable;	/* -r, or queue RERUNNABLE without -rn */
	char **mhosts;		/* -m words ("h1", "grp+2", "others"); NULL any */
	char **xhosts;		/* hosts an exit in EXCLUDE() ruled out; NULL none */
	int user_prio;		/* -sp; 0 unset */
	struct gpureq gpu;	/* -gpu / rusage[ngpus_physical]; num 0: none */
	struct jobcons_need *cons;	/* rusage of declared consumables */
	size_t ncons;
	char *shape;		/* jobs of one shape are placed alike */
	char *err;		/* the requirements can no longer be met */
	int refs;		/* jobs with the same requirements share one */
};

/* Builds the requirements of a submit request (SUBMIT) for queue. */
struct jobreq *jobreq_build(const struct conf *c, const json_t *spec,
    const char *queue, char *err, size_t errlen);
/* j's requirements, parsed on first use and kept on the job. */
const struct jobreq *jobreq_of(struct master *m, struct job *j);

/* A running job as backfill sees it: what it holds on one host until end. */
struct place_run {
	long end;		/* LONG_MAX: no run limit */
	int slots;
	uint64_t mem;		/* KB booked there (rusage[mem], -M) */
	bool excl;		/* -x */
	const char *user, *queue;	/* per-host limits it counts in */
	const void *owner;	/* the element (snapshot.c keeps runs by it) */
	long mem_until;		/* mem is booked until then; LONG_MAX always */
};
/* A total order of runs (end first), so that a host's runs sort alike
 * whatever order they were added in (snapshot.c keeps them sorted). */
int place_run_cmp(const void *a, const void *b);

struct place_host {
	const char *name;
	struct host *h;		/* NULL in tests and the benchmark */
	bool usable;		/* open and reachable */
	int maxslots, used, ncpus;
	int jlu;		/* lsb.hosts JL/U, -1 none */
	uint64_t mem_total, mem_rsv;	/* KB; mem_rsv booked by running jobs */
	bool excl;		/* an exclusive job runs here */
	int rsv_slots;		/* free slots held for a waiting big job */
	uint64_t rsv_mem;	/* ... and free memory (KB) */
	long rsv_until;		/* ... which starts then */
	long rsv_job;
	struct place_run *runs;
	size_t nruns;
	bool runs_sorted;	/* by end (place.c sorts them once a snapshot) */
	struct sel_host sel;
};

/* What placement needs to know of one job. */
struct place_job {
	long id;
	const struct jobreq *req;
	const char *user, *queue;
	char **qhosts;		/* queue HOSTS; NULL all */
	int hjob_limit, pjob_limit;	/* -1 none */
};

struct place_result {
	int n;			/* hosts used */
	int *idx, *slots;	/* host index and slots on it */
	int total;
	const char *reason;	/* LSF wording (LSF.md 3.8) when it failed */
	char detail[256];	/* the concrete constraint */
	bool slots_only;	/* failed only for lack of free slots now */
	bool reservable;	/* failed for what running jobs hold (slots,
				   memory, an idle host, slots on one host,
				   per-host limits): place_reserve may hold it */
};

struct limits;
struct fairshare;
struct place_bucket;

struct place_ctx {
	struct place_host *hosts;
	size_t nhosts;
	const struct schedconf *sc;
	bool per_task;		/* RESOURCE_RESERVE_PER_TASK */
	long now;
	struct limits *lim;	/* per-host user/queue counters, or NULL */
	struct place_bucket **buckets;	/* by shape, this pass */
	size_t nbuckets;
	const struct jobreq *last_req;	/* the bucket of the last job placed */
	struct consum *cons;	/* what running jobs hold (consum.h), or NULL */
	struct place_bucket *last_bucket;
};

/* place.c */
void place_ctx_init(struct place_ctx *x, struct place_host *hosts, size_t n,
    const struct schedconf *sc, long now);
void place_ctx_reset(struct place_ctx *x);	/* forgets this pass's buckets */
void place_ctx_free(struct place_ctx *x);	/* buckets only, not hosts */
/* Places pj; 0 with r filled and the snapshot updated, or -1 with reason. */
int place_job(struct place_ctx *x, const struct place_job *pj,
    struct place_result *r);
/* Holds what pj (failed, reservable) waits for on the host(s) where it
 * will be free soonest, so that only jobs ending before then use it. */
void place_reserve(struct place_ctx *x, const struct place_job *pj);
void place_result_free(struct place_result *r);
/* Memory a job books on one host for slots slots (KB). */
uint64_t place_booking(const struct jobreq *req, int slots, bool per_task);

/* snapshot.c: the hosts and running jobs of m as placement sees them,
 * built afresh; counts running slots into lim (unless NULL). */
struct place_host *snapshot_build(struct master *m, long now, struct limits *lim,
    size_t *n);
void snapshot_free(struct place_host *hosts, size_t n);
/* The kept snapshot brought up to date for a pass at now: equal to
 * snapshot_build's (reservations cleared), with its running slots in *lim;
 * both stay owned by the snapshot. */
struct place_host *snapshot_sync(struct master *m, long now, struct limits **lim,
    size_t *n);
/* A pass placed a job (its slots are in the snapshot and *lim until the
 * start event it makes is seen at the next sync). */
void snapshot_placed(struct master *m, const char *queue, const char *user,
    const struct place_result *r);
struct snapshot;
void snapshot_state_free(struct snapshot *s);
/* The notifications (what changed) are in master.h. */
/* Sets host->excl where exclusive jobs run (bhosts closed_Excl), clears
 * host->rsv; for when no job is pending. */
void snapshot_mark_excl(struct master *m);

/* limits.c: slot counters keyed by queue, user and host index. */
struct limits *limits_new(void);
/* Counts only what some limit of c reads (a new one counts everything). */
void limits_configure(struct limits *l, const struct conf *c);
void limits_free(struct limits *l);
void limits_add(struct limits *l, const struct schedconf *sc, const char *queue,
    const char *user, int hidx, int slots);
/* Slots pj may still take on host hidx by JL/U, JL/P, HJOB and PJOB. */
int limits_host_room(struct limits *l, const struct schedconf *sc,
    const struct place_job *pj, const struct place_host *h, int hidx);
/* The per-host limit that binds pj on host hidx, as "JL/U 2/2 on big";
 * -1 when none applies. */
int limits_host_why(struct limits *l, const struct schedconf *sc,
    const struct place_job *pj, const struct place_host *h, int hidx, char *buf,
    size_t len);
/* Queue and user limits over the cluster; 0, or -1 with reason/detail. */
int limits_check(struct limits *l, const struct schedconf *sc,
    const struct conf_queue *q, const char *user, int slots,
    const char **reason, char *detail, size_t len);
long limits_count(struct limits *l, const char *kind, const char *a,
    const char *b);

/* fairshare.c: decayed usage per queue and user or group account
 * (a group account's name is "@group"). */
struct fairshare;
struct fairshare *fairshare_new(long now);	/* usage counts from now */
void fairshare_free(struct fairshare *f);
/* Decays the usage from the last charge to now. */
void fairshare_age(struct fairshare *f, long now, double half_life_hours);
/* Adds usage to user and, unless NULL, to its group account. */
void fairshare_charge(struct fairshare *f, const char *queue, const char *user,
    const char *group, double slot_seconds);
void fairshare_started(struct fairshare *f, const char *queue, const char *user,
    const char *group, int slots);
/* The dynamic priority of an account in queue (higher goes first). */
double fairshare_priority(struct fairshare *f, const char *queue,
    const char *name, int shares);
double fairshare_usage(struct fairshare *f, const char *queue, const char *name);
long fairshare_running_slots(struct fairshare *f, const char *queue,
    const char *name);
/* user's group account in sq as "@group" (in buf), or NULL for its own;
 * *shares the account's. */
const char *fairshare_group(const struct schedconf *sc,
    const struct schedconf_queue *sq, const char *user, int *shares, char *buf,
    size_t len);
/* The master's timer: every 10 s charges running jobs and ages usage. */
void fairshare_tick(struct master *m, long now);
/* Recounts the slots running jobs hold, for a pass. */
void fairshare_count_running(struct master *m, struct fairshare *f);
/* Charges what e ran since the last tick; e is leaving its host. */
void fairshare_released(struct master *m, struct elem *e);
void fairshare_job_started(struct master *m, struct fairshare *f, struct job *j,
    int slots);
/* Durable usage: fn gets each "queue|account" whose usage moved since it
 * was last saved, with the time it is aged to. */
typedef void (*fairshare_save_fn)(void *arg, const char *key, double usage,
    long when);
void fairshare_save(struct fairshare *f, fairshare_save_fn fn, void *arg);
/* Restoring: each saved row, then fairshare_loaded ages them to the
 * newest row's time, from which the next tick charges running jobs. */
void fairshare_load(struct fairshare *f, const char *key, double usage,
    long when);
void fairshare_loaded(struct fairshare *f, long now, double half_life_hours);
/* The master: writes moved usage into the open transaction; reads it back
 * at start-up (0, or -1). */
void fairshare_commit(struct master *m);
int fairshare_restore(struct master *m);
/* Every entry (key "queue|account", d usage, n running slots). */
void fairshare_each(struct fairshare *f, void (*fn)(struct strmap_ent *, void *),
    void *arg);
/* fairshow.c: a FAIRSHARE queue's accounts for bqueues -l, else NULL. */
json_t *fairshare_queue_json(struct master *m, const char *queue);

/* sched.c: the state kept between passes. */
struct sched_item;
struct sched_state {
	struct fairshare *fs;
	struct snapshot *snap;	/* the hosts as passes see them (snapshot.c) */
	/* A pass cut short by its time slice resumes here with the same
	 * order (jobs found again by id), so a long backlog is walked in
	 * slices instead of restarting at the head every time. */
	struct sched_item *items;
	size_t nitems, pos;
	long max_id;		/* the newest job when the walk began */
	/* The walk's order is built in slices too (sched.c, "the walk's
	 * order"): pending jobs collected after cursor_id, then sorted in
	 * runs merged pairwise through tmp; items is non-NULL meanwhile. */
	int building;		/* SCHED_BUILD_* (sched.c); 0 when walking */
	size_t cap, width, lo;
	long cursor_id;
	struct sched_item *tmp;
	long slice_us;		/* a slice's time budget; 0 the default */
	/* A walk costs O(pending jobs) however few it starts: the next one
	 * waits as long as this one took (sched.c, sched_walk_gap). */
	uint64_t walk_us, next_walk;	/* now_mono_us() */
	/* Jobs that reserved earlier in the walk: each slice builds a new
	 * snapshot, so they are tried again (they start, or reserve again)
	 * before the walk resumes. */
	long *rsv;
	size_t nrsv;
	const struct conf *conf;	/* seen last; badmin reconfig swaps it */
	struct strmap reqs;	/* shared jobreqs by key (jobreq.c), p = jobreq */
	char *req_memo_raw;	/* the raw key (jobreq.c) of the last lookup */
	struct jobreq *req_memo;	/* and its jobreq, held by reqs */
};
/* m's scheduler state, created on first use. */
struct sched_state *sched_state(struct master *m);
/* Drops the table of shared jobreqs (each job keeps its own reference). */
void jobreq_flush(struct sched_state *st);

#endif
