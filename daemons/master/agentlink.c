/*
 * agentlink.c - the master's side of an agent link: the mutual HMAC
 * handshake, registration (and reconciling what the agent still holds with
 * what the master believes), heartbeats, job start/finish reports, run and
 * signal orders, and commands relayed from the agent's host.
 *
 * Invariant: nothing but hello/auth is accepted before the agent proved it
 * holds the cluster key; a finish is acknowledged only after it committed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consum.h"
#include "envtab.h"
#include "hostallow.h"
#include "jobstate.h"
#include "flow.h"
#include "log.h"
#include "msgcheck.h"
#include "master.h"
#include "proto.h"
#include "refuse.h"
#include "util.h"

enum link_state { LINK_HELLO, LINK_CHALLENGED, LINK_AUTHED, LINK_REGISTERED };

struct link {
	enum link_state state;
	char host[65];
	char nonce[AUTH_NONCE_HEX];
};

static struct link *
agent_link(struct conn *c)
{
	void **p = conn_agent_state(c);

	if (*p == NULL)
		*p = xcalloc(1, sizeof(struct link));
	return *p;
}

bool
agent_authed(struct conn *c)
{
	return agent_link(c)->state >= LINK_AUTHED;
}

static long
jint(const json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static void
agent_refuse(struct conn *c, const char *why)
{
	log_warnx("agent link from %s refused: %s", conn_peer(c), why);
	conn_send(c, json_pack("{s:s, s:s}", "t", "error", "err", why));
	conn_close_after_write(c);
}

static bool
agent_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static void
agent_hello(struct master *m, struct conn *c, struct link *l, json_t *msg)
{
	const char *host = proto_str(msg, "host"), *nonce = proto_str(msg, "nonce");
	char mac[AUTH_MAC_HEX];

	if (strcmp(proto_type(msg), "hello") != 0 || jint(msg, "v") != PROTO_VERSION)
		return agent_refuse(c, "expected hello with protocol version 1");
	if (!agent_name_ok(host) || nonce == NULL || strlen(nonce) != 64)
		return agent_refuse(c, "hello without a valid host name and nonce");
	snprintf(l->host, sizeof(l->host), "%s", host);
	if (auth_nonce(l->nonce) < 0)
		return agent_refuse(c, "no randomness");
	auth_mac(&m->key, "master", nonce, host, mac);
	conn_send(c, json_pack("{s:s, s:s, s:s}", "t", "challenge", "nonce", l->nonce,
	    "mac", mac));
	l->state = LINK_CHALLENGED;
}

static void
agent_auth(struct master *m, struct conn *c, struct link *l, json_t *msg)
{
	char mac[AUTH_MAC_HEX];

	auth_mac(&m->key, "agent", l->nonce, l->host, mac);
	if (strcmp(proto_type(msg), "auth") != 0 || !auth_mac_ok(mac, proto_str(msg, "mac")))
		return agent_refuse(c, "authentication failed (wrong cluster key?)");
	l->state = LINK_AUTHED;
	conn_set_authed(c);
	conn_send(c, json_pack("{s:s, s:i}", "t", "welcome", "hb", m->conf->heartbeat));
}

/* pg io it ls tmp: absent fields (an older agent) keep their value. */
static void
agent_load_indices(struct host *h, json_t *msg)
{
	json_t *v;

	if ((v = json_object_get(msg, "pg")) != NULL)
		h->pg = json_number_value(v);
	if ((v = json_object_get(msg, "io")) != NULL)
		h->io = json_number_value(v);
	if ((v = json_object_get(msg, "it")) != NULL)
		h->it = json_number_value(v);
	if ((v = json_object_get(msg, "ls")) != NULL)
		h->ls = (int)json_integer_value(v);
	if ((v = json_object_get(msg, "tmp")) != NULL)
		h->tmp_free = (long)json_integer_value(v);
	if ((v = json_object_get(msg, "tmp_total")) != NULL)
		h->tmp_total = (long)json_integer_value(v);
}

