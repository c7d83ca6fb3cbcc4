/*
 * link.c - the agent's one connection to the master: resolve, dial, prove
 * the cluster key both ways (proto.h), register, heartbeat, and hand the
 * master's orders to jobs.c and relay.c. Any failure drops the connection
 * and redials after a backoff that doubles from LINK_BACKOFF_MIN up to
 * LINK_BACKOFF_MAX. A registered link silent for the link timeout
 * (proto_link_timeout) is dropped too: a cut link (a Wi-Fi drop) shows no
 * error until TCP gives up, and the master closed its end long before,
 * so waiting on TCP alone left the agent off the cluster for up to its
 * retransmission backoff (tens of seconds) after the link came back.
 * Invariant: nothing but a challenge, welcome or error
 * is accepted before the master proved the key, and link_send() only
 * sends once registered.
 *
 * What link_send() is given in one loop turn (the ends of several jobs
 * seen in one scan, a start and a heartbeat) leaves in one write, just
 * before the loop polls again (a uv_prepare handle): the master reads it
 * in one turn and records it with one commit (issue 12).
 */
#include <string.h>

#include "agent.h"
#include "conf.h"
#include "conn.h"
#include "gpus.h"
#include "log.h"
#include "msgcheck.h"
#include "proto.h"
#include "util.h"

#define LINK_BACKOFF_MIN 250		/* ms */
#define LINK_BACKOFF_MAX 5000		/* ms */
#define LINK_HANDSHAKE_TIMEOUT 10000	/* ms from dialling to welcome */

enum link_state {
	LINK_IDLE,		/* waiting to redial */
	LINK_RESOLVING,
	LINK_CONNECTING,
	LINK_HELLO,		/* hello sent, awaiting challenge */
	LINK_AUTH,		/* auth sent, awaiting welcome */
	LINK_UP,		/* registered */
};

struct link {
	struct agent *a;
	enum link_state state;
	struct conn *conn;
	uv_getaddrinfo_t gai;
	uv_connect_t connect;
	uv_timer_t retry;	/* redial, or handshake timeout */
	uv_timer_t hb;
	uv_prepare_t flush;	/* sends outq before the loop polls */
	json_t *outq;		/* messages of this turn, in order */
	uint64_t backoff;
	uint64_t last_rx_ms;	/* when the master last said anything */
	int hb_s;		/* heartbeat, seconds (from the welcome) */
	char nonce[AUTH_NONCE_HEX];
	int resolving;		/* gai request outstanding */
	int closing;
};

static void link_dial(struct link *l);

static void link_drop(struct link *l, const char *why);

static void
link_retry_cb(uv_timer_t *t)
{
	struct link *l = t->data;

	if (l->state == LINK_IDLE && l->resolving)	/* a slow resolver */
		uv_timer_start(&l->retry, link_retry_cb, l->backoff, 0);
	else if (l->state == LINK_IDLE)
		link_dial(l);
	else if (l->state != LINK_UP) {
		if (l->resolving)
			uv_cancel((uv_req_t *)&l->gai);
		link_drop(l, "no welcome within 10 s");
	}
}

/* Drops the connection (if any) and schedules the next dial. */
static void
link_drop(struct link *l, const char *why)
{
	int was_up = l->state == LINK_UP;

	if (l->closing)
		return;
	if (was_up)
		log_warnx("lost master %s:%s: %s", l->a->master_host, l->a->master_port, why);
	else
		log_warnx("master %s:%s: %s (retrying in %llu ms)", l->a->master_host,
		    l->a->master_port, why, (unsigned long long)l->backoff);
	json_array_clear(l->outq);	/* resent after the next register */
	if (l->conn != NULL)
		conn_close(l->conn);
	l->conn = NULL;
	l->state = LINK_IDLE;
	uv_timer_stop(&l->hb);
	uv_timer_start(&l->retry, link_retry_cb, was_up ? LINK_BACKOFF_MIN : l->backoff, 0);
	if (!was_up) {
		l->backoff *= 2;
		if (l->backoff > LINK_BACKOFF_MAX)
			l->backoff = LINK_BACKOFF_MAX;
	}
	if (was_up)
		relay_link_down(l->a->relay);
}

