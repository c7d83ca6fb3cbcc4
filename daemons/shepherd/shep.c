/*
 * shep.c - what pumice-shepherd does for one job: read the spec from the
 * spool, fork the job into its own process group as its owner, wait for
 * it, make its output durable and only then record the status and the done
 * marker. Invariants: the pgid is in the spool before the job can exec;
 * the job opens its files after it became its user; every path out of
 * shep_run() that can record a status does, so the agent never waits on a
 * job that will not end.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "become.h"
#include "jobenv.h"
#include "jobreport.h"
#include "jobspec.h"
#include "enforce.h"
#include "log.h"
#include "nfsurl.h"
#include "prepost.h"
#include "result.h"
#include "shep.h"
#include "shepinput.h"
#include "shepio.h"
#include "shepout.h"
#include "shepresult.h"
#include "spool.h"
#include "util.h"

#define SHEP_EXIT_SETUP 127

struct shep {
	const char *jobdir;
	json_t *spec_json;
	struct jobspec spec;
	struct passwd *pw;	/* the owner when running as another user */
	int as_other;
	char *cwd;		/* wanted cwd, absolute when subcwd allows; the
				   one used once the child reported a fallback */
	bool cwd_fallback;	/* cwd was unusable: the job ran in /tmp */
	char *script;		/* spooled script path, or NULL */
	bool cmd_in_file;	/* script holds a long command line, run by sh */
	struct jobenv env;
	char *outputs[2];	/* absolute output paths the job opened */
	char reason[1024];	/* setup failure, "" when none */
	pid_t pid;
	long start, end;
	int wstatus;
	struct rusage ru;
	struct shepout *out;	/* nfs:// streams, job report (shepout.c) */
	struct enforce lim;	/* memory and run limits (enforce.c) */
	int requeue;		/* the pre-exec failed: back to PEND */
	char *result;		/* $PUMICE_RESULT, or NULL (shepresult.c) */
};

/* Longest command line passed as sh -c's argument (MAX_ARG_STRLEN is 128 KB,
 * and the environment shares ARG_MAX); longer ones run from a job file. */
#define SHEP_CMD_INLINE_MAX (64u << 10)

/* Child: reports a setup failure to the parent and gives up. */
static void __attribute__((noreturn))
shep_child_fail(int rep, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	buf[0] = 'E';
	va_start(ap, fmt);
	n = vsnprintf(buf + 1, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int)sizeof(buf) - 3)
		n = (int)sizeof(buf) - 3;
	buf[1 + n] = '\n';
	if (write(rep, buf, (size_t)n + 2) < 0)
		_exit(SHEP_EXIT_SETUP);
	_exit(SHEP_EXIT_SETUP);
}

static void
shep_child_become(struct shep *s, int rep)
{
	char err[512];

	if (s->as_other && become_user(&s->spec, s->pw, err, sizeof(err)) < 0)
		shep_child_fail(rep, "%s", err);
}

/* Opens one output file as the job's user and tells the parent its path. */
static int
shep_child_open(struct shep *s, int rep, const char *tmpl, int trunc)
{
	char *path = jobspec_subst(&s->spec, tmpl), cwd[4096];
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC | (trunc ? O_TRUNC : O_APPEND);

	if ((fd = open(path, flags, 0666)) < 0 && errno == ENOENT && strrchr(path, '/') != NULL) {
		*strrchr(path, '/') = '\0';	/* -outdir: create missing directories */
		mkdir_p(path, 0777);
		path[strlen(path)] = '/';
		fd = open(path, flags, 0666);
	}
	if (fd < 0)
		shep_child_fail(rep, "cannot open output file %s: %s", path, strerror(errno));
	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		dprintf(rep, "P%s\n", path);
	else
		dprintf(rep, "P%s/%s\n", cwd, path);
	free(path);
	return fd;
}

/* An nfs:// stream's pipe from shepout.c, or the file opened here. */
static int
shep_child_out(struct shep *s, int rep, int stream, const char *tmpl, int trunc)
{
	int fd = shepout_child_fd(s->out, stream);

	return fd >= 0 ? fd : shep_child_open(s, rep, tmpl, trunc);
}

/* bsub -i: stdin from a file, opened as the job's user in its cwd. */
static void
shep_child_stdin(struct shep *s, int rep)
{
	char *path = jobspec_subst(&s->spec, s->spec.stdin_file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || dup2(fd, 0) < 0)
		shep_child_fail(rep, "cannot open input file %s: %s", path, strerror(errno));
	free(path);
}

