/*
 * prepost.c - pre/post-exec commands (see prepost.h). They block the
 * shepherd, never the agent. A command that cannot even start (no such
 * user, fork failure) counts as a failed pre-exec: the job is retried
 * rather than run without its preparation. While one runs, the spool's
 * pgid names its process group, so that bkill ends it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <unistd.h>

#include "become.h"
#include "log.h"
#include "prepost.h"
#include "spool.h"
#include "util.h"

static void __attribute__((noreturn))
prepost_child(const struct prepost *p, const char *cmd)
{
	const struct jobspec *js = p->js;
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	char err[512];
	int fd;

	setpgid(0, 0);
	become_child_signals();
	umask(js->umask >= 0 ? (mode_t)js->umask : 022);	/* not the daemons' 077 */
	if (p->as_other && become_user(js, p->pw, err, sizeof(err)) < 0)
		_exit(126);
	if (chdir(p->cwd) < 0 && chdir("/tmp") < 0)
		_exit(126);
	if ((fd = open("/dev/null", O_RDWR)) < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	execve(argv[0], argv, p->env->v);
	_exit(127);
}

/* The wait status of cmd, or -1 when it could not be run. */
static int
prepost_run(const struct prepost *p, const char *what, const char *cmd)
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0) {
		log_warn("job %lld[%lld]: %s: fork", p->js->id, p->js->idx, what);
		return -1;
	}
	if (pid == 0)
		prepost_child(p, cmd);
	/* bkill reaches a command that hangs through the job's pgid file */
	setpgid(pid, pid);
	if (p->jobdir != NULL && spool_write_pid(p->jobdir, "pgid", pid) < 0)
		log_warn("%s/pgid", p->jobdir);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	log_info("job %lld[%lld]: %s `%s` exited with status %d%s", p->js->id,
	    p->js->idx, what, cmd, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
	    WIFSIGNALED(st) ? " (signal)" : "");
	return st;
}

/* LSB_EXIT_PRE_ABORT: the pre-exec's way to end the job instead. */
static int
prepost_abort_code(const struct prepost *p)
{
	const char *v = jobenv_get(p->env, "LSB_EXIT_PRE_ABORT");
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return -1;
	n = strtol(v, &end, 10);
	return *end == '\0' && n > 0 && n < 256 ? (int)n : -1;
}

int
prepost_pre(const struct prepost *p, char *reason, size_t reasonlen)
{
	const char *cmds[] = { p->js->queue_pre_exec, p->js->pre_exec };
	const char *what[] = { "queue pre-exec", "pre-exec" };
	size_t i;
	int st;

	for (i = 0; i < nitems(cmds); i++) {
		if (cmds[i] == NULL || cmds[i][0] == '\0')
			continue;
		st = prepost_run(p, what[i], cmds[i]);
		if (st == 0)
			continue;
		if (st > 0 && WIFEXITED(st) && WEXITSTATUS(st) == prepost_abort_code(p)) {
			snprintf(reason, reasonlen, "%s exited with LSB_EXIT_PRE_ABORT (%d); "
			    "job aborted", what[i], WEXITSTATUS(st));
			return 2;
		}
		snprintf(reason, reasonlen, "%s", PREPOST_PEND_REASON);
		return st > 0 && WIFSIGNALED(st) ? 3 : 1;
	}
	return 0;
}

void
prepost_post(const struct prepost *p, int wstatus)
{
	const char *cmds[] = { p->js->post_exec, p->js->queue_post_exec };
	const char *what[] = { "post-exec", "queue post-exec" };
	char buf[32];
	size_t i;

	snprintf(buf, sizeof(buf), "%d", wstatus);
	jobenv_set(p->env, "LSB_JOBEXIT_STAT", buf);
	for (i = 0; i < nitems(cmds); i++)
		if (cmds[i] != NULL && cmds[i][0] != '\0')
			prepost_run(p, what[i], cmds[i]);
}