static void
link_send_raw(struct link *l, json_t *msg)
{
	if (l->conn != NULL)
		conn_send(l->conn, msg);
	json_decref(msg);
}

static void
link_flush_cb(uv_prepare_t *p)
{
	struct link *l = p->data;

	uv_prepare_stop(p);
	if (l->conn != NULL)
		conn_send_many(l->conn, l->outq);
	json_array_clear(l->outq);
}

int
link_send(struct link *l, json_t *msg)
{
	if (l->state != LINK_UP) {
		json_decref(msg);
		return -1;
	}
	json_array_append_new(l->outq, msg);
	uv_prepare_start(&l->flush, link_flush_cb);
	return 0;
}

int
link_is_up(const struct link *l)
{
	return l->state == LINK_UP;
}

/* The load indices beyond load[] and ut (proto.h hb). */
static json_t *
link_load(json_t *m, const struct hostinfo *hi)
{
	json_object_set_new(m, "pg", json_real(hi->li.pg));
	json_object_set_new(m, "io", json_real(hi->li.io));
	json_object_set_new(m, "it", json_real(hi->li.it));
	json_object_set_new(m, "ls", json_integer(hi->li.ls));
	json_object_set_new(m, "tmp", json_integer((json_int_t)hi->li.tmp_free));
	json_object_set_new(m, "tmp_total", json_integer((json_int_t)hi->li.tmp_total));
	return m;
}

static void
link_register(struct link *l)
{
	struct agent *a = l->a;
	struct hostinfo hi;

	hostinfo_read(&hi, &a->sampler, a->ncpus, a->mem_kb);
	link_send_raw(l, link_load(json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, "
	    "s:[f,f,f], s:f, s:s, s:s, s:s, s:o, s:i}",
	    "t", "register", "host", a->host, "ncpus", hi.ncpus,
	    "mem_total", (json_int_t)hi.mem_total, "mem_free", (json_int_t)hi.mem_free,
	    "swap_total", (json_int_t)hi.swap_total, "swap_free", (json_int_t)hi.swap_free,
	    "load", hi.load[0], hi.load[1], hi.load[2], "ut", hi.ut, "arch", hi.arch,
	    "model", hi.model, "version", PUMICE_VERSION, "jobs", jobs_list(a->jobs),
	    "ngpus", gpus_detect(NULL, NULL)), &hi));
}

static void
link_hb_cb(uv_timer_t *t)
{
	struct link *l = t->data;
	struct agent *a = l->a;
	struct hostinfo hi;
	int timeout = proto_link_timeout(l->hb_s);
	char why[64];

	if (now_mono_ms() - l->last_rx_ms > (uint64_t)timeout * 1000) {
		snprintf(why, sizeof(why), "no word from the master for %d s", timeout);
		link_drop(l, why);
		return;
	}
	hostinfo_read(&hi, &a->sampler, a->ncpus, a->mem_kb);
	link_send(l, link_load(json_pack("{s:s, s:I, s:I, s:[f,f,f], s:f, s:i, s:o}",
	    "t", "hb", "mem_free", (json_int_t)hi.mem_free,
	    "swap_free", (json_int_t)hi.swap_free,
	    "load", hi.load[0], hi.load[1], hi.load[2], "ut", hi.ut,
	    "njobs", jobs_running(a->jobs), "usage", jobs_usage(a->jobs)), &hi));
}

