/*
 * conn.c - one peer connection (an agent link or a command client) on a
 * libevent bufferevent: frames in, frames out. Output that depends on
 * uncommitted state is held in c->held and released by conn_flush_held
 * right after the commit. A connection is closed at once but freed from a
 * later event, never inside its own callback. What a frame means and what
 * a closed connection leaves behind is for the layers above: each kind of
 * connection has its callbacks in master->conn_ops (set by loop.c), so
 * this file calls up into no module by name.
 *
 * Before an agent link proved the cluster key (conn_set_authed) it may
 * send frames of CONN_PREAUTH_FRAME bytes at most, read in small pieces,
 * and must finish its handshake within PUMICE_AUTH_TIMEOUT seconds; how
 * many such links there are, in all and per address, is bounded at accept
 * (conn_admit). A stranger costs the master a few KB, not 64 MB.
 */
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "master.h"
#include "proto.h"
#include "util.h"

struct conn {
	struct master *m;
	struct bufferevent *bev;
	struct evbuffer *held;
	enum conn_kind kind;
	long peer_uid, peer_gid;
	struct host *host;
	bool dead, on_dirty, close_after_write;
	bool trim_on_drain;	/* a big reply is being written (memtrim.c) */
	bool paused;		/* a command's replies wait unread: not reading */
	bool authed;		/* a command (SO_PEERCRED) or an agent past its proof */
	struct event *auth_ev;	/* the handshake's deadline */
	char addr[INET6_ADDRSTRLEN];	/* the peer's address, "local" for commands */
	char peer[INET6_ADDRSTRLEN + 8];	/* address:port, for logs */
	void *agent;		/* agentlink's per-link state */
	TAILQ_ENTRY(conn) entry;
	TAILQ_ENTRY(conn) dirty_entry;
};

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_write_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static void conn_auth_timeout_cb(evutil_socket_t fd, short what, void *arg);

#define CONN_MAX_SINGLE_IO (4u << 20)
#define CONN_PREAUTH_FRAME 4096u	/* hello and auth are ~200 bytes */
#define CONN_PREAUTH_READ 16384u
/* A command's unread replies past which its next requests wait in the
 * socket: a client that asks without reading costs this much, no more. */
#define CONN_CLI_OUT_MAX (4u << 20)

struct conn *
conn_new(struct master *m, int fd, enum conn_kind kind, long uid, long gid)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->m = m;
	c->kind = kind;
	c->peer_uid = uid;
	c->peer_gid = gid;
	c->authed = kind == CONN_CLI;
	snprintf(c->addr, sizeof(c->addr), "local");
	snprintf(c->peer, sizeof(c->peer), "local");
	c->held = evbuffer_new();
	c->bev = bufferevent_socket_new(m->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	/*
	 * libevent moves at most 16 KB per callback by default: a 5 MB bhosts
	 * reply then took hundreds of loop turns, each as long as a busy
	 * master's turn. Let one turn move what the socket takes.
	 */
	bufferevent_set_max_single_read(c->bev, c->authed ? CONN_MAX_SINGLE_IO :
	    CONN_PREAUTH_READ);
	bufferevent_set_max_single_write(c->bev, CONN_MAX_SINGLE_IO);
	if (kind == CONN_AGENT) {
		struct timeval tv = { agent_link_timeout(m->conf), 0 };
		struct timeval auth = { m->conf->auth_timeout, 0 };
		int one = 1;
		/*
		 * No Nagle (issue 12): a finish_ack the agent did not answer
		 * waits for its delayed ACK (40 ms), and Nagle held the next
		 * run behind it: 15% of idle jobs took 45-55 ms to DONE
		 * instead of 5. Each loop turn writes its messages at once.
		 */
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
			log_warn("TCP_NODELAY");
		bufferevent_set_timeouts(c->bev, &tv, NULL);
		c->auth_ev = evtimer_new(m->base, conn_auth_timeout_cb, c);
		evtimer_add(c->auth_ev, &auth);
	} else {	/* commands before agent traffic and the scheduler (loop.c) */
		bufferevent_priority_set(c->bev, LOOP_PRIO_CMD);
		loop_cmd_watch(m, fd);
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&m->conns, c, entry);
	return c;
}

