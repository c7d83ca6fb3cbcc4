/*
 * jobtty.c - the agent's side of interactive jobs (bsub -I and kin): the
 * job's stdin, stdout and stderr are pipes, or one pseudo-terminal, whose
 * far ends the shepherd hands to the job (jobs.c passes them as its stdio).
 * The agent keeps the near ends and answers the master's "io" orders
 * (bsub's requests, relayed: pumice-protocol(7)): input is written to the
 * job, output is held here until bsub has it. Flow control is by asking:
 * at most JOBTTY_BUF bytes of each stream wait here, and the job is not
 * read past that until bsub takes them, so a slow bsub slows the job, not
 * the master or this loop. A "wait" order is held until output comes
 * (or JOBTTY_WAIT_MS pass); an input order until its bytes reached the
 * job. bsub that stays silent for JOBTTY_LEASE_MS is gone (killed, cut
 * off): the job is killed, as LSF kills the job of a lost bsub.
 * A blaunch task's I/O is the same relay, named by the task's number too
 * (tid); its end is told only with the task's exit status (ended), which
 * the answer carrying eof gives blaunch.
 * Invariants: a job's I/O lives from its start until bsub drained the
 * last byte after the job closed its side, or until it is abandoned and
 * the job's side closed; a poll handle is closed before its fd.
 */
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"
#include "b64.h"
#include "jobspec.h"
#include "log.h"
#include "util.h"

#define JOBTTY_BUF (1u << 20)		/* output bytes held per stream */
#define JOBTTY_CHUNK (256u << 10)	/* output bytes per reply */
#define JOBTTY_IN_MAX (1u << 20)	/* input bytes held for the job */
#define JOBTTY_WAIT_MS 1000		/* a wait order's longest hold */
#define JOBTTY_LEASE_MS 10000		/* bsub silent this long is gone */

struct jt;

struct jt_stream {
	int fd;			/* -1 once closed */
	char *buf;
	size_t len;
	uint64_t base;		/* stream offset of buf[0] */
	bool eof;
};

struct jt_poll {
	uv_poll_t h;
	struct jt *j;
	int fd;
	int events;		/* as started, 0: stopped */
};

struct jt {
	TAILQ_ENTRY(jt) entry;
	struct jobttys *t;
	long long id, idx, tid;	/* tid: a blaunch task's number, 0: the job */
	bool pty;
	json_t *status;			/* a task's exit_code, signal once ended */
	struct jt_stream out[2];	/* stdout (or the pty), stderr */
	int in_fd;			/* the job's stdin: -1 once closed */
	char *in;
	size_t inlen;
	bool in_eof;			/* bsub's stdin ended: close after in */
	uint64_t in_seen;		/* stdin bytes had from bsub: a resent
					   request (bsub reconnected) is not
					   written twice */
	struct jt_poll *poll[3];	/* out[0].fd, out[1].fd, in_fd (pipes) */
	long wait_pid, in_pid;		/* held orders, 0: none */
	uv_timer_t *wait_timer, *lease;
	bool abandoned;
	bool told_eof;			/* bsub has the last byte */
};

struct jobttys {
	struct agent *a;
	TAILQ_HEAD(, jt) list;
};

static const struct {
	const char *name;
	int sig;
} jobtty_sigs[] = {
	{ "INT", SIGINT }, { "QUIT", SIGQUIT }, { "TERM", SIGTERM },
	{ "HUP", SIGHUP }, { "TSTP", SIGTSTP }, { "CONT", SIGCONT },
};

static void jt_update(struct jt *j);
static void jt_maybe_free(struct jt *j);

struct jobttys *
jobtty_new(struct agent *a)
{
	struct jobttys *t = xcalloc(1, sizeof(*t));

	t->a = a;
	TAILQ_INIT(&t->list);
	return t;
}

static struct jt *
jt_find(struct jobttys *t, long long id, long long idx, long long tid)
{
	struct jt *j;

	TAILQ_FOREACH(j, &t->list, entry)
		if (j->id == id && j->idx == idx && j->tid == tid)
			return j;
	return NULL;
}

static void
jt_free_cb(uv_handle_t *h)
{
	free(h);
}

/* Closes fd and the poll handle that watches it (first, as libuv asks). */
static void
jt_close_fd(struct jt *j, int fd)
{
	int i;

	if (fd < 0)
		return;
	for (i = 0; i < 3; i++)
		if (j->poll[i] != NULL && j->poll[i]->fd == fd) {
			uv_close((uv_handle_t *)&j->poll[i]->h, jt_free_cb);
			j->poll[i] = NULL;
		}
	close(fd);
	for (i = 0; i < 2; i++)
		if (j->out[i].fd == fd) {
			j->out[i].fd = -1;
			j->out[i].eof = true;
		}
	if (j->in_fd == fd)
		j->in_fd = -1;
}

