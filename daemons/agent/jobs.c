/*
 * jobs.c - the jobs this node holds: started on `run`, signalled on
 * `signal`, reported `finished` once their shepherd left a status in the
 * spool, forgotten on `finish_ack`. The table mirrors spool/jobs/ exactly
 * and is rebuilt from it at start-up, so an agent restart loses nothing
 * and runs nothing twice. The runs of one loop turn are spooled together:
 * their job.json files written, one spool_sync, then all handed to the
 * long-lived shepherd (shepconn.c), which forks a shepherd for each. An
 * interactive job goes to it at once, its relay's pipes with it.
 * blaunch tasks (tasks.c) are entries of the same table with a task
 * number (tid > 0): started through the same shepherd server, with the
 * relay's pipes as stdio; their end goes to blaunch (jobtty.c) and to the
 * master as task_done, never as a job's finish, and nothing of them is
 * kept past their end (an agent restart ends them, as interactive jobs).
 * Invariants: job.json is durable before a shepherd starts; a job is
 * removed from disk and table only after the master acknowledged its
 * finish; a finish is (re)sent after every register until then.
 */
#include <sys/queue.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "agent.h"
#include "jobtab.h"
#include "cpus.h"
#include "jobspec.h"
#include "log.h"
#include "outconf.h"
#include "refuse.h"
#include "spool.h"
#include "usage.h"
#include "util.h"

static const struct {
	const char *name;
	int sig;
} jobs_signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ABRT", SIGABRT }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 },
	{ "USR2", SIGUSR2 }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
	{ "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ }, { "WINCH", SIGWINCH }, { "URG", SIGURG },
};

static const int jobs_kill_steps[] = { SIGINT, SIGTERM, SIGKILL };

static void jobs_check(struct jobs *js, struct job *j);

/* "TERM", "SIGTERM", "15" or 15 -> 15; 0 when unknown. */
static int
jobs_sig_parse(const json_t *v)
{
	const char *s = json_string_value(v);
	char *end;
	long n;
	size_t i;

	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if (s == NULL)
		return 0;
	else if (s[0] >= '0' && s[0] <= '9') {
		n = strtol(s, &end, 10);
		if (*end != '\0')
			return 0;
	} else {
		if (strncasecmp(s, "SIG", 3) == 0)
			s += 3;
		for (i = 0; i < nitems(jobs_signames); i++)
			if (strcasecmp(s, jobs_signames[i].name) == 0)
				return jobs_signames[i].sig;
		return 0;
	}
	return n > 0 && n < NSIG ? (int)n : 0;
}

static struct job *
jobs_find(const struct jobs *js, long long id, long long idx)
{
	struct job *j;

	TAILQ_FOREACH(j, &js->list, entry)
		if (j->id == id && j->idx == idx && j->tid == 0)
			return j;
	return NULL;
}

struct job *
jobs_find_task(const struct jobs *js, long long id, long long idx, long long tid)
{
	struct job *j;

	TAILQ_FOREACH(j, &js->list, entry)
		if (j->id == id && j->idx == idx && j->tid == tid)
			return j;
	return NULL;
}

struct job *
jobs_add(struct jobs *js, long long id, long long idx, long long tid)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->js = js;
	j->id = id;
	j->idx = idx;
	j->tid = tid;
	j->shepherd = -1;
	if (tid > 0)
		spool_task_key(id, idx, tid, j->key);
	else
		spool_key(id, idx, j->key);
	j->dir = spool_job_dir(js->a->spool, j->key);
	TAILQ_INSERT_TAIL(&js->list, j, entry);
	return j;
}

/* The attempt and slots job.json names, for a job found at start-up. */
static void
jobs_load_spec(struct job *j)
{
	char *path = xasprintf("%s/job.json", j->dir), err[256];
	struct jobspec s;
	json_t *spec = jobspec_load(path, &s, err, sizeof(err));
	size_t i;

	free(path);
	if (spec == NULL)
		return;
	j->attempt = s.attempt;
	j->nslots = (int)json_array_size(s.slots);
	j->slots = xcalloc((size_t)j->nslots + 1, sizeof(int));
	for (i = 0; i < (size_t)j->nslots; i++)
		j->slots[i] = (int)json_integer_value(json_array_get(s.slots, i));
	json_decref(spec);
}

