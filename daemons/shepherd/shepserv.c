/*
 * shepserv.c - pumice-shepherd -s SPOOL: the long-lived shepherd of one
 * agent. It forks a shepherd for each job the agent names (shep_run() in
 * a child: no exec, no dynamic loading per job) and reaps them. It never
 * runs a job's code itself, so every child starts from the same clean
 * state a freshly exec'd shepherd had.
 *
 * Its one connection is the socket on fd 0 (the agent's socketpair):
 *   agent -> server   "R <key>\n"           run the job of SPOOL/jobs/<key>
 *                     "T <key>\n" + 3 fds   the same with the fds, sent
 *                                           with the line by SCM_RIGHTS,
 *                                           as its shepherd's stdio: an
 *                                           interactive job's relay, or
 *                                           a blaunch task's (key
 *                                           <id>.<idx>.<tid>)
 *   server -> agent   "S <key> <pid>\n"     its shepherd is forked
 *                     "F <key> <errno>\n"   it could not be
 *                     "X <pid> <wstatus>\n" a shepherd exited
 * When the agent goes (EOF, or a write fails), the server takes no more
 * jobs, waits for the shepherds it forked and exits. They go on as before:
 * each records its job's status in the spool, where the next agent finds
 * it; a new agent starts a new server.
 *
 * Its shepherds make no done/<key> marker (spool.c): the X line tells the
 * agent. Once the agent is gone, the server makes the marker of each that
 * ends, for the next agent to see at once (it also reads every status at
 * its start); a shepherd whose server died makes its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "shep.h"
#include "shepserv.h"
#include "spool.h"
#include "util.h"

struct shepchild {
	pid_t pid;
	char key[SPOOL_KEY_MAX];
};

struct shepserv {
	const char *spool;
	pid_t self;
	int sock;		/* -1 once the agent is gone */
	int sigfd;		/* SIGCHLD */
	sigset_t oldmask;
	struct shepchild *child;	/* the shepherds forked, children of them */
	int children, cap;
	char buf[4096];
	size_t len;
	int fds[48];		/* received with T lines, oldest first */
	int nfds;
};

static void
shepserv_gone(struct shepserv *sv)
{
	if (sv->sock >= 0)
		close(sv->sock);
	sv->sock = -1;
}

static int
shepserv_write(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One line to the agent (blocking: the agent reads at once); a failed
 * write means it is gone. */
static void __attribute__((format(printf, 2, 3)))
shepserv_say(struct shepserv *sv, const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	if (sv->sock < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n <= 0 || n >= (int)sizeof(line) || shepserv_write(sv->sock, line, (size_t)n) < 0)
		shepserv_gone(sv);
}

/* The child: a shepherd as pumice-shepherd SPOOL/jobs/<key> was; a
 * task's has its relay's pipes (io, NULL for a job) as fds 0, 1, 2. */
static void __attribute__((noreturn))
shepserv_child(struct shepserv *sv, const char *key, const int *io)
{
	char *dir = spool_job_dir(sv->spool, key), err[1024];
	int fd, i;

	close(sv->sigfd);
	sigprocmask(SIG_SETMASK, &sv->oldmask, NULL);
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(fd, 0);	/* the agent's socket is the server's alone */
		close(fd);
	}
	for (i = 0; io != NULL && i < 3; i++)
		dup2(io[i], i);	/* dup2 clears FD_CLOEXEC on the copy */
	for (i = 0; i < sv->nfds; i++)
		close(sv->fds[i]);	/* other tasks' */
	setsid();		/* as a detached shepherd had */
	if (shep_run(dir, sv->self, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		exit(1);
	}
	exit(0);
}

static void
shepserv_fork(struct shepserv *sv, const char *key, const int *io)
{
	long long id, idx, tid;
	pid_t pid;

	if (spool_key_parse(key, &id, &idx) < 0 && (io == NULL ||
	    spool_task_key_parse(key, &id, &idx, &tid) < 0)) {
		log_warnx("shepherd server: bad job key \"%s\"; ignored", key);
		return;
	}
	if ((pid = fork()) < 0) {
		log_warn("shepherd server: fork for job %s", key);
		shepserv_say(sv, "F %s %d\n", key, errno);
		return;
	}
	if (pid == 0)
		shepserv_child(sv, key, io);
	if (sv->children == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 16;
		sv->child = xrealloc(sv->child, (size_t)sv->cap * sizeof(*sv->child));
	}
	sv->child[sv->children].pid = pid;
	snprintf(sv->child[sv->children].key, SPOOL_KEY_MAX, "%s", key);
	sv->children++;
	shepserv_say(sv, "S %s %d\n", key, (int)pid);
}

/* A T line: its three fds are the oldest received (the agent sends
 * each T line in one sendmsg with its fds, so they came with or before
 * the line's bytes). */
static void
shepserv_task(struct shepserv *sv, const char *key)
{
	int io[3], i;

	if (sv->nfds < 3) {
		log_warnx("shepherd server: %s came without its stdio; not run", key);
		shepserv_say(sv, "F %s %d\n", key, EBADF);
		return;
	}
	memcpy(io, sv->fds, sizeof(io));
	sv->nfds -= 3;
	memmove(sv->fds, sv->fds + 3, (size_t)sv->nfds * sizeof(int));
	shepserv_fork(sv, key, io);
	for (i = 0; i < 3; i++)
		close(io[i]);
}

/* Keeps the fds of a message's SCM_RIGHTS (closed when there is no room:
 * their task then fails for want of them). */
static void
shepserv_take_fds(struct shepserv *sv, struct msghdr *mh)
{
	struct cmsghdr *c;
	size_t i, n;
	int *fd;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		fd = (int *)CMSG_DATA(c);
		for (i = 0; i < n; i++) {
			if (sv->nfds < (int)nitems(sv->fds))
				sv->fds[sv->nfds++] = fd[i];
			else
				close(fd[i]);
		}
	}
}

