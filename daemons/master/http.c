/*
 * http.c - the master's HTTP server: libevent's evhttp on the master's
 * own event base, so it reads the job table the scheduler uses, without
 * a copy, a lock or a second protocol (DESIGN.md says why here).
 *
 * It cannot stall the loop: every handler runs in one callback and
 * answers at once from memory; the job listing is one page of the
 * bjobs listing (query.c: bounded in records and in build time), a
 * request body is refused, headers are bounded, and a client that does
 * not read costs its own socket's buffer. The event stream (GET
 * /api/events) is a watch subscriber (watch.c) that is sent at most
 * WATCH_BACKLOG bytes ahead of its reader and is ended, with the id to
 * resume from, when it falls behind what the ring holds; at most
 * HTTP_MAX_STREAMS streams are open at once. Read-only: no handler
 * changes anything, so no reply waits for a commit.
 *
 * Routes are a table; each handler gets the request and the master.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "conftab.h"
#include "http.h"
#include "log.h"
#include "lsfconf.h"
#include "master.h"
#include "util.h"
#include "watch.h"

#define HTTP_MAX_STREAMS 64
#define HTTP_TIMEOUT 60		/* seconds a request may take to arrive */
#define HTTP_KEEPALIVE 15	/* seconds between the streams' comments */

struct http_stream {
	struct master *m;
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	struct watch_sub *sub;
	struct http_stream *next;
};

struct http {
	struct evhttp *http;
	void *tls;		/* SSL_CTX, or NULL: plain HTTP (httptls.c) */
	int port;
	struct event *keepalive_ev;
	struct http_stream *streams;
	size_t nstreams;
};


void
http_send(struct evhttp_request *req, int code, const char *type,
    struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", body);
	evbuffer_free(body);
}

void
http_error(struct evhttp_request *req, int code, const char *text)
{
	struct evbuffer *b = evbuffer_new();
	json_t *o = json_pack("{s:s}", "error", text);
	char *s = json_dumps(o, JSON_COMPACT);

	evbuffer_add_printf(b, "%s\n", s);
	free(s);
	json_decref(o);
	http_send(req, code, "application/json", b);
}

void
http_json(struct evhttp_request *req, json_t *data)
{
	struct evbuffer *b = evbuffer_new();
	char *s = json_dumps(data, JSON_COMPACT);

	evbuffer_add_printf(b, "%s\n", s);
	free(s);
	json_decref(data);
	http_send(req, 200, "application/json", b);
}

/* An op's error code as an HTTP status. */
int
http_status(const char *code)
{
	static const struct { const char *code; int status; } map[] = {
		{ "notfound", 404 }, { "denied", 403 }, { "toobig", 413 },
		{ "busy", 503 }, { "nospace", 503 }, { "internal", 500 },
		{ "notstarted", 409 }, { "finished", 409 },
	};
	size_t i;

	for (i = 0; code != NULL && i < nitems(map); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].status;
	return 400;
}

/* What a call of an op got back (http_call). */
struct http_result {
	bool done, ok;
	json_t *data;
	int status;
	char err[256];
};

static void
http_result_cb(void *arg, bool ok, json_t *data, struct evbuffer *text,
    const char *code, const char *err)
{
	struct http_result *r = arg;
	size_t n;
	char *s;

	r->done = true;
	r->ok = ok;
	r->status = ok ? 200 : http_status(code);
	snprintf(r->err, sizeof(r->err), "%s", err ? err : "");
	if (text != NULL) {	/* ops that write text: parse it back */
		n = evbuffer_get_length(text);
		s = (char *)evbuffer_pullup(text, (ssize_t)n);
		data = json_loadb(s, n, 0, NULL);
		evbuffer_free(text);
	}
	r->data = data;
}

/*
 * Runs an op of the command table as an anonymous reader: read-only ops
 * answer at once, so the reply is in r when this returns. args stolen.
 */
