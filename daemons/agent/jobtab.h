/*
 * jobtab.h - the agent's table of the jobs and blaunch tasks it holds,
 * shared by jobs.c (which owns it) and tasks.c (blaunch tasks, entries of
 * the same table with a task number) and nothing else.
 */
#ifndef PUMICE_JOBTAB_H
#define PUMICE_JOBTAB_H

#include <sys/queue.h>
#include <stdbool.h>
#include <jansson.h>
#include <uv.h>

#include "spool.h"

struct jobspec;

struct job {
	TAILQ_ENTRY(job) entry;
	struct jobs *js;
	long long id, idx;
	long long tid;		/* a blaunch task's number, 0: a job */
	long task_pid;		/* its start order, answered once it started */
	long long attempt;	/* the master's dispatch number (0: unknown) */
	char key[SPOOL_KEY_MAX];
	char *dir;
	char *user;
	pid_t shepherd;		/* -1 when unknown */
	int queued;		/* spooled, waits for this turn's sync */
	int spawning;		/* handed to the shepherd server, no pid yet */
	int ours;		/* forked by our server, which reports its exit */
	int shepherd_gone;	/* our server saw it exit */
	json_t *fin;		/* the finished message, once ended */
	uv_timer_t *killt;	/* INT -> TERM -> KILL escalation */
	int kill_step;
	int pending_sig;	/* waits for the pgid to be spooled */
	int *slots;		/* the cpu slots it holds here (job.json "slots") */
	int nslots;
};

struct jobs {
	struct agent *a;
	TAILQ_HEAD(, job) list;
	uv_fs_event_t watch;
	int watching;
	struct shepconn *shep;
	uv_prepare_t commit;	/* syncs and starts this turn's runs */
	int spoolfd;		/* the spool directory, for spool_sync */
	int nqueued;
};

/* jobs.c */
struct job *jobs_find_task(const struct jobs *js, long long id, long long idx,
    long long tid);
struct job *jobs_add(struct jobs *js, long long id, long long idx, long long tid);
void jobs_drop(struct jobs *js, struct job *j);
/* The checks before a job or task may start; -1 with err for a refusal. */
int jobs_admit(struct jobs *js, const struct jobspec *spec, char *err, size_t errlen);
/* Hands j, its stdio the relay's (jobtty.c), to the shepherd server. */
int jobs_start_io(struct jobs *js, struct job *j, const struct jobspec *s, char *err,
    size_t errlen);

/* tasks.c: what jobs.c hears of a task from the shepherd server and the
 * spool. */
void tasks_started(struct jobs *js, struct job *j);
void tasks_unrun(struct jobs *js, struct job *j, const char *err);
void tasks_end(struct jobs *js, struct job *j, const json_t *st);
void tasks_stale(struct jobs *js, const char *key);

#endif
