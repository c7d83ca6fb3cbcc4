/*
 * http.h - the master's HTTP server (http.c): a read-only JSON API, the
 * event stream as server-sent events, metrics and the web page, on the
 * master's own loop. Off unless lsf.conf sets PUMICE_HTTP_PORT.
 */
#ifndef PUMICE_HTTP_H
#define PUMICE_HTTP_H

#include <stddef.h>

struct master;
struct evbuffer;

int http_init(struct master *m, char *err, size_t errlen);
void http_free(struct master *m);

/* httpmetrics.c: the Prometheus text of GET /metrics. */
void http_metrics_text(struct master *m, struct evbuffer *out);

/* webpage.c (generated from daemons/master/web/index.html): GET /. */
extern const unsigned char http_page_html[];
extern const unsigned int http_page_html_len;

#endif
