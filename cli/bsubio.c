/*
 * bsubio.c - bsub -I, -Ip, -Is (and -IS, -ISp, -ISs): once the job starts,
 * bsub relays its terminal to the job through the master and the agent
 * that runs it (op "io", pumice-protocol(7)), then exits with the job's
 * exit code. At most three requests are in flight: one "wait" that the
 * agent holds until the job writes (so output comes at once, and nothing
 * is read from the job faster than bsub writes it out), one carrying
 * input (answered once the job has it: stdin is read no faster than the
 * job reads), and one carrying a window size or a signal. With a
 * pseudo-terminal the local terminal is put in raw mode, so that ^C, ^Z
 * and the like reach the job's terminal as keys; without one, ^C (and
 * SIGTERM, SIGHUP) kill the job, as in LSF. If bsub disappears without a
 * word, the agent kills the job once bsub has been silent for a while
 * (jobtty.c). blaunch relays each of its tasks the same way
 * (bsubio_relay: its requests name the task; the answer with the end
 * carries the task's exit code).
 */
#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "cli.h"
#include "util.h"

#define BSUBIO_IN_MAX (64u << 10)	/* stdin bytes per request */
#define BSUBIO_TROUBLE_MS 20000		/* transient failures given up after */

struct bsubio {
	struct client *c;
	long id;
	bool pty;
	bool raw;		/* the local terminal is in raw mode */
	struct termios saved;
	json_int_t off, eoff;	/* stdout, stderr bytes written out */
	int wait_id, in_id, ctl_id;	/* requests in flight, 0: none */
	bool stdin_open;
	json_t *in_args;	/* the input request until it is answered */
	json_int_t inoff;	/* stdin bytes read so far */
	uint64_t trouble;	/* since when requests fail for a while, 0: not */
	bool broken;		/* the link to the daemon is gone */
	bool done;
	bool killed;		/* asked the job killed */
	json_t *extra;		/* fields of every request (a task's), or NULL */
	char who[128];		/* "bsub: job <N>", for messages */
	int code;		/* the exit code the end carried, -1: none */
};

static int bsubio_sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t bsubio_winch, bsubio_intr, bsubio_quit, bsubio_term;

static void
bsubio_on_signal(int sig)
{
	int e = errno;

	if (sig == SIGWINCH)
		bsubio_winch = 1;
	else if (sig == SIGINT)
		bsubio_intr = 1;
	else if (sig == SIGQUIT)
		bsubio_quit = 1;
	else
		bsubio_term = sig;
	if (write(bsubio_sigpipe[1], "s", 1) < 0) {
		/* full: a wakeup is already pending */
	}
	errno = e;
}

json_t *
bsubio_winsize(void)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return NULL;
	return json_pack("{s:i, s:i}", "rows", ws.ws_row, "cols", ws.ws_col);
}

