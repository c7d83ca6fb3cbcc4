/*
 * relay.c - the local command socket. Every user's commands connect here;
 * the kernel tells us who they are (SO_PEERCRED) and we vouch for that to
 * the master by wrapping each request as relay {rid, uid, gid, user, req},
 * then route relay_rep back by rid. Invariants: rids are unique for the
 * agent's lifetime; a pending rid belongs to a live client or is dropped
 * with it; a request never waits on a master we are not registered with.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "conn.h"
#include "log.h"
#include "proto.h"
#include "util.h"

struct relay_client {
	TAILQ_ENTRY(relay_client) entry;
	struct relay *r;
	struct conn *conn;
	uid_t uid;
	gid_t gid;
	char *user;
};

struct relay_pending {
	TAILQ_ENTRY(relay_pending) entry;
	uint64_t rid;
	struct relay_client *client;
	json_t *id;		/* the client's request id, echoed */
};

struct relay {
	struct agent *a;
	uv_pipe_t server;
	char *path;
	uint64_t next_rid;
	TAILQ_HEAD(, relay_client) clients;
	TAILQ_HEAD(, relay_pending) pending;
};

static void
relay_pending_free(struct relay *r, struct relay_pending *p)
{
	TAILQ_REMOVE(&r->pending, p, entry);
	json_decref(p->id);
	free(p);
}

static void
relay_client_drop(struct relay_client *c)
{
	struct relay *r = c->r;
	struct relay_pending *p, *tmp;

	for (p = TAILQ_FIRST(&r->pending); p != NULL; p = tmp) {
		tmp = TAILQ_NEXT(p, entry);
		if (p->client == c)
			relay_pending_free(r, p);
	}
	TAILQ_REMOVE(&r->clients, c, entry);
	conn_close(c->conn);
	free(c->user);
	free(c);
}

/* forwarded: the request may have reached the master (the client must
 * not send it again blindly); false when it certainly did not. */
static void
relay_unreachable(struct relay_client *c, const json_t *id, bool forwarded)
{
	json_t *m = json_pack("{s:s, s:O, s:b, s:s, s:s, s:b}", "t", "rep", "id", id,
	    "ok", 0, "code", "unreachable", "err", "master not reachable",
	    "forwarded", forwarded);

	conn_send(c->conn, m);
	json_decref(m);
}

