/*
 * client.c - the commands' link to the local daemon: a unix stream socket,
 * a hello {v:1, role:"cli"} sent with the first request in one write, then
 * req/rep frames (proto.h). Blocking I/O: a command does one thing at a
 * time. A socket that is missing or refuses is retried with backoff (50 ms
 * doubling to 1 s) for $PUMICE_CONNECT_TIMEOUT seconds (default 30), since
 * a daemon that is restarting should not fail a workflow's bsub. A local
 * agent that answers "unreachable" without having forwarded the request
 * (its master link is down) is asked again the same way and within the
 * same bound. While retrying, one note goes to stderr after a few seconds;
 * stdout never sees any of it. The socket is named in lsf.conf: a broken
 * lsf.shared or lsf.cluster does not keep a command from its daemon (which
 * runs with the configuration it loaded; badmin ckconfig reports the
 * errors), and an unreadable lsf.conf is a configuration error, not an
 * unreachable cluster.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "lsfconf.h"
#include "proto.h"
#include "util.h"

/* Set when the last client_open failed on the configuration. */
static bool client_conf_failed;

bool
client_config_error(void)
{
	return client_conf_failed;
}

/*
 * The socket from lsf.conf alone, with conf.c's defaults: for when the
 * rest of the configuration does not load. NULL with err when lsf.conf
 * itself does not.
 */
static char *
client_socket_lsfconf(char *err, size_t errlen)
{
	const char *envdir = getenv("LSF_ENVDIR"), *v;
	struct cfg_file f = { 0 };
	char *path, *sock;

	path = xasprintf("%s/lsf.conf", envdir ? envdir : "/etc/pumice");
	if (cfg_load_lsfconf(path, &f, err, errlen) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	v = cfg_get(&f, "PUMICE_SOCKET");
	if (v == NULL)
		v = "/run/pumice/agent.sock";
	else if (*v == '\0' && (v = cfg_get(&f, "PUMICE_MASTER_SOCKET")) == NULL)
		v = "/run/pumice/master.sock";
	sock = *v != '\0' ? xstrdup(v) : NULL;
	if (sock == NULL)
		errf(err, errlen, "PUMICE_SOCKET is not set in lsf.conf");
	cfg_file_free(&f);
	return sock;
}

char *
client_socket_path(char *err, size_t errlen)
{
	const char *env = getenv("PUMICE_SOCKET");
	struct conf *conf;
	char *path = NULL;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	conf = conf_load(NULL, 0, err, errlen);
	if (conf == NULL)
		return client_socket_lsfconf(err, errlen);
	if (conf->socket != NULL && *conf->socket != '\0')
		path = xstrdup(conf->socket);
	else if (conf->master_socket != NULL && *conf->master_socket != '\0')
		path = xstrdup(conf->master_socket);
	else
		errf(err, errlen, "PUMICE_SOCKET is not set in lsf.conf");
	conf_free(conf);
	return path;
}

static long
client_timeout_ms(void)
{
	const char *s = getenv("PUMICE_CONNECT_TIMEOUT");
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return 30000;
	v = strtod(s, &end);
	if (*end != '\0' || v < 0)
		return 30000;
	return (long)(v * 1000);
}

static int
client_try_connect(const char *path, int *fd)
{
	struct sockaddr_un sun;
	int s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int saved = errno;
		close(s);
		errno = saved;
		return -1;
	}
	*fd = s;
	return 0;
}

static void
client_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The time left, rounded up: "0.5 s" under ten seconds, else "27 s". */
void
client_left(uint64_t ms, char *buf, size_t len)
{
	if (ms < 10000)
		snprintf(buf, len, "%llu.%llu s", (unsigned long long)((ms + 99) / 1000),
		    (unsigned long long)((ms + 99) / 100 % 10));
	else
		snprintf(buf, len, "%llu s", (unsigned long long)((ms + 999) / 1000));
}

/* Sleeps before the next try; false when the deadline has passed. */
static bool
client_backoff(uint64_t start, uint64_t deadline, long *delay, const char *why)
{
	static bool noted;
	uint64_t now = now_mono_ms();

	if (now >= deadline)
		return false;
	if (!noted && now - start >= 2000) {
		char left[32];
		client_left(deadline - now, left, sizeof(left));
		fprintf(stderr, "%s: %s; still trying for up to %s\n",
		    program_invocation_short_name, why, left);
		noted = true;
	}
	if (now + (uint64_t)*delay > deadline)
		*delay = (long)(deadline - now) + 1;
	client_sleep_ms(*delay);
	/* at most 250 ms: a master back from a restart is found within a
	 * quarter second (a 1 s cap added up to a second to its answer), and
	 * a connect to a unix socket four times a second costs nothing */
	*delay = *delay * 2 > 250 ? 250 : *delay * 2;
	return true;
}