static void
http_call(struct master *m, void (*fn)(struct master *, struct reqctx *, json_t *),
    json_t *args, struct http_result *r)
{
	struct reqctx *rq = xcalloc(1, sizeof(*rq));

	memset(r, 0, sizeof(*r));
	rq->rid = -1;
	rq->uid = rq->gid = -1;
	rq->user = xstrdup("-");
	rq->from_host = xstrdup(m->hostname);
	rq->now = true;
	rq->reply_fn = http_result_cb;
	rq->reply_arg = r;
	fn(m, rq, args);
	json_decref(args);
	if (!r->done) {	/* not a read-only op: must not happen */
		r->status = 500;
		snprintf(r->err, sizeof(r->err), "the request did not answer at once");
	}
}

static void
http_answer(struct evhttp_request *req, struct http_result *r)
{
	if (r->ok)
		http_json(req, r->data);
	else
		http_error(req, r->status, r->err);
}

static const char *
http_q(struct evkeyvalq *q, const char *key)
{
	const char *v = evhttp_find_header(q, key);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* "a,b,c" as a JSON array of strings. */
static json_t *
http_list(const char *v)
{
	json_t *a = json_array();
	char *s = xstrdup(v), *p, *save = NULL;

	for (p = strtok_r(s, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(p));
	free(s);
	return a;
}

/* bjobs' filters from the query: user (default all), state, queue,
 * name, host, project, limit, cursor. */
static json_t *
http_jobs_args(struct evkeyvalq *q)
{
	static const char *const plain[] = { "queue", "name", "host", "project" };
	const char *v = http_q(q, "user");
	json_t *args = json_pack("{s:s}", "user", v ? v : "all");
	long sel, id, pos;
	size_t i;

	for (i = 0; i < nitems(plain); i++)
		if ((v = http_q(q, plain[i])) != NULL)
			json_object_set_new(args, plain[i], json_string(v));
	if ((v = http_q(q, "state")) != NULL && strcasecmp(v, "all") == 0)
		json_object_set_new(args, "all_states", json_true());
	else if (v != NULL)
		json_object_set_new(args, "states", http_list(v));
	if ((v = http_q(q, "limit")) != NULL)
		json_object_set_new(args, "limit", json_integer(strtol(v, NULL, 10)));
	if ((v = http_q(q, "cursor")) != NULL &&
	    sscanf(v, "%ld.%ld.%ld", &sel, &id, &pos) == 3)
		json_object_set_new(args, "cursor", json_pack("{s:I, s:I, s:I}",
		    "sel", (json_int_t)sel, "id", (json_int_t)id, "pos", (json_int_t)pos));
	return args;
}

/* The next page's cursor as one word for the query string. */
static void
http_cursor_word(json_t *data)
{
	json_t *n = json_object_get(data, "next");

	if (!json_is_object(n))
		return;
	json_object_set_new(data, "cursor", json_sprintf("%" JSON_INTEGER_FORMAT
	    ".%" JSON_INTEGER_FORMAT ".%" JSON_INTEGER_FORMAT,
	    json_integer_value(json_object_get(n, "sel")),
	    json_integer_value(json_object_get(n, "id")),
	    json_integer_value(json_object_get(n, "pos"))));
}

static void
http_jobs(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	struct http_result r;

	(void)rest;
	http_call(m, query_jobs, http_jobs_args(q), &r);
	if (r.ok)
		http_cursor_word(r.data);
	http_answer(req, &r);
}

/* /api/jobs/123/history: bhist's answer, the job's events in order (one
 * job's rows of the store, read by its index, as bhist reads them). */
static void
http_job_history(struct master *m, struct evhttp_request *req, long id)
{
	struct http_result r;
	json_t *jobs;

	http_call(m, history_op, json_pack("{s:[{s:I}], s:s}", "ids", "id",
	    (json_int_t)id, "states", "all"), &r);
	history_release(m);
	jobs = r.ok ? json_object_get(r.data, "jobs") : NULL;
	if (r.ok && json_array_size(jobs) == 0) {
		json_decref(r.data);
		return http_error(req, 404, "no such job");
	}
	if (r.ok) {	/* the one job's entry */
		json_t *one = json_incref(json_array_get(jobs, 0));
		json_decref(r.data);
		r.data = one;
	}
	http_answer(req, &r);
}

/* The selector {id, idx} of "123" or "123[4]", or NULL. */
json_t *
http_job_sel(const char *rest)
{
	char *end, *idx;
	long id = strtol(rest, &end, 10);
	json_t *sel;

	if (end == rest || id <= 0 || (*end != '\0' && *end != '['))
		return NULL;
	sel = json_pack("{s:I}", "id", (json_int_t)id);
	if (*end == '[') {
		idx = xstrndup(end + 1, strcspn(end + 1, "]"));
		json_object_set_new(sel, "idx", json_string(idx));
		free(idx);
	}
	return sel;
}

/* "123/output" or "123[4]/output": true, with *id and *idx set. */
static bool
http_output_path(const char *rest, long *id, long *idx)
{
	char *end;

	*id = strtol(rest, &end, 10);
	*idx = 0;
	if (end == rest || *id <= 0)
		return false;
	if (*end == '[') {
		rest = end + 1;
		*idx = strtol(rest, &end, 10);
		if (end == rest || *idx <= 0 || *end++ != ']')
			return false;
	}
	return strcmp(end, "/output") == 0;
}

/* /api/jobs/123 or /api/jobs/123[4]: that job in any state; .../history
 * its events, .../output what it wrote so far (httpwrite.c). */
static void
http_job(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	char *end;
	long id = strtol(rest, &end, 10), idx;
	struct http_result r;
	json_t *sel;
	const char *off;

	if (end != rest && id > 0 && strcmp(end, "/history") == 0)
		return http_job_history(m, req, id);
	if (http_output_path(rest, &id, &idx)) {
		off = http_q(q, "off");
		return http_output(m, req, id, idx, off ? strtol(off, NULL, 10) : 0);
	}
	if ((sel = http_job_sel(rest)) == NULL)
		return http_error(req, 400, "a job id is a number, or number[index]");
	http_call(m, query_jobs, json_pack("{s:[o], s:b, s:I}", "ids", sel,
	    "all_states", 1, "limit", (json_int_t)1000), &r);
	if (r.ok && json_array_size(json_object_get(r.data, "jobs")) == 0) {
		json_decref(r.data);
		return http_error(req, 404, "no such job");
	}
	if (r.ok)
		http_cursor_word(r.data);
	http_answer(req, &r);
}

static void
http_hosts(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	struct http_result r;

	(void)rest;
	(void)q;
	http_call(m, query_hosts, json_object(), &r);
	http_answer(req, &r);
}

static void
http_queues(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	struct http_result r;

	(void)rest;
	(void)q;
	http_call(m, query_queues, json_object(), &r);
	http_answer(req, &r);
}

static void
http_metrics(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	struct evbuffer *b = evbuffer_new();

	(void)rest;
	(void)q;
	http_metrics_text(m, b);
	http_send(req, 200, "text/plain; version=0.0.4; charset=utf-8", b);
}

static void
http_page(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	struct evbuffer *b = evbuffer_new();

	(void)m;
	(void)q;
	if (*rest != '\0' && strcmp(rest, "index.html") != 0) {
		evbuffer_free(b);
		return http_error(req, 404, "no such page");
	}
	evbuffer_add_reference(b, http_page_html, http_page_html_len, NULL, NULL);
	http_send(req, 200, "text/html; charset=utf-8", b);
}

/* --- the event stream (server-sent events) --- */

static void
http_stream_unlink(struct http *h, struct http_stream *s)
{
	struct http_stream **p;

	for (p = &h->streams; *p != NULL; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			h->nstreams--;
			break;
		}
	free(s);
}

static size_t
http_stream_backlog(void *arg)
{
	struct http_stream *s = arg;

	return evbuffer_get_length(bufferevent_get_output(
	    evhttp_connection_get_bufferevent(s->evcon)));
}

static void
http_stream_send(void *arg, uint64_t id, const char *text)
{
	struct http_stream *s = arg;
	struct evbuffer *b = evbuffer_new();

	evbuffer_add_printf(b, "id: %lu\ndata: %s\n\n", (unsigned long)id, text);
	evhttp_send_reply_chunk(s->req, b);
	evbuffer_free(b);
}

static void
http_stream_end(void *arg, uint64_t last, const char *why)
{
	struct http_stream *s = arg;
	struct evbuffer *b = evbuffer_new();
	json_t *o = json_pack("{s:I, s:s}", "last", (json_int_t)last, "error", why);
	char *t = json_dumps(o, JSON_COMPACT);

	evbuffer_add_printf(b, "event: end\ndata: %s\n\n", t);
	free(t);
	json_decref(o);
	evhttp_send_reply_chunk(s->req, b);
	evbuffer_free(b);
	evhttp_connection_set_closecb(s->evcon, NULL, NULL);
	evhttp_send_reply_end(s->req);
	http_stream_unlink(s->m->http, s);	/* watch.c unsubscribes */
}

static const struct watch_sink http_stream_sink = {
	http_stream_backlog, http_stream_send, http_stream_end
};

/*
 * The peer went. libevent has then taken the request off the connection
 * (a reply still being sent is the caller's to end) and frees the
 * connection after this: ending the reply frees the request.
 */
static void
http_stream_closed(struct evhttp_connection *evcon, void *arg)
{
	struct http_stream *s = arg;

	(void)evcon;
	watch_unsubscribe(s->m, s->sub);
	if (evhttp_request_get_connection(s->req) == NULL)
		evhttp_send_reply_end(s->req);
	http_stream_unlink(s->m->http, s);
}

/* The stream's filter: user (default all), job=ID,ID. */
static void
http_stream_filter(struct evkeyvalq *q, struct watch_filter *f)
{
	const char *u = http_q(q, "user"), *jobs = http_q(q, "job");
	json_t *list;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (u != NULL && strcmp(u, "all") != 0)
		f->user = xstrdup(u);
	if (jobs == NULL)
		return;
	list = http_list(jobs);
	f->njobs = json_array_size(list);
	f->jobs = xcalloc(f->njobs ? f->njobs : 1, sizeof(*f->jobs));
	for (i = 0; i < f->njobs; i++)
		f->jobs[i] = strtol(json_string_value(json_array_get(list, i)), NULL, 10);
	json_decref(list);
}

static const char *const http_start_word[] = {
	[WATCH_ALL] = "all", [WATCH_GAP] = "gap", [WATCH_RESTART] = "restart",
};

/* GET /api/events: Last-Event-ID (or ?since=) resumes after that id. */
static void
http_events(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	struct http *h = m->http;
	const char *since = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Last-Event-ID");
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	struct http_stream *s;
	struct watch_filter f;
	enum watch_start start;
	struct evbuffer *b;

	(void)rest;
	if (since == NULL)
		since = http_q(q, "since");
	if (h->nstreams >= HTTP_MAX_STREAMS)
		return http_error(req, 503, "too many event streams open; try later");
	s = xcalloc(1, sizeof(*s));
	s->m = m;
	s->req = req;
	s->evcon = evhttp_request_get_connection(req);
	s->next = h->streams;
	h->streams = s;
	h->nstreams++;
	evhttp_add_header(oh, "Content-Type", "text/event-stream");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	evhttp_send_reply_start(req, 200, "OK");
	http_stream_filter(q, &f);
	s->sub = watch_subscribe(m, &f, since != NULL,
	    since ? strtoull(since, NULL, 10) : 0, &http_stream_sink, s, &start);
	evhttp_connection_set_closecb(s->evcon, http_stream_closed, s);
	b = evbuffer_new();	/* the retry delay, and how the stream begins */
	evbuffer_add_printf(b, "retry: 1000\nevent: hello\ndata: {\"last\":%lu,"
	    "\"start\":\"%s\"}\n\n", (unsigned long)watch_last_id(m),
	    http_start_word[start]);
	evhttp_send_reply_chunk(req, b);
	evbuffer_free(b);
}

/* A comment now and then: a proxy keeps the stream, a gone peer shows. */
static void
http_keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
	struct master *m = arg;
	struct http_stream *s;
	struct evbuffer *b;

	for (s = m->http->streams; s != NULL; s = s->next) {
		if (http_stream_backlog(s) > 0)
			continue;
		b = evbuffer_new();
		evbuffer_add(b, ":\n\n", 3);
		evhttp_send_reply_chunk(s->req, b);
		evbuffer_free(b);
	}
}

/* --- routing --- */

/*
 * Whether the Host header names this server: an address, "localhost", or
 * the master's host name (short or fully qualified). Anything else is a
 * name someone else's DNS points here (DNS rebinding: a web page that
 * reads the API as if it were its own origin), refused.
 */
static bool
http_host_ok(struct master *m, struct evhttp_request *req)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
	size_t n, hn = strlen(m->hostname);
	char name[256];

	if (h == NULL)
		return true;	/* HTTP/1.0: no name to rebind */
	if (*h == '[')
		return true;	/* an IPv6 address */
	n = strcspn(h, ":");
	if (n == 0 || n >= sizeof(name))
		return false;
	memcpy(name, h, n);
	name[n] = '\0';
	if (strspn(name, "0123456789.") == n || strcasecmp(name, "localhost") == 0)
		return true;
	return strncasecmp(name, m->hostname, hn) == 0 &&
	    (name[hn] == '\0' || name[hn] == '.');
}

