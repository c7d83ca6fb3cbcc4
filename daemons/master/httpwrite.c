/*
 * httpwrite.c - who a request comes from, the two writes: submit
 * (POST /api/jobs) and kill (DELETE /api/jobs/ID), and the one read that
 * needs an identity: a running job's output (GET /api/jobs/ID/output).
 *
 * A request may carry "Authorization: Bearer TOKEN" (btoken, token.c);
 * it then acts as the token's user, with the permissions the same user
 * has on the command line: the writes go through control_request, the
 * table and the handlers bsub and bkill use, with that user's identity,
 * so another user's job cannot be killed and a job runs as its owner.
 * A write without a token is refused (401), and so is every request
 * when lsf.conf's PUMICE_HTTP_ANON is N. A token that matches nothing is
 * refused wherever it is sent.
 *
 * The answer to a write waits for the commit that records it, as a
 * command's reply does (held here, sent by http_committed); an answer that
 * comes while nothing waits to be committed (a refusal, or the output an
 * agent sent back) goes at once. If the peer went meanwhile, libevent
 * leaves the request to be ended by the answer.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "http.h"
#include "lsfconf.h"
#include "master.h"
#include "util.h"

#define HTTP_BODY_MAX 65536	/* a submit's JSON: its env and script */

/* An answer that waits for the commit. */
struct http_held {
	struct master *m;
	struct evhttp_request *req;
	int status;
	json_t *data;		/* ok: the answer, else NULL */
	char err[512];
	struct http_held *next;
};

static struct http_held *held, **held_tail = &held;

/* The token's user; *bad when a token was given and is no one's. */
static const char *
http_auth_user(struct master *m, struct evhttp_request *req, bool *bad)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	const char *user;

	*bad = false;
	if (h == NULL)
		return NULL;
	if (strncasecmp(h, "Bearer ", 7) != 0 || (user = token_user(m, h + 7)) == NULL) {
		*bad = true;
		return NULL;
	}
	return user;
}

static bool
http_anon_allowed(struct master *m)
{
	const char *v = cfg_get(&m->conf->lsfconf, "PUMICE_HTTP_ANON");

	return v == NULL || (*v != 'N' && *v != 'n');
}

bool
http_auth_check(struct master *m, struct evhttp_request *req, int cmd)
{
	bool bad, write = cmd != EVHTTP_REQ_GET;
	const char *user = http_auth_user(m, req, &bad);

	if (user != NULL || (!bad && !write && http_anon_allowed(m)))
		return true;
	evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
	    "Bearer realm=\"pumice\"");
	http_error(req, 401, bad ? "the token is not valid (btoken makes one)" :
	    write ? "a change needs a token: Authorization: Bearer TOKEN (btoken)" :
	    "anonymous access is off (PUMICE_HTTP_ANON): send a token");
	return false;
}

static void
http_held_send(struct http_held *h)
{
	if (h->data != NULL) {
		struct evbuffer *b = evbuffer_new();
		char *s = json_dumps(h->data, JSON_COMPACT);
		evbuffer_add_printf(b, "%s\n", s);
		free(s);
		json_decref(h->data);
		http_send(h->req, h->status, "application/json", b);
	} else
		http_error(h->req, h->status, h->err);
	free(h);
}

void
http_committed(struct master *m)
{
	struct http_held *h;

	(void)m;
	while ((h = held) != NULL) {
		held = h->next;
		if (held == NULL)
			held_tail = &held;
		http_held_send(h);
	}
}

static void
http_write_cb(void *arg, bool ok, json_t *data, struct evbuffer *text,
    const char *code, const char *err)
{
	struct http_held *h = arg;

	if (text != NULL) {
		size_t n = evbuffer_get_length(text);
		data = json_loadb((const char *)evbuffer_pullup(text, (ssize_t)n), n, 0,
		    NULL);
		evbuffer_free(text);
	}
	h->status = ok ? 200 : http_status(code);
	h->data = ok ? data : NULL;
	snprintf(h->err, sizeof(h->err), "%s", err ? err : "");
	if (!store_dirty(h->m->store))	/* nothing to wait for */
		return http_held_send(h);
	*held_tail = h;
	held_tail = &h->next;
}

/* Runs op as the token's user through the command table; the answer is
 * held until the commit (at once when nothing was recorded). */