/*
 * Usage samples of running jobs: shown by bjobs, not recorded (the finish
 * event carries the final figures, so replay needs none of them).
 */
static void
agent_usage(struct master *m, struct host *h, const json_t *usage)
{
	size_t i;
	json_t *u;

	json_array_foreach(usage, i, u) {
		struct job *j = job_find(m, jint(u, "id"));
		struct elem *e = j ? job_elem(j, jint(u, "idx")) : NULL;
		if (e == NULL || e->host != h || !(e->state & (JS_RUN | JS_SSUSP | JS_USUSP)))
			continue;
		e->mem = jint(u, "mem");
		if (jint(u, "max_mem") > e->maxrss)
			e->maxrss = jint(u, "max_mem");
		if (json_number_value(json_object_get(u, "cpu")) > e->cpu)
			e->cpu = json_number_value(json_object_get(u, "cpu"));
		e->nproc = (int)jint(u, "nproc");
		if (proto_str(u, "cwd") != NULL && elem_cwd(e) == NULL)	/* -cwd unusable */
			elem_set_cwd(e, proto_str(u, "cwd"));
		e->usage_time = (long)time(NULL);
	}
}

static void
agent_host_info(struct host *h, json_t *msg)
{
	json_t *load = json_object_get(msg, "load");
	size_t i;

	if (json_object_get(msg, "mem_free") != NULL)
		h->mem_free = jint(msg, "mem_free");
	if (json_object_get(msg, "swap_free") != NULL)
		h->swap_free = jint(msg, "swap_free");
	for (i = 0; i < 3 && i < json_array_size(load); i++)
		h->load[i] = json_number_value(json_array_get(load, i));
	if (json_object_get(msg, "ut") != NULL)
		h->ut = json_number_value(json_object_get(msg, "ut"));
	agent_load_indices(h, msg);
	h->last_hb = now_mono_ms();
}

static void
agent_set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v ? v : "");
}

/*
 * Fencing: every dispatch has an attempt number (job.c, start event). A
 * copy the agent holds at another attempt than the one the master runs
 * there (requeued while its host was away) is stale: killed without its
 * job report, and its finish changes nothing (agent_stale_finish).
 */
static void
agent_fence(struct host *h, long id, long idx, long attempt, const char *why)
{
	log_warnx("job %ld[%ld] attempt %ld on %s is stale (%s); killing it without "
	    "its report", id, idx, attempt, h->name, why);
	conn_send(h->conn, json_pack("{s:s, s:I, s:I, s:s, s:b, s:b}", "t", "signal",
	    "id", (json_int_t)id, "idx", (json_int_t)idx, "sig", "KILL", "kill", 1,
	    "fenced", 1));
}

/* The agent's copy o of e is the attempt the master runs on h. */
static bool
agent_attempt_current(const struct elem *e, const struct host *h, const json_t *o)
{
	long a = jint(o, "attempt");

	return e != NULL && e->host == h && (a == 0 || a == e->attempt);
}

static const json_t *
agent_held(json_t *jobs, long id, long idx)
{
	size_t i;

	for (i = 0; i < json_array_size(jobs); i++) {
		json_t *o = json_array_get(jobs, i);
		if (jint(o, "id") == id && jint(o, "idx") == idx)
			return o;
	}
	return NULL;
}

/* What the master ran there but the agent never saw went back to PEND. */
static void
agent_reconcile_running(struct master *m, struct host *h, json_t *jobs)
{
	struct elem *e, *next;
	const json_t *o;

	for (e = TAILQ_FIRST(&h->running); e != NULL; e = next) {
		next = TAILQ_NEXT(e, host_entry);
		if ((o = agent_held(jobs, e->job->id, e->idx)) != NULL &&
		    agent_attempt_current(e, h, o)) {
			if (e->kill_reason != NULL)	/* killed while unreachable */
				agent_send_signal(m, e, "KILL", true);
			continue;
		}
		log_warnx("job %ld[%ld]: %s does not hold attempt %d; it never started, "
		    "requeued", e->job->id, e->idx, h->name, e->attempt);
		job_event(m, e->job->id, e->idx, "requeue",
		    json_pack("{s:s}", "reason", "never started on its host"));
	}
}