static void
conn_sockaddr(const struct sockaddr *sa, char *addr, size_t alen, int *port)
{
	const void *in = NULL;

	*port = 0;
	if (sa->sa_family == AF_INET) {
		in = &((const struct sockaddr_in *)sa)->sin_addr;
		*port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		in = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		*port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	}
	if (in == NULL || inet_ntop(sa->sa_family, in, addr, (socklen_t)alen) == NULL)
		snprintf(addr, alen, "?");
}

void
conn_set_peer(struct conn *c, const struct sockaddr *sa)
{
	int port;

	conn_sockaddr(sa, c->addr, sizeof(c->addr), &port);
	snprintf(c->peer, sizeof(c->peer), "%s:%d", c->addr, port);
}

const char *
conn_peer(const struct conn *c)
{
	return c->peer;
}

void
conn_set_authed(struct conn *c)
{
	c->authed = true;
	bufferevent_set_max_single_read(c->bev, CONN_MAX_SINGLE_IO);
	if (c->auth_ev != NULL)
		evtimer_del(c->auth_ev);
}

static void
conn_auth_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char why[128];

	if (c->authed)
		return;
	snprintf(why, sizeof(why), "no authentication within %ld s (PUMICE_AUTH_TIMEOUT)",
	    c->m->conf->auth_timeout);
	conn_close(c, why);
}

/* Logs refusals at most once a second: a flood must not flood the log. */
static void
conn_refuse_log(const char *addr, const char *why)
{
	static time_t last;
	static long quiet;
	time_t now = time(NULL);

	if (now == last) {
		quiet++;
		return;
	}
	log_warnx("connection from %s refused: %s%s", addr, why,
	    quiet ? " (and earlier ones not logged)" : "");
	last = now;
	quiet = 0;
}

bool
conn_admit(struct master *m, const struct sockaddr *sa)
{
	char addr[INET6_ADDRSTRLEN], why[160];
	long total = 0, same = 0;
	struct conn *c;
	int port;

	conn_sockaddr(sa, addr, sizeof(addr), &port);
	TAILQ_FOREACH(c, &m->conns, entry) {
		if (c->authed)
			continue;
		total++;
		same += strcmp(c->addr, addr) == 0;
	}
	if (same >= m->conf->unauth_per_host)
		snprintf(why, sizeof(why), "%ld links from there are not authenticated yet "
		    "(PUMICE_UNAUTH_PER_HOST)", same);
	else if (total >= m->conf->unauth_max)
		snprintf(why, sizeof(why), "%ld links are not authenticated yet "
		    "(PUMICE_UNAUTH_MAX)", total);
	else
		return true;
	conn_refuse_log(addr, why);
	return false;
}

struct host *
conn_host(struct conn *c)
{
	return c->host;
}

void
conn_set_host(struct conn *c, struct host *h)
{
	c->host = h;
}

long
conn_peer_uid(struct conn *c)
{
	return c->peer_uid;
}

long
conn_peer_gid(struct conn *c)
{
	return c->peer_gid;
}

void **
conn_agent_state(struct conn *c)
{
	return &c->agent;
}

/*
 * A reply over the frame limit would make the peer drop the connection
 * (an agent relaying it, its whole link): send an error in its place,
 * to the same request id, or nothing when it is not a reply.
 */
static json_t *
conn_too_big(const json_t *msg, size_t len, size_t limit)
{
	const char *t = json_string_value(json_object_get(msg, "t"));
	bool relay = t != NULL && strcmp(t, "relay_rep") == 0;
	const json_t *inner = relay ? json_object_get(msg, "rep") : msg, *id;
	char text[256];
	json_t *rep;

	if (!relay && (t == NULL || strcmp(t, "rep") != 0))
		return NULL;
	id = json_object_get(inner, "id");
	snprintf(text, sizeof(text), "the reply (%zu KB) is over the limit of %zu KB "
	    "(PUMICE_MAX_REPLY); ask for fewer jobs (job ids, -u, -J, -q, -d/-p/-r)",
	    len >> 10, limit >> 10);
	rep = json_pack("{s:s, s:O, s:b, s:s, s:s}", "t", "rep", "id", id ? id : json_null(),
	    "ok", 0, "code", "toobig", "err", text);
	if (relay)
		rep = json_pack("{s:s, s:O, s:o}", "t", "relay_rep", "rid",
		    json_object_get(msg, "rid"), "rep", rep);
	return rep;
}

/* Whether a frame of len bytes is over the reply limit; if so msg's
 * error (conn_too_big) is framed in its place and msg is freed. */
