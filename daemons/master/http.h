/*
 * http.h - the master's HTTP server (http.c): a read-only JSON API, the
 * event stream as server-sent events, metrics and the web page, on the
 * master's own loop. Off unless lsf.conf sets PUMICE_HTTP_PORT.
 */
#ifndef PUMICE_HTTP_H
#define PUMICE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct master;
struct evbuffer;

int http_init(struct master *m, char *err, size_t errlen);
void http_free(struct master *m);

/* http.c's answers, for the handlers of the other files. */
struct evhttp_request;
struct evkeyvalq;
typedef void (*http_fn)(struct master *m, struct evhttp_request *req,
    const char *rest, struct evkeyvalq *q);
void http_send(struct evhttp_request *req, int code, const char *type,
    struct evbuffer *body);
void http_error(struct evhttp_request *req, int code, const char *text);
/* The job selector {id, idx} of a path's "123" or "123[4]", or NULL. */
json_t *http_job_sel(const char *rest);
void http_json(struct evhttp_request *req, json_t *data);
int http_status(const char *code);	/* an op's error code as HTTP's */

/* httpwrite.c: tokens on requests, submit, kill and a job's output. */
/* false when it answered 401: a bad token, or none where one is needed */
bool http_auth_check(struct master *m, struct evhttp_request *req, int cmd);
void http_submit(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q);
void http_kill(struct master *m, struct evhttp_request *req, const char *rest,
    struct evkeyvalq *q);
void http_output(struct master *m, struct evhttp_request *req, long id, long idx,
    long off);
/* The store committed: the answers to writes may go. */
void http_committed(struct master *m);
void http_write_free(void);	/* answers never sent (shutdown) */

/* httptls.c: TLS when lsf.conf names a certificate and key (*ctx then
 * set, for http_tls_free). */
struct evhttp;
int http_tls_init(struct master *m, struct evhttp *http, void **ctx, char *err,
    size_t errlen);
void http_tls_free(void *ctx);

/* httpmetrics.c: the Prometheus text of GET /metrics. */
void http_metrics_text(struct master *m, struct evbuffer *out);

/* webpage.c (generated from daemons/master/web/index.html): GET /. */
extern const unsigned char http_page_html[];
extern const unsigned int http_page_html_len;

#endif