/* bsub -I: stdio stays the agent's relay (shepio.h), but for -i, -o, -e. */
static void
shep_child_stdio_io(struct shep *s, int rep)
{
	const struct jobspec *js = &s->spec;
	int fd;

	if (shepio_child_tty(js) < 0)
		shep_child_fail(rep, "cannot take the terminal: %s", strerror(errno));
	if (js->out != NULL && ((fd = shep_child_out(s, rep, SHEPOUT_STDOUT, js->out,
	    js->out_trunc)) < 0 || dup2(fd, 1) < 0))
		shep_child_fail(rep, "dup2: %s", strerror(errno));
	if (js->err != NULL && ((fd = shep_child_out(s, rep, SHEPOUT_STDERR, js->err,
	    js->err_trunc)) < 0 || dup2(fd, 2) < 0))
		shep_child_fail(rep, "dup2: %s", strerror(errno));
	if (js->stdin_file != NULL)
		shep_child_stdin(s, rep);
}

static void
shep_child_stdio(struct shep *s, int rep)
{
	const struct jobspec *js = &s->spec;
	char *o = js->out ? jobspec_subst(js, js->out) : NULL;
	char *e = js->err ? jobspec_subst(js, js->err) : NULL;
	int in, out, err;

	if (js->interactive != JOBSPEC_IO_NONE) {
		free(o);
		free(e);
		shep_child_stdio_io(s, rep);
		return;
	}
	if ((in = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		shep_child_fail(rep, "/dev/null: %s", strerror(errno));
	out = js->out ? shep_child_out(s, rep, SHEPOUT_STDOUT, js->out, js->out_trunc) : in;
	if (js->err == NULL)
		err = js->out ? out : in;	/* -o alone merges stderr */
	else if (o != NULL && strcmp(o, e) == 0)
		err = out;
	else
		err = shep_child_out(s, rep, SHEPOUT_STDERR, js->err, js->err_trunc);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		shep_child_fail(rep, "dup2: %s", strerror(errno));
	free(o);
	free(e);
	if (js->stdin_file != NULL)
		shep_child_stdin(s, rep);
}

/* bsub -L: the job runs under "SHELL -l", which reads the login files. */
static void
shep_child_login(struct shep *s, int rep)
{
	char *argv[6];
	int i = 0;

	argv[i++] = (char *)s->spec.login_shell;
	argv[i++] = "-l";
	argv[i++] = "-c";
	if (s->script != NULL) {
		argv[i++] = "exec /bin/sh \"$0\"";
		argv[i++] = s->script;
	} else
		argv[i++] = (char *)s->spec.cmd;
	argv[i] = NULL;
	execve(argv[0], argv, s->env.v);
	shep_child_fail(rep, "cannot execute login shell %s: %s", argv[0], strerror(errno));
}

static void __attribute__((noreturn))
shep_child_exec(struct shep *s, int rep)
{
	char *argv[4];
	char head[2] = { 0 };
	int fd;

	/* nothing of ours but stdio reaches the job; rep closes at exec */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (s->spec.login_shell != NULL && s->spec.login_shell[0] != '\0')
		shep_child_login(s, rep);
	if (s->script != NULL) {
		if ((fd = open(s->script, O_RDONLY | O_CLOEXEC)) >= 0) {
			if (read(fd, head, 2) < 0)
				head[0] = '\0';
			close(fd);
		}
		if (!s->cmd_in_file && head[0] == '#' && head[1] == '!') {
			argv[0] = s->script;
			argv[1] = NULL;
			execve(s->script, argv, s->env.v);
		}
		argv[0] = "/bin/sh";
		argv[1] = s->script;
		argv[2] = NULL;
	} else {
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = (char *)s->spec.cmd;
		argv[3] = NULL;
	}
	execve(argv[0], argv, s->env.v);
	shep_child_fail(rep, "cannot execute %s: %s", argv[0], strerror(errno));
}

/* The forked job: waits for the go, becomes its user, sets up and execs. */
static void __attribute__((noreturn))
shep_child(struct shep *s, int go, int rep)
{
	int cwd_ok, cwd_errno;
	char c, pid[32];

	shepio_child_group(&s->spec);
	if (read(go, &c, 1) != 1)
		_exit(SHEP_EXIT_SETUP);	/* the shepherd died before releasing us */
	close(go);
	become_child_signals();
	enforce_child(&s->spec);
	shep_child_become(s, rep);
	cwd_ok = chdir(s->cwd) == 0;
	cwd_errno = errno;
	if (!cwd_ok && chdir("/tmp") < 0)
		shep_child_fail(rep, "cannot change to %s nor /tmp: %s", s->cwd, strerror(errno));
	shep_child_stdio(s, rep);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	jobenv_set(&s->env, "LS_JOBPID", pid);	/* our copy: we are the child */
	if (!cwd_ok) {
		fprintf(stderr, "pumice: cannot change to directory %s (%s); running in /tmp\n",
		    s->cwd, strerror(cwd_errno));
		dprintf(rep, "C/tmp\n");	/* the report and the master say so */
	}
	shep_child_exec(s, rep);
}

/* The job runs in dir, not where it was asked: the agent tells the master
 * while it runs (<jobdir>/cwd, read with the usage), the status after. */
static void
shep_cwd_fallback(struct shep *s, const char *dir)
{
	char *path = xasprintf("%s/cwd", s->jobdir);

	free(s->cwd);
	s->cwd = xstrdup(dir);
	s->cwd_fallback = true;
	if (file_write_replace(path, dir, strlen(dir), 0600) < 0)
		log_warn("%s", path);
	free(path);
}

/* Reads the child's reports ("P<path>", "E<reason>", "C<cwd>") until it
 * execs. */
static void
shep_read_reports(struct shep *s, int rep)
{
	char buf[8192], *line, *nl;
	size_t len = 0, nout = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1) {
		n = read(rep, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if (line[0] == 'E')
			snprintf(s->reason, sizeof(s->reason), "%s", line + 1);
		else if (line[0] == 'P' && nout < nitems(s->outputs))
			s->outputs[nout++] = xstrdup(line + 1);
		else if (line[0] == 'C')
			shep_cwd_fallback(s, line + 1);
	}
}

/* Forks the job; the pgid is spooled before the child may go on. */
static int
shep_fork(struct shep *s)
{
	int go[2], rep[2];

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0)
		return errf(s->reason, sizeof(s->reason), "pipe: %s", strerror(errno));
	enforce_setup(&s->lim, &s->spec, strrchr(s->jobdir, '/') + 1);
	s->start = (long)time(NULL);
	if ((s->pid = fork()) < 0)
		return errf(s->reason, sizeof(s->reason), "fork: %s", strerror(errno));
	if (s->pid == 0) {
		close(go[1]);
		close(rep[0]);
		shep_child(s, go[0], rep[1]);
	}
	close(go[0]);
	close(rep[1]);
	if (shepio_parent_groups(&s->spec))
		setpgid(s->pid, s->pid);
	shepio_parent_release(&s->spec);
	enforce_attach(&s->lim, s->pid);
	if (spool_write_pid(s->jobdir, "pgid", s->pid) < 0) {
		errf(s->reason, sizeof(s->reason), "cannot record the job's process group: %s",
		    strerror(errno));
		close(go[1]);	/* the child reads EOF and gives up */
	} else {
		if (write(go[1], "g", 1) != 1)
			log_warn("job %s: release", s->jobdir);
		close(go[1]);
		s->lim.jobdir = s->jobdir;
		enforce_start(&s->lim, !shepout_pumps(s->out));
	}
	shep_read_reports(s, rep[0]);
	close(rep[0]);
	return 0;
}

/* KB: the largest process (rusage) or the largest sum of the group seen. */
static long
shep_maxrss(const struct shep *s)
{
	uint64_t seen = enforce_max_mem(&s->lim);

	return seen > (uint64_t)s->ru.ru_maxrss ? (long)seen : s->ru.ru_maxrss;
}

static void
shep_wait(struct shep *s)
{
	enforce_first_second(&s->lim);
	while (wait4(s->pid, &s->wstatus, 0, &s->ru) < 0) {
		if (errno != EINTR) {
			log_warn("wait4 %d", (int)s->pid);
			s->wstatus = SHEP_EXIT_SETUP << 8;
			break;
		}
	}
	s->end = (long)time(NULL);
	enforce_stop(&s->lim, s->reason, sizeof(s->reason));
}

/* fsync of a regular file at path: 0, or the errno. */
static int
shep_fsync_path(const char *path)
{
	struct stat st;
	int fd, e = 0;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return errno;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fsync(fd) < 0)
		e = errno;
	close(fd);
	return e;
}

