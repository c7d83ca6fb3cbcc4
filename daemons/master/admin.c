/*
 * admin.c - what administrators switch by hand (badmin hclose/hopen,
 * qclose/qopen/qact/qinact, hremove): a host closed to new jobs, a queue
 * closed to submission or inactivated for dispatch, a dead dynamic host
 * forgotten, an agent told to re-exec itself (hrestart) or to stop
 * (hshutdown; jobs go on, and a service manager or the administrator
 * starts it again: the master never connects out, so no hstartup).
 *
 * The state changes only through events recorded under job 0 (types
 * "hclose", "hopen", "qclose", "qopen", "qact", "qinact"); job_apply hands
 * them to admin_apply, live and at start-up replay, so a kill -9 of the
 * master loses none of it. Queue state is kept by queue name, apart from
 * struct conf, so that badmin reconfig (a new struct conf) keeps it.
 * Running jobs are never touched: a closed host keeps its jobs, an
 * inactive queue only stops dispatching. An order row (hrestart) records
 * nothing: it only sends the order down the host's agent link. A dead
 * dynamic host goes by itself after LSF_DYNAMIC_HOST_TIMEOUT
 * (admin_expire_hosts), through the same recorded "hremove".
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "master.h"
#include "schedconf.h"
#include "util.h"

/* Queue state bits in m->qadmin (name -> integer). */
#define ADMIN_Q_CLOSED 1
#define ADMIN_Q_INACTIVE 2

static const struct admin_action {
	const char *name;	/* the badmin word and the event type */
	bool host;		/* acts on hosts, else on queues */
	int set, clear;		/* queue bits */
	const char *done;	/* queue message tail / host verb */
	const char *order;	/* sent to the host's agent, not recorded */
} admin_actions[] = {
	{ "hclose", true, 0, 0, "Close", NULL },
	{ "hopen", true, 0, 0, "Open", NULL },
	{ "hremove", true, 0, 0, "Remove", NULL },
	{ "hrestart", true, 0, 0, "Restart", "restart" },
	{ "hshutdown", true, 0, 0, "Shut down", "shutdown" },
	{ "qclose", false, ADMIN_Q_CLOSED, 0, "closed", NULL },
	{ "qopen", false, 0, ADMIN_Q_CLOSED, "opened", NULL },
	{ "qinact", false, ADMIN_Q_INACTIVE, 0, "inactivated", NULL },
	{ "qact", false, 0, ADMIN_Q_INACTIVE, "activated", NULL },
};

static const struct admin_action *
admin_action_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < nitems(admin_actions); i++)
		if (strcmp(admin_actions[i].name, name) == 0)
			return &admin_actions[i];
	return NULL;
}

static int
admin_queue_bits(struct master *m, const char *queue)
{
	if (m->qadmin == NULL || queue == NULL)
		return 0;
	return (int)json_integer_value(json_object_get(m->qadmin, queue));
}

bool
admin_queue_closed(struct master *m, const char *queue)
{
	return (admin_queue_bits(m, queue) & ADMIN_Q_CLOSED) != 0;
}

bool
admin_queue_inactive(struct master *m, const char *queue)
{
	return (admin_queue_bits(m, queue) & ADMIN_Q_INACTIVE) != 0;
}

/* Why jobs of queue may not be dispatched now, or NULL when they may. */
const char *
admin_dispatch_block(struct master *m, const char *queue)
{
	if (conf_queue(m->conf, queue) == NULL)
		return "The queue is no longer configured";
	if (admin_queue_inactive(m, queue))
		return "The queue is inactivated by the administrator";
	return NULL;
}

const char *
admin_queue_status(struct master *m, const char *queue)
{
	static const char *const words[] = { "Open:Active", "Closed:Active",
	    "Open:Inactive", "Closed:Inactive" };

	return words[admin_queue_bits(m, queue) & 3];
}

/* Why host h may not be removed, or NULL: only a dynamic host (one no
 * Host section lists) whose agent is gone and that holds no job. */
static const char *
admin_removable(struct master *m, const struct host *h)
{
	if (h->conn != NULL)
		return "Its agent is connected; stop the agent first";
	if (!TAILQ_EMPTY(&h->running))
		return "It still holds jobs; bkill or brequeue them first";
	if (schedconf_host(m->conf->sched, h->name) != NULL)
		return "It is configured in lsf.cluster; remove it there and "
		    "run badmin reconfig";
	return NULL;
}