/* One row per resource and method; writes need a token (httpwrite.c). */
static const struct http_route {
	const char *path;
	bool prefix;		/* path/... (the rest handed over) */
	enum evhttp_cmd_type method;
	http_fn fn;
} http_routes[] = {
	{ "/api/jobs", false, EVHTTP_REQ_GET, http_jobs },
	{ "/api/jobs", false, EVHTTP_REQ_POST, http_submit },
	{ "/api/jobs/", true, EVHTTP_REQ_GET, http_job },
	{ "/api/jobs/", true, EVHTTP_REQ_DELETE, http_kill },
	{ "/api/hosts", false, EVHTTP_REQ_GET, http_hosts },
	{ "/api/queues", false, EVHTTP_REQ_GET, http_queues },
	{ "/api/events", false, EVHTTP_REQ_GET, http_events },
	{ "/metrics", false, EVHTTP_REQ_GET, http_metrics },
	{ "/", true, EVHTTP_REQ_GET, http_page },
};

static bool
http_route_match(const struct http_route *r, const char *path)
{
	size_t n = strlen(r->path);

	return r->prefix ? strncmp(path, r->path, n) == 0 : strcmp(path, r->path) == 0;
}

static void
http_dispatch_cb(struct evhttp_request *req, void *arg)
{
	struct master *m = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	char *dpath;
	struct evkeyvalq q;
	size_t i, n;

	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	bool path_known = false;

	if (!http_host_ok(m, req))
		return http_error(req, 421, "this server does not answer to that Host name");
	if (cmd == EVHTTP_REQ_HEAD)
		cmd = EVHTTP_REQ_GET;
	if (path == NULL || *path == '\0')
		path = "/";
	if ((dpath = evhttp_uridecode(path, 0, NULL)) == NULL)
		return http_error(req, 400, "a bad path");
	if (!http_auth_check(m, req, cmd)) {	/* answered 401 */
		free(dpath);
		return;
	}
	memset(&q, 0, sizeof(q));
	TAILQ_INIT(&q);
	if (uri != NULL && evhttp_uri_get_query(uri) != NULL)
		evhttp_parse_query_str(evhttp_uri_get_query(uri), &q);
	for (i = 0; i < nitems(http_routes); i++) {
		if (!http_route_match(&http_routes[i], dpath))
			continue;
		/* "/" matches every path: only its own page is known there */
		path_known |= !http_routes[i].prefix || strcmp(http_routes[i].path, "/") != 0;
		if (http_routes[i].method != cmd)
			continue;
		n = strlen(http_routes[i].path);
		http_routes[i].fn(m, req, dpath + n, &q);
		break;
	}
	if (i == nitems(http_routes) && path_known) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
		    "GET, HEAD, POST (/api/jobs), DELETE (/api/jobs/ID)");
		http_error(req, 405, "not a method of this resource");
	} else if (i == nitems(http_routes))
		http_error(req, 405, "read-only here: GET");
	evhttp_clear_headers(&q);
	free(dpath);
}

