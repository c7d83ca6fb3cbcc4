/*
 * shepconn.c - the agent's end of its long-lived shepherd (pumice-shepherd
 * -s, daemons/shepherd/shepserv.c): started on the first job, given job
 * keys over a socketpair, and heard from when a job's shepherd is forked
 * or exits. What it hears goes to the callbacks its owner (jobs.c) gave.
 * If the server goes, the next job starts another; the shepherds it
 * forked run on and report through the spool, as they always do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "spool.h"
#include "util.h"

struct shepconn {
	struct agent *a;
	struct shepconn_cbs cb;
	uv_process_t *proc;	/* NULL once it exited (or before it ran) */
	uv_pipe_t *pipe;	/* NULL when there is no server to talk to */
	char rbuf[8192];
	size_t rlen;
};

struct shepconn_write {
	uv_write_t req;
	struct shepconn *sc;
	char *text;
};

static void
shepconn_close_cb(uv_handle_t *h)
{
	free(h);
}

/* The server is no longer ours to talk to: what it owed will not come. */
static void
shepconn_lost(struct shepconn *sc, const char *why)
{
	if (sc->pipe == NULL)
		return;
	log_warnx("shepherd server: %s; the next job starts another", why);
	uv_close((uv_handle_t *)sc->pipe, shepconn_close_cb);
	sc->pipe = NULL;
	sc->rlen = 0;
	sc->cb.lost(sc->cb.arg);
}

static void
shepconn_exit_cb(uv_process_t *p, int64_t status, int sig)
{
	struct shepconn *sc = p->data;

	uv_close((uv_handle_t *)p, shepconn_close_cb);
	if (sc == NULL)
		return;
	sc->proc = NULL;
	if (status != 0 || sig != 0)
		log_warnx("shepherd server exited with status %lld signal %d",
		    (long long)status, sig);
	shepconn_lost(sc, "exited");
}

/* One line from the server: S key pid, F key errno, X pid wstatus. */
static void
shepconn_line(struct shepconn *sc, char *line)
{
	char key[64];
	long a, b;

	if (sscanf(line, "S %63s %ld", key, &a) == 2)
		sc->cb.started(sc->cb.arg, key, (pid_t)a);
	else if (sscanf(line, "F %63s %ld", key, &a) == 2)
		sc->cb.failed(sc->cb.arg, key, (int)a);
	else if (sscanf(line, "X %ld %ld", &a, &b) == 2)
		sc->cb.exited(sc->cb.arg, (pid_t)a, (int)b);
	else
		log_warnx("shepherd server: unknown line \"%.40s\"", line);
}

static void
shepconn_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct shepconn *sc = h->data;

	*buf = uv_buf_init(sc->rbuf + sc->rlen, (unsigned)(sizeof(sc->rbuf) - 1 - sc->rlen));
}

static void
shepconn_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct shepconn *sc = s->data;
	char *line, *nl;

	if (n < 0) {
		shepconn_lost(sc, n == UV_EOF ? "closed its end" : uv_strerror((int)n));
		return;
	}
	sc->rlen += (size_t)n;
	sc->rbuf[sc->rlen] = '\0';
	for (line = sc->rbuf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		shepconn_line(sc, line);
		if (sc->pipe == NULL)
			return;		/* a callback lost it */
	}
	sc->rlen -= (size_t)(line - sc->rbuf);
	memmove(sc->rbuf, line, sc->rlen);
	if (sc->rlen == sizeof(sc->rbuf) - 1)
		shepconn_lost(sc, "sent a line too long");
}

/* Starts pumice-shepherd -s, detached in its own session, its fd 0 one
 * end of a socketpair whose other end we read. */
static int
shepconn_start(struct shepconn *sc, char *err, size_t errlen)
{
	struct agent *a = sc->a;
	char *log = a->logfile ? xstrdup(a->logfile) : xasprintf("%s/shepherd.log", a->spool);
	char *args[] = { a->shepherd, "-l", log, "-s", a->spool, NULL };
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	int sv[2], r, i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(log);
		return errf(err, errlen, "socketpair: %s", strerror(errno));
	}
	if (sc->proc != NULL)
		sc->proc->data = NULL;	/* a lost server still exiting: its exit_cb frees it */
	memset(&o, 0, sizeof(o));
	for (i = 0; i < 3; i++)
		stdio[i].flags = UV_IGNORE;	/* never hold the agent's stdio open */
	stdio[0].flags = UV_INHERIT_FD;
	stdio[0].data.fd = sv[1];
	o.file = a->shepherd;
	o.args = args;
	o.exit_cb = shepconn_exit_cb;
	o.flags = UV_PROCESS_DETACHED;
	o.stdio = stdio;
	o.stdio_count = 3;
	sc->proc = xcalloc(1, sizeof(*sc->proc));
	sc->proc->data = sc;
	r = uv_spawn(a->loop, sc->proc, &o);
	free(log);
	close(sv[1]);
	if (r < 0) {
		uv_close((uv_handle_t *)sc->proc, shepconn_close_cb);
		sc->proc = NULL;
		close(sv[0]);
		return errf(err, errlen, "cannot start %s: %s", a->shepherd, uv_strerror(r));
	}
	uv_unref((uv_handle_t *)sc->proc);	/* never keeps the loop alive */
	sc->pipe = xcalloc(1, sizeof(*sc->pipe));
	uv_pipe_init(a->loop, sc->pipe, 0);
	sc->pipe->data = sc;
	if ((r = uv_pipe_open(sc->pipe, sv[0])) < 0 ||
	    (r = uv_read_start((uv_stream_t *)sc->pipe, shepconn_alloc_cb, shepconn_read_cb)) < 0) {
		uv_close((uv_handle_t *)sc->pipe, shepconn_close_cb);
		sc->pipe = NULL;
		return errf(err, errlen, "shepherd server pipe: %s", uv_strerror(r));
	}
	uv_unref((uv_handle_t *)sc->pipe);
	log_info("shepherd server %d started", sc->proc->pid);
	return 0;
}