static void
agent_reconcile(struct master *m, struct host *h, json_t *jobs)
{
	struct elem *e;
	size_t i;

	agent_reconcile_running(m, h, jobs);
	for (i = 0; i < json_array_size(jobs); i++) {
		json_t *o = json_array_get(jobs, i), *st;
		struct job *j = job_find(m, jint(o, "id"));

		if (j == NULL) {
			agent_fence(h, jint(o, "id"), jint(o, "idx"), jint(o, "attempt"),
			    "the job is unknown here");
		} else if (job_elem_state(j, jint(o, "idx"), NULL) == JS_PEND) {
			log_warnx("job %ld[%ld] attempt %ld runs on %s; adopted", j->id,
			    jint(o, "idx"), jint(o, "attempt"), h->name);
			st = json_pack("{s:[s]}", "hosts", h->name);
			if (jint(o, "attempt") > 0)
				json_object_set_new(st, "attempt", json_integer(jint(o, "attempt")));
			job_event(m, j->id, jint(o, "idx"), "start", st);
		} else if (!agent_attempt_current(e = job_elem(j, jint(o, "idx")), h, o)) {
			/* rerun elsewhere while this host was away, or ended */
			agent_fence(h, j->id, jint(o, "idx"), jint(o, "attempt"),
			    e != NULL && e->host != NULL ? "the job runs elsewhere or again" :
			    "the job no longer runs there");
		}
	}
}

/* A second agent under a name whose link is alive (two fresh images both
 * called "raspberrypi"): refused, not swapped in, or the two would
 * replace each other forever. conn.c drops a link silent for the link
 * timeout, so the name frees itself once its first agent is really gone;
 * the refused agent keeps redialing until then. */
static void
agent_same_name(struct master *m, struct conn *c, struct link *l)
{
	char why[256];

	snprintf(why, sizeof(why), "host name %s is already registered by another "
	    "agent whose link is alive; refused until that link has been silent "
	    "for %d s (give each agent its own name: pumice-agent --host)", l->host,
	    agent_link_timeout(m->conf));
	agent_refuse(c, why);
}

/*
 * The lease: the jobs the agent holds and the master did not fence off are
 * current for valid_ms more, since the master reruns a lost host's jobs
 * only a link timeout after it noticed the loss, itself at least a link
 * timeout after this. The shepherd writes a job report only under a valid
 * lease (shep.c). Sent after a registration's reconciling and per heartbeat.
 */
static void
agent_send_lease(struct master *m, struct conn *c)
{
	conn_send(c, json_pack("{s:s, s:I}", "t", "lease", "valid_ms",
	    (json_int_t)agent_link_timeout(m->conf) * 1000 - 2000));
}

/* Fields of a message: its name and type (msgcheck.c). */
#define F(n, t) { n, t }
/* The load indices an agent reports at registration and in heartbeats. */
#define AGENT_LOAD F("load", MF_ARR), F("ut", MF_NUM), F("pg", MF_NUM), \
	F("io", MF_NUM), F("it", MF_NUM), F("ls", MF_NUM), F("tmp", MF_NUM), \
	F("tmp_total", MF_NUM)

/* A registration's fields (pumice-protocol(7)); others refuse the link. */
static const struct msgfield agent_f_register[] = {
	F("t", MF_STR), F("host", MF_STR), F("ncpus", MF_INT), F("mem_total", MF_NUM),
	F("mem_free", MF_NUM), F("swap_total", MF_NUM), F("swap_free", MF_NUM),
	AGENT_LOAD, F("arch", MF_STR), F("model", MF_STR), F("version", MF_STR),
	F("jobs", MF_ARR), F("ngpus", MF_INT), MSGFIELD_END,
};