static void
jt_timer_close(uv_timer_t **t)
{
	if (*t != NULL)
		uv_close((uv_handle_t *)*t, jt_free_cb);
	*t = NULL;
}

static void
jt_send(struct jt *j, json_t *m)
{
	if (link_send(j->t->a->link, m) < 0)
		log_debug("job %lld[%lld]: io_rep lost, the master is away", j->id, j->idx);
}

static void
jt_fail(struct jt *j, long pid, const char *code, const char *err)
{
	jt_send(j, json_pack("{s:s, s:I, s:b, s:s, s:s}", "t", "io_rep",
	    "pid", (json_int_t)pid, "ok", 0, "code", code, "err", err));
}

static void
jt_free(struct jt *j)
{
	int i;

	if (j->wait_pid != 0)
		jt_fail(j, j->wait_pid, "finished", "The job's input and output are closed");
	if (j->in_pid != 0)
		jt_fail(j, j->in_pid, "finished", "The job's input and output are closed");
	TAILQ_REMOVE(&j->t->list, j, entry);
	for (i = 0; i < 2; i++) {
		jt_close_fd(j, j->out[i].fd);
		free(j->out[i].buf);
	}
	jt_close_fd(j, j->in_fd);
	jt_timer_close(&j->wait_timer);
	jt_timer_close(&j->lease);
	json_decref(j->status);
	free(j->in);
	free(j);
}

/* Both streams closed (and, for a task, its status known). */
static bool
jt_all_eof(const struct jt *j)
{
	return j->out[0].eof && j->out[1].eof && (j->tid == 0 || j->status != NULL);
}

/* The next piece of stream k into m as key/offkey; true when it is its
 * last byte. */
static bool
jt_put(struct jt_stream *s, json_t *m, const char *key, const char *offkey)
{
	size_t n = s->len < JOBTTY_CHUNK ? s->len : JOBTTY_CHUNK;
	char *text;

	json_object_set_new(m, offkey, json_integer((json_int_t)s->base));
	if (n > 0) {
		text = b64_encode(s->buf, n);
		json_object_set_new(m, key, json_string(text));
		free(text);
	}
	return n == s->len;
}

/* Answers a wait order with what output there is (bsub acknowledges it by
 * asking from past it: jt_ack). */
static void
jt_answer_wait(struct jt *j)
{
	json_t *m = json_pack("{s:s, s:I, s:b}", "t", "io_rep",
	    "pid", (json_int_t)j->wait_pid, "ok", 1);
	bool all = jt_put(&j->out[0], m, "out", "off");

	all = jt_put(&j->out[1], m, "errout", "eoff") && all;
	if (all && jt_all_eof(j)) {
		json_object_set_new(m, "eof", json_true());
		if (j->status != NULL)
			json_object_update(m, j->status);
		j->told_eof = true;
	}
	j->wait_pid = 0;
	if (j->wait_timer != NULL)
		uv_timer_stop(j->wait_timer);
	jt_send(j, m);
}

static void
jt_answer_in(struct jt *j)
{
	jt_send(j, json_pack("{s:s, s:I, s:b}", "t", "io_rep",
	    "pid", (json_int_t)j->in_pid, "ok", 1));
	j->in_pid = 0;
}

/* Drops what bsub says it has: stream offsets before off. */
static void
jt_ack(struct jt_stream *s, uint64_t off)
{
	size_t n;

	if (off <= s->base)
		return;
	n = off - s->base < s->len ? (size_t)(off - s->base) : s->len;
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	s->base += n;
}

