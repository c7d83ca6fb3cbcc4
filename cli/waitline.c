/*
 * waitline.c - one status line on stderr while bsub -K or bwait waits,
 * rewritten in place each second ("\r", text, clear to end of line):
 * "<<Waiting 0:12 — PEND: reason>>". Only on a terminal: piped output
 * stays what scripts parse, byte for byte. The wait request stays on its
 * connection; poll() wakes each second to redraw, the text coming from a
 * callback (waitstat.c asks the master on a second, short connection).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"
#include "waitline.h"

void
waitline_init(struct waitline *w, waitline_fn fn, void *arg)
{
	memset(w, 0, sizeof(*w));
	w->on = isatty(STDERR_FILENO);
	w->start = now_mono_ms();
	w->fn = fn;
	w->arg = arg;
}

void
waitline_elapsed(uint64_t ms, char *buf, size_t len)
{
	unsigned long s = (unsigned long)(ms / 1000);

	if (s >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%lu:%02lu", s / 60, s % 60);
}

/* The em dash only where the terminal reads UTF-8. */
static const char *
waitline_dash(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < nitems(vars); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return (strstr(v, "UTF-8") || strstr(v, "utf-8") ||
			    strstr(v, "UTF8") || strstr(v, "utf8")) ? "\xe2\x80\x94" : "-";
	return "-";
}

/* The line never wraps: "\r" would then rewrite only its last row. */
void
waitline_fit(char *s, size_t cols)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) == 0x80)
			continue;
		if (++n > cols) {
			*s = '\0';
			return;
		}
	}
}

static size_t
waitline_cols(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 8)
		return ws.ws_col - 1;
	return 79;
}

static void
waitline_draw(struct waitline *w)
{
	char el[32], what[512] = "", line[640];
	size_t cols = waitline_cols();

	if (w->fn != NULL)
		w->fn(w->arg, what, sizeof(what));
	waitline_elapsed(now_mono_ms() - w->start, el, sizeof(el));
	if (*what)
		snprintf(line, sizeof(line), "%s %s %s", el, waitline_dash(), what);
	else
		snprintf(line, sizeof(line), "%s", el);
	waitline_fit(line, cols > 13 ? cols - 12 : 1);
	fprintf(stderr, "\r<<Waiting %s>>\033[K", line);
	fflush(stderr);
	w->shown = true;
}

void
waitline_clear(struct waitline *w)
{
	if (!w->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	w->shown = false;
}

/* Milliseconds to the next whole second of the wait, or to the deadline. */
static int
waitline_next_ms(const struct waitline *w)
{
	uint64_t now = now_mono_ms();
	uint64_t ms = 1000 - (now - w->start) % 1000;

	if (w->deadline != 0 && w->deadline < now + ms)
		ms = w->deadline > now ? w->deadline - now : 0;
	return (int)ms;
}

/* Until the reply's bytes come, redrawing each second; false at the
 * deadline. */
static bool
waitline_poll(struct waitline *w, struct client *c)
{
	struct pollfd pfd = { c->fd, POLLIN, 0 };
	int r;

	while (!client_pending(c)) {
		if (w->deadline != 0 && now_mono_ms() >= w->deadline)
			return false;
		r = poll(&pfd, 1, waitline_next_ms(w));
		if (r > 0 || (r < 0 && errno != EINTR))
			return true;
		if (r == 0 && (w->deadline == 0 || now_mono_ms() < w->deadline))
			waitline_draw(w);
	}
	return true;
}

int
waitline_request(struct waitline *w, struct client *c, const char *op,
    json_t *args, json_t **data, char *err, size_t errlen)
{
	size_t taillen;
	char *tail;
	int id, rc;

	if (!w->on)
		return client_request(c, op, args, data, err, errlen);
	if ((rc = client_send(c, op, args, &id, err, errlen)) != CLIENT_OK)
		return rc;
	if (!waitline_poll(w, c))	/* as a read past SO_RCVTIMEO would */
		return errf(err, errlen, "read: %s", strerror(ETIMEDOUT)),
		    CLIENT_UNREACHABLE;
	return client_recv(c, op, args, &id, data, &tail, &taillen, err, errlen);
}