/* lsf.conf's PUMICE_HTTP_PORT (0 or absent: off) and PUMICE_HTTP_ADDR. */
static int
http_conf(struct master *m, int *port, const char **addr, char *err, size_t errlen)
{
	const struct conftab_key *k = conftab_find(CT_LSF_CONF, "PUMICE_HTTP_PORT");
	const char *v = cfg_get(&m->conf->lsfconf, "PUMICE_HTTP_PORT");
	char *end;
	long p;

	*addr = cfg_get(&m->conf->lsfconf, "PUMICE_HTTP_ADDR");
	if (*addr == NULL || **addr == '\0')
		*addr = "127.0.0.1";
	*port = 0;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	p = strtol(v, &end, 10);
	if (*end != '\0' || errno != 0 || p < k->min || p > k->max)
		return errf(err, errlen, "PUMICE_HTTP_PORT must be %ld to %ld, not '%s'",
		    k->min, k->max, v);
	*port = (int)p;
	return 0;
}

int
http_init(struct master *m, char *err, size_t errlen)
{
	struct timeval ka = { HTTP_KEEPALIVE, 0 };
	const char *addr;
	struct http *h;
	int port;

	if (http_conf(m, &port, &addr, err, errlen) < 0)
		return -1;
	if (port == 0)
		return 0;
	h = xcalloc(1, sizeof(*h));
	h->port = port;
	h->http = evhttp_new(m->base);
	evhttp_set_timeout(h->http, HTTP_TIMEOUT);
	evhttp_set_max_headers_size(h->http, 16384);
	evhttp_set_max_body_size(h->http, 65536);	/* a submit's JSON */
	/* the others reach the dispatch, which answers 405 (not evhttp's 501) */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, http_dispatch_cb, m);
	if (http_tls_init(m, h->http, &h->tls, err, errlen) < 0) {
		evhttp_free(h->http);
		free(h);
		return -1;
	}
	if (evhttp_bind_socket(h->http, addr, (ev_uint16_t)port) < 0) {
		errf(err, errlen, "cannot listen for HTTP on %s:%d: %s", addr, port,
		    strerror(errno));
		evhttp_free(h->http);
		http_tls_free(h->tls);
		free(h);
		return -1;
	}
	h->keepalive_ev = event_new(m->base, -1, EV_PERSIST, http_keepalive_cb, m);
	event_add(h->keepalive_ev, &ka);
	m->http = h;
	log_info("web: %s://%s:%d/", h->tls ? "https" : "http", addr, port);
	return 0;
}

void
http_free(struct master *m)
{
	struct http *h = m->http;
	struct http_stream *s;

	if (h == NULL)
		return;
	while ((s = h->streams) != NULL) {
		evhttp_connection_set_closecb(s->evcon, NULL, NULL);
		watch_unsubscribe(m, s->sub);
		http_stream_unlink(h, s);
	}
	event_free(h->keepalive_ev);
	http_write_free();
	evhttp_free(h->http);
	http_tls_free(h->tls);
	free(h);
	m->http = NULL;
}