/* The same as the job's user (shep_child_become), for a share that
 * squashes root. */
static int
shep_fsync_as_user(struct shep *s, const char *path)
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		return errno;
	if (pid == 0) {
		shep_child_become(s, -1);	/* exits SHEP_EXIT_SETUP on failure */
		_exit(shep_fsync_path(path));
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (!WIFEXITED(st))
		return EIO;
	return WEXITSTATUS(st) == SHEP_EXIT_SETUP ? EPERM : WEXITSTATUS(st);
}

/*
 * The job's output must be durable before anyone hears it ended: a file
 * that cannot be made so ends the job EXIT (a file the job removed is its
 * own business).
 */
static void
shep_commit_outputs(struct shep *s)
{
	size_t i;
	int e;

	for (i = 0; i < nitems(s->outputs); i++) {
		if (s->outputs[i] == NULL)
			continue;
		e = shep_fsync_path(s->outputs[i]);
		if ((e == EACCES || e == EPERM) && s->as_other)
			e = shep_fsync_as_user(s, s->outputs[i]);
		if (e == 0 || e == ENOENT)
			continue;
		log_warnx("job output %s: %s", s->outputs[i], strerror(e));
		if (s->reason[0] == '\0')
			errf(s->reason, sizeof(s->reason),
			    "TERM_OUTPUT: output %s not made durable: %s", s->outputs[i],
			    strerror(e));
	}
}

