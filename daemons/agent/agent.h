/*
 * agent.h - the node agent's context and what its modules export to each
 * other. main.c fills one struct agent; every libuv callback reaches it
 * through its handle's data pointer, never through a global. Modules own
 * their handles: *_close() starts closing them, and once the loop has run
 * dry *_free() releases the memory.
 */
#ifndef PUMICE_AGENT_H
#define PUMICE_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include <jansson.h>

#include "auth.h"
#include "hostinfo.h"

struct conf;
struct link;
struct relay;
struct jobs;
struct jobttys;
struct jobspec;

/* What the command line gave; NULL/0 fields take their defaults. */
struct agent_opts {
	const char *envdir, *host, *spool, *socket, *master, *logfile, *pidfile;
	const char *mem;	/* size, default unit MB */
	int ncpus;
	int debug;
	char **argv;		/* the command line, for a restart (hrestart) */
};

struct agent {
	uv_loop_t loop_storage;
	uv_loop_t *loop;
	struct conf *conf;
	struct auth_key key;
	char *key_file;
	char *host;
	int ncpus;		/* pretended cores, 0 = detected */
	uint64_t mem_kb;	/* pretended memory, 0 = detected */
	char *spool;		/* this host's spool directory */
	char *sockpath;		/* local command socket */
	char *master_host;
	char *master_port;
	char *shepherd;		/* path of pumice-shepherd */
	char *logfile;		/* passed on to shepherds, may be NULL */
	char *pidfile;
	int pid_written;
	int stopping;
	int restart;		/* re-execute after the loop (badmin hrestart) */
	int kill_interval;	/* seconds between INT, TERM and KILL */
	int runlimit_grace;	/* s from SIGUSR2 at the run limit to SIGKILL */
	int preexec_retry;	/* s a failed pre-exec holds its slot */
	int mem_watch;		/* memory limits by RSS, never by cgroup */
	struct hostinfo_sampler sampler;
	struct link *link;
	struct relay *relay;
	struct jobs *jobs;
	struct jobttys *ttys;	/* interactive jobs' I/O (jobtty.c) */
	uv_timer_t tick;	/* 1 s: spool scan backstop, load sampling */
	uv_signal_t sigterm, sigint;
};

/* agent.c: sets up, runs the loop until SIGTERM/SIGINT, tears down. */
int agent_main(const struct agent_opts *o);
/* The master's "restart" order: stop as on SIGTERM (jobs go on), then
 * re-execute the same command line; the new agent adopts the jobs. */
void agent_restart(struct agent *a);
/* The master's "shutdown" order: stop as on SIGTERM (jobs go on). */
void agent_shutdown(struct agent *a);

/* link.c: the connection to the master. */
struct link *link_new(struct agent *a);
void link_start(struct link *l);
int link_is_up(const struct link *l);
/* Sends msg (reference stolen) when registered; -1 when the link is down. */
int link_send(struct link *l, json_t *msg);
void link_close(struct link *l);
void link_free(struct link *l);

/* jobs.c: the jobs this node holds, mirrored in the spool. */
struct jobs *jobs_new(struct agent *a);
/* Rebuilds the table from the spool (running and unacknowledged jobs). */
int jobs_load(struct jobs *js, char *err, size_t errlen);
void jobs_on_run(struct jobs *js, const json_t *msg);
void jobs_on_signal(struct jobs *js, const json_t *msg);
void jobs_on_finish_ack(struct jobs *js, const json_t *msg);
/* tasks.c: a blaunch task to start, {pid, job: JOBSPEC with task}. */
void tasks_on_run(struct jobs *js, const json_t *msg);
/* Notices finished or lost jobs; called on spool events and every tick. */
void jobs_scan(struct jobs *js);
/* [{id, idx}] of every job held, for register. */
json_t *jobs_list(const struct jobs *js);
int jobs_running(const struct jobs *js);
/* The last usage sample of each running job (usage.h), for the heartbeat. */
json_t *jobs_usage(const struct jobs *js);
/* Sends every unacknowledged finish again (after register). */
void jobs_resend(struct jobs *js);
void jobs_close(struct jobs *js);
void jobs_free(struct jobs *js);

/* shepconn.c: the agent's long-lived shepherd (pumice-shepherd -s). */
struct shepconn;
struct shepconn_cbs {
	/* the job of spool key's shepherd is forked, or could not be (errno) */
	void (*started)(void *arg, const char *key, pid_t pid);
	void (*failed)(void *arg, const char *key, int err);
	/* a shepherd it forked exited (a waitpid status) */
	void (*exited)(void *arg, pid_t pid, int wstatus);
	/* the server is gone: no started/exited will come for what it held */
	void (*lost)(void *arg);
	void *arg;
};
struct shepconn *shepconn_new(struct agent *a, const struct shepconn_cbs *cb);
/* Hands the jobs of n spool keys to the server, starting one if needed. */
int shepconn_run(struct shepconn *sc, const char *const *keys, size_t n, char *err,
    size_t errlen);
/* Hands a job or blaunch task (key <id>.<idx>[.<tid>]) over with the
 * fds its shepherd gets as 0, 1, 2 (SCM_RIGHTS). */
int shepconn_io(struct shepconn *sc, const char *key, const int fds[3], char *err,
    size_t errlen);
void shepconn_close(struct shepconn *sc);
void shepconn_free(struct shepconn *sc);

/* outpeek.c: bpeek's peek order, answered from a work thread. */
void outpeek_on_request(struct agent *a, const json_t *msg);

/* jobtty.c: interactive jobs' stdio (bsub -I), relayed by "io" orders.
 * jobtty_open gives the job's ends in child[] (fds 0, 1, 2 of the
 * shepherd), which jobtty_spawned closes once the shepherd has them. */
struct jobttys *jobtty_new(struct agent *a);
int jobtty_open(struct jobttys *t, const struct jobspec *s, int child[3], char *err,
    size_t errlen);
void jobtty_spawned(struct jobttys *t, long long id, long long idx, long long tid,
    int child[3], bool ok);
void jobtty_forget(struct jobttys *t, long long id, long long idx, long long tid);
/* A blaunch task's status, given to blaunch with the end of its output. */
void jobtty_task_ended(struct jobttys *t, long long id, long long idx, long long tid,
    int exit_code, int sig);
void jobtty_on_request(struct jobttys *t, const json_t *msg);
void jobtty_close(struct jobttys *t);
void jobtty_free(struct jobttys *t);

/* relay.c: the local command socket. */
struct relay *relay_new(struct agent *a, const char *path, char *err, size_t errlen);
void relay_on_reply(struct relay *r, const json_t *msg);
/* Fails every request waiting for the master with "unreachable". */
void relay_link_down(struct relay *r);
void relay_close(struct relay *r);
void relay_free(struct relay *r);

#endif