static void
bsubio_signals(void)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGQUIT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (pipe2(bsubio_sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bsubio_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* A pty job gets the keys themselves: the local terminal goes raw. */
static void
bsubio_raw(struct bsubio *b)
{
	struct termios t;

	if (!b->pty || !isatty(0) || tcgetattr(0, &b->saved) < 0)
		return;
	t = b->saved;
	cfmakeraw(&t);
	if (tcsetattr(0, TCSADRAIN, &t) == 0)
		b->raw = true;
}

static void
bsubio_unraw(struct bsubio *b)
{
	if (b->raw)
		tcsetattr(0, TCSADRAIN, &b->saved);
	b->raw = false;
}

/* Sends an io request (args stolen); 0 when the link broke. */
static int
bsubio_send(struct bsubio *b, json_t *args)
{
	char err[256];
	int id;

	json_object_set_new(args, "id", json_integer(b->id));
	json_object_set_new(args, "idx", json_integer(0));
	if (b->extra != NULL)
		json_object_update(args, b->extra);
	if (client_send(b->c, "io", args, &id, err, sizeof(err)) != CLIENT_OK) {
		b->broken = true;
		id = 0;
	}
	json_decref(args);
	return id;
}

static void
bsubio_send_wait(struct bsubio *b)
{
	b->wait_id = bsubio_send(b, json_pack("{s:I, s:I, s:b}", "off", b->off,
	    "eoff", b->eoff, "wait", 1));
}

/* A window size, a signal, or a kill: never held by the agent. */
static void
bsubio_send_ctl(struct bsubio *b)
{
	json_t *args = json_object(), *ws;

	if (bsubio_term || (bsubio_intr && !b->pty)) {
		json_object_set_new(args, "kill", json_true());
		b->killed = true;
	} else if (bsubio_intr)
		json_object_set_new(args, "sig", json_string("INT"));
	else if (bsubio_quit)
		json_object_set_new(args, "sig", json_string("QUIT"));
	if (bsubio_winch && (ws = bsubio_winsize()) != NULL)
		json_object_update(args, ws), json_decref(ws);
	bsubio_intr = bsubio_quit = bsubio_winch = 0;
	bsubio_term = 0;
	if (json_object_size(args) == 0) {
		json_decref(args);
		return;
	}
	b->ctl_id = bsubio_send(b, args);
}

/* Reads stdin once; sends what came, or its end. The request is kept
 * until answered, and sent again after a failure: "inoff" lets the
 * agent drop what it had already. */
static void
bsubio_send_input(struct bsubio *b)
{
	char *buf = xmalloc(BSUBIO_IN_MAX), *text;
	ssize_t n = read(0, buf, BSUBIO_IN_MAX);

	if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		free(buf);
		return;
	}
	if (n <= 0) {
		b->stdin_open = false;
		b->in_args = json_pack("{s:b, s:I}", "eof", 1, "inoff", b->inoff);
	} else {
		text = b64_encode(buf, (size_t)n);
		b->in_args = json_pack("{s:s, s:I}", "in", text, "inoff", b->inoff);
		b->inoff += n;
		free(text);
	}
	free(buf);
	b->in_id = bsubio_send(b, json_incref(b->in_args));
}

static int
bsubio_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			poll(&(struct pollfd){ fd, POLLOUT, 0 }, 1, -1);
			continue;
		}
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes all of a reply's piece of one stream; false when fd is gone. */
static bool
bsubio_out(int fd, const json_t *data, const char *key, const char *offkey,
    json_int_t *have)
{
	const char *text = json_string_value(json_object_get(data, key));
	json_int_t off = json_integer_value(json_object_get(data, offkey));
	size_t n = 0, skip;
	char *bytes;
	bool ok;

	if (text == NULL || (bytes = b64_decode(text, &n)) == NULL)
		return true;
	skip = off < *have ? (size_t)(*have - off) : 0;	/* had it already */
	ok = skip >= n || bsubio_write_all(fd, bytes + skip, n - skip) == 0;
	if (skip < n)
		*have = off + (json_int_t)n;
	free(bytes);
	return ok;
}

/* The answer to the wait: output, and maybe the end. */
static void
bsubio_on_output(struct bsubio *b, const json_t *data)
{
	if (!bsubio_out(1, data, "out", "off", &b->off) ||
	    !bsubio_out(b->pty ? 1 : 2, data, "errout", "eoff", &b->eoff)) {
		/* nowhere to write: the job's output has no reader, as LSF */
		bsubio_term = SIGPIPE;
		b->stdin_open = false;
	}
	if (json_is_true(json_object_get(data, "eof")))
		b->done = true;
	if (json_is_integer(json_object_get(data, "exit_code")))
		b->code = (int)json_integer_value(json_object_get(data, "exit_code"));
}

/* Codes that pass: the job's host or the master is away for a moment
 * (a restart), or the agent still holds an earlier request. */