static void conn_frame(struct conn *c, struct evbuffer *out, json_t *msg);

static bool
conn_over_limit(struct conn *c, struct evbuffer *out, json_t *msg, size_t len)
{
	size_t limit = (size_t)c->m->conf->max_reply << 20;
	json_t *err;

	if (limit == 0 || limit > PROTO_MAX_FRAME)
		limit = PROTO_MAX_FRAME;
	if (len <= limit)
		return false;
	err = conn_too_big(msg, len, limit);
	log_warnx("a %zu-byte %s is over the frame limit; %s", len,
	    json_string_value(json_object_get(msg, "t")) ?
	    json_string_value(json_object_get(msg, "t")) : "message",
	    err ? "an error was sent instead" : "dropped");
	json_decref(msg);
	memtrim_after_frame(len);
	if (err != NULL)
		conn_frame(c, out, err);
	return true;
}

static void
conn_frame(struct conn *c, struct evbuffer *out, json_t *msg)
{
	size_t len;
	uint8_t *buf = proto_encode(msg, &len);

	if (conn_over_limit(c, out, msg, len - 4)) {
		free(buf);
		return;
	}
	evbuffer_add(out, buf, len);
	free(buf);
	json_decref(msg);
	memtrim_after_frame(len);
	c->trim_on_drain |= memtrim_worth(len);
}

/* A message already written as text: framed and moved, not re-encoded. */
static void
conn_frame_text(struct conn *c, struct evbuffer *out, json_t *head,
    struct evbuffer *text)
{
	size_t len = evbuffer_get_length(text);
	uint8_t n[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len };

	if (conn_over_limit(c, out, head, len)) {
		evbuffer_free(text);
		return;
	}
	evbuffer_add(out, n, sizeof(n));
	evbuffer_add_buffer(out, text);
	evbuffer_free(text);
	json_decref(head);
	memtrim_after_frame(len);
	c->trim_on_drain |= memtrim_worth(len);
}

void
conn_send(struct conn *c, json_t *msg)
{
	if (c->dead) {
		json_decref(msg);
		return;
	}
	conn_frame(c, bufferevent_get_output(c->bev), msg);
}

/* c's held output waits for the commit: see it flushed after. */
static void
conn_mark_dirty(struct conn *c)
{
	if (!c->on_dirty) {
		TAILQ_INSERT_TAIL(&c->m->dirty, c, dirty_entry);
		c->on_dirty = true;
	}
	if (c->kind == CONN_CLI)	/* its reply waits (loop.c) */
		loop_want_commit_soon(c->m);
	else
		loop_want_commit(c->m);
}

/*
 * Where a reply goes: held until the commit it depends on, or, when `now`
 * (the store cannot commit and the reply depends on nothing), out at once,
 * unless replies held before it on this connection must keep their order
 * (relayed replies carry their own id: unordered).
 */
static struct evbuffer *
conn_reply_buf(struct conn *c, bool now, bool unordered)
{
	if (now && (unordered || evbuffer_get_length(c->held) == 0))
		return bufferevent_get_output(c->bev);
	conn_mark_dirty(c);
	return c->held;
}

void
conn_reply(struct conn *c, json_t *msg, bool now, bool unordered)
{
	if (c->dead) {
		json_decref(msg);
		return;
	}
	conn_frame(c, conn_reply_buf(c, now, unordered), msg);
}

void
conn_send_after_commit(struct conn *c, json_t *msg)
{
	conn_reply(c, msg, false, false);
}

void
conn_reply_text(struct conn *c, json_t *head, struct evbuffer *text, bool now,
    bool unordered)
{
	if (c->dead) {
		json_decref(head);
		evbuffer_free(text);
		return;
	}
	conn_frame_text(c, conn_reply_buf(c, now, unordered), head, text);
}

void
conn_flush_held(struct master *m)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&m->dirty)) != NULL) {
		TAILQ_REMOVE(&m->dirty, c, dirty_entry);
		c->on_dirty = false;
		if (!c->dead)
			bufferevent_write_buffer(c->bev, c->held);
	}
}

static void
conn_free_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	bufferevent_free(c->bev);
	evbuffer_free(c->held);
	if (c->auth_ev != NULL)
		event_free(c->auth_ev);
	free(c->agent);
	free(c);
}