static void
link_on_challenge(struct link *l, const json_t *msg)
{
	const char *nonce = json_string_value(json_object_get(msg, "nonce"));
	const char *mac = json_string_value(json_object_get(msg, "mac"));
	char want[AUTH_MAC_HEX], ours[AUTH_MAC_HEX];

	if (nonce == NULL || mac == NULL || strlen(nonce) + 1 != AUTH_NONCE_HEX) {
		link_drop(l, "malformed challenge");
		return;
	}
	auth_mac(&l->a->key, "master", l->nonce, l->a->host, want);
	if (!auth_mac_ok(want, mac)) {
		log_warnx("master %s:%s failed to prove the cluster key: the key in %s "
		    "differs from the master's", l->a->master_host, l->a->master_port,
		    l->a->key_file);
		link_drop(l, "authentication failed");
		return;
	}
	auth_mac(&l->a->key, "agent", nonce, l->a->host, ours);
	link_send_raw(l, json_pack("{s:s, s:s}", "t", "auth", "mac", ours));
	l->state = LINK_AUTH;
}

static void
link_on_welcome(struct link *l, const json_t *msg)
{
	json_int_t hb = json_integer_value(json_object_get(msg, "hb"));

	if (hb <= 0)
		hb = l->a->conf->heartbeat > 0 ? l->a->conf->heartbeat : 5;
	l->state = LINK_UP;
	l->backoff = LINK_BACKOFF_MIN;
	l->hb_s = (int)hb;
	uv_timer_stop(&l->retry);
	log_info("registered with master %s:%s as %s (heartbeat %lld s)",
	    l->a->master_host, l->a->master_port, l->a->host, (long long)hb);
	link_register(l);
	jobs_resend(l->a->jobs);
	uv_timer_start(&l->hb, link_hb_cb, (uint64_t)hb * 1000, (uint64_t)hb * 1000);
}

/*
 * The master's lease (agentlink.c): until when this host's jobs are surely
 * still the master's current attempts. Written as a CLOCK_MONOTONIC
 * deadline in ms to <spool>/lease, which shepherds read before they append
 * a job report (shep.c). It needs no fsync: a reboot ends the shepherds.
 */
static void
link_on_lease(struct link *l, const json_t *msg)
{
	json_int_t valid = json_integer_value(json_object_get(msg, "valid_ms"));
	char *path = xasprintf("%s/lease", l->a->spool), text[32];
	int n;

	if (valid > 0) {
		n = snprintf(text, sizeof(text), "%llu\n",
		    (unsigned long long)(now_mono_ms() + (uint64_t)valid));
		if (file_write_replace(path, text, (size_t)n, 0644) < 0)
			log_warn("%s", path);
	}
	free(path);
}

static void
link_order_run(struct link *l, const json_t *msg)
{
	jobs_on_run(l->a->jobs, msg);
}

static void
link_order_peek(struct link *l, const json_t *msg)
{
	outpeek_on_request(l->a, msg);
}

static void
link_order_io(struct link *l, const json_t *msg)
{
	jobtty_on_request(l->a->ttys, msg);
}

static void
link_order_task(struct link *l, const json_t *msg)
{
	tasks_on_run(l->a->jobs, msg);
}

static void
link_order_signal(struct link *l, const json_t *msg)
{
	jobs_on_signal(l->a->jobs, msg);
}

static void
link_order_finish_ack(struct link *l, const json_t *msg)
{
	jobs_on_finish_ack(l->a->jobs, msg);
}

static void
link_order_restart(struct link *l, const json_t *msg)
{
	(void)msg;
	agent_restart(l->a);
}

static void
link_order_shutdown(struct link *l, const json_t *msg)
{
	(void)msg;
	agent_shutdown(l->a);
}

static void
link_order_relay_rep(struct link *l, const json_t *msg)
{
	relay_on_reply(l->a->relay, msg);
}

/*
 * Orders from a registered master (pumice-protocol(7)), each message's
 * fields checked before its handler runs: one the table does not name,
 * or one of another type, gets the order refused and logged with the
 * reason (msgcheck.c), and nothing else happens.
 */