/* Reads what the agent sent and runs each complete "R key" line. */
static void
shepserv_read(struct shepserv *sv)
{
	union {
		char buf[CMSG_SPACE(3 * sizeof(int)) * 4];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { sv->buf + sv->len, sizeof(sv->buf) - 1 - sv->len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf) };
	char *line, *nl;
	ssize_t n;

	n = recvmsg(sv->sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0 || mh.msg_controllen > 0)
		shepserv_take_fds(sv, &mh);
	if (n <= 0) {
		shepserv_gone(sv);
		return;
	}
	sv->len += (size_t)n;
	sv->buf[sv->len] = '\0';
	for (line = sv->buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if (line[0] == 'R' && line[1] == ' ')
			shepserv_fork(sv, line + 2, NULL);
		else if (line[0] == 'T' && line[1] == ' ')
			shepserv_task(sv, line + 2);
		else
			log_warnx("shepherd server: unknown request \"%.40s\"", line);
	}
	sv->len -= (size_t)(line - sv->buf);
	memmove(sv->buf, line, sv->len);
	if (sv->len == sizeof(sv->buf) - 1) {
		log_warnx("shepherd server: request line too long; dropped");
		sv->len = 0;
	}
}

/* A shepherd ended: the agent hears it, or finds its marker once back. */
static void
shepserv_ended(struct shepserv *sv, pid_t pid, int st)
{
	char *dir;
	int i;

	for (i = 0; i < sv->children && sv->child[i].pid != pid; i++)
		;
	if (i == sv->children)
		return;		/* not one of ours */
	shepserv_say(sv, "X %d %d\n", (int)pid, st);
	if (sv->sock < 0) {
		dir = spool_job_dir(sv->spool, sv->child[i].key);
		if (spool_mark_done(dir) < 0)
			log_warn("shepherd server: done marker of %s", sv->child[i].key);
		free(dir);
	}
	sv->child[i] = sv->child[--sv->children];
}

static void
shepserv_reap(struct shepserv *sv)
{
	struct signalfd_siginfo si;
	pid_t pid;
	int st;

	while (read(sv->sigfd, &si, sizeof(si)) > 0)
		;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		shepserv_ended(sv, pid, st);
}

int
shepserv_run(const char *spool, char *err, size_t errlen)
{
	struct shepserv sv = { .spool = spool, .self = getpid(), .sock = 0 };
	struct pollfd p[2];
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &sv.oldmask);
	if ((sv.sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return errf(err, errlen, "signalfd: %s", strerror(errno));
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);	/* the agent's end, not ours, stops us */
	signal(SIGPIPE, SIG_IGN);
	log_info("shepherd server for %s started", spool);
	while (sv.sock >= 0 || sv.children > 0) {
		p[0] = (struct pollfd){ .fd = sv.sigfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = sv.sock, .events = POLLIN };
		if (poll(p, sv.sock >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return errf(err, errlen, "poll: %s", strerror(errno));
		if (p[0].revents != 0)
			shepserv_reap(&sv);
		if (sv.sock >= 0 && p[1].revents != 0)
			shepserv_read(&sv);
	}
	log_info("shepherd server for %s: the agent is gone and its shepherds ended", spool);
	free(sv.child);
	return 0;
}