/* The slots the running jobs hold (malloc'd), for cpus_assign. */
static size_t
jobs_used_slots(const struct jobs *js, int **used)
{
	const struct job *j;
	size_t n = 0;

	*used = NULL;
	TAILQ_FOREACH(j, &js->list, entry)
		if (j->fin == NULL && j->nslots > 0) {
			*used = xrealloc(*used, (n + (size_t)j->nslots) * sizeof(int));
			memcpy(*used + n, j->slots, (size_t)j->nslots * sizeof(int));
			n += (size_t)j->nslots;
		}
	return n;
}

static void
jobs_close_cb(uv_handle_t *h)
{
	free(h);
}

/* Forgets a job: its handles close later, a live child is left detached. */
void
jobs_drop(struct jobs *js, struct job *j)
{
	TAILQ_REMOVE(&js->list, j, entry);
	if (j->killt != NULL)
		uv_close((uv_handle_t *)j->killt, jobs_close_cb);
	if (j->queued)
		js->nqueued--;
	json_decref(j->fin);
	free(j->user);
	free(j->slots);
	free(j->dir);
	free(j);
}

static void
jobs_reply(struct jobs *js, const char *t, long long id, long long idx,
    const char *k, json_t *v)
{
	json_t *m = json_pack("{s:s, s:I, s:I}", "t", t, "id", (json_int_t)id,
	    "idx", (json_int_t)idx);

	json_object_set_new(m, k, v);
	link_send(js->a->link, m);
}

/* A start refused, with its cause from refuse.h's table: the master
 * closes this host for a host-side cause, requeues the job either way. */
static void
jobs_refuse(struct jobs *js, long long id, long long idx, enum refuse_cause c,
    const char *err)
{
	json_t *m = json_pack("{s:s, s:I, s:I, s:s, s:s}", "t", "refused",
	    "id", (json_int_t)id, "idx", (json_int_t)idx, "cause", refuse_name(c),
	    "err", err);

	log_warnx("job %lld[%lld] refused (%s): %s", id, idx, refuse_name(c), err);
	link_send(js->a->link, m);
}

/* Sends sig to the job's process group, or keeps it until the pgid shows. */
static void
jobs_deliver(struct job *j, int sig)
{
	pid_t pgid;

	if (j->fin != NULL)
		return;
	if ((pgid = spool_read_pid(j->dir, "pgid")) <= 0) {
		j->pending_sig = sig;
		return;
	}
	j->pending_sig = 0;
	if (kill(-pgid, sig) < 0 && errno != ESRCH)
		log_warn("job %lld[%lld]: kill %d to group %d", j->id, j->idx, sig, (int)pgid);
	else
		log_info("job %lld[%lld]: signal %d sent to process group %d", j->id,
		    j->idx, sig, (int)pgid);
}

static void
jobs_kill_cb(uv_timer_t *t)
{
	struct job *j = t->data;

	jobs_deliver(j, jobs_kill_steps[j->kill_step++]);
	if (j->kill_step < (int)nitems(jobs_kill_steps) && j->fin == NULL)
		uv_timer_start(t, jobs_kill_cb, (uint64_t)j->js->a->kill_interval * 1000, 0);
}

/*
 * bkill: INT, then TERM, then KILL, kill_interval seconds apart. LSF's
 * JOB_TERMINATE_INTERVAL of 10 s makes bkill slow for no gain on small
 * clusters; main.c defaults to 2 s (lsf.conf PUMICE_KILL_INTERVAL).
 */
static void
jobs_kill(struct job *j)
{
	if (j->killt != NULL)
		return;		/* already escalating */
	j->killt = xcalloc(1, sizeof(*j->killt));
	uv_timer_init(j->js->a->loop, j->killt);
	j->killt->data = j;
	j->kill_step = 0;
	jobs_kill_cb(j->killt);
}

/*
 * A stale attempt (the master reran the job elsewhere while this host was
 * away): the shepherd must not append its job report to the job's output,
 * which the current attempt now writes (shep.c reads this mark).
 */
static void
jobs_fence(struct job *j)
{
	char *path = xasprintf("%s/fenced", j->dir);

	if (file_write_atomic(path, "1\n", 2, 0600) < 0)
		log_warn("%s", path);
	else
		log_warnx("job %lld[%lld] attempt %lld is fenced off: killed, no job report",
		    j->id, j->idx, j->attempt);
	free(path);
}