#define F(n, t) { n, t }
static const struct msgfield link_f_run[] = { F("t", MF_STR), F("job", MF_OBJ), MSGFIELD_END };
static const struct msgfield link_f_peek[] = {
	F("t", MF_STR), F("pid", MF_INT), F("id", MF_INT), F("idx", MF_INT),
	F("off", MF_INT), F("job", MF_OBJ), F("cwd", MF_STR), MSGFIELD_END,
};
static const struct msgfield link_f_io[] = {
	F("t", MF_STR), F("pid", MF_INT), F("id", MF_INT), F("idx", MF_INT),
	F("off", MF_INT), F("eoff", MF_INT), F("in", MF_STR), F("inoff", MF_INT),
	F("eof", MF_BOOL), F("rows", MF_INT), F("cols", MF_INT), F("sig", MF_STR),
	F("kill", MF_BOOL), F("wait", MF_BOOL), F("task", MF_INT), MSGFIELD_END,
};
static const struct msgfield link_f_task[] = {
	F("t", MF_STR), F("pid", MF_INT), F("id", MF_INT), F("idx", MF_INT),
	F("job", MF_OBJ), MSGFIELD_END,
};
static const struct msgfield link_f_signal[] = {
	F("t", MF_STR), F("id", MF_INT), F("idx", MF_INT), F("sig", MF_STR),
	F("kill", MF_BOOL), F("fenced", MF_BOOL), MSGFIELD_END,
};
static const struct msgfield link_f_finish_ack[] = {
	F("t", MF_STR), F("id", MF_INT), F("idx", MF_INT), MSGFIELD_END,
};
static const struct msgfield link_f_relay_rep[] = {
	F("t", MF_STR), F("rid", MF_INT), F("rep", MF_OBJ), MSGFIELD_END,
};
static const struct msgfield link_f_restart[] = { F("t", MF_STR), MSGFIELD_END };
static const struct msgfield link_f_lease[] = {
	F("t", MF_STR), F("valid_ms", MF_INT), MSGFIELD_END,
};
#undef F

static const struct link_order {
	const char *t;
	void (*fn)(struct link *, const json_t *);
	const struct msgfield *fields;
} link_orders[] = {
	{ "run", link_order_run, link_f_run },
	{ "peek", link_order_peek, link_f_peek },
	{ "io", link_order_io, link_f_io },	/* bsub -I, blaunch (jobtty.c) */
	{ "task", link_order_task, link_f_task },	/* blaunch (tasks.c) */
	{ "signal", link_order_signal, link_f_signal },
	{ "finish_ack", link_order_finish_ack, link_f_finish_ack },
	{ "relay_rep", link_order_relay_rep, link_f_relay_rep },
	{ "lease", link_on_lease, link_f_lease },
	{ "restart", link_order_restart, link_f_restart },	/* badmin hrestart */
	{ "shutdown", link_order_shutdown, link_f_restart },	/* badmin hshutdown */
};

static void
link_on_order(struct link *l, const char *t, const json_t *msg)
{
	const struct msgfield *tabs[1];
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(link_orders) / sizeof(link_orders[0]); i++) {
		if (strcmp(link_orders[i].t, t) != 0)
			continue;
		tabs[0] = link_orders[i].fields;
		if (msgcheck(msg, tabs, 1, err, sizeof(err)) < 0)
			log_warnx("master sent a bad '%s': %s; ignored", t, err);
		else
			link_orders[i].fn(l, msg);
		return;
	}
	log_warnx("master sent unknown message \"%s\"; ignored", t);
}

static void
link_on_msg(struct conn *c, const json_t *msg)
{
	struct link *l = c->arg;
	const char *t = proto_type(msg);

	l->last_rx_ms = now_mono_ms();
	if (strcmp(t, "error") == 0) {
		const char *e = json_string_value(json_object_get(msg, "err"));
		log_warnx("master %s:%s refused us: %s", l->a->master_host,
		    l->a->master_port, e ? e : "(no reason given)");
		link_drop(l, "refused");
	} else if (l->state == LINK_HELLO && strcmp(t, "challenge") == 0)
		link_on_challenge(l, msg);
	else if (l->state == LINK_AUTH && strcmp(t, "welcome") == 0)
		link_on_welcome(l, msg);
	else if (l->state == LINK_UP)
		link_on_order(l, t, msg);
	else {
		log_warnx("master sent \"%s\" before authentication", t);
		link_drop(l, "protocol error");
	}
}