static int
admin_apply_host(struct master *m, const struct admin_action *a, json_t *data,
    char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(data, "host"));
	const char *comment = json_string_value(json_object_get(data, "comment"));
	struct host *h;

	if (name == NULL)
		return errf(err, errlen, "%s event without host", a->name);
	if (strcmp(a->name, "hremove") == 0) {
		if ((h = host_find(m, name)) != NULL && admin_removable(m, h) == NULL)
			host_remove(m, h);
		return 0;
	}
	h = host_get(m, name);
	h->adm_closed = strcmp(a->name, "hclose") == 0;
	if (!h->adm_closed)	/* hopen also ends a closed_Fault back-off */
		host_fault_reset(m, h, "badmin hopen");
	free(h->adm_comment);
	h->adm_comment = comment && *comment ? xstrdup(comment) : NULL;
	snapshot_host_changed(m, h);
	return 0;
}

static int
admin_apply_queue(struct master *m, const struct admin_action *a, json_t *data,
    char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(data, "queue"));
	int bits;

	if (name == NULL)
		return errf(err, errlen, "%s event without queue", a->name);
	if (m->qadmin == NULL)
		m->qadmin = json_object();
	bits = (admin_queue_bits(m, name) | a->set) & ~a->clear;
	if (bits == 0)
		json_object_del(m->qadmin, name);
	else
		json_object_set_new(m->qadmin, name, json_integer(bits));
	return 0;
}

int
admin_apply(struct master *m, struct job *none, const struct jevent *ev, char *err,
    size_t errlen)
{
	const struct admin_action *a = admin_action_find(ev->type);
	json_t *data = ev->data;

	if (a == NULL)
		return errf(err, errlen, "unknown administration event %s", ev->type);
	return a->host ? admin_apply_host(m, a, data, err, errlen) :
	    admin_apply_queue(m, a, data, err, errlen);
}

void
admin_free(struct master *m)
{
	json_decref(m->qadmin);
	m->qadmin = NULL;
}

/* Adds the admin state of queue q to its QUEUEREC. */
void
admin_queue_decorate(struct master *m, const struct conf_queue *q, json_t *rec)
{
	json_t *users = json_array(), *hosts = json_array(), *extra = json_object();
	size_t i;

	json_object_set_new(rec, "status", json_string(admin_queue_status(m, q->name)));
	for (i = 0; q->users != NULL && q->users[i] != NULL; i++)
		json_array_append_new(users, json_string(q->users[i]));
	for (i = 0; q->hosts != NULL && q->hosts[i] != NULL; i++)
		json_array_append_new(hosts, json_string(q->hosts[i]));
	for (i = 0; i < q->nextra; i++)
		json_object_set_new(extra, q->extra[i].key, json_string(q->extra[i].value));
	json_object_set_new(rec, "users", users);
	json_object_set_new(rec, "hosts", hosts);
	json_object_set_new(rec, "params", extra);
}

/* ---- the "admin" op ---- */

static void
admin_result(json_t *results, const char *name, bool ok, const char *msg)
{
	json_array_append_new(results, json_pack("{s:s, s:b, s:s}", "name", name,
	    "ok", ok, "msg", msg));
}

/* An order row: sent down the agent link of host name, nothing recorded. */
static void
admin_order(struct master *m, struct reqctx *rq, const struct admin_action *a,
    struct host *h, json_t *results)
{
	(void)m;
	if (h->conn == NULL || !agent_authed(h->conn)) {
		admin_result(results, h->name, false, "failed: Host is unreachable");
		return;
	}
	conn_send(h->conn, json_pack("{s:s}", "t", a->order));
	log_info("%s %s by %s: order sent to its agent", a->name, h->name, rq->user);
	admin_result(results, h->name, true, "done");
}

