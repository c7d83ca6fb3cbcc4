/*
 * control.c - commands: the table of operations a client may ask for,
 * whether from the master's own unix socket (peer uid from SO_PEERCRED) or
 * relayed by an agent that vouched for the uid: the op table, the
 * dispatch through it and control_reply. Each handler answers exactly once
 * through control_reply, which holds the answer until the transaction it
 * depends on has committed. The handlers live by operation: submit.c,
 * query.c, killcmd.c, jobcmd.c, wait.c, ...; the selection they share in
 * jobsel.c.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "log.h"
#include "master.h"
#include "proto.h"
#include "util.h"
#include "watch.h"

/*
 * One row per op. admin_only rows are refused to others here, once, with
 * LSF's wording; the handlers then need no check of their own. A row that
 * changes jobs (CTL_WRITES) is refused while the store cannot record
 * (store.c: degraded, e.g. the state directory is full); the others are
 * answered then without waiting for a commit that is not coming.
 */
enum { CTL_ANY = 0, CTL_ADMIN = 1, CTL_WRITES = 2 };

struct control_op {
	const char *name;
	void (*fn)(struct master *, struct reqctx *, json_t *);
	int flags;
};

static const struct control_op control_ops[] = {
	{ "submit", submit_op, CTL_WRITES },
	{ "submit_many", bulk_submit_many, CTL_WRITES },
	{ "jobs", query_jobs_op, CTL_ANY },
	{ "history", history_op, CTL_ANY },
	{ "kill", killcmd_op, CTL_WRITES },
	{ "stop", jobcmd_stop, CTL_WRITES },
	{ "resume", jobcmd_resume, CTL_WRITES },
	{ "requeue", jobcmd_requeue, CTL_WRITES },
	{ "modify", jobmod_modify, CTL_WRITES },
	{ "switch", jobcmd_switch, CTL_WRITES },
	{ "move", jobmove_move, CTL_WRITES },
	{ "depwait", jobcmd_depwait, CTL_ANY },
	{ "wait", wait_op, CTL_ANY },
	{ "hosts", query_hosts, CTL_ANY },
	{ "queues", query_queues, CTL_ANY },
	{ "info", query_info, CTL_ANY },
	{ "peek", peek_op, CTL_ANY },
	{ "admin", admin_op, CTL_ADMIN | CTL_WRITES },
	{ "ckconfig", reconfig_ckconfig_op, CTL_ADMIN },
	{ "reconfig", reconfig_op, CTL_ADMIN },
	{ "params", params_op, CTL_ANY },
	{ "showconf", showconf_op, CTL_ANY },
	{ "clusters", clusters_op, CTL_ANY },
	{ "stats", stats_op, CTL_ANY },		/* scheduler pass times (stats.c) */
	{ "watch", watch_op, CTL_ANY },		/* the event stream (watchop.c) */
	{ "token", token_op, CTL_WRITES },	/* HTTP tokens (token.c) */
};

void
reqctx_free(struct reqctx *rq)
{
	json_decref(rq->reqid);
	dep_free(rq->wait_dep);
	free(rq->user);
	free(rq->from_host);
	free(rq);
}

/* A reply to a caller that is not a connection (reqctx.reply_fn). */
static void
control_reply_elsewhere(struct reqctx *rq, bool ok, json_t *data,
    const char *code, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (!ok) {
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
		json_decref(data);
		data = NULL;
	}
	rq->reply_fn(rq->reply_arg, ok, ok ? (data ? data : json_object()) : NULL,
	    NULL, code ? code : "rejected", msg ? msg : "error");
	free(msg);
	reqctx_free(rq);
}

void
control_reply(struct master *m, struct reqctx *rq, bool ok, json_t *data,
    const char *code, const char *fmt, ...)
{
	json_t *rep;
	va_list ap;

	if (rq->reply_fn != NULL)
		return control_reply_elsewhere(rq, ok, data, code, fmt);
	rep = json_pack("{s:s, s:O, s:b}", "t", "rep", "id",
	    rq->reqid ? rq->reqid : json_null(), "ok", ok);
	if (ok)
		json_object_set_new(rep, "data", data ? data : json_object());
	else {
		char *msg;
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
		json_object_set_new(rep, "err", json_string(msg ? msg : "error"));
		json_object_set_new(rep, "code", json_string(code ? code : "rejected"));
		free(msg);
		json_decref(data);
	}
	if (rq->rid >= 0)
		rep = json_pack("{s:s, s:I, s:o}", "t", "relay_rep", "rid",
		    (json_int_t)rq->rid, "rep", rep);
	/* rq->now: the store cannot commit, the reply waits for nothing */
	conn_reply(rq->conn, rep, rq->now, rq->rid >= 0);
	reqctx_free(rq);
}

