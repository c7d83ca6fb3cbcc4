/*
 * schedconf.h - what the scheduler reads from the configuration beyond
 * conf.h: the lsf.cluster Host table (model, type, RESOURCES), lsb.hosts
 * (Host MXJ and JL/U, HostGroup), lsb.users (UserGroup, User MAX_JOBS and
 * JL/P), the scheduling keys of lsb.queues (RUNLIMIT, MEMLIMIT, RES_REQ,
 * EXCLUSIVE, FAIRSHARE, RERUNNABLE, REQUEUE_EXIT_VALUES) and of lsb.params
 * (MAX_USER_PRIORITY, RESOURCE_RESERVE_PER_TASK, HIST_HOURS). Loaded by
 * conf_load for the master (conf->sched); errors are "file:line: message".
 */
#ifndef PUMICE_SCHEDCONF_H
#define PUMICE_SCHEDCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpureq.h"
#include "resmap.h"
#include "resreq.h"

struct conf;

#define SCHEDCONF_MXJ_NCPUS (-2)	/* MXJ "!" */

struct schedconf_host {		/* lsf.cluster Host row */
	char *name, *model, *type;	/* NULL: as the agent reports */
	char **resources;		/* NULL-terminated */
};

struct schedconf_hostlim {	/* lsb.hosts Host row */
	char *name;		/* host, model, type, or "default" */
	int mxj;		/* -1 unset, SCHEDCONF_MXJ_NCPUS, else slots */
	int jlu;		/* -1 unlimited */
};

struct schedconf_group {	/* lsb.hosts HostGroup / lsb.users UserGroup */
	char *name;
	char **members;		/* NULL-terminated, may name groups */
};

struct schedconf_ulim {		/* lsb.users User row */
	char *name;		/* user, group, "group@" or "default" */
	int max_jobs, jlp;	/* -1 unlimited */
};

struct schedconf_share {
	char *name;		/* user, group (one account), group@ (each
				   member its own) or "default" */
	int shares;
};

#define SCHEDCONF_REQUEUE 1		/* REQUEUE_EXIT_VALUES: requeue */
#define SCHEDCONF_REQUEUE_EXCLUDE 2	/* ... EXCLUDE(): and avoid the host */

struct schedconf_queue {	/* parallel to conf->queues */
	long runlimit_def, runlimit_max;	/* seconds, -1 none */
	uint64_t memlimit_def, memlimit_max;	/* KB, 0 none */
	char *res_req;		/* NULL none (checked at load) */
	bool exclusive;
	bool rerunnable;	/* RERUNNABLE = yes */
	unsigned char requeue_exit[256];	/* by exit code: SCHEDCONF_REQUEUE* */
	int max_requeue;	/* MAX_JOB_REQUEUE, -1: lsb.params' */
	struct schedconf_share *shares;		/* FAIRSHARE; NULL = FCFS */
	size_t nshares;
};

struct schedconf {
	struct schedconf_host *hosts;
	size_t nhosts;
	struct schedconf_hostlim *hostlims;
	size_t nhostlims;
	struct schedconf_group *hgroups, *ugroups;
	size_t nhgroups, nugroups;
	struct schedconf_ulim *ulims;
	size_t nulims;
	struct schedconf_queue *queues;		/* conf->nqueues of them */
	int max_user_priority;		/* 0: -sp not enabled */
	bool reserve_per_task;
	double hist_hours;		/* fairshare usage half-life (5) */
	int max_job_requeue;		/* MAX_JOB_REQUEUE, -1 unlimited */
	struct resmap rmap;		/* lsf.shared Resource, lsf.cluster ResourceMap */
	struct gpureq gpu_default;	/* lsf.conf LSB_GPU_REQ (unset keys: LSF's) */
};

/* Loads the scheduler's part for c (queues already loaded). */
struct schedconf *schedconf_load(const struct conf *c, char *err, size_t errlen);
void schedconf_free(struct schedconf *s, size_t nqueues);

const struct schedconf_host *schedconf_host(const struct schedconf *s,
    const char *name);
/* MXJ and JL/U for a host (by name, then model, type, default). */
void schedconf_host_limits(const struct schedconf *s, const char *name,
    const char *model, const char *type, int *mxj, int *jlu);
const struct schedconf_group *schedconf_hgroup(const struct schedconf *s,
    const char *name);
/* True when host is in group (recursively; "all" holds every host). */
const struct schedconf_group *schedconf_ugroup(const struct schedconf *s,
    const char *name);
/* The scheduling part of the queue named name, or NULL. */
const struct schedconf_queue *schedconf_queue_of(const struct conf *c,
    const char *name);
bool schedconf_hgroup_has(const struct schedconf *s, const char *group,
    const char *host);
bool schedconf_ugroup_has(const struct schedconf *s, const char *group,
    const char *user);
/* The User row that limits user, or NULL; *group_total when a group row
 * (not "@") limits the group as a whole. */
const struct schedconf_ulim *schedconf_user_limit(const struct schedconf *s,
    const char *user, bool *group_total);
/* Fairshare shares of user in q (0 when the queue gives it none). */
int schedconf_shares(const struct schedconf *s, const struct schedconf_queue *q,
    const char *user);
/* The fairshare account user's jobs count in: NULL for the user's own (a
 * [user,N] or [group@,N] row, or default), else the group of a [group,N]
 * row, whose members share its N shares; *shares the account's shares. */
const char *schedconf_share_account(const struct schedconf *s,
    const struct schedconf_queue *q, const char *user, int *shares);

#endif