static void jobs_signal_one(struct jobs *js, struct job *j, const json_t *msg, int sig);

void
jobs_on_signal(struct jobs *js, const json_t *msg)
{
	json_int_t id = json_integer_value(json_object_get(msg, "id"));
	json_int_t idx = json_integer_value(json_object_get(msg, "idx"));
	int sig = jobs_sig_parse(json_object_get(msg, "sig"));
	json_int_t tid = json_integer_value(json_object_get(msg, "task"));	/* jobtty.c's */
	struct job *j, *tmp;
	int n = 0;

	/* the job, and its blaunch tasks here: the job's signals are theirs */
	for (j = TAILQ_FIRST(&js->list); j != NULL; j = tmp) {
		tmp = TAILQ_NEXT(j, entry);
		if (j->id == id && j->idx == idx && (tid == 0 || j->tid == tid) && ++n > 0)
			jobs_signal_one(js, j, msg, sig);
	}
	if (n == 0)
		log_info("signal for job %lld[%lld], which this node does not hold; ignored",
		    (long long)id, (long long)idx);
}

static void
jobs_signal_one(struct jobs *js, struct job *j, const json_t *msg, int sig)
{
	long long id = j->id, idx = j->idx;

	if (j->fin != NULL) {
		log_info("signal for job %lld[%lld], which has ended; ignored",
		    (long long)id, (long long)idx);
		return;
	}
	if (json_is_true(json_object_get(msg, "fenced")) && j->tid == 0)
		jobs_fence(j);
	if (json_is_true(json_object_get(msg, "kill")))
		jobs_kill(j);
	else if (sig == 0)
		log_warnx("job %lld[%lld]: unknown signal in %s; ignored",
		    (long long)id, (long long)idx, "signal");
	else
		jobs_deliver(j, sig);
}

static struct job *
jobs_find_key(const struct jobs *js, const char *key)
{
	long long id, idx, tid;

	if (spool_task_key_parse(key, &id, &idx, &tid) == 0)
		return jobs_find_task(js, id, idx, tid);
	return spool_key_parse(key, &id, &idx) < 0 ? NULL : jobs_find(js, id, idx);
}

/*
 * Hands a job or task whose stdio is the relay's (jobtty.c) to the
 * shepherd server with the relay's far ends, which travel with the
 * request (shepconn_io) and become its shepherd's fds 0, 1, 2; our
 * copies close once sent. The server answers started (or failed).
 */
int
jobs_start_io(struct jobs *js, struct job *j, const struct jobspec *s, char *err,
    size_t errlen)
{
	int child[3], r;

	if (jobtty_open(js->a->ttys, s, child, err, errlen) < 0)
		return -1;
	r = shepconn_io(js->shep, j->key, child, err, errlen);
	jobtty_spawned(js->a->ttys, s->id, s->idx, s->task, child, r == 0);
	if (r == 0)
		j->spawning = 1;
	return r;
}

/* A run that cannot go on: forgotten here and in the spool, refused. */
static void
jobs_unrun(struct jobs *js, struct job *j, enum refuse_cause c, const char *err)
{
	long long id = j->id, idx = j->idx;

	spool_remove(js->a->spool, j->key);
	jobs_drop(js, j);
	jobs_refuse(js, id, idx, c, err);
}

/* The server forked the job's shepherd: the job is started. */
static void
jobs_shep_started(void *arg, const char *key, pid_t pid)
{
	struct jobs *js = arg;
	struct job *j = jobs_find_key(js, key);

	if (j == NULL || !j->spawning) {
		log_warnx("shepherd server: started %s, which waits for no shepherd", key);
		return;
	}
	j->spawning = 0;
	j->ours = 1;
	j->shepherd = pid;
	if (j->tid > 0)
		return tasks_started(js, j);
	log_info("job %lld[%lld] started for %s: shepherd %d", j->id, j->idx, j->user,
	    (int)pid);
	jobs_reply(js, "started", j->id, j->idx, "pid", json_integer(pid));
}

static void
jobs_shep_failed(void *arg, const char *key, int e)
{
	struct jobs *js = arg;
	struct job *j = jobs_find_key(js, key);
	char err[256];

	if (j == NULL || !j->spawning)
		return;
	snprintf(err, sizeof(err), "cannot fork a shepherd: %s", strerror(e));
	jobtty_forget(js->a->ttys, j->id, j->idx, j->tid);	/* an interactive job's */
	if (j->tid > 0)
		return tasks_unrun(js, j, err);
	jobs_unrun(js, j, REFUSE_SHEPHERD, err);
}