static void
agent_register(struct master *m, struct conn *c, struct link *l, json_t *msg)
{
	struct host *h;
	const struct msgfield *tabs[1] = { agent_f_register };
	char err[256], why[300];

	if (strcmp(proto_type(msg), "register") != 0)
		return agent_refuse(c, "expected register");
	if (msgcheck(msg, tabs, 1, err, sizeof(err)) < 0) {
		snprintf(why, sizeof(why), "bad register: %s", err);
		return agent_refuse(c, why);
	}
	if (!hostallow_ok(m->conf->hosts_allow, m->conf->nhosts_allow, m->conf->sched,
	    l->host, conn_peer(c), why, sizeof(why)))
		return agent_refuse(c, why);
	h = host_get(m, l->host);
	if (h->conn != NULL && h->conn != c)
		return agent_same_name(m, c, l);
	h->conn = c;
	conn_set_host(c, h);
	h->status = HOST_OK;
	h->lost_ms = 0;
	host_fault_reset(m, h, "its agent registered again");
	h->ncpus = (int)jint(msg, "ncpus");
	if (h->ncpus < 1)
		h->ncpus = 1;
	h->maxslots = h->ncpus;
	h->mem_total = jint(msg, "mem_total");
	h->swap_total = jint(msg, "swap_total");
	h->ngpus = (int)jint(msg, "ngpus");	/* detected; 0: ResourceMap's */
	if (h->ngpus < 0 || h->ngpus > CONSUM_MAX_GPUS)
		h->ngpus = h->ngpus < 0 ? 0 : CONSUM_MAX_GPUS;
	agent_set_str(&h->arch, proto_str(msg, "arch"));
	agent_set_str(&h->model, proto_str(msg, "model"));
	agent_set_str(&h->version, proto_str(msg, "version"));
	agent_host_info(h, msg);
	snapshot_host_changed(m, h);
	l->state = LINK_REGISTERED;
	log_info("host %s registered: %d cpus, %ld KB memory, %s", h->name, h->ncpus,
	    h->mem_total, h->model);
	agent_reconcile(m, h, json_object_get(msg, "jobs"));
	agent_send_lease(m, c);
	loop_want_sched(m);
}

/* The pre-exec failed: the job never ran and goes back to PEND. */
static void
agent_preexec_failed(struct master *m, struct conn *c, struct job *j, struct elem *e,
    json_t *msg)
{
	const char *why = proto_str(msg, "reason") ? proto_str(msg, "reason") :
	    "The job's pre-exec command exited with non-zero status";

	log_info("job %ld[%ld]: pre-exec failed on %s; requeued", j->id, e->idx,
	    conn_host(c)->name);
	job_event(m, j->id, e->idx, "requeue", json_pack("{s:s}", "reason", why));
	if (e->state == JS_PEND)
		j->pend_reason = "The job's pre-exec command exited with non-zero status";
	loop_want_sched(m);
}

/*
 * Whether a job message from h may concern element e: it runs there, or
 * ran there last (a finish resent after a lost ack). A registered host
 * speaking of another host's job is refused and named, never obeyed.
 */
static bool
agent_msg_ok(struct conn *c, const char *what, long id, long idx, struct elem *e)
{
	struct host *h = conn_host(c);

	if (e == NULL || e->host == h)
		return true;
	if (e->host == NULL && e->hosts != NULL && e->nslots > 0 &&
	    strcmp(e->hosts[0], h->name) == 0)
		return true;
	log_warnx("impostor: host %s (%s) sent '%s' for job %ld[%ld], which %s%s; refused",
	    h->name, conn_peer(c), what, id, idx, e->host != NULL ? "runs on " :
	    e->hosts != NULL && e->nslots > 0 ? "last ran on " : "never ran anywhere",
	    e->host != NULL ? e->host->name : e->hosts != NULL && e->nslots > 0 ?
	    e->hosts[0] : "");
	return false;
}

/* A finish from a fenced-off attempt: logged, acknowledged, not applied. */
static bool
agent_stale_finish(struct conn *c, const struct elem *e, json_t *msg)
{
	long a = jint(msg, "attempt");

	/* the attempt that runs now, or a copy on another host (an impostor) */
	if (a == 0 || e == NULL || (a == e->attempt && e->host != NULL))
		return false;
	log_warnx("job %ld[%ld]: finish of stale attempt %ld from %s ignored (attempt "
	    "%d is current)", e->job->id, e->idx, a, conn_host(c)->name, e->attempt);
	return true;
}

