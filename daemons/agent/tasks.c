/*
 * tasks.c - blaunch tasks on this node: the master's "task" order carries
 * the job's run spec with the task's number and command; the task is
 * spooled as jobs/<id>.<idx>.<tid>, its stdio is a relay of jobtty.c, and
 * it starts through the long-lived shepherd as jobs do (jobs_start_io).
 * The order is answered (io_rep, as the relay's other orders) once the
 * task's shepherd is forked, or could not be. A task's end goes to
 * blaunch with its output's end (jobtty_task_ended) and to the master as
 * task_done (its usage, charged to the job); nothing of it stays after,
 * and none outlives the agent whose relay it had (tasks_stale).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "jobspec.h"
#include "jobtab.h"
#include "log.h"
#include "spool.h"
#include "util.h"

static void
tasks_reply(struct jobs *js, long pid, bool ok, const char *err, json_t *extra)
{
	json_t *m = json_pack("{s:s, s:I, s:b}", "t", "io_rep", "pid", (json_int_t)pid,
	    "ok", ok);

	if (!ok) {
		json_object_set_new(m, "err", json_string(err));
		json_object_set_new(m, "code", json_string("rejected"));
	}
	if (extra != NULL)
		json_object_update(m, extra);
	json_decref(extra);
	link_send(js->a->link, m);
}

void
tasks_started(struct jobs *js, struct job *j)
{
	log_info("job %lld[%lld] task %lld started for %s: shepherd %d", j->id, j->idx,
	    j->tid, j->user, (int)j->shepherd);
	tasks_reply(js, j->task_pid, true, NULL, json_pack("{s:I, s:s}", "task",
	    (json_int_t)j->tid, "host", js->a->host));
	j->task_pid = 0;
}

void
tasks_unrun(struct jobs *js, struct job *j, const char *err)
{
	log_warnx("job %lld[%lld] task %lld not started: %s", j->id, j->idx, j->tid, err);
	jobtty_forget(js->a->ttys, j->id, j->idx, j->tid);
	if (j->task_pid != 0)
		tasks_reply(js, j->task_pid, false, err, NULL);
	spool_remove(js->a->spool, j->key);
	jobs_drop(js, j);
}

/* Its status to blaunch (with its output's end) and its usage to the
 * master, which charges it to the job; then nothing of it stays. */
void
tasks_end(struct jobs *js, struct job *j, const json_t *st)
{
	int code = (int)json_integer_value(json_object_get(st, "exit_code"));
	int sig = (int)json_integer_value(json_object_get(st, "signal"));

	log_info("job %lld[%lld] task %lld ended: exit code %d", j->id, j->idx, j->tid, code);
	if (j->task_pid != 0)
		tasks_reply(js, j->task_pid, false, "the task's shepherd is gone", NULL);
	jobtty_task_ended(js->a->ttys, j->id, j->idx, j->tid, code, sig);
	link_send(js->a->link, json_pack("{s:s, s:I, s:I, s:I, s:i, s:i, s:o, s:o}",
	    "t", "task_done", "id", (json_int_t)j->id, "idx", (json_int_t)j->idx,
	    "task", (json_int_t)j->tid, "exit_code", code, "signal", sig,
	    "cpu", json_real(json_number_value(json_object_get(st, "cpu"))),
	    "maxrss", json_integer(json_integer_value(json_object_get(st, "maxrss")))));
	spool_remove(js->a->spool, j->key);
	jobs_drop(js, j);
}

/* A task left by an agent that went: its relay went with it. */
void
tasks_stale(struct jobs *js, const char *key)
{
	char *dir = spool_job_dir(js->a->spool, key);
	pid_t pg = spool_read_pid(dir, "pgid");

	log_warnx("blaunch task %s outlived its agent's relay; killed and removed", key);
	if (pg > 0 && spool_read_status(dir) == NULL)
		kill(-pg, SIGKILL);
	spool_remove(js->a->spool, key);
	free(dir);
}

/* The task's spec as spooled: the job's, run here, on no slot of its own. */
static int
tasks_spool(struct jobs *js, const char *key, const json_t *spec, char *err,
    size_t errlen)
{
	struct agent *a = js->a;
	struct jobspec_local l = { .exec_host = a->host, .runlimit_grace = a->runlimit_grace,
		.mem_watch = a->mem_watch };
	json_t *full = jobspec_build(spec, &l);
	int r = spool_write_spec(a->spool, key, full, err, errlen);

	json_decref(full);
	return r;
}

/* The order's spec, if it is a task's this node may run; -1 with err. */
static int
tasks_check(struct jobs *js, const json_t *spec, struct jobspec *s, char *err,
    size_t errlen)
{
	if (jobspec_parse(spec, s, err, errlen) < 0)
		return -1;
	if (s->task <= 0)
		return errf(err, errlen, "not a task");
	if (s->interactive != JOBSPEC_IO_PIPE)
		return errf(err, errlen, "a task's stdio is a pipe");
	if (jobs_find_task(js, s->id, s->idx, s->task) != NULL)
		return errf(err, errlen, "task already started");
	return jobs_admit(js, s, err, errlen);
}

void
tasks_on_run(struct jobs *js, const json_t *msg)
{
	long pid = (long)json_integer_value(json_object_get(msg, "pid"));
	const json_t *spec = json_object_get(msg, "job");
	char key[SPOOL_KEY_MAX], err[1024];
	struct jobspec s;
	struct job *j;

	if (tasks_check(js, spec, &s, err, sizeof(err)) < 0)
		return tasks_reply(js, pid, false, err, NULL);
	spool_task_key(s.id, s.idx, s.task, key);
	if (tasks_spool(js, key, spec, err, sizeof(err)) < 0) {
		spool_remove(js->a->spool, key);
		return tasks_reply(js, pid, false, err, NULL);
	}
	j = jobs_add(js, s.id, s.idx, s.task);
	j->user = xstrdup(s.user);
	j->task_pid = pid;
	if (jobs_start_io(js, j, &s, err, sizeof(err)) < 0)
		return tasks_unrun(js, j, err);
}