static bool
bsubio_transient(const char *code)
{
	static const char *codes[] = { "internal", "unreachable", "busy" };
	size_t i;

	for (i = 0; code != NULL && i < nitems(codes); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* A reply that is not ok: the end ("finished"), a pause, or a reason to
 * stop. */
static void
bsubio_on_error(struct bsubio *b, const json_t *rep)
{
	const char *code = json_string_value(json_object_get(rep, "code"));
	const char *err = json_string_value(json_object_get(rep, "err"));

	if (bsubio_transient(code)) {
		if (b->trouble == 0)
			b->trouble = now_mono_ms();
		if (now_mono_ms() - b->trouble < BSUBIO_TROUBLE_MS) {
			nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
			return;	/* asked again by the next turn */
		}
	}
	if (code == NULL || strcmp(code, "finished") != 0) {
		bsubio_unraw(b);
		fprintf(stderr, "%s: %s\n", b->who, err ? err : "I/O failed");
	}
	b->done = true;
}

static void
bsubio_on_reply(struct bsubio *b, json_t *rep)
{
	int id = (int)json_integer_value(json_object_get(rep, "id"));
	bool ok = json_is_true(json_object_get(rep, "ok"));

	if (id != b->wait_id && id != b->in_id && id != b->ctl_id)
		return;		/* from before a reconnection */
	if (!ok)
		bsubio_on_error(b, rep);
	else
		b->trouble = 0;
	if (ok && id == b->wait_id)
		bsubio_on_output(b, json_object_get(rep, "data"));
	if (ok && id == b->in_id) {
		json_decref(b->in_args);
		b->in_args = NULL;
	}
	if (id == b->wait_id)
		b->wait_id = 0;
	else if (id == b->in_id)
		b->in_id = 0;
	else
		b->ctl_id = 0;
}

/* The link went (a restart of the local daemon or the master): a new one,
 * and the requests in flight again; false when there is none. */
static bool
bsubio_reconnect(struct bsubio *b)
{
	char err[256];

	client_close(b->c);
	b->wait_id = b->in_id = b->ctl_id = 0;
	b->broken = false;
	if (client_open(b->c, err, sizeof(err)) != CLIENT_OK) {
		bsubio_unraw(b);
		fprintf(stderr, "%s: %s\n", b->who, err);
		return false;
	}
	return true;
}

/* Reads the daemon's frames that are there; false when it went away. */
static bool
bsubio_read(struct bsubio *b)
{
	char err[256];
	json_t *msg;

	do {
		if (client_read(b->c, &msg, err, sizeof(err)) < 0)
			return bsubio_reconnect(b);
		if (strcmp(json_string_value(json_object_get(msg, "t")) ?: "", "rep") == 0)
			bsubio_on_reply(b, msg);
		json_decref(msg);
	} while (client_pending(b->c) && !b->done);
	return true;
}

static void
bsubio_drain_sigpipe(void)
{
	char buf[64];

	while (read(bsubio_sigpipe[0], buf, sizeof(buf)) > 0)
		;
}

/* One turn: send what is due, then sleep until something happens. */
static bool
bsubio_turn(struct bsubio *b)
{
	struct pollfd p[3] = { { b->c->fd, POLLIN, 0 }, { bsubio_sigpipe[0], POLLIN, 0 },
		{ 0, POLLIN, 0 } };
	nfds_t n = 2;

	if (b->broken && !bsubio_reconnect(b))
		return false;
	if (b->wait_id == 0)
		bsubio_send_wait(b);
	if (b->in_id == 0 && b->in_args != NULL)
		b->in_id = bsubio_send(b, json_incref(b->in_args));
	if (b->ctl_id == 0 && (bsubio_winch || bsubio_intr || bsubio_quit || bsubio_term))
		bsubio_send_ctl(b);
	if (b->done)
		return true;
	if (client_pending(b->c))
		return bsubio_read(b);
	if (b->broken)
		return true;
	if (b->stdin_open && b->in_id == 0 && b->in_args == NULL)
		n = 3;
	if (poll(p, n, -1) < 0)
		return errno == EINTR;
	if (p[1].revents)
		bsubio_drain_sigpipe();
	if (n == 3 && p[2].revents)
		bsubio_send_input(b);
	if (p[0].revents)
		return bsubio_read(b);
	return true;
}

/* ^C, SIGTERM or SIGHUP while pending: the job goes, as in LSF. */
static void
bsubio_kill_pending(struct bsubio *b)
{
	char err[256];
	json_t *args;
	int id;

	if (b->killed || !(bsubio_intr || bsubio_term))
		return;
	b->killed = true;
	args = json_pack("{s:[{s:I}]}", "ids", "id", (json_int_t)b->id);
	if (client_send(b->c, "kill", args, &id, err, sizeof(err)) != CLIENT_OK)
		fprintf(stderr, "bsub: job <%ld>: %s\n", b->id, err);
	json_decref(args);
}

/* The answer to the wait for the start: 0 when started, -1 when the link
 * went (the caller waits again, reconnecting), else bsub's code. */
static int
bsubio_started(struct bsubio *b, int wid)
{
	char err[256];
	json_t *msg;
	int rc = -1;

	if (client_read(b->c, &msg, err, sizeof(err)) < 0)
		return -1;
	if (json_integer_value(json_object_get(msg, "id")) != wid)
		rc = 1;		/* the kill's answer: go on waiting */
	else if (json_is_true(json_object_get(msg, "ok")))
		rc = bsubwait_show_start(json_object_get(json_object_get(msg, "data"),
		    "job"));
	else {
		fprintf(stderr, "Job <%ld>: %s\n", b->id,
		    json_string_value(json_object_get(msg, "err")) ?: "wait failed");
		rc = CLI_EXIT_FAIL;
	}
	json_decref(msg);
	return rc == 1 ? -2 : rc;
}

/*
 * Waits for the job to start, watching for ^C meanwhile (bsub -K's wait
 * cannot be interrupted). A link that goes is left to bsubwait_start,
 * which reconnects.
 */
static int
bsubio_wait_start(struct bsubio *b)
{
	struct pollfd p[2] = { { b->c->fd, POLLIN, 0 }, { bsubio_sigpipe[0], POLLIN, 0 } };
	json_t *args = json_pack("{s:I, s:s}", "id", (json_int_t)b->id, "until", "start");
	char err[256];
	int wid, rc;

	fprintf(stderr, "<<Waiting for dispatch ...>>\n");
	rc = client_send(b->c, "wait", args, &wid, err, sizeof(err));
	json_decref(args);
	if (rc != CLIENT_OK) {
		client_close(b->c);
		return bsubwait_start(b->c, b->id);
	}
	for (;;) {
		bsubio_kill_pending(b);
		p[0].revents = p[1].revents = 0;
		if (!client_pending(b->c) && poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			bsubio_drain_sigpipe();
		if (!client_pending(b->c) && !(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if ((rc = bsubio_started(b, wid)) >= 0)
			return rc;
		if (rc == -1)
			break;
	}
	client_close(b->c);
	return bsubwait_start(b->c, b->id);
}

int
bsubio_run(struct client *c, long id, int mode, bool stdin_file)
{
	struct bsubio b = { .c = c, .id = id, .pty = mode == BSUBOPT_IO_PTY,
		.stdin_open = !stdin_file, .code = -1 };
	int rc;

	snprintf(b.who, sizeof(b.who), "bsub: job <%ld>", id);
	bsubio_signals();
	if ((rc = bsubio_wait_start(&b)) != 0)
		return rc;
	b.killed = false;
	bsubio_raw(&b);
	bsubio_winch = b.pty;	/* the size now, in case it changed while pending */
	while (!b.done)
		if (!bsubio_turn(&b))
			break;
	bsubio_unraw(&b);
	json_decref(b.in_args);
	if (!b.done)
		return 1;
	return bsubwait_end(c, id);
}

int
bsubio_relay(struct client *c, long id, json_t *extra, const char *who, bool stdin_open)
{
	struct bsubio b = { .c = c, .id = id, .extra = extra, .stdin_open = stdin_open,
		.code = -1 };

	snprintf(b.who, sizeof(b.who), "%s", who);
	bsubio_signals();
	if (!stdin_open)	/* its input ends at once, as from /dev/null */
		b.in_args = json_pack("{s:b, s:I}", "eof", 1, "inoff", (json_int_t)0);
	while (!b.done)
		if (!bsubio_turn(&b))
			break;
	json_decref(b.in_args);
	return b.done ? b.code : -1;
}