static void
admin_one(struct master *m, struct reqctx *rq, const struct admin_action *a,
    const char *name, const char *comment, json_t *results)
{
	const char *why;
	json_t *data;

	if (a->host ? host_find(m, name) == NULL : conf_queue(m->conf, name) == NULL) {
		admin_result(results, name, false, a->host ?
		    "Bad host name, host group name or cluster name" : "No such queue");
		return;
	}
	if (a->order != NULL)
		return admin_order(m, rq, a, host_find(m, name), results);
	if (strcmp(a->name, "hremove") == 0 &&
	    (why = admin_removable(m, host_find(m, name))) != NULL) {
		admin_result(results, name, false, why);
		return;
	}
	data = a->host ? json_pack("{s:s, s:s}", "host", name, "by", rq->user) :
	    json_pack("{s:s, s:s}", "queue", name, "by", rq->user);
	if (comment != NULL && a->host)
		json_object_set_new(data, "comment", json_string(comment));
	if (job_event(m, 0, 0, a->name, data) < 0) {
		admin_result(results, name, false, "could not be recorded");
		return;
	}
	log_info("%s %s by %s", a->name, name, rq->user);
	admin_result(results, name, true, "done");
}

/* The names an "all" (or an empty list) stands for. */
static json_t *
admin_all_names(struct master *m, const struct admin_action *a)
{
	json_t *names = json_array();
	struct host *h;
	size_t i;

	if (a->host) {
		TAILQ_FOREACH(h, &m->hosts, entry)
			json_array_append_new(names, json_string(h->name));
	} else
		for (i = 0; i < m->conf->nqueues; i++)
			json_array_append_new(names, json_string(m->conf->queues[i].name));
	return names;
}

static bool
admin_names_all(const json_t *names)
{
	size_t i;
	json_t *v;

	json_array_foreach(names, i, v)
		if (json_string_value(v) && strcmp(json_string_value(v), "all") == 0)
			return true;
	return false;
}

/*
 * args {action, names:[...], comment}: "all" names every host or queue;
 * no name means the requester's host, or the default queue (as in LSF).
 */
void
admin_op(struct master *m, struct reqctx *rq, json_t *args)
{
	const struct admin_action *a = admin_action_find(json_string_value(
	    json_object_get(args, "action")));
	const char *comment = json_string_value(json_object_get(args, "comment"));
	json_t *names = json_object_get(args, "names"), *results = json_array(), *v;
	size_t i;

	if (a == NULL) {
		json_decref(results);
		return control_reply(m, rq, false, NULL, "rejected", "unknown action");
	}
	if (json_array_size(names) == 0)
		names = json_pack("[s]", a->host ? rq->from_host : m->conf->default_queue);
	else
		names = admin_names_all(names) ? admin_all_names(m, a) : json_incref(names);
	json_array_foreach(names, i, v)
		if (json_string_value(v) != NULL)
			admin_one(m, rq, a, json_string_value(v), comment, results);
	json_decref(names);
	control_reply(m, rq, true, json_pack("{s:o}", "results", results), NULL, NULL);
}

/*
 * LSF_DYNAMIC_HOST_TIMEOUT: a dynamic host whose agent has been away that
 * long, and that holds no job, is removed as by lsrmhost. The removal is
 * a recorded "hremove", so it holds across a restart of the master; the
 * time away is counted from when this master last saw the agent (after a
 * restart, from the replay), so a restart delays a removal, never hastens
 * it.
 */
void
admin_expire_hosts(struct master *m)
{
	uint64_t now = now_mono_ms(), after = (uint64_t)m->conf->dynamic_host_timeout * 1000;
	struct host *h, *next;

	if (after == 0)
		return;
	for (h = TAILQ_FIRST(&m->hosts); h != NULL; h = next) {
		next = TAILQ_NEXT(h, entry);
		if (h->conn != NULL || h->lost_ms == 0 || now - h->lost_ms < after ||
		    admin_removable(m, h) != NULL)
			continue;
		log_info("host %s removed: unavailable for more than "
		    "LSF_DYNAMIC_HOST_TIMEOUT (%ld s)", h->name,
		    m->conf->dynamic_host_timeout);
		if (job_event(m, 0, 0, "hremove", json_pack("{s:s, s:s}", "host",
		    h->name, "by", "LSF_DYNAMIC_HOST_TIMEOUT")) < 0)
			log_warnx("host %s: its removal could not be recorded", h->name);
	}
}