static void
jobs_shep_exited(void *arg, pid_t pid, int wstatus)
{
	struct jobs *js = arg;
	struct job *j;

	TAILQ_FOREACH(j, &js->list, entry)
		if (j->ours && j->shepherd == pid)
			break;
	if (j == NULL)
		return;		/* acknowledged and forgotten already */
	j->ours = 0;
	j->shepherd_gone = 1;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		log_warnx("job %lld[%lld]: shepherd %d exited with status %d signal %d",
		    j->id, j->idx, (int)pid, WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 0,
		    WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
	if (j->fin == NULL)
		jobs_check(js, j);
}

/* The server went: its shepherds are found through the spool, as after an
 * agent restart (shepherd.pid; the 1 s scan). */
static void
jobs_shep_lost(void *arg)
{
	struct jobs *js = arg;
	struct job *j;

	TAILQ_FOREACH(j, &js->list, entry)
		if (j->spawning || j->ours) {
			j->spawning = j->ours = 0;
			j->shepherd = -1;
		}
}

/*
 * This turn's runs: their job.json files are written; one spool_sync makes
 * them all durable, then the shepherd server gets them in one write.
 */
static void
jobs_commit_cb(uv_prepare_t *p)
{
	struct jobs *js = p->data;
	const char **keys = xcalloc((size_t)js->nqueued + 1, sizeof(*keys));
	struct job *j, *tmp;
	char err[512] = "";
	size_t n = 0;
	enum refuse_cause c = REFUSE_SPOOL;

	uv_prepare_stop(p);
	if (spool_sync(js->spoolfd) < 0)
		snprintf(err, sizeof(err), "%s: sync: %s", js->a->spool, strerror(errno));
	TAILQ_FOREACH(j, &js->list, entry)
		if (j->queued)
			keys[n++] = j->key;
	if (err[0] == '\0' && shepconn_run(js->shep, keys, n, err, sizeof(err)) < 0)
		c = REFUSE_SHEPHERD;
	free(keys);
	for (j = TAILQ_FIRST(&js->list); j != NULL; j = tmp) {
		tmp = TAILQ_NEXT(j, entry);
		if (!j->queued)
			continue;
		j->queued = 0;
		js->nqueued--;
		if (err[0] != '\0')
			jobs_unrun(js, j, c, err);
		else
			j->spawning = 1;
	}
}

/* The checks before a job may start; -1 with err for a refusal. */
int
jobs_admit(struct jobs *js, const struct jobspec *spec, char *err, size_t errlen)
{
	struct passwd *pw;

	if (geteuid() != 0 && spec->uid != geteuid()) {
		pw = getpwuid(geteuid());
		return errf(err, errlen, "agent on %s runs as %s and cannot run jobs "
		    "of user %s", js->a->host, pw ? pw->pw_name : "an unprivileged user",
		    spec->user);
	}
	return 0;
}

/*
 * The spec as spooled: what only this node knows (its name, the slots and
 * cpus it gives the job, lsf.conf's output settings: outconf.c) added to
 * the master's, by jobspec_build.
 */
static int
jobs_write_spec(struct jobs *js, const char *key, const json_t *spec, int **slots,
    int *nslots, char *err, size_t errlen)
{
	struct agent *a = js->a;
	struct jobspec_local l = { .exec_host = a->host, .runlimit_grace = a->runlimit_grace,
		.preexec_retry = a->preexec_retry, .mem_watch = a->mem_watch };
	const json_t *hosts = json_object_get(spec, "hosts");
	long ncpus = a->ncpus > 0 ? a->ncpus : sysconf(_SC_NPROCESSORS_ONLN);
	json_int_t n = json_integer_value(json_object_get(spec, "nslots"));
	char *out = outconf_local(a->conf, &l);
	json_t *full;
	const char *h;
	int here = 0, r, *used;
	size_t i, nused = jobs_used_slots(js, &used);

	for (i = 0; i < json_array_size(hosts); i++)
		if ((h = json_string_value(json_array_get(hosts, i))) != NULL &&
		    strcmp(h, a->host) == 0)
			here++;
	/* an interactive job's output goes to its bsub, not a default file */
	l.out_default = json_object_get(spec, "interactive") == NULL ? out : NULL;
	cpus_assign(&l, used, nused, ncpus > 0 ? (int)ncpus : 1,
	    here > 0 ? here : n > 0 ? (int)n : 1);
	full = jobspec_build(spec, &l);
	r = spool_write_spec(a->spool, key, full, err, errlen);
	json_decref(full);
	*slots = l.slots;
	*nslots = l.nslots;
	free(l.cpus);
	free(used);
	free(out);
	return r;
}

void
jobs_on_run(struct jobs *js, const json_t *msg)
{
	const json_t *spec = json_object_get(msg, "job");
	struct jobspec s;
	struct job *j;
	char key[SPOOL_KEY_MAX], err[1024];
	int *slots = NULL, nslots = 0;

	if (jobspec_parse(spec, &s, err, sizeof(err)) < 0) {
		log_warnx("run: %s", err);
		if (s.id > 0)
			jobs_refuse(js, s.id, s.idx, REFUSE_SPEC, err);
		return;
	}
	spool_key(s.id, s.idx, key);
	if (jobs_find(js, s.id, s.idx) != NULL || spool_has_job(js->a->spool, key)) {
		log_info("job %lld[%lld] is already held here; repeated run ignored", s.id, s.idx);
		return;
	}
	if (jobs_admit(js, &s, err, sizeof(err)) < 0)
		return jobs_refuse(js, s.id, s.idx, REFUSE_USER, err);
	if (jobs_write_spec(js, key, spec, &slots, &nslots, err, sizeof(err)) < 0) {
		spool_remove(js->a->spool, key);	/* what a full disk let in */
		free(slots);
		return jobs_refuse(js, s.id, s.idx, REFUSE_SPOOL, err);
	}
	j = jobs_add(js, s.id, s.idx, 0);
	j->attempt = s.attempt;
	j->slots = slots;
	j->nslots = nslots;
	j->user = xstrdup(s.user ? s.user : "?");
	if (s.interactive != JOBSPEC_IO_NONE) {	/* now, with its relay's pipes */
		if (spool_sync(js->spoolfd) < 0) {
			snprintf(err, sizeof(err), "%s: sync: %s", js->a->spool, strerror(errno));
			return jobs_unrun(js, j, REFUSE_SPOOL, err);
		}
		if (jobs_start_io(js, j, &s, err, sizeof(err)) < 0)
			return jobs_unrun(js, j, REFUSE_SHEPHERD, err);
		return;
	}
	j->queued = 1;
	js->nqueued++;
	uv_prepare_start(&js->commit, jobs_commit_cb);
}

/* Is the shepherd of a job we did not spawn (agent restarted) alive? */
static int
jobs_shepherd_alive(struct job *j)
{
	char path[64], *cmd;
	size_t len, i;
	int ok;

	if (j->queued || j->spawning || j->ours)
		return 1;	/* our server, or libuv, tells when it ends */
	if (j->shepherd_gone)
		return 0;
	if (j->shepherd <= 0)
		j->shepherd = spool_read_pid(j->dir, "shepherd.pid");
	if (j->shepherd <= 0 || (kill(j->shepherd, 0) < 0 && errno == ESRCH))
		return 0;
	/* the pid may have been reused: is it still a shepherd? */
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)j->shepherd);
	if ((cmd = file_read_all(path, &len)) == NULL)
		return 0;
	for (i = 0; i < len; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	ok = strstr(cmd, "pumice-shepherd") != NULL;
	free(cmd);
	return ok;
}