/* The LSF job report, appended to the -o destination (shepout.c). */
static void
shep_report(struct shep *s)
{
	const json_t *h = json_array_get(s->spec.hosts, 0);
	struct jobreport r = { .cwd = s->cwd, .start = s->start, .end = s->end,
		.reason = s->reason, .maxrss = shep_maxrss(s) };
	char host[256] = "localhost", *text;

	if (json_is_string(h))
		snprintf(host, sizeof(host), "%s", json_string_value(h));
	else
		gethostname(host, sizeof(host) - 1);
	r.host = host;
	r.home = s->pw ? s->pw->pw_dir : NULL;
	r.submit = (long)s->spec.submit_time;
	r.exit_code = WIFEXITED(s->wstatus) ? WEXITSTATUS(s->wstatus) : 0;
	r.signal = WIFSIGNALED(s->wstatus) ? WTERMSIG(s->wstatus) : 0;
	r.cpu = s->ru.ru_utime.tv_sec + s->ru.ru_utime.tv_usec / 1e6 +
	    s->ru.ru_stime.tv_sec + s->ru.ru_stime.tv_usec / 1e6;
	text = jobreport_text(&s->spec, &r);
	shepout_report(s->out, text);
	free(text);
}

/* The master reran the job elsewhere while this host was away: jobs.c
 * marks the job "fenced"; its output is the current attempt's now. */
static bool
shep_is_fenced(const struct shep *s)
{
	char *path = xasprintf("%s/fenced", s->jobdir);
	bool fenced = access(path, F_OK) == 0;

	free(path);
	return fenced;
}

/* Whether the agent's lease from the master (link.c) runs now. */
static bool
shep_leased(const struct shep *s)
{
	char *path = xasprintf("%s/../../lease", s->jobdir), *text;
	unsigned long long until = 0;
	size_t len;

	if ((text = file_read_all(path, &len)) != NULL)
		until = strtoull(text, NULL, 10);
	free(text);
	free(path);
	return now_mono_ms() < until;
}

static volatile sig_atomic_t shep_term;

static void
shep_on_term(int sig)
{
	shep_term = 1;
}

/*
 * Fencing: a job report goes into the job's output only while the master's
 * lease says this attempt is still current. Past it (the host cut off from
 * the master, or its agent down), wait until the agent hears from the
 * master again: the lease comes back, or the job is fenced off (false).
 * A SIGTERM (pumice cluster stop) or a removed job directory ends the
 * wait without a report.
 */