static void
agent_finished(struct master *m, struct conn *c, json_t *msg)
{
	long id = jint(msg, "id"), idx = jint(msg, "idx");
	struct job *j = job_find(m, id);
	struct elem *e = j ? job_elem(j, idx) : NULL;

	if (agent_stale_finish(c, e, msg)) {
		;	/* fenced off: the job's state is the current attempt's */
	} else if (!agent_msg_ok(c, "finished", id, idx, e)) {
		return;	/* no ack: the job is not this host's to end */
	} else if (e != NULL && e->host == conn_host(c) && json_is_true(json_object_get(msg, "requeue")) &&
	    (e->state & (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN))) {
		agent_preexec_failed(m, c, j, e, msg);
	} else if (e != NULL && e->host == conn_host(c) &&
	    (e->state & (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)) &&
	    requeue_on_exit(m, e, msg)) {
		;	/* REQUEUE_EXIT_VALUES: back to PEND, not finished */
	} else if (e != NULL && e->host == conn_host(c) &&
	    (e->state & (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN))) {
		json_t *data = json_deep_copy(msg);
		json_object_del(data, "t");
		json_object_del(data, "id");
		json_object_del(data, "idx");
		blaunch_charge(e, data);
		blaunch_job_ended(m, e);
		job_event(m, id, idx, "finish", data);
		log_info("job %ld[%ld] finished on %s: %s, exit code %ld", id, idx,
		    conn_host(c)->name, proto_str(msg, "state") ? proto_str(msg, "state") : "?",
		    jint(msg, "exit_code"));
	} else
		log_info("job %ld[%ld]: finish from %s already known", id, idx,
		    conn_host(c)->name);
	conn_send_after_commit(c, json_pack("{s:s, s:I, s:I}", "t", "finish_ack",
	    "id", (json_int_t)id, "idx", (json_int_t)idx));
}

/* "the agent cannot write the job's spool (<err>)", from the cause table;
 * an agent that names no known cause is taken at its word alone. */
static void
agent_refusal_text(int cause, const char *err, char *buf, size_t len)
{
	if (cause < 0)
		snprintf(buf, len, "%s", err);
	else
		snprintf(buf, len, "%s (%s)", refuse_text((enum refuse_cause)cause), err);
}

/*
 * A start the agent refused: the job goes back to PEND (it never ran, so
 * this is no failure of the job), or the scheduler would place it there
 * again at once: a host-side cause closes the host for a back-off; a
 * job-side one (or an unknown one: an agent of another version) leaves
 * the host open and keeps this job off it (the requeue's "exclude", as
 * REQUEUE_EXIT_VALUES EXCLUDE() does).
 */
static void
agent_refused(struct master *m, struct conn *c, json_t *msg)
{
	long id = jint(msg, "id"), idx = jint(msg, "idx");
	struct job *j = job_find(m, id);
	struct elem *e = j ? job_elem(j, idx) : NULL;
	struct host *h = conn_host(c);
	const char *err = proto_str(msg, "err") ? proto_str(msg, "err") : "refused";
	int cause = refuse_parse(proto_str(msg, "cause"));
	bool host_side = cause >= 0 && refuse_side((enum refuse_cause)cause) == REFUSE_HOST;
	char why[768];
	json_t *data;

	if (!agent_msg_ok(c, "refused", id, idx, e))
		return;
	agent_refusal_text(cause, err, why, sizeof(why));
	log_warnx("job %ld[%ld]: %s could not start it (%s side): %s", id, idx,
	    h->name, host_side ? "host" : "job", why);
	if (host_side)
		host_fault_refused(m, h, why);
	if (e == NULL || e->host != h || e->state != JS_RUN)
		return;
	data = json_pack("{s:s}", "reason", why);
	if (!host_side)
		json_object_set_new(data, "exclude", json_string(h->name));
	job_event(m, id, idx, "requeue", data);
	if (e->state == JS_PEND) {
		j->pend_reason = "Requeued job is waiting for rescheduling";
		free(j->pend_detail);
		j->pend_detail = xasprintf("%s could not start it: %s", h->name, why);
	}
	loop_want_sched(m);
}