static int
client_open_within(struct client *c, long timeout_ms, char *err, size_t errlen)
{
	uint64_t start = now_mono_ms(), deadline = start + (uint64_t)timeout_ms;
	long delay = 50;
	char *path;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->next_id = 1;
	client_conf_failed = false;
	if ((path = client_socket_path(err, errlen)) == NULL) {
		client_conf_failed = true;
		return CLIENT_UNREACHABLE;
	}
	for (;;) {
		if (client_try_connect(path, &c->fd) == 0)
			break;
		errf(err, errlen, "%s: %s", path, strerror(errno));
		if ((errno != ENOENT && errno != ECONNREFUSED && errno != EAGAIN) ||
		    !client_backoff(start, deadline, &delay, err)) {
			free(path);
			return CLIENT_UNREACHABLE;
		}
	}
	free(path);
	return CLIENT_OK;
}

int
client_open(struct client *c, char *err, size_t errlen)
{
	return client_open_within(c, client_timeout_ms(), err, errlen);
}

int
client_open_once(struct client *c, char *err, size_t errlen)
{
	return client_open_within(c, 0, err, errlen);
}

void
client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = c->used = 0;
}

static int
client_write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Appends msg's frame to *out. */
static void
client_append_frame(unsigned char **out, size_t *outlen, json_t *msg)
{
	size_t n;
	uint8_t *f = proto_encode(msg, &n);

	*out = xrealloc(*out, *outlen + n);
	memcpy(*out + *outlen, f, n);
	*outlen += n;
	free(f);
}

static int
client_send_req(struct client *c, int id, const char *op, json_t *args,
    char *err, size_t errlen)
{
	unsigned char *out = NULL;
	size_t outlen = 0;
	json_t *m;
	int rc;

	if (!c->hello_sent) {
		m = json_pack("{s:s, s:i, s:s}", "t", "hello", "v", PROTO_VERSION,
		    "role", "cli");
		client_append_frame(&out, &outlen, m);
		json_decref(m);
	}
	m = json_pack("{s:s, s:i, s:s, s:O}", "t", "req", "id", id, "op", op,
	    "args", args);
	client_append_frame(&out, &outlen, m);
	json_decref(m);
	rc = client_write_all(c->fd, out, outlen);
	free(out);
	if (rc < 0)
		return errf(err, errlen, "send: %s", strerror(errno));
	c->hello_sent = true;
	return 0;
}

/*
 * Reads one frame; -1 with err on EOF, error or a bad frame. *tail and
 * *taillen: the raw bytes after its JSON, kept in c->buf (and writable)
 * until the next read.
 */
static int
client_read_frame(struct client *c, json_t **msg, char **tail, size_t *taillen,
    char *err, size_t errlen)
{
	size_t used, toff;
	ssize_t r;
	int rc;

	if (c->used > 0) {	/* the last frame, read until now */
		memmove(c->buf, c->buf + c->used, c->len - c->used);
		c->len -= c->used;
		c->used = 0;
	}
	for (;;) {
		rc = proto_decode_tail(c->buf, c->len, msg, &used, &toff, err, errlen);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			c->used = used;
			*tail = (char *)c->buf + toff;
			*taillen = used - toff;
			return 0;
		}
		if (c->cap - c->len < 65536) {
			c->cap = c->cap ? c->cap * 2 : 65536;
			c->buf = xrealloc(c->buf, c->cap);
		}
		r = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errf(err, errlen, "read: %s", strerror(errno));
		if (r == 0)
			return errf(err, errlen, "connection closed by the daemon");
		c->len += (size_t)r;
	}
}

int
client_read(struct client *c, json_t **msg, char *err, size_t errlen)
{
	char *tail;
	size_t taillen;

	return client_read_frame(c, msg, &tail, &taillen, err, errlen);
}

bool
client_pending(const struct client *c)
{
	return c->len > c->used;
}

/*
 * Turns a rep into CLIENT_* and data/err; *retry is set when the daemon
 * could not reach the master and did not forward the request, or when the
 * master was busy with the caller's other requests (code "busy"). Raw
 * bytes after a reply are its data's "rows" (their count) or an error.
 */