static void
link_on_end(struct conn *c, const char *why)
{
	struct link *l = c->arg;

	link_drop(l, why ? why : "connection closed by the master");
}

static void
link_connect_cb(uv_connect_t *req, int status)
{
	struct link *l = req->data;
	char err[256];

	if (l->conn == NULL || req->handle != &l->conn->h.stream || l->closing)
		return;		/* dropped meanwhile */
	if (status < 0) {
		link_drop(l, uv_strerror(status));
		return;
	}
	if (conn_start(l->conn, err, sizeof(err)) < 0 || auth_nonce(l->nonce) < 0) {
		link_drop(l, "cannot start the handshake");
		return;
	}
	uv_tcp_nodelay(&l->conn->h.tcp, 1);
	uv_tcp_keepalive(&l->conn->h.tcp, 1, 30);
	link_send_raw(l, json_pack("{s:s, s:i, s:s, s:s, s:s}", "t", "hello",
	    "v", PROTO_VERSION, "role", "agent", "host", l->a->host, "nonce", l->nonce));
	l->state = LINK_HELLO;
}

static void
link_gai_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct link *l = req->data;
	int r;

	l->resolving = 0;
	if (l->closing || l->state != LINK_RESOLVING || status < 0) {
		if (!l->closing && l->state == LINK_RESOLVING)
			link_drop(l, uv_strerror(status));
		uv_freeaddrinfo(res);
		return;
	}
	l->conn = conn_new(link_on_msg, link_on_end, l);
	uv_tcp_init(l->a->loop, &l->conn->h.tcp);
	l->connect.data = l;
	r = uv_tcp_connect(&l->connect, &l->conn->h.tcp, res->ai_addr, link_connect_cb);
	uv_freeaddrinfo(res);
	if (r < 0) {
		link_drop(l, uv_strerror(r));
		return;
	}
	l->state = LINK_CONNECTING;
}

/* Reloads the key (the administrator may have replaced it), then dials. */
static void
link_dial(struct link *l)
{
	struct addrinfo hints;
	struct auth_key key;
	char err[512];
	int r;

	if (auth_key_load(l->a->key_file, &key, err, sizeof(err)) == 0)
		l->a->key = key;
	else
		log_warnx("%s (keeping the key loaded before)", err);
	memset(&key, 0, sizeof(key));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	l->state = LINK_RESOLVING;
	l->gai.data = l;
	r = uv_getaddrinfo(l->a->loop, &l->gai, link_gai_cb, l->a->master_host,
	    l->a->master_port, &hints);
	if (r < 0) {
		link_drop(l, uv_strerror(r));
		return;
	}
	l->resolving = 1;
	uv_timer_start(&l->retry, link_retry_cb, LINK_HANDSHAKE_TIMEOUT, 0);
}

struct link *
link_new(struct agent *a)
{
	struct link *l = xcalloc(1, sizeof(*l));

	l->a = a;
	l->backoff = LINK_BACKOFF_MIN;
	uv_timer_init(a->loop, &l->retry);
	uv_timer_init(a->loop, &l->hb);
	uv_prepare_init(a->loop, &l->flush);
	l->retry.data = l;
	l->hb.data = l;
	l->flush.data = l;
	l->outq = json_array();
	return l;
}

void
link_start(struct link *l)
{
	link_dial(l);
}

void
link_close(struct link *l)
{
	l->closing = 1;
	if (l->resolving)
		uv_cancel((uv_req_t *)&l->gai);
	if (l->conn != NULL) {
		conn_send_many(l->conn, l->outq);	/* what this turn queued */
		conn_close(l->conn);
	}
	json_array_clear(l->outq);
	l->conn = NULL;
	uv_close((uv_handle_t *)&l->retry, NULL);
	uv_close((uv_handle_t *)&l->hb, NULL);
	uv_close((uv_handle_t *)&l->flush, NULL);
}

void
link_free(struct link *l)
{
	json_decref(l->outq);
	free(l);
}