/* Records the ending of a job and tells the master. */
static void
jobs_finalize(struct jobs *js, struct job *j, json_t *st)
{
	static const char *keys[] = { "exit_code", "signal", "state", "reason",
	    "start", "end", "cpu", "maxrss", "requeue", "cwd", "result",
	    "result_error" };
	json_t *v;
	size_t i;

	if (j->tid > 0)
		return tasks_end(js, j, st);
	j->fin = json_pack("{s:s, s:I, s:I}", "t", "finished", "id", (json_int_t)j->id,
	    "idx", (json_int_t)j->idx);
	for (i = 0; i < nitems(keys); i++)
		if ((v = json_object_get(st, keys[i])) != NULL && !json_is_null(v))
			json_object_set(j->fin, keys[i], v);
	if (j->attempt > 0)	/* the master ignores a stale attempt's finish */
		json_object_set_new(j->fin, "attempt", json_integer(j->attempt));
	if (j->killt != NULL)
		uv_timer_stop(j->killt);
	log_info("job %lld[%lld] ended: %s, exit code %lld%s%s", j->id, j->idx,
	    json_string_value(json_object_get(st, "state")) ?: "?",
	    (long long)json_integer_value(json_object_get(st, "exit_code")),
	    json_object_get(st, "reason") ? ": " : "",
	    json_string_value(json_object_get(st, "reason")) ?: "");
	link_send(js->a->link, json_incref(j->fin));
}