/* Writes msg's text but its closing brace: more members follow. */
static void
control_text_open(struct evbuffer *b, const json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);

	evbuffer_add(b, text, strlen(text) - 1);
	free(text);
}

void
control_reply_text(struct master *m, struct reqctx *rq, struct evbuffer *data)
{
	json_t *rep, *head;
	struct evbuffer *text;

	(void)m;
	if (rq->reply_fn != NULL) {
		rq->reply_fn(rq->reply_arg, true, NULL, data, NULL, NULL);
		reqctx_free(rq);
		return;
	}
	rep = json_pack("{s:s, s:O, s:b}", "t", "rep", "id",
	    rq->reqid ? rq->reqid : json_null(), "ok", 1);
	head = rep;
	text = evbuffer_new();
	if (rq->rid >= 0) {	/* as control_reply wraps it */
		evbuffer_add_printf(text, "{\"t\":\"relay_rep\",\"rid\":%ld,\"rep\":",
		    (long)rq->rid);
		head = json_pack("{s:s, s:I, s:O}", "t", "relay_rep", "rid",
		    (json_int_t)rq->rid, "rep", rep);
	}
	control_text_open(text, rep);
	evbuffer_add(text, ",\"data\":", 8);
	evbuffer_add_buffer(text, data);
	evbuffer_free(data);
	evbuffer_add(text, rq->rid >= 0 ? "}}" : "}", rq->rid >= 0 ? 2 : 1);
	if (head != rep)
		json_decref(rep);
	conn_reply_text(rq->conn, head, text, rq->now, rq->rid >= 0);
	reqctx_free(rq);
}

void
control_request(struct master *m, struct reqctx *rq, json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *args = json_object_get(req, "args");
	size_t i;

	rq->reqid = json_incref(json_object_get(req, "id"));
	if (args == NULL)
		args = json_object();
	else
		json_incref(args);
	for (i = 0; op != NULL && i < nitems(control_ops); i++) {
		if (strcmp(control_ops[i].name, op) != 0)
			continue;
		rq->now = store_degraded(m->store);
		if ((control_ops[i].flags & CTL_ADMIN) && !rq->admin)
			control_reply(m, rq, false, NULL, "denied",
			    "User permission denied");
		else if ((control_ops[i].flags & CTL_WRITES) && rq->now)
			control_reply(m, rq, false, NULL, "nospace", "Request "
			    "refused: the master cannot record it (state directory "
			    "%s: %s); try again later", m->conf->statedir,
			    store_cause(m->store));
		else if (!json_is_object(args))
			control_reply(m, rq, false, NULL, "rejected", "%s: arguments must be an object", op);
		else
			control_ops[i].fn(m, rq, args);
		history_release(m);
		json_decref(args);
		return;
	}
	control_reply(m, rq, false, NULL, "rejected", "unknown operation '%s'",
	    op ? op : "(none)");
	json_decref(args);
}

void
control_handle(struct master *m, struct conn *c, json_t *msg)
{
	const char *t = proto_type(msg);
	struct reqctx *rq;
	struct passwd *pw;

	if (strcmp(t, "hello") == 0) {
		if (json_integer_value(json_object_get(msg, "v")) != PROTO_VERSION)
			conn_close(c, "command client speaks another protocol version");
		return;
	}
	if (strcmp(t, "req") != 0) {
		conn_close(c, "command client sent an unknown message type");
		return;
	}
	rq = xcalloc(1, sizeof(*rq));
	rq->conn = c;
	rq->rid = -1;
	rq->uid = conn_peer_uid(c);
	rq->gid = conn_peer_gid(c);
	pw = getpwuid((uid_t)rq->uid);
	rq->user = pw ? xstrdup(pw->pw_name) : xasprintf("%ld", rq->uid);
	rq->from_host = xstrdup(m->hostname);
	rq->admin = rq->uid == 0 || conf_is_admin(m->conf, rq->user);
	control_request(m, rq, msg);
}