static void
agent_relay(struct master *m, struct conn *c, json_t *msg)
{
	struct reqctx *rq = xcalloc(1, sizeof(*rq));
	const char *user = proto_str(msg, "user");

	rq->conn = c;
	rq->rid = jint(msg, "rid");
	rq->uid = jint(msg, "uid");
	rq->gid = jint(msg, "gid");
	rq->user = xstrdup(user ? user : "nobody");
	rq->from_host = xstrdup(conn_host(c)->name);
	rq->admin = rq->uid == 0 || conf_is_admin(m->conf, rq->user);
	control_request(m, rq, json_object_get(msg, "req"));
}

int
agent_link_timeout(const struct conf *c)
{
	return proto_link_timeout(c->heartbeat);
}

static void
agent_on_hb(struct master *m, struct conn *c, json_t *msg)
{
	agent_host_info(conn_host(c), msg);
	snapshot_host_changed(m, conn_host(c));
	agent_usage(m, conn_host(c), json_object_get(msg, "usage"));
	agent_send_lease(m, c);
}

static void
agent_on_started(struct master *m, struct conn *c, json_t *msg)
{
	log_debug("job %ld[%ld] started, pid %ld", jint(msg, "id"), jint(msg, "idx"),
	    jint(msg, "pid"));
	host_fault_reset(m, conn_host(c), "a job started there");
}

/*
 * What a registered agent may send (pumice-protocol(7)), each message's
 * fields checked before its handler runs: a field the table does not
 * name, or one of another type, gets the message refused and logged with
 * the reason (msgcheck.c), and nothing else happens.
 */
static const struct msgfield agent_f_hb[] = {
	F("t", MF_STR), F("mem_free", MF_NUM), F("swap_free", MF_NUM), AGENT_LOAD,
	F("njobs", MF_INT), F("usage", MF_ARR), MSGFIELD_END,
};
static const struct msgfield agent_f_started[] = {
	F("t", MF_STR), F("id", MF_INT), F("idx", MF_INT), F("pid", MF_INT), MSGFIELD_END,
};
static const struct msgfield agent_f_finished[] = {
	F("t", MF_STR), F("id", MF_INT), F("idx", MF_INT), F("attempt", MF_INT),
	F("exit_code", MF_INT), F("signal", MF_INT), F("state", MF_STR),
	F("reason", MF_STR), F("start", MF_NUM), F("end", MF_NUM), F("cpu", MF_NUM),
	F("maxrss", MF_NUM), F("requeue", MF_BOOL), F("cwd", MF_STR),
	F("result", MF_OBJ), F("result_error", MF_STR), MSGFIELD_END,
};
static const struct msgfield agent_f_refused[] = {
	F("t", MF_STR), F("id", MF_INT), F("idx", MF_INT), F("cause", MF_STR),
	F("err", MF_STR), MSGFIELD_END,
};
static const struct msgfield agent_f_relay[] = {
	F("t", MF_STR), F("rid", MF_INT), F("uid", MF_INT), F("gid", MF_INT),
	F("user", MF_STR), F("req", MF_OBJ), MSGFIELD_END,
};
static const struct msgfield agent_f_peek_rep[] = {
	F("t", MF_STR), F("pid", MF_INT), F("ok", MF_BOOL), F("data", MF_STR),
	F("off", MF_INT), F("next", MF_INT), F("size", MF_INT),
	F("file", MF_STR | MF_NULL), F("err", MF_STR), F("code", MF_STR), MSGFIELD_END,
};
static const struct msgfield agent_f_io_rep[] = {
	F("t", MF_STR), F("pid", MF_INT), F("ok", MF_BOOL), F("out", MF_STR),
	F("off", MF_INT), F("errout", MF_STR), F("eoff", MF_INT), F("eof", MF_BOOL),
	F("err", MF_STR), F("code", MF_STR), F("task", MF_INT), F("host", MF_STR),
	F("exit_code", MF_INT), F("signal", MF_INT), MSGFIELD_END,
};
static const struct msgfield agent_f_task_done[] = {
	F("t", MF_STR), F("id", MF_INT), F("idx", MF_INT), F("task", MF_INT),
	F("exit_code", MF_INT), F("signal", MF_INT), F("cpu", MF_NUM), F("maxrss", MF_NUM),
	MSGFIELD_END,
};
#undef F
#undef AGENT_LOAD