/* When the job forked (pgid written), else when it was spooled, else 0. */
static json_int_t
jobs_start_time(const struct job *j)
{
	static const char *files[] = { "pgid", "job.json" };
	struct stat st;
	char *p;
	size_t i;
	int r;

	for (i = 0; i < nitems(files); i++) {
		p = xasprintf("%s/%s", j->dir, files[i]);
		r = stat(p, &st);
		free(p);
		if (r == 0)
			return (json_int_t)st.st_mtime;
	}
	return 0;
}

/* A shepherd died without a status: say so, durably, rather than lose it. */
static json_t *
jobs_lost_status(struct job *j)
{
	json_t *st = json_pack("{s:i, s:i, s:s, s:s, s:I, s:I, s:f, s:i}",
	    "exit_code", 1, "signal", 0, "state", "EXIT",
	    "reason", "TERM_ZOMBIE: job's shepherd vanished",
	    "start", jobs_start_time(j), "end", (json_int_t)now_real(), "cpu", 0.0,
	    "maxrss", 0);
	char err[512];

	if (spool_finish(j->dir, st, true, err, sizeof(err)) < 0)
		log_warnx("job %lld[%lld]: %s", j->id, j->idx, err);
	return st;
}

static void
jobs_check(struct jobs *js, struct job *j)
{
	json_t *st;

	if ((st = spool_read_status(j->dir)) == NULL && !jobs_shepherd_alive(j)) {
		/* it may have written the status just before it exited */
		if ((st = spool_read_status(j->dir)) == NULL) {
			log_warnx("job %lld[%lld]: shepherd %d is gone without a status",
			    j->id, j->idx, (int)j->shepherd);
			st = jobs_lost_status(j);
		}
	}
	if (st != NULL) {
		jobs_finalize(js, j, st);
		json_decref(st);
	} else if (j->pending_sig != 0)
		jobs_deliver(j, j->pending_sig);
}

void
jobs_scan(struct jobs *js)
{
	struct job *j, *tmp;

	for (j = TAILQ_FIRST(&js->list); j != NULL; j = tmp) {
		tmp = TAILQ_NEXT(j, entry);	/* an ended task is dropped */
		if (j->fin == NULL)
			jobs_check(js, j);
	}
}

void
jobs_on_finish_ack(struct jobs *js, const json_t *msg)
{
	json_int_t id = json_integer_value(json_object_get(msg, "id"));
	json_int_t idx = json_integer_value(json_object_get(msg, "idx"));
	struct job *j = jobs_find(js, id, idx);

	if (j == NULL || j->fin == NULL) {
		log_warnx("finish_ack for job %lld[%lld], which %s; ignored", (long long)id,
		    (long long)idx, j == NULL ? "this node does not hold" : "is still running");
		return;
	}
	spool_remove(js->a->spool, j->key);
	jobs_drop(js, j);
}

json_t *
jobs_list(const struct jobs *js)
{
	json_t *a = json_array();
	struct job *j;

	TAILQ_FOREACH(j, &js->list, entry)
		if (j->tid == 0)	/* a task is no job of this host's */
			json_array_append_new(a, json_pack("{s:I, s:I, s:I}", "id", (json_int_t)j->id,
		    "idx", (json_int_t)j->idx, "attempt", (json_int_t)j->attempt));
	return a;
}

/* The directory the job fell back to (shep.c), when it did. */
static void
jobs_usage_cwd(const struct job *j, json_t *u)
{
	char *path = xasprintf("%s/cwd", j->dir), *cwd = file_read_all(path, NULL);

	if (cwd != NULL)
		json_object_set_new(u, "cwd", json_string(cwd));
	free(cwd);
	free(path);
}