static bool
shep_may_report(const struct shep *s)
{
	bool said = false;

	signal(SIGTERM, shep_on_term);
	while (!shep_is_fenced(s) && !shep_leased(s)) {
		if (shep_term || access(s->jobdir, F_OK) < 0) {
			log_warnx("job %lld[%lld] attempt %lld: stopped before the master "
			    "confirmed the attempt; no job report written", s->spec.id,
			    s->spec.idx, s->spec.attempt);
			return false;
		}
		if (!said)
			log_warnx("job %lld[%lld] attempt %lld: no lease from the master; "
			    "the job report waits until the master confirms the attempt",
			    s->spec.id, s->spec.idx, s->spec.attempt);
		said = true;
		sleep(1);
	}
	if (shep_is_fenced(s))
		log_warnx("job %lld[%lld] attempt %lld: fenced off, no job report written",
		    s->spec.id, s->spec.idx, s->spec.attempt);
	return !shep_is_fenced(s);
}

/* Before the fork: nfs:// destinations are reachable, or the job fails. */
static int
shep_output_open(struct shep *s)
{
	s->out = shepout_new(s->jobdir, &s->spec);
	return shepout_open(s->out, s->reason, sizeof(s->reason));
}

/* After the fork: copy NFS output until the job closes it. */
static void
shep_output_pump(struct shep *s)
{
	const struct jobspec *js = &s->spec;

	shepout_forked(s->out, js->out && !nfsurl_is(js->out) ? s->outputs[0] : NULL);
	shepout_pump(s->out, s->pid, s->reason, sizeof(s->reason));
}

static json_t *
shep_status(const struct shep *s)
{
	int code = SHEP_EXIT_SETUP, sig = 0;
	double cpu;
	json_t *st;

	if (s->pid > 0 && WIFEXITED(s->wstatus))
		code = WEXITSTATUS(s->wstatus);
	else if (s->pid > 0 && WIFSIGNALED(s->wstatus)) {
		sig = WTERMSIG(s->wstatus);
		code = 128 + sig;
	}
	cpu = s->ru.ru_utime.tv_sec + s->ru.ru_utime.tv_usec / 1e6 +
	    s->ru.ru_stime.tv_sec + s->ru.ru_stime.tv_usec / 1e6;
	st = json_pack("{s:i, s:i, s:s, s:I, s:I, s:f, s:I}",
	    "exit_code", code, "signal", sig,
	    "state", code == 0 && s->reason[0] == '\0' ? "DONE" : "EXIT",
	    "start", (json_int_t)(s->start ? s->start : time(NULL)),
	    "end", (json_int_t)(s->end ? s->end : time(NULL)),
	    "cpu", cpu, "maxrss", (json_int_t)shep_maxrss(s));
	if (s->reason[0] != '\0')
		json_object_set_new(st, "reason", json_string(s->reason));
	if (s->requeue)
		json_object_set_new(st, "requeue", json_true());
	if (s->cwd_fallback)
		json_object_set_new(st, "cwd", json_string(s->cwd));
	return st;
}

static int
shep_write_script(struct shep *s)
{
	s->script = xasprintf("%s/script", s->jobdir);
	/* not synced: a job that did not survive a crash needs no script */
	if (file_write_replace(s->script, s->spec.cmd, strlen(s->spec.cmd), 0700) < 0)
		return errf(s->reason, sizeof(s->reason), "%s: %s", s->script, strerror(errno));
	if (s->as_other && chown(s->script, s->spec.uid, s->spec.gid) < 0)
		return errf(s->reason, sizeof(s->reason), "%s: chown: %s", s->script,
		    strerror(errno));
	return 0;
}

/* The outcome file's place, in the job's environment; a job without one
 * runs all the same (its result is the one thing lost). */
static void
shep_result_prepare(struct shep *s)
{
	char err[512];

	s->result = shepresult_prepare(s->jobdir, s->spec.uid, s->spec.gid,
	    s->as_other, err, sizeof(err));
	if (s->result != NULL)
		jobenv_set(&s->env, RESULT_ENV, s->result);
	else
		log_warnx("job %s: no %s: %s", s->jobdir, RESULT_ENV, err);
}

/* A workflow step's input (the results of the steps it waited on), in
 * the file $PUMICE_FLOW_INPUT names; without it the job runs all the
 * same, and finds the variable unset. */
static void
shep_input_prepare(struct shep *s)
{
	char err[512], *path;

	path = shepinput_write(s->jobdir, s->spec_json, s->spec.uid, s->spec.gid,
	    s->as_other, err, sizeof(err));
	if (path != NULL)
		jobenv_set(&s->env, SHEPINPUT_ENV, path);
	else if (err[0] != '\0')
		log_warnx("job %s: no %s: %s", s->jobdir, SHEPINPUT_ENV, err);
	free(path);
}

