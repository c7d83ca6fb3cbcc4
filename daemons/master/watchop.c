/*
 * watchop.c - op "watch" (bwatch): a command connection subscribed to the
 * event stream (watch.c). The reply comes first ({"last": id, "start":
 * "all"|"gap"|"restart"}), then one frame {"t":"event","ev":{...}} per
 * event; a watcher that fell behind gets {"t":"watch_end","last":id,
 * "err":...} and its connection is closed once that is written. Only on
 * the master's own socket: a relayed request has one reply.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "master.h"
#include "proto.h"
#include "util.h"
#include "watch.h"

struct watchop {
	struct conn *conn;
	struct watch_sub *sub;
	struct watchop *next;
};

static struct watchop *watchops;	/* the master's protocol watchers */

static size_t
watchop_backlog(void *arg)
{
	return conn_out_len(((struct watchop *)arg)->conn);
}

static void
watchop_send(void *arg, uint64_t id, const char *text)
{
	struct watchop *w = arg;
	struct evbuffer *b = evbuffer_new();

	(void)id;
	evbuffer_add_printf(b, "{\"t\":\"event\",\"ev\":%s}", text);
	conn_reply_text(w->conn, json_pack("{s:s}", "t", "event"), b, true, false);
}

static void
watchop_unlink(struct watchop *w)
{
	struct watchop **p;

	for (p = &watchops; *p != NULL; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	free(w);
}

static void
watchop_end(void *arg, uint64_t last, const char *why)
{
	struct watchop *w = arg;

	conn_reply(w->conn, json_pack("{s:s, s:I, s:s}", "t", "watch_end", "last",
	    (json_int_t)last, "err", why), true, false);
	conn_close_after_write(w->conn);
	watchop_unlink(w);
}

static const struct watch_sink watchop_sink = {
	watchop_backlog, watchop_send, watchop_end
};

/* args: user (absent or "all": every user), jobs [ids], since. */
static int
watchop_filter(json_t *args, struct watch_filter *f, char *err, size_t errlen)
{
	const char *user = proto_str(args, "user");
	json_t *jobs = json_object_get(args, "jobs"), *v;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (user != NULL && strcmp(user, "all") != 0)
		f->user = xstrdup(user);
	if (jobs != NULL && !json_is_array(jobs))
		return errf(err, errlen, "jobs must be an array of job ids");
	f->njobs = json_array_size(jobs);
	f->jobs = f->njobs ? xcalloc(f->njobs, sizeof(*f->jobs)) : NULL;
	json_array_foreach(jobs, i, v)
		f->jobs[i] = (long)json_integer_value(v);
	return 0;
}

static const char *const watchop_start_word[] = {
	[WATCH_ALL] = "all", [WATCH_GAP] = "gap", [WATCH_RESTART] = "restart",
};

void
watch_op(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *since = json_object_get(args, "since");
	struct watch_filter f;
	enum watch_start start;
	struct watchop *w;
	char err[128];

	if (rq->rid >= 0)
		return control_reply(m, rq, false, NULL, "rejected", "watch is "
		    "served on the master host only (or over HTTP: /api/events)");
	if (since != NULL && (!json_is_integer(since) || json_integer_value(since) < 0))
		return control_reply(m, rq, false, NULL, "rejected",
		    "since must be an event id");
	if (watchop_filter(args, &f, err, sizeof(err)) < 0) {
		free(f.user);
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	}
	w = xcalloc(1, sizeof(*w));
	w->conn = rq->conn;
	w->next = watchops;
	watchops = w;
	w->sub = watch_subscribe(m, &f, since != NULL,
	    (uint64_t)json_integer_value(since), &watchop_sink, w, &start);
	/* now: the reply depends on no commit, and comes before the events */
	rq->now = true;
	control_reply(m, rq, true, json_pack("{s:I, s:s}", "last",
	    (json_int_t)watch_last_id(m), "start", watchop_start_word[start]),
	    NULL, NULL);
}

void
watch_conn_gone(struct master *m, struct conn *c)
{
	struct watchop *w = watchops, *next;

	for (; w != NULL; w = next) {
		next = w->next;
		if (w->conn == c) {
			watch_unsubscribe(m, w->sub);
			watchop_unlink(w);
		}
	}
}
