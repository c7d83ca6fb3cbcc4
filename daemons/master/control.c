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

#include "flow.h"
#include "log.h"
#include "master.h"
#include "msgcheck.h"
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

/*
 * Each op's fields (pumice-protocol(7)), checked before its handler runs:
 * a field the op does not know, or one of another type, is refused with
 * a reason naming it (msgcheck.c). Ops that select jobs also take the
 * selector's fields (ctl_sel).
 */
#define F(n, t) { n, t }
static const struct msgfield ctl_sel[] = {
	F("ids", MF_ARR), F("all", MF_BOOL), F("all_states", MF_BOOL),
	F("states", MF_ARR | MF_STR), F("user", MF_STR), F("name", MF_STR),
	F("queue", MF_STR), F("host", MF_STR), F("project", MF_STR),
	F("group", MF_STR), MSGFIELD_END,
};
static const struct msgfield ctl_none[] = { MSGFIELD_END };
static const struct msgfield ctl_submit[] = { F("job", MF_OBJ), MSGFIELD_END };
static const struct msgfield ctl_submit_many[] = { F("jobs", MF_ARR), MSGFIELD_END };
static const struct msgfield ctl_jobs[] = {
	F("fields", MF_ARR), F("compact", MF_BOOL), F("rows", MF_BOOL),
	F("cursor", MF_OBJ), F("limit", MF_INT), F("ranges", MF_BOOL),
	F("summary", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield ctl_history[] = {
	F("ids", MF_ARR), F("user", MF_STR), F("states", MF_STR), F("limit", MF_INT),
	MSGFIELD_END,
};
static const struct msgfield ctl_kill[] = {
	F("sig", MF_STR), F("done", MF_BOOL), F("forget", MF_BOOL), F("bulk", MF_BOOL),
	MSGFIELD_END,
};
static const struct msgfield ctl_requeue[] = {
	F("req_done", MF_BOOL), F("req_exit", MF_BOOL), F("req_run", MF_BOOL),
	F("req_all", MF_BOOL), F("hold", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield ctl_modify[] = {
	F("id", MF_INT), F("idx", MF_STR | MF_INT), F("set", MF_OBJ), F("unset", MF_ARR),
	F("opts", MF_OBJ), MSGFIELD_END,
};
static const struct msgfield ctl_switch[] = { F("dest", MF_STR), MSGFIELD_END };
static const struct msgfield ctl_move[] = {
	F("id", MF_INT), F("pos", MF_INT), F("bottom", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield ctl_post[] = {
	F("id", MF_INT), F("name", MF_STR), F("idx", MF_INT), F("i", MF_INT),
	F("desc", MF_STR), F("level", MF_STR), F("data", MF_STR), F("size", MF_INT),
	MSGFIELD_END,
};
static const struct msgfield ctl_read[] = {
	F("id", MF_INT), F("name", MF_STR), F("idx", MF_INT), F("i", MF_INT),
	F("data", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield ctl_result[] = {
	F("id", MF_INT), F("idx", MF_INT), F("result", MF_OBJ), MSGFIELD_END,
};
static const struct msgfield ctl_depwait[] = { F("cond", MF_STR), MSGFIELD_END };
static const struct msgfield ctl_wait[] = { F("id", MF_INT), F("until", MF_STR), MSGFIELD_END };
static const struct msgfield ctl_peek[] = {
	F("id", MF_INT), F("idx", MF_INT), F("name", MF_STR), F("off", MF_INT),
	F("done", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield ctl_io[] = {
	F("id", MF_INT), F("idx", MF_INT), F("off", MF_INT), F("eoff", MF_INT),
	F("in", MF_STR), F("inoff", MF_INT), F("eof", MF_BOOL), F("rows", MF_INT),
	F("cols", MF_INT), F("sig", MF_STR), F("kill", MF_BOOL), F("wait", MF_BOOL),
	F("task", MF_INT), F("host", MF_STR), F("token", MF_STR), MSGFIELD_END,
};
static const struct msgfield ctl_blaunch[] = {
	F("id", MF_INT), F("idx", MF_INT), F("host", MF_STR), F("cmd", MF_STR),
	F("token", MF_STR), MSGFIELD_END,
};
static const struct msgfield ctl_admin[] = {
	F("action", MF_STR), F("names", MF_ARR), F("comment", MF_STR), MSGFIELD_END,
};
static const struct msgfield ctl_watch[] = {
	F("user", MF_STR), F("jobs", MF_ARR), F("since", MF_INT), MSGFIELD_END,
};
static const struct msgfield ctl_token[] = { F("action", MF_STR), MSGFIELD_END };
static const struct msgfield ctl_showconf[] = { F("what", MF_STR), MSGFIELD_END };
static const struct msgfield ctl_flow_submit[] = {
	F("flow", MF_OBJ), F("name", MF_STR), F("continue", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield ctl_flow_status[] = {
	F("id", MF_INT), F("all", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield ctl_flow_kill[] = { F("id", MF_INT), MSGFIELD_END };
#undef F

struct control_op {
	const char *name;
	void (*fn)(struct master *, struct reqctx *, json_t *);
	int flags;
	const struct msgfield *fields;	/* its own fields */
	bool sel;			/* and the selector's */
};

static const struct control_op control_ops[] = {
	{ "submit", submit_op, CTL_WRITES, ctl_submit, false },
	{ "submit_many", bulk_submit_many, CTL_WRITES, ctl_submit_many, false },
	{ "jobs", query_jobs_op, CTL_ANY, ctl_jobs, true },
	{ "history", history_op, CTL_ANY, ctl_history, false },
	{ "kill", killcmd_op, CTL_WRITES, ctl_kill, true },
	{ "stop", jobcmd_stop, CTL_WRITES, ctl_none, true },
	{ "resume", jobcmd_resume, CTL_WRITES, ctl_none, true },
	{ "requeue", jobcmd_requeue, CTL_WRITES, ctl_requeue, true },
	{ "modify", jobmod_modify, CTL_WRITES, ctl_modify, false },
	{ "switch", jobcmd_switch, CTL_WRITES, ctl_switch, true },
	{ "move", jobmove_move, CTL_WRITES, ctl_move, false },
	{ "post", jobmsg_post, CTL_WRITES, ctl_post, false },	/* bpost, bread (jobmsg.c) */
	{ "read", jobmsg_read, CTL_ANY, ctl_read, false },
	{ "result", jobresult_op, CTL_WRITES, ctl_result, false },	/* bresult (jobresult.c) */
	{ "depwait", jobcmd_depwait, CTL_ANY, ctl_depwait, false },
	{ "wait", wait_op, CTL_ANY, ctl_wait, false },
	{ "hosts", query_hosts, CTL_ANY, ctl_none, false },
	{ "queues", query_queues, CTL_ANY, ctl_none, false },
	{ "info", query_info, CTL_ANY, ctl_none, false },
	{ "peek", peek_op, CTL_ANY, ctl_peek, false },
	{ "io", jobio_op, CTL_ANY, ctl_io, false },	/* bsub -I (jobio.c), blaunch */
	{ "blaunch", blaunch_op, CTL_ANY, ctl_blaunch, false },	/* blaunch.c */
	{ "admin", admin_op, CTL_ADMIN | CTL_WRITES, ctl_admin, false },
	{ "ckconfig", reconfig_ckconfig_op, CTL_ADMIN, ctl_none, false },
	{ "reconfig", reconfig_op, CTL_ADMIN, ctl_none, false },
	{ "mbdrestart", reconfig_mbdrestart_op, CTL_ADMIN, ctl_none, false },
	{ "params", params_op, CTL_ANY, ctl_none, false },
	{ "showconf", showconf_op, CTL_ANY, ctl_showconf, false },
	{ "clusters", clusters_op, CTL_ANY, ctl_none, false },
	{ "stats", stats_op, CTL_ANY, ctl_none, false },	/* scheduler pass times (stats.c) */
	{ "watch", watch_op, CTL_ANY, ctl_watch, false },	/* the event stream (watchop.c) */
	{ "token", token_op, CTL_WRITES, ctl_token, false },	/* HTTP tokens (token.c) */
	{ "flow_submit", flowsub_op, CTL_WRITES, ctl_flow_submit, false },	/* bflow */
	{ "flow_status", flowop_status, CTL_ANY, ctl_flow_status, false },
	{ "flow_kill", flowop_kill, CTL_WRITES, ctl_flow_kill, false },
};

/* 0 when args has only the op's fields, each of its type. */
static int
control_check(const struct control_op *op, const json_t *args, char *err, size_t errlen)
{
	const struct msgfield *tabs[2] = { op->fields, ctl_sel };

	return msgcheck(args, tabs, op->sel ? 2 : 1, err, errlen);
}

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
    const char *code, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (!ok) {
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
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

	if (rq->reply_fn != NULL) {	/* the message's arguments, passed on */
		va_start(ap, fmt);
		control_reply_elsewhere(rq, ok, data, code, fmt, ap);
		va_end(ap);
		return;
	}
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

/* The reply frame around data's text, and tail's bytes after it. */
static void
control_reply_frame(struct reqctx *rq, struct evbuffer *data,
    struct evbuffer *tail)
{
	json_t *rep, *head;
	struct evbuffer *text;

	if (rq->reply_fn != NULL) {	/* an HTTP caller (http.c): no frame */
		rq->reply_fn(rq->reply_arg, true, NULL, data, NULL, NULL);
		if (tail != NULL)
			evbuffer_free(tail);
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
	if (tail != NULL) {
		evbuffer_add_buffer(text, tail);
		evbuffer_free(tail);
	}
	if (head != rep)
		json_decref(rep);
	conn_reply_text(rq->conn, head, text, rq->now, rq->rid >= 0);
	reqctx_free(rq);
}

void
control_reply_text(struct master *m, struct reqctx *rq, struct evbuffer *data)
{
	(void)m;
	control_reply_frame(rq, data, NULL);
}

void
control_reply_rows(struct master *m, struct reqctx *rq, json_t *data,
    struct evbuffer *rows)
{
	size_t n = evbuffer_get_length(rows);
	const char *p = n > 0 ? (const char *)evbuffer_pullup(rows, -1) : "";
	struct evbuffer *text;
	json_t *s;
	char *head;

	if (rq->rid >= 0) {	/* the agent relays JSON only: a string */
		if ((s = json_stringn(p, n)) == NULL)
			s = json_stringn_nocheck(p, n);
		json_object_set_new(data, "rows", s);
		evbuffer_free(rows);
		control_reply(m, rq, true, data, NULL, NULL);
		return;
	}
	json_object_set_new(data, "rows", json_integer((json_int_t)n));
	head = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	text = evbuffer_new();
	evbuffer_add(text, head, strlen(head));
	free(head);
	control_reply_frame(rq, text, rows);
}

void
control_request(struct master *m, struct reqctx *rq, json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *args = json_object_get(req, "args");
	char err[256];
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
		else if (control_check(&control_ops[i], args, err, sizeof(err)) < 0)
			control_reply(m, rq, false, NULL, "rejected", "%s: %s", op, err);
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