static void
jt_read(struct jt *j, struct jt_stream *s)
{
	ssize_t n;

	if (s->buf == NULL)
		s->buf = xmalloc(JOBTTY_BUF);
	n = read(s->fd, s->buf + s->len, JOBTTY_BUF - s->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {	/* EOF, or EIO: the pty's last slave end closed */
		jt_close_fd(j, s->fd);
		return;
	}
	if (j->abandoned)
		s->base += (uint64_t)n;	/* nobody will read it */
	else
		s->len += (size_t)n;
}

static void
jt_write(struct jt *j)
{
	ssize_t n = write(j->in_fd, j->in, j->inlen);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {	/* the job closed its stdin: what it did not read is gone */
		j->inlen = 0;
		j->in_eof = true;
	} else {
		memmove(j->in, j->in + n, j->inlen - (size_t)n);
		j->inlen -= (size_t)n;
	}
	if (j->inlen == 0 && j->in_eof && !j->pty)
		jt_close_fd(j, j->in_fd);
}

/* Whether there is output for a held wait order, or the end to tell. */
static bool
jt_has_output(const struct jt *j)
{
	return j->out[0].len > 0 || j->out[1].len > 0 || jt_all_eof(j);
}

static void
jt_poll_cb(uv_poll_t *h, int status, int events)
{
	struct jt_poll *p = (struct jt_poll *)h;
	struct jt *j = p->j;
	int fd = p->fd, i;

	for (i = 0; i < 2; i++)
		if (j->out[i].fd == fd && (status < 0 || (events & (UV_READABLE | UV_DISCONNECT))))
			jt_read(j, &j->out[i]);
	if (j->in_fd == fd && j->inlen > 0 && (status < 0 || (events & UV_WRITABLE)))
		jt_write(j);
	if (j->in_pid != 0 && j->inlen == 0)
		jt_answer_in(j);
	if (j->wait_pid != 0 && jt_has_output(j))
		jt_answer_wait(j);
	jt_update(j);
	jt_maybe_free(j);
}

/* What the poll on fd should wait for now. */
static int
jt_events(const struct jt *j, int fd)
{
	int ev = 0, i;

	for (i = 0; i < 2; i++)
		if (j->out[i].fd == fd && j->out[i].len < JOBTTY_BUF)
			ev |= UV_READABLE;
	if (j->in_fd == fd && j->inlen > 0)
		ev |= UV_WRITABLE;
	return ev;
}

static void
jt_update(struct jt *j)
{
	struct jt_poll *p;
	int i, ev;

	for (i = 0; i < 3; i++) {
		if ((p = j->poll[i]) == NULL || (ev = jt_events(j, p->fd)) == p->events)
			continue;
		p->events = ev;
		if (ev != 0)
			uv_poll_start(&p->h, ev, jt_poll_cb);
		else
			uv_poll_stop(&p->h);
	}
}

/* Gone once bsub was told the end, or nobody will ask for it. */
static void
jt_maybe_free(struct jt *j)
{
	if (j->told_eof || (j->abandoned && jt_all_eof(j)))
		jt_free(j);
}

static void
jt_poll_add(struct jt *j, int slot, int fd)
{
	struct jt_poll *p = xcalloc(1, sizeof(*p));

	p->j = j;
	p->fd = fd;
	if (uv_poll_init(j->t->a->loop, &p->h, fd) < 0) {
		log_warnx("job %lld[%lld]: cannot watch its I/O", j->id, j->idx);
		free(p);
		return;
	}
	j->poll[slot] = p;
}

/* Kills the job as bkill does (jobs.c), or sends it one signal. */
static void
jt_signal(struct jt *j, const char *sig, bool kill_it)
{
	json_t *m = json_pack("{s:s, s:I, s:I}", "t", "signal", "id", (json_int_t)j->id,
	    "idx", (json_int_t)j->idx);

	if (j->tid > 0)		/* a task's relay acts on that task alone */
		json_object_set_new(m, "task", json_integer(j->tid));
	if (kill_it)
		json_object_set_new(m, "kill", json_true());
	else
		json_object_set_new(m, "sig", json_string(sig));
	jobs_on_signal(j->t->a->jobs, m);
	json_decref(m);
}

/* A pty's signal goes to its foreground process group, as the terminal's
 * own ^C would; a pipe job's to its process group (jobs.c). */
static void
jt_sig(struct jt *j, const char *name)
{
	pid_t pg;
	size_t i;

	for (i = 0; i < nitems(jobtty_sigs); i++)
		if (strcmp(jobtty_sigs[i].name, name) == 0)
			break;
	if (i == nitems(jobtty_sigs))
		return log_warnx("job %lld[%lld]: io: signal %s not relayed", j->id, j->idx, name);
	if (j->pty && j->out[0].fd >= 0 && (pg = tcgetpgrp(j->out[0].fd)) > 0) {
		if (kill(-pg, jobtty_sigs[i].sig) < 0)
			log_warn("job %lld[%lld]: kill %s to %d", j->id, j->idx, name, (int)pg);
		return;
	}
	jt_signal(j, name, false);
}

static void
jt_lease_cb(uv_timer_t *t)
{
	struct jt *j = t->data;
	int i;

	log_warnx("job %lld[%lld]: its interactive bsub is gone (silent %d s); "
	    "killing the job", j->id, j->idx, JOBTTY_LEASE_MS / 1000);
	j->abandoned = true;
	for (i = 0; i < 2; i++) {
		j->out[i].base += j->out[i].len;
		j->out[i].len = 0;
	}
	j->inlen = 0;
	j->in_eof = true;
	if (!j->pty)
		jt_close_fd(j, j->in_fd);
	jt_signal(j, NULL, true);
	jt_update(j);
	jt_maybe_free(j);
}

static void
jt_wait_cb(uv_timer_t *t)
{
	struct jt *j = t->data;

	if (j->wait_pid != 0)
		jt_answer_wait(j);
	jt_maybe_free(j);
}

static uv_timer_t *
jt_timer(struct jt *j)
{
	uv_timer_t *t = xcalloc(1, sizeof(*t));

	uv_timer_init(j->t->a->loop, t);
	t->data = j;
	uv_unref((uv_handle_t *)t);
	return t;
}

static int
jt_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The job's ends of three pipes in child[]; ours in j. */
static int
jt_open_pipes(struct jt *j, int child[3], char *err, size_t errlen)
{
	int p[3][2], i;

	for (i = 0; i < 3; i++)
		if (pipe2(p[i], O_CLOEXEC) < 0) {
			while (i-- > 0) {
				close(p[i][0]);
				close(p[i][1]);
			}
			return errf(err, errlen, "pipe: %s", strerror(errno));
		}
	child[0] = p[0][0];
	j->in_fd = p[0][1];
	child[1] = p[1][1];
	j->out[0].fd = p[1][0];
	child[2] = p[2][1];
	j->out[1].fd = p[2][0];
	return 0;
}

static int
jt_open_pty(struct jt *j, const struct jobspec *s, int child[3], char *err, size_t errlen)
{
	struct winsize ws = { .ws_row = (unsigned short)s->tty_rows,
		.ws_col = (unsigned short)s->tty_cols };
	int master, slave;

	if (openpty(&master, &slave, NULL, NULL, s->tty_rows > 0 ? &ws : NULL) < 0)
		return errf(err, errlen, "openpty: %s", strerror(errno));
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	child[0] = child[1] = child[2] = slave;
	j->in_fd = j->out[0].fd = master;
	j->out[1].eof = true;	/* one stream: stderr shares the terminal */
	return 0;
}

int
jobtty_open(struct jobttys *t, const struct jobspec *s, int child[3], char *err,
    size_t errlen)
{
	struct jt *j = xcalloc(1, sizeof(*j));
	int r;

	j->t = t;
	j->id = s->id;
	j->idx = s->idx;
	j->tid = s->task;
	j->pty = s->interactive == JOBSPEC_IO_PTY;
	j->out[0].fd = j->out[1].fd = j->in_fd = -1;
	r = j->pty ? jt_open_pty(j, s, child, err, errlen) :
	    jt_open_pipes(j, child, err, errlen);
	if (r < 0) {
		free(j);
		return -1;
	}
	TAILQ_INSERT_TAIL(&t->list, j, entry);
	jt_nonblock(j->in_fd);
	jt_nonblock(j->out[0].fd);
	jt_poll_add(j, 0, j->out[0].fd);
	if (!j->pty) {
		jt_nonblock(j->out[1].fd);
		jt_poll_add(j, 1, j->out[1].fd);
		jt_poll_add(j, 2, j->in_fd);
	}
	j->wait_timer = jt_timer(j);
	j->lease = jt_timer(j);
	uv_timer_start(j->lease, jt_lease_cb, JOBTTY_LEASE_MS, 0);
	jt_update(j);
	return 0;
}

void
jobtty_spawned(struct jobttys *t, long long id, long long idx, long long tid, int child[3],
    bool ok)
{
	struct jt *j = jt_find(t, id, idx, tid);

	close(child[0]);
	if (child[1] != child[0])
		close(child[1]);
	if (child[2] != child[0] && child[2] != child[1])
		close(child[2]);
	if (!ok && j != NULL)
		jt_free(j);
}

/* The window size, for a pty. */
static void
jt_winsize(struct jt *j, const json_t *msg)
{
	json_int_t rows = json_integer_value(json_object_get(msg, "rows"));
	json_int_t cols = json_integer_value(json_object_get(msg, "cols"));
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	if (j->pty && j->out[0].fd >= 0 && rows > 0 && cols > 0 &&
	    ioctl(j->out[0].fd, TIOCSWINSZ, &ws) < 0)
		log_warn("job %lld[%lld]: TIOCSWINSZ", j->id, j->idx);
}

/* Input for the job from stdin offset "inoff" on; false when there is
 * too much held already. */
static bool
jt_input(struct jt *j, const json_t *msg)
{
	const char *text = json_string_value(json_object_get(msg, "in"));
	uint64_t off = (uint64_t)json_integer_value(json_object_get(msg, "inoff"));
	size_t n = 0, skip;
	char *data;

	if (json_is_true(json_object_get(msg, "eof")))
		j->in_eof = true;
	if (text == NULL || *text == '\0' || (data = b64_decode(text, &n)) == NULL)
		return true;
	skip = off < j->in_seen ? (size_t)(j->in_seen - off) : 0;
	if (skip < n && j->inlen + n - skip > JOBTTY_IN_MAX) {
		free(data);
		return false;
	}
	if (skip < n) {
		j->in_seen += n - skip;
		if (j->in_fd >= 0) {
			j->in = xrealloc(j->in, j->inlen + n - skip);
			memcpy(j->in + j->inlen, data + skip, n - skip);
			j->inlen += n - skip;
		}
	}
	free(data);
	return true;
}

/* Applies an order's input, size and signals; answers or holds it. */
static void
jt_order(struct jt *j, long pid, const json_t *msg)
{
	const char *sig = json_string_value(json_object_get(msg, "sig"));

	jt_winsize(j, msg);
	if (sig != NULL)
		jt_sig(j, sig);
	if (json_is_true(json_object_get(msg, "kill")))
		jt_signal(j, NULL, true);
	if (json_is_true(json_object_get(msg, "wait"))) {
		if (j->wait_pid != 0)
			jt_answer_wait(j);	/* the newer order takes its place */
		j->wait_pid = pid;
		if (jt_has_output(j))
			jt_answer_wait(j);
		else
			uv_timer_start(j->wait_timer, jt_wait_cb, JOBTTY_WAIT_MS, 0);
		return;
	}
	if (json_object_get(msg, "in") == NULL && json_object_get(msg, "eof") == NULL) {
		jt_send(j, json_pack("{s:s, s:I, s:b}", "t", "io_rep", "pid", (json_int_t)pid,
		    "ok", 1));	/* size, signal, kill: done */
		return;
	}
	if (j->in_pid != 0)
		jt_answer_in(j);	/* its answer was lost: bsub sends one at a time */
	if (!jt_input(j, msg))
		return jt_fail(j, pid, "busy", "input arrives faster than the job reads it");
	if (j->inlen == 0 && j->in_eof && !j->pty)
		jt_close_fd(j, j->in_fd);
	j->in_pid = pid;
	if (j->inlen == 0)
		jt_answer_in(j);
}

void
jobtty_on_request(struct jobttys *t, const json_t *msg)
{
	long pid = (long)json_integer_value(json_object_get(msg, "pid"));
	json_int_t id = json_integer_value(json_object_get(msg, "id"));
	json_int_t idx = json_integer_value(json_object_get(msg, "idx"));
	json_int_t tid = json_integer_value(json_object_get(msg, "task"));
	struct jt *j = jt_find(t, id, idx, tid);
	json_t *m;

	if (j == NULL || j->abandoned) {
		m = json_pack("{s:s, s:I, s:b, s:s, s:s}", "t", "io_rep", "pid",
		    (json_int_t)pid, "ok", 0, "code", "finished",
		    "err", "The job's input and output are closed");
		link_send(t->a->link, m);
		return;
	}
	uv_timer_start(j->lease, jt_lease_cb, JOBTTY_LEASE_MS, 0);
	jt_ack(&j->out[0], (uint64_t)json_integer_value(json_object_get(msg, "off")));
	jt_ack(&j->out[1], (uint64_t)json_integer_value(json_object_get(msg, "eoff")));
	jt_order(j, pid, msg);
	jt_update(j);
	jt_maybe_free(j);
}

/* A task that did not start: its relay goes. */
void
jobtty_forget(struct jobttys *t, long long id, long long idx, long long tid)
{
	struct jt *j = jt_find(t, id, idx, tid);

	if (j != NULL)
		jt_free(j);
}

/* A task ended (jobs.c): its status, and the end told once its output
 * is drained. */
void
jobtty_task_ended(struct jobttys *t, long long id, long long idx, long long tid,
    int exit_code, int sig)
{
	struct jt *j = jt_find(t, id, idx, tid);

	if (j == NULL)
		return;
	j->status = json_pack("{s:i, s:i}", "exit_code", exit_code, "signal", sig);
	if (j->wait_pid != 0 && jt_has_output(j))
		jt_answer_wait(j);
	jt_maybe_free(j);
}

void
jobtty_close(struct jobttys *t)
{
	struct jt *j;

	while ((j = TAILQ_FIRST(&t->list)) != NULL)
		jt_free(j);
}

void
jobtty_free(struct jobttys *t)
{
	free(t);
}