static int
client_take_rep(json_t *rep, size_t taillen, json_t **data, bool *retry,
    char *err, size_t errlen)
{
	const char *text, *code;
	json_t *d = json_object_get(rep, "data");

	if (json_is_true(json_object_get(rep, "ok"))) {
		if (taillen > 0 && (!json_is_integer(json_object_get(d, "rows")) ||
		    json_integer_value(json_object_get(d, "rows")) != (json_int_t)taillen))
			return errf(err, errlen, "malformed reply: %zu bytes after "
			    "it", taillen), CLIENT_UNREACHABLE;
		if (data != NULL)
			*data = d ? json_incref(d) : json_object();
		return CLIENT_OK;
	}
	text = json_string_value(json_object_get(rep, "err"));
	code = json_string_value(json_object_get(rep, "code"));
	errf(err, errlen, "%s", text ? text : "request failed");
	if (code != NULL && strcmp(code, "unreachable") == 0) {
		*retry = !json_is_true(json_object_get(rep, "forwarded"));
		return CLIENT_UNREACHABLE;
	}
	/* the master serves this user's other listings first: ask again */
	*retry = code != NULL && strcmp(code, "busy") == 0;
	return CLIENT_REJECTED;
}

int
client_send(struct client *c, const char *op, json_t *args, int *id,
    char *err, size_t errlen)
{
	*id = c->next_id++;
	if (client_send_req(c, *id, op, args, err, errlen) < 0)
		return CLIENT_UNREACHABLE;
	return CLIENT_OK;
}

/* The reply to request id; *retry as client_take_rep sets it. */
static int
client_wait(struct client *c, int id, json_t **data, char **tail,
    size_t *taillen, bool *retry, char *err, size_t errlen)
{
	json_t *msg;
	int rc;

	if (data != NULL)
		*data = NULL;
	for (;;) {
		if (client_read_frame(c, &msg, tail, taillen, err, errlen) < 0)
			return CLIENT_UNREACHABLE;
		if (strcmp(proto_type(msg), "rep") == 0 &&
		    json_integer_value(json_object_get(msg, "id")) == id)
			break;
		if (strcmp(proto_type(msg), "error") == 0) {
			const char *e = json_string_value(json_object_get(msg, "err"));
			errf(err, errlen, "%s", e ? e : "refused by the daemon");
			json_decref(msg);
			return CLIENT_UNREACHABLE;
		}
		json_decref(msg);	/* not ours: ignore */
	}
	rc = client_take_rep(msg, *taillen, data, retry, err, errlen);
	json_decref(msg);
	return rc;
}

int
client_recv(struct client *c, const char *op, json_t *args, int *id,
    json_t **data, char **tail, size_t *taillen, char *err, size_t errlen)
{
	uint64_t start = now_mono_ms(), deadline = start + (uint64_t)client_timeout_ms();
	long delay = 50;
	bool retry;
	int rc;

	for (;;) {
		retry = false;
		rc = client_wait(c, *id, data, tail, taillen, &retry, err, errlen);
		if (!retry || !client_backoff(start, deadline, &delay, err))
			return rc;
		if ((rc = client_send(c, op, args, id, err, errlen)) != CLIENT_OK)
			return rc;
	}
}

int
client_request(struct client *c, const char *op, json_t *args, json_t **data,
    char *err, size_t errlen)
{
	size_t taillen;
	char *tail;
	int id, rc;

	if ((rc = client_send(c, op, args, &id, err, errlen)) != CLIENT_OK)
		return rc;
	return client_recv(c, op, args, &id, data, &tail, &taillen, err, errlen);
}

int
client_call(const char *op, json_t *args, json_t **data, char *err,
    size_t errlen)
{
	struct client c;
	int rc;

	rc = client_open(&c, err, errlen);
	if (rc == CLIENT_OK)
		rc = client_request(&c, op, args, data, err, errlen);
	client_close(&c);
	json_decref(args);
	return rc;
}

void
client_die_unreachable(const char *cmd, const char *err)
{
	fflush(stdout);
	if (client_conf_failed) {
		fprintf(stderr, "%s: configuration error: %s\n", cmd, err);
		exit(CLI_EXIT_FAIL);
	}
	fprintf(stderr, "%s: cluster unreachable: %s\n", cmd, err);
	exit(CLI_EXIT_UNREACHABLE);
}