static const struct agent_msg {
	const char *t;
	void (*fn)(struct master *, struct conn *, json_t *);
	const struct msgfield *fields;
} agent_msgs[] = {
	{ "hb", agent_on_hb, agent_f_hb },
	{ "started", agent_on_started, agent_f_started },
	{ "finished", agent_finished, agent_f_finished },
	{ "refused", agent_refused, agent_f_refused },
	{ "relay", agent_relay, agent_f_relay },
	{ "peek_rep", peek_on_reply, agent_f_peek_rep },
	{ "io_rep", peek_on_reply, agent_f_io_rep },	/* bsub -I (jobio.c), blaunch */
	{ "task_done", blaunch_on_task_done, agent_f_task_done },	/* blaunch.c */
};

static void
agent_dispatch(struct master *m, struct conn *c, const struct link *l, const char *t,
    json_t *msg)
{
	const struct msgfield *tabs[1];
	char err[256];
	size_t i;

	for (i = 0; i < nitems(agent_msgs); i++) {
		if (strcmp(agent_msgs[i].t, t) != 0)
			continue;
		tabs[0] = agent_msgs[i].fields;
		if (msgcheck(msg, tabs, 1, err, sizeof(err)) < 0)
			log_warnx("agent %s (%s) sent a bad '%s': %s; ignored", l->host,
			    conn_peer(c), t, err);
		else
			agent_msgs[i].fn(m, c, msg);
		return;
	}
	log_warnx("agent %s sent an unknown message type '%s'; ignored", l->host, t);
}

void
agent_handle(struct master *m, struct conn *c, json_t *msg)
{
	struct link *l = agent_link(c);
	const char *t = proto_type(msg);

	switch (l->state) {
	case LINK_HELLO:
		return agent_hello(m, c, l, msg);
	case LINK_CHALLENGED:
		return agent_auth(m, c, l, msg);
	case LINK_AUTHED:
		return agent_register(m, c, l, msg);
	case LINK_REGISTERED:
		break;
	}
	agent_dispatch(m, c, l, t, msg);
}

void
agent_lost(struct master *m, struct conn *c)
{
	struct host *h = conn_host(c);

	if (h == NULL || h->conn != c)
		return;
	h->conn = NULL;
	h->status = HOST_UNAVAIL;
	h->lost_ms = now_mono_ms();	/* rerunnable jobs wait for the link timeout */
	snapshot_host_changed(m, h);
	log_warnx("host %s is unreachable; its running jobs are UNKWN", h->name);
}

static const char *
agent_queue_key(const struct conf_queue *q, const char *key)
{
	size_t i;

	for (i = 0; q != NULL && i < q->nextra; i++)
		if (strcasecmp(q->extra[i].key, key) == 0)
			return q->extra[i].value;
	return NULL;
}

/* pre/post exec (-E -Ep, queue PRE_EXEC POST_EXEC), -i, -L (proto.h). */
static void
agent_jobspec_exec(struct master *m, struct job *j, json_t *spec)
{
	static const char *opts[][2] = { { "E", "pre_exec" }, { "Ep", "post_exec" },
	    { "i", "stdin" }, { "L", "login_shell" } };
	const struct conf_queue *q = conf_queue(m->conf, j->queue);
	json_t *o = json_object_get(spec, "opts");
	const char *v;
	size_t i;

	for (i = 0; i < nitems(opts); i++)
		if ((v = proto_str(o, opts[i][0])) != NULL && *v != '\0')
			json_object_set_new(spec, opts[i][1], json_string(v));
	if ((v = agent_queue_key(q, "PRE_EXEC")) != NULL && *v != '\0')
		json_object_set_new(spec, "queue_pre_exec", json_string(v));
	if ((v = agent_queue_key(q, "POST_EXEC")) != NULL && *v != '\0')
		json_object_set_new(spec, "queue_post_exec", json_string(v));
}