/* Works out who, where and what; fills reason on failure. */
static int
shep_prepare(struct shep *s)
{
	const struct jobspec *js = &s->spec;

	s->as_other = js->uid != geteuid();
	if (s->as_other && geteuid() != 0)
		return errf(s->reason, sizeof(s->reason),
		    "the agent runs as uid %d and cannot run jobs of user %s (uid %d)",
		    (int)geteuid(), js->user, (int)js->uid);
	s->pw = getpwuid(js->uid);
	if (s->pw == NULL && s->as_other)
		log_warnx("job %s: no passwd entry for uid %d", s->jobdir, (int)js->uid);
	/*
	 * A command line goes to sh -c as one argument, which Linux caps at
	 * 128 KB (E2BIG): a long one is run from a job file, as LSF does, so
	 * the only limit is the protocol's frame.
	 */
	s->cmd_in_file = !js->script && strlen(js->cmd) > SHEP_CMD_INLINE_MAX;
	if ((js->script || s->cmd_in_file) && shep_write_script(s) < 0)
		return -1;
	s->cwd = jobspec_cwd(js);
	jobenv_build(&s->env, js, s->pw, s->script);
	shep_result_prepare(s);
	shep_input_prepare(s);
	return 0;
}

static int
shep_load(struct shep *s)
{
	char *path = xasprintf("%s/job.json", s->jobdir);

	s->spec_json = jobspec_load(path, &s->spec, s->reason, sizeof(s->reason));
	free(path);
	return s->spec_json != NULL ? 0 : -1;
}

static void
shep_clear(struct shep *s)
{
	size_t i;

	for (i = 0; i < nitems(s->outputs); i++)
		free(s->outputs[i]);
	jobenv_free(&s->env);
	shepout_free(s->out);
	free(s->cwd);
	free(s->script);
	free(s->result);
	json_decref(s->spec_json);
}

static struct prepost
shep_prepost(struct shep *s)
{
	struct prepost p = { .js = &s->spec, .pw = s->pw, .as_other = s->as_other,
		.cwd = s->cwd, .env = &s->env, .jobdir = s->jobdir };

	return p;
}

/* Pre-exec: a failure holds the slot preexec_retry s, then requeues. */
static int
shep_pre(struct shep *s)
{
	struct prepost p = shep_prepost(s);
	int r = prepost_pre(&p, s->reason, sizeof(s->reason));

	if (r == 1 || r == 3)
		s->requeue = 1;
	if (r == 1 && s->spec.preexec_retry > 0)
		sleep((unsigned)s->spec.preexec_retry);
	return r == 0 ? 0 : -1;
}

static void
shep_post(struct shep *s)
{
	struct prepost p = shep_prepost(s);

	prepost_post(&p, s->wstatus);
}

int
shep_run(const char *jobdir, pid_t server, char *err, size_t errlen)
{
	char *abs = realpath(jobdir, NULL);
	struct shep s;
	json_t *st;
	int r;

	/* the job chdirs away, yet must find its spooled script */
	if (abs == NULL)
		return errf(err, errlen, "%s: %s", jobdir, strerror(errno));
	memset(&s, 0, sizeof(s));
	s.jobdir = abs;
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (spool_write_pid(jobdir, "shepherd.pid", getpid()) < 0)
		log_warn("%s/shepherd.pid", jobdir);
	if (shep_load(&s) == 0 && shep_prepare(&s) == 0 && shep_pre(&s) == 0 &&
	    shep_output_open(&s) == 0 && shep_fork(&s) == 0) {
		shep_output_pump(&s);
		shep_wait(&s);
		if (s.spec.out != NULL && shep_may_report(&s))
			shep_report(&s);
		shepout_finish(s.out, s.reason, sizeof(s.reason));
		shep_commit_outputs(&s);
		shep_post(&s);
	}
	if (s.reason[0] != '\0')
		log_warnx("job %s: %s", jobdir, s.reason);
	st = shep_status(&s);
	if (s.pid > 0)
		shepresult_collect(s.result, s.spec.uid, s.as_other, st);
	r = spool_finish(jobdir, st, server == 0 || getppid() != server, err, errlen);
	json_decref(st);
	shep_clear(&s);
	free(abs);
	return r;
}