static void
shepconn_write_cb(uv_write_t *req, int status)
{
	struct shepconn_write *w = (struct shepconn_write *)req;

	if (status < 0 && status != UV_ECANCELED && w->sc->pipe == (uv_pipe_t *)req->handle)
		shepconn_lost(w->sc, uv_strerror(status));
	free(w->text);
	free(w);
}

int
shepconn_run(struct shepconn *sc, const char *const *keys, size_t n, char *err, size_t errlen)
{
	struct shepconn_write *w;
	size_t i, len = 0;
	uv_buf_t b;
	int r;

	if (n == 0)
		return 0;
	if (sc->pipe == NULL && shepconn_start(sc, err, errlen) < 0)
		return -1;
	for (i = 0; i < n; i++)
		len += strlen(keys[i]) + 3;
	w = xcalloc(1, sizeof(*w));
	w->sc = sc;
	w->text = xmalloc(len + 1);
	for (len = 0, i = 0; i < n; i++)
		len += (size_t)sprintf(w->text + len, "R %s\n", keys[i]);
	b = uv_buf_init(w->text, (unsigned)len);
	if ((r = uv_write(&w->req, (uv_stream_t *)sc->pipe, &b, 1, shepconn_write_cb)) < 0) {
		free(w->text);
		free(w);
		shepconn_lost(sc, uv_strerror(r));
		return errf(err, errlen, "shepherd server: %s", uv_strerror(r));
	}
	return 0;
}

/*
 * A job or blaunch task whose stdio is the relay's (an interactive job,
 * a task): "T key" and the three stdio fds in one sendmsg
 * (SCM_RIGHTS), so the server gets the fds with the line. Sent directly,
 * not through libuv's queue, which cannot carry three fds with a line;
 * so only when that queue is empty (its bytes would otherwise interleave
 * with ours). The line is small and the server reads at once: a full
 * socket (EAGAIN) is a refusal the caller reports, not a wait.
 */
int
shepconn_io(struct shepconn *sc, const char *key, const int fds[3], char *err,
    size_t errlen)
{
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char line[SPOOL_KEY_MAX + 4];
	struct iovec iov = { line, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	uv_os_fd_t fd;
	ssize_t n;

	if (sc->pipe == NULL && shepconn_start(sc, err, errlen) < 0)
		return -1;
	if (uv_stream_get_write_queue_size((uv_stream_t *)sc->pipe) > 0 ||
	    uv_fileno((uv_handle_t *)sc->pipe, &fd) < 0)
		return errf(err, errlen, "shepherd server busy; try again");
	iov.iov_len = (size_t)snprintf(line, sizeof(line), "T %s\n", key);
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(3 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, 3 * sizeof(int));
	while ((n = sendmsg(fd, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)iov.iov_len)
		return 0;
	if (n >= 0 || errno != EAGAIN)
		shepconn_lost(sc, n < 0 ? strerror(errno) : "short write");
	return errf(err, errlen, "shepherd server: %s", n < 0 ? strerror(errno) :
	    "short write");
}

struct shepconn *
shepconn_new(struct agent *a, const struct shepconn_cbs *cb)
{
	struct shepconn *sc = xcalloc(1, sizeof(*sc));

	sc->a = a;
	sc->cb = *cb;
	return sc;
}

/* The server stays: closing our end tells it to finish and exit. */
void
shepconn_close(struct shepconn *sc)
{
	if (sc->pipe != NULL)
		uv_close((uv_handle_t *)sc->pipe, shepconn_close_cb);
	sc->pipe = NULL;
	if (sc->proc != NULL) {
		sc->proc->data = NULL;
		uv_close((uv_handle_t *)sc->proc, shepconn_close_cb);
	}
	sc->proc = NULL;
}

void
shepconn_free(struct shepconn *sc)
{
	free(sc);
}