json_t *
jobs_usage(const struct jobs *js)
{
	json_t *a = json_array(), *u;
	struct job *j;

	TAILQ_FOREACH(j, &js->list, entry) {
		if (j->fin != NULL || j->tid > 0 || (u = usage_read(j->dir)) == NULL)
			continue;
		jobs_usage_cwd(j, u);
		json_object_set_new(u, "id", json_integer(j->id));
		json_object_set_new(u, "idx", json_integer(j->idx));
		json_array_append_new(a, u);
	}
	return a;
}

int
jobs_running(const struct jobs *js)
{
	struct job *j;
	int n = 0;

	TAILQ_FOREACH(j, &js->list, entry)
		if (j->fin == NULL && j->tid == 0)
			n++;
	return n;
}

void
jobs_resend(struct jobs *js)
{
	struct job *j;

	TAILQ_FOREACH(j, &js->list, entry)
		if (j->fin != NULL)
			link_send(js->a->link, json_incref(j->fin));
}

/* done/<key> appeared (or went): that job only, unless the name is lost. */
static void
jobs_watch_cb(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct jobs *js = h->data;
	struct job *j;

	if (name == NULL || (j = jobs_find_key(js, name)) == NULL) {
		if (name == NULL)
			jobs_scan(js);
		return;
	}
	if (j->fin == NULL)
		jobs_check(js, j);
}

int
jobs_load(struct jobs *js, char *err, size_t errlen)
{
	char *path = xasprintf("%s/jobs", js->a->spool), *done;
	long long id, idx, tid;
	struct job *j;
	struct dirent *de;
	int r, n = 0;
	DIR *d;

	if ((d = opendir(path)) == NULL) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (spool_task_key_parse(de->d_name, &id, &idx, &tid) == 0) {
			tasks_stale(js, de->d_name);
			continue;
		}
		if (spool_key_parse(de->d_name, &id, &idx) < 0)
			continue;
		if (!spool_has_job(js->a->spool, de->d_name)) {
			log_warnx("%s/%s: no job.json (a run that failed); removed", path,
			    de->d_name);
			spool_remove(js->a->spool, de->d_name);
			continue;
		}
		j = jobs_add(js, id, idx, 0);
		jobs_load_spec(j);
		n++;
	}
	closedir(d);
	free(path);
	log_info("spool %s holds %d job%s", js->a->spool, n, n == 1 ? "" : "s");
	jobs_scan(js);
	done = xasprintf("%s/done", js->a->spool);
	if ((r = uv_fs_event_start(&js->watch, jobs_watch_cb, done, 0)) < 0)
		log_warnx("%s: cannot watch (%s); relying on the 1 s scan", done,
		    uv_strerror(r));
	free(done);
	return 0;
}

struct jobs *
jobs_new(struct agent *a)
{
	struct jobs *js = xcalloc(1, sizeof(*js));
	struct shepconn_cbs cb = { .started = jobs_shep_started, .failed = jobs_shep_failed,
		.exited = jobs_shep_exited, .lost = jobs_shep_lost, .arg = js };

	js->a = a;
	TAILQ_INIT(&js->list);
	uv_fs_event_init(a->loop, &js->watch);
	js->watch.data = js;
	uv_prepare_init(a->loop, &js->commit);
	js->commit.data = js;
	js->shep = shepconn_new(a, &cb);
	js->spoolfd = open(a->spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (js->spoolfd < 0)
		log_warn("%s", a->spool);	/* every run fails its sync: refused */
	return js;
}

void
jobs_close(struct jobs *js)
{
	struct job *j;

	if (js->nqueued > 0)
		jobs_commit_cb(&js->commit);	/* what arrived in this last turn */
	uv_close((uv_handle_t *)&js->watch, NULL);
	uv_close((uv_handle_t *)&js->commit, NULL);
	TAILQ_FOREACH(j, &js->list, entry) {
		if (j->killt != NULL)
			uv_close((uv_handle_t *)j->killt, jobs_close_cb);
		j->killt = NULL;
	}
	/* running shepherds and their server stay; only our end goes */
	shepconn_close(js->shep);
}

void
jobs_free(struct jobs *js)
{
	struct job *j;

	while ((j = TAILQ_FIRST(&js->list)) != NULL)
		jobs_drop(js, j);
	shepconn_free(js->shep);
	if (js->spoolfd >= 0)
		close(js->spoolfd);
	free(js);
}