static void
relay_forward(struct relay_client *c, const json_t *req)
{
	struct relay *r = c->r;
	const json_t *id = json_object_get(req, "id");
	struct relay_pending *p;
	json_t *m;

	if (!link_is_up(r->a->link)) {
		relay_unreachable(c, id, false);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->rid = ++r->next_rid;
	p->client = c;
	p->id = json_incref((json_t *)id);
	TAILQ_INSERT_TAIL(&r->pending, p, entry);
	m = json_pack("{s:s, s:I, s:I, s:I, s:s, s:O}", "t", "relay",
	    "rid", (json_int_t)p->rid, "uid", (json_int_t)c->uid,
	    "gid", (json_int_t)c->gid, "user", c->user, "req", req);
	if (link_send(r->a->link, m) < 0) {
		relay_unreachable(c, id, false);
		relay_pending_free(r, p);
	}
}

static void
relay_on_msg(struct conn *conn, const json_t *msg)
{
	struct relay_client *c = conn->arg;
	const char *t = proto_type(msg);
	const json_t *v = json_object_get(msg, "v");

	if (strcmp(t, "hello") == 0 && json_integer_value(v) == PROTO_VERSION)
		return;
	if (strcmp(t, "hello") == 0)
		log_warnx("client uid %d: protocol version %lld unsupported; closed",
		    (int)c->uid, (long long)json_integer_value(v));
	else if (strcmp(t, "req") == 0 && json_object_get(msg, "id") != NULL &&
	    json_is_string(json_object_get(msg, "op"))) {
		relay_forward(c, msg);
		return;
	} else
		log_warnx("client uid %d sent a malformed \"%s\" frame; closed",
		    (int)c->uid, t);
	relay_client_drop(c);
}

static void
relay_on_end(struct conn *conn, const char *why)
{
	struct relay_client *c = conn->arg;

	if (why != NULL)
		log_warnx("client uid %d: %s; closed", (int)c->uid, why);
	relay_client_drop(c);
}

static int
relay_peer(struct relay_client *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct passwd *pw;
	uv_os_fd_t fd;
	char buf[32];

	if (uv_fileno(&c->conn->h.handle, &fd) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	c->uid = cred.uid;
	c->gid = cred.gid;
	if ((pw = getpwuid(cred.uid)) != NULL)
		c->user = xstrdup(pw->pw_name);
	else {
		snprintf(buf, sizeof(buf), "%d", (int)cred.uid);
		c->user = xstrdup(buf);
	}
	return 0;
}

static void
relay_accept_cb(uv_stream_t *server, int status)
{
	struct relay *r = server->data;
	struct relay_client *c;
	char err[256];

	if (status < 0) {
		log_warnx("%s: accept: %s", r->path, uv_strerror(status));
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->r = r;
	c->conn = conn_new(relay_on_msg, relay_on_end, c);
	uv_pipe_init(r->a->loop, &c->conn->h.pipe, 0);
	TAILQ_INSERT_TAIL(&r->clients, c, entry);
	c->user = NULL;
	if (uv_accept(server, &c->conn->h.stream) < 0 || relay_peer(c) < 0) {
		log_warnx("%s: cannot accept or identify a client", r->path);
		relay_client_drop(c);
		return;
	}
	if (conn_start(c->conn, err, sizeof(err)) < 0) {
		log_warnx("%s: %s", r->path, err);
		relay_client_drop(c);
	}
}

/* Refuses to steal a live agent's socket; removes a stale one. */
static int
relay_unstale(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd, r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return errf(err, errlen, "%s: socket path too long", path);
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return errf(err, errlen, "socket: %s", strerror(errno));
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (r == 0)
		return errf(err, errlen, "%s: another agent is listening there", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	return 0;
}

static int
relay_listen(struct relay *r, char *err, size_t errlen)
{
	char *dir = xstrdup(r->path);
	int rc;

	if (mkdir_p_public(dirname(dir), 0755) < 0) {
		errf(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	if (relay_unstale(r->path, err, errlen) < 0)
		return -1;
	if ((rc = uv_pipe_bind(&r->server, r->path)) < 0)
		return errf(err, errlen, "%s: bind: %s", r->path, uv_strerror(rc));
	/* every user submits through here; identity comes from SO_PEERCRED */
	if (chmod(r->path, 0666) < 0)
		return errf(err, errlen, "%s: chmod: %s", r->path, strerror(errno));
	if ((rc = uv_listen((uv_stream_t *)&r->server, 128, relay_accept_cb)) < 0)
		return errf(err, errlen, "%s: listen: %s", r->path, uv_strerror(rc));
	return 0;
}

static void
relay_failed_cb(uv_handle_t *h)
{
	struct relay *r = h->data;

	free(r->path);
	free(r);
}

struct relay *
relay_new(struct agent *a, const char *path, char *err, size_t errlen)
{
	struct relay *r = xcalloc(1, sizeof(*r));

	r->a = a;
	r->path = xstrdup(path);
	TAILQ_INIT(&r->clients);
	TAILQ_INIT(&r->pending);
	uv_pipe_init(a->loop, &r->server, 0);
	r->server.data = r;
	if (relay_listen(r, err, errlen) < 0) {
		uv_close((uv_handle_t *)&r->server, relay_failed_cb);
		return NULL;
	}
	return r;
}

void
relay_on_reply(struct relay *r, const json_t *msg)
{
	json_int_t rid = json_integer_value(json_object_get(msg, "rid"));
	const json_t *rep = json_object_get(msg, "rep");
	struct relay_pending *p;
	json_t *m;

	TAILQ_FOREACH(p, &r->pending, entry)
		if (p->rid == (uint64_t)rid)
			break;
	if (p == NULL) {
		log_debug("relay_rep for rid %lld, whose client left", (long long)rid);
		return;
	}
	if (json_is_object(rep))
		m = json_deep_copy(rep);
	else
		m = json_pack("{s:b, s:s, s:s}", "ok", 0, "code", "internal",
		    "err", "master sent a malformed reply");
	json_object_set_new(m, "t", json_string("rep"));
	json_object_set(m, "id", p->id);
	conn_send(p->client->conn, m);
	json_decref(m);
	relay_pending_free(r, p);
}

void
relay_link_down(struct relay *r)
{
	struct relay_pending *p;

	if (r == NULL)
		return;
	while ((p = TAILQ_FIRST(&r->pending)) != NULL) {
		relay_unreachable(p->client, p->id, true);
		relay_pending_free(r, p);
	}
}

void
relay_close(struct relay *r)
{
	struct relay_client *c;

	while ((c = TAILQ_FIRST(&r->clients)) != NULL)
		relay_client_drop(c);
	uv_close((uv_handle_t *)&r->server, NULL);
	if (unlink(r->path) < 0 && errno != ENOENT)
		log_warn("%s", r->path);
}

void
relay_free(struct relay *r)
{
	free(r->path);
	free(r);
}