static void
http_as_user(struct master *m, struct evhttp_request *req, const char *op,
    json_t *args)
{
	struct http_held *h = xcalloc(1, sizeof(*h));
	json_t *req_msg;
	struct reqctx *rq;
	struct passwd *pw;
	const char *user;
	bool bad;

	h->m = m;
	h->req = req;
	user = http_auth_user(m, req, &bad);	/* http_auth_check passed */
	if (user == NULL || (pw = getpwnam(user)) == NULL) {
		free(h);
		json_decref(args);
		return http_error(req, 403, "the token's user is unknown on the master host");
	}
	rq = xcalloc(1, sizeof(*rq));
	rq->rid = -1;
	rq->uid = (long)pw->pw_uid;
	rq->gid = (long)pw->pw_gid;
	rq->user = xstrdup(user);
	rq->from_host = xstrdup(m->hostname);
	rq->admin = rq->uid == 0 || conf_is_admin(m->conf, rq->user);
	rq->reply_fn = http_write_cb;
	rq->reply_arg = h;
	req_msg = json_pack("{s:s, s:o}", "op", op, "args", args);
	control_request(m, rq, req_msg);	/* answers through http_write_cb */
	json_decref(req_msg);
}

/* The request's body as JSON; NULL after a 400. */
static json_t *
http_body(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	json_error_t e;
	json_t *v;

	if (n == 0 || n > HTTP_BODY_MAX) {
		http_error(req, 400, "a JSON body is needed (at most 64 KB)");
		return NULL;
	}
	v = json_loadb((const char *)evbuffer_pullup(in, (ssize_t)n), n, 0, &e);
	if (!json_is_object(v)) {
		json_decref(v);
		http_error(req, 400, "the body is not a JSON object");
		return NULL;
	}
	return v;
}

/*
 * POST /api/jobs {job: SUBMIT} (or the SUBMIT itself): bsub's fields
 * (pumice-protocol(7)); what a command line would have filled in comes
 * from the user's passwd entry: the home directory as the submission
 * directory, HOME, USER, LOGNAME, SHELL and a plain PATH as the
 * environment.
 */
void
http_submit(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	json_t *body = http_body(req), *job;
	struct passwd *pw;
	bool bad;

	(void)rest;
	(void)q;
	if (body == NULL)
		return;
	job = json_object_get(body, "job") ? json_incref(json_object_get(body, "job")) :
	    json_incref(body);
	json_decref(body);
	if (!json_is_object(job) || (pw = getpwnam(http_auth_user(m, req, &bad))) == NULL) {
		json_decref(job);
		return http_error(req, 400, "no job given");
	}
	if (json_object_get(job, "subcwd") == NULL)
		json_object_set_new(job, "subcwd", json_string(pw->pw_dir));
	if (json_object_get(job, "env") == NULL)
		json_object_set_new(job, "env", json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "HOME", pw->pw_dir, "USER", pw->pw_name, "LOGNAME", pw->pw_name,
		    "SHELL", pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh",
		    "PATH", "/usr/local/bin:/usr/bin:/bin"));
	http_as_user(m, req, "submit", json_pack("{s:o}", "job", job));
}

/* DELETE /api/jobs/ID or /api/jobs/ID[idx]: bkill of that job. */
void
http_kill(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q)
{
	json_t *sel;

	(void)q;
	if ((sel = http_job_sel(rest)) == NULL)
		return http_error(req, 400, "a job id is a number, or number[index]");
	http_as_user(m, req, "kill", json_pack("{s:[o]}", "ids", sel));
}

/*
 * GET /api/jobs/ID[IDX]/output?off=N: bpeek's answer for a running or
 * finished job, as the token's user (the output is its owner's, so no anonymous read):
 * {data (base64), off, next, size, file, id, idx}; ask again from next.
 */
void
http_output(struct master *m, struct evhttp_request *req, long id, long idx,
    long off)
{
	bool bad;

	if (http_auth_user(m, req, &bad) == NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer realm=\"pumice\"");
		return http_error(req, 401, "a job's output needs a token: "
		    "Authorization: Bearer TOKEN (btoken)");
	}
	http_as_user(m, req, "peek", json_pack("{s:I, s:I, s:I, s:b}", "id", (json_int_t)id,
	    "idx", (json_int_t)idx, "off", (json_int_t)(off > 0 ? off : 0), "done", 1));
}

void
http_write_free(void)
{
	struct http_held *h;

	while ((h = held) != NULL) {	/* evhttp_free frees their requests */
		held = h->next;
		json_decref(h->data);
		free(h);
	}
	held_tail = &held;
}