void
conn_close(struct conn *c, const char *why)
{
	struct master *m = c->m;

	if (c->dead)
		return;
	c->dead = true;
	if (why != NULL)
		log_info("%s connection %s %s closed: %s",
		    c->kind == CONN_AGENT ? "agent" : "command",
		    c->host ? "of" : "from", c->host ? c->host->name : c->peer, why);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	if (c->auth_ev != NULL)
		evtimer_del(c->auth_ev);
	if (c->on_dirty) {
		TAILQ_REMOVE(&m->dirty, c, dirty_entry);
		c->on_dirty = false;
	}
	TAILQ_REMOVE(&m->conns, c, entry);
	if (m->conn_ops != NULL)
		m->conn_ops[c->kind].on_gone(m, c);
	event_base_once(m->base, -1, EV_TIMEOUT, conn_free_cb, c, NULL);
}

/* Sends what is queued, then closes (used for errors before auth). */
void
conn_close_after_write(struct conn *c)
{
	c->close_after_write = true;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_close(c, NULL);
}

static int
conn_take_frame(struct conn *c, struct evbuffer *in)
{
	size_t len = evbuffer_get_length(in), used = 0;
	uint8_t hdr[4];
	uint32_t n;
	json_t *msg = NULL;
	char err[256];
	int rc;

	if (len < 4)
		return 0;
	evbuffer_copyout(in, hdr, 4);
	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (!c->authed && n > CONN_PREAUTH_FRAME) {
		snprintf(err, sizeof(err), "a %u-byte frame before authentication "
		    "(at most %u)", n, CONN_PREAUTH_FRAME);
		log_warnx("agent port: %s sent %s", c->peer, err);
		conn_close(c, err);
		return -1;
	}
	if (n <= PROTO_MAX_FRAME && len < (size_t)n + 4)
		return 0;
	rc = proto_decode(evbuffer_pullup(in, n <= PROTO_MAX_FRAME ? (ssize_t)n + 4 : 4),
	    n <= PROTO_MAX_FRAME ? n + 4 : 4, &msg, &used, err, sizeof(err));
	if (rc <= 0) {
		if (c->kind == CONN_AGENT)
			log_warnx("agent port: %s sent a garbled frame: %s", c->peer,
			    rc < 0 ? err : "truncated frame");
		conn_close(c, rc < 0 ? err : "truncated frame");
		return -1;
	}
	evbuffer_drain(in, used);
	if (c->m->conn_ops != NULL)
		c->m->conn_ops[c->kind].on_msg(c->m, c, msg);
	json_decref(msg);
	memtrim_after_frame(used);
	/* and again once its reply has left: a pack's reply waits for the
	 * commit, which frees what recording its jobs took */
	c->trim_on_drain |= memtrim_worth(used);
	return c->dead ? -1 : 1;
}

static bool
conn_out_full(struct conn *c)
{
	return c->kind == CONN_CLI && evbuffer_get_length(bufferevent_get_output(c->bev)) +
	    evbuffer_get_length(c->held) > CONN_CLI_OUT_MAX;
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	while (!c->dead && !conn_out_full(c) && conn_take_frame(c, in) > 0)
		;
	if (!c->dead && conn_out_full(c) && !c->paused) {
		/* resumed by conn_write_cb once half of it is written */
		c->paused = true;
		bufferevent_disable(bev, EV_READ);
		bufferevent_setwatermark(bev, EV_WRITE, CONN_CLI_OUT_MAX / 2, 0);
	}
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->trim_on_drain) {
		c->trim_on_drain = false;
		memtrim_now();
	}
	if (c->paused && !conn_out_full(c)) {
		c->paused = false;
		bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
		bufferevent_enable(bev, EV_READ);
		conn_read_cb(bev, c);	/* what waited in the input buffer */
		return;
	}
	if (c->close_after_write && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_close(c, NULL);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_EOF)
		conn_close(c, c->kind == CONN_AGENT ? "end of stream" : NULL);
	else if (what & BEV_EVENT_TIMEOUT)
		conn_close(c, c->authed ? "no heartbeat" : "silent before authentication");
	else if (what & BEV_EVENT_ERROR)
		conn_close(c, "socket error");
}

void
conn_free_all(struct master *m)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&m->conns)) != NULL) {
		conn_close(c, NULL);
	}
}

size_t
conn_out_len(struct conn *c)
{
	return c->dead ? 0 : evbuffer_get_length(bufferevent_get_output(c->bev)) +
	    evbuffer_get_length(c->held);
}
