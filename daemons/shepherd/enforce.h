/*
 * enforce.h - what the shepherd enforces on its job (JOBSPEC mem_limit,
 * run_limit, cpus, umask, rlimits): the memory limit through a cgroup
 * (cgroup.h) or, where none can be used, by summing the RSS of the job's
 * process group every second; the run limit by SIGUSR2 at the limit and
 * SIGKILL runlimit_grace seconds later. A watcher thread does the periodic
 * part, so it goes on whatever the shepherd's main thread blocks on
 * (wait4, copying output). Blocking code: shepherd only.
 */
#ifndef PUMICE_ENFORCE_H
#define PUMICE_ENFORCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cgroup.h"
#include "jobspec.h"
#include "usage.h"

#define ENFORCE_MEM_REASON "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit"
#define ENFORCE_RUN_REASON "TERM_RUNLIMIT: job killed after reaching LSF run time limit"

struct enforce {
	const struct jobspec *js;
	struct cgroup cg;	/* cg.path NULL: RSS watching */
	pid_t pgid;
	uint64_t start_ms;	/* monotonic, when the job was released */
	int warned, killed;
	const char *jobdir;	/* where usage.json goes (set before enforce_start) */
	struct usage use;	/* the watcher's; read by the main thread after the join */
	const char *reason;	/* ENFORCE_*_REASON once one was hit */
	pthread_t thread;
	int running;		/* the watcher thread exists */
	int deferred;		/* no watcher yet: enforce_first_second() */
	unsigned first_tick;	/* the watcher's first tick (1 when deferred) */
	int sync;		/* mu and cv initialised */
	pthread_mutex_t mu;	/* guards stop */
	pthread_cond_t cv;	/* signalled by enforce_stop: the watcher ends at once */
	int stop;
};

/* Before the fork: a cgroup when there is a memory limit. */
void enforce_setup(struct enforce *l, const struct jobspec *js, const char *key);
/* Parent, after the fork, before the job may exec: into the cgroup. */
void enforce_attach(struct enforce *l, pid_t pid);
/* Child, before exec: umask, rlimits, cpu affinity. */
void enforce_child(const struct jobspec *js);
/*
 * Parent, once the job was released: starts watching it. With defer, and
 * no limit to watch, the watcher waits until the job outlived its first
 * second (enforce_first_second): a short job never needs one, and its
 * thread was a tenth of the shepherd's work per trivial job.
 */
void enforce_start(struct enforce *l, bool defer);
/*
 * Parent, after enforce_start and before reaping the job: waits until it
 * ended or its first second is over, and then starts a deferred watcher
 * (its usage sample is the one at one second). No-op when none is deferred.
 */
void enforce_first_second(struct enforce *l);
/*
 * After the job was reaped: stops watching, kills what is left of a job
 * with a cgroup, removes the cgroup; a limit's reason goes into reason
 * unless it already holds one.
 */
void enforce_stop(struct enforce *l, char *reason, size_t reasonlen);
/* One check of every limit (the watcher calls it each second). */
void enforce_tick(struct enforce *l);

/* The largest memory use seen (KB): limit checks and usage samples. */
uint64_t enforce_max_mem(const struct enforce *l);

#endif