/* CUDA_VISIBLE_DEVICES and LSB_RES_<NAME> (consum.h) over a copy of the
 * job's environment, which other elements share. */
static void
agent_jobspec_cons(json_t *spec, struct elem *e)
{
	json_t *env = json_object_get(spec, "env");

	env = json_is_object(env) ? json_copy(env) : json_object();
	consum_env(e->alloc, e->hosts[0], env);
	json_object_set_new(spec, "env", env);
}

/* A workflow step's input: its predecessors' results (flow.c). */
static void
agent_jobspec_input(struct master *m, struct job *j, json_t *spec)
{
	char *in = flow_input(m, j);

	if (in != NULL)
		json_object_set_new(spec, "flow_input", json_string(in));
	free(in);
}

json_t *
agent_jobspec(struct master *m, struct elem *e)
{
	struct job *j = e->job;
	json_t *spec = jobspec_tree(j), *hosts = json_array();
	long end = 0, step = 0;
	int i;

	for (i = 0; i < e->nslots; i++)
		json_array_append_new(hosts, json_string(e->hosts[i]));
	json_object_del(spec, "env_id");
	if (jobspec_env(j) != NULL)	/* shared: only read from here on */
		json_object_set(spec, "env", jobspec_env(j));
	if (e->alloc != NULL)
		agent_jobspec_cons(spec, e);
	json_object_set_new(spec, "id", json_integer(j->id));
	json_object_set_new(spec, "idx", json_integer(e->idx));
	json_object_set_new(spec, "attempt", json_integer(e->attempt));
	if (job_is_array(j) && arrayspec_range_of(&j->arr, e->idx, &end, &step) == 0) {
		json_object_set_new(spec, "idx_end", json_integer(end));
		json_object_set_new(spec, "idx_step", json_integer(step));
	}
	json_object_set_new(spec, "hosts", hosts);
	json_object_set_new(spec, "nslots", json_integer(e->nslots));
	json_object_set_new(spec, "subhost", json_string(j->from_host));
	json_object_set_new(spec, "submit_time", json_integer(j->submit_time));
	jobreq_jobspec(m, j, spec);	/* mem_limit, run_limit */
	jobrlim_jobspec(m->conf, spec);	/* -c -v -C -D -F -S -p -T */
	agent_jobspec_exec(m, j, spec);
	jobio_jobspec(spec);	/* bsub -I: "interactive" */
	json_object_set_new(spec, "project", json_string(job_project(m, spec)));	/* %P */
	if (proto_str(json_object_get(spec, "opts"), "g") != NULL)	/* %JG */
		json_object_set_new(spec, "job_group",
		    json_string(proto_str(json_object_get(spec, "opts"), "g")));
	json_object_del(spec, "opts");
	agent_jobspec_input(m, j, spec);
	blaunch_jobspec(m, e, spec);	/* the job's token */
	return spec;
}

void
agent_send_run(struct master *m, struct elem *e)
{
	if (e->host == NULL || e->host->conn == NULL)
		return;
	conn_send_after_commit(e->host->conn, json_pack("{s:s, s:o}", "t", "run",
	    "job", agent_jobspec(m, e)));
}

void
agent_send_signal(struct master *m, struct elem *e, const char *sig, bool kill)
{
	if (e->host == NULL || e->host->conn == NULL)
		return;
	conn_send_after_commit(e->host->conn, json_pack("{s:s, s:I, s:I, s:s, s:b}",
	    "t", "signal", "id", (json_int_t)e->job->id, "idx", (json_int_t)e->idx,
	    "sig", sig, "kill", kill));
	blaunch_signal(m, e, sig, kill);
}
