/*
 * conn.c - one peer connection (an agent link or a command client) on a
 * libevent bufferevent: frames in, frames out. Output that depends on
 * uncommitted state is held in c->held and released by conn_flush_held
 * right after the commit. A connection is closed at once but freed from a
 * later event, never inside its own callback. What a frame means and what
 * a closed connection leaves behind is for the layers above: each kind of
 * connection has its callbacks in master->conn_ops (set by loop.c), so
 * this file calls up into no module by name.
 */
#include <stdlib.h>
#include <string.h>

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
	void *agent;		/* agentlink's per-link state */
	TAILQ_ENTRY(conn) entry;
	TAILQ_ENTRY(conn) dirty_entry;
};

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_write_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);

#define CONN_MAX_SINGLE_IO (4u << 20)
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
	c->held = evbuffer_new();
	c->bev = bufferevent_socket_new(m->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	/*
	 * libevent moves at most 16 KB per callback by default: a 5 MB bhosts
	 * reply then took hundreds of loop turns, each as long as a busy
	 * master's turn. Let one turn move what the socket takes.
	 */
	bufferevent_set_max_single_read(c->bev, CONN_MAX_SINGLE_IO);
	bufferevent_set_max_single_write(c->bev, CONN_MAX_SINGLE_IO);
	if (kind == CONN_AGENT) {
		struct timeval tv = { agent_link_timeout(m->conf), 0 };
		bufferevent_set_timeouts(c->bev, &tv, NULL);
	} else {	/* commands before agent traffic and the scheduler (loop.c) */
		bufferevent_priority_set(c->bev, LOOP_PRIO_CMD);
		loop_cmd_watch(m, fd);
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&m->conns, c, entry);
	return c;
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

static void
conn_frame(struct conn *c, struct evbuffer *out, json_t *msg)
{
	size_t len, limit = (size_t)c->m->conf->max_reply << 20;
	uint8_t *buf = proto_encode(msg, &len);
	json_t *err;

	if (limit == 0 || limit > PROTO_MAX_FRAME)
		limit = PROTO_MAX_FRAME;
	if (len - 4 > limit) {
		free(buf);
		err = conn_too_big(msg, len - 4, limit);
		log_warnx("a %zu-byte %s is over the frame limit; %s", len - 4,
		    json_string_value(json_object_get(msg, "t")) ?
		    json_string_value(json_object_get(msg, "t")) : "message",
		    err ? "an error was sent instead" : "dropped");
		json_decref(msg);
		memtrim_after_frame(len);
		if (err != NULL)
			conn_frame(c, out, err);
		return;
	}
	evbuffer_add(out, buf, len);
	free(buf);
	json_decref(msg);
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

void
conn_send_after_commit(struct conn *c, json_t *msg)
{
	if (c->dead) {
		json_decref(msg);
		return;
	}
	conn_frame(c, c->held, msg);
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
 * Sends msg now, unless replies held for a commit are queued before it on
 * this connection and must keep their order (relayed replies carry their
 * own id: unordered).
 */
void
conn_send_unless_held(struct conn *c, json_t *msg, bool unordered)
{
	if (unordered || c->dead || evbuffer_get_length(c->held) == 0)
		conn_send(c, msg);
	else
		conn_send_after_commit(c, msg);
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
		log_info("%s connection%s%s closed: %s",
		    c->kind == CONN_AGENT ? "agent" : "command",
		    c->host ? " of " : "", c->host ? c->host->name : "", why);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
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
	if (n <= PROTO_MAX_FRAME && len < (size_t)n + 4)
		return 0;
	rc = proto_decode(evbuffer_pullup(in, n <= PROTO_MAX_FRAME ? (ssize_t)n + 4 : 4),
	    n <= PROTO_MAX_FRAME ? n + 4 : 4, &msg, &used, err, sizeof(err));
	if (rc <= 0) {
		conn_close(c, rc < 0 ? err : "truncated frame");
		return -1;
	}
	evbuffer_drain(in, used);
	if (c->m->conn_ops != NULL)
		c->m->conn_ops[c->kind].on_msg(c->m, c, msg);
	json_decref(msg);
	memtrim_after_frame(used);
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
		conn_close(c, "no heartbeat");
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
