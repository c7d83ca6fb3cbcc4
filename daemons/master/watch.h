/*
 * watch.h - the event stream (watch.c): every job and host state change
 * gets an id and goes to the subscribers (bwatch over the protocol, the
 * HTTP stream), after the commit that records it. Subscribers are sinks:
 * the watch module knows nothing of sockets.
 */
#ifndef PUMICE_WATCH_H
#define PUMICE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct master;
struct host;
struct job;
struct conn;
struct reqctx;

/* What a subscriber is: where its events go and how far behind it is. */
struct watch_sink {
	/* bytes given to it and not yet written to its peer */
	size_t (*backlog)(void *arg);
	/* one event (compact JSON) with its id */
	void (*send)(void *arg, uint64_t id, const char *text);
	/* the end: it fell behind what the ring holds; it is then
	 * unsubscribed (the sink frees itself) */
	void (*end)(void *arg, uint64_t last, const char *why);
};

struct watch_filter {
	char *user;		/* NULL: every user's jobs */
	long *jobs;		/* job ids (NULL: any) */
	size_t njobs;
};

/* How a subscription began: everything after since, some of it gone
 * (list afresh), or after a master restart. */
enum watch_start { WATCH_ALL, WATCH_GAP, WATCH_RESTART };

struct watch_sub;

void watch_init(struct master *m);
void watch_free(struct master *m);

/* event.c's hook around every applied job event. */
struct watch_snap {
	bool existed;
	int state;
	char host[64];
};
void watch_job_before(struct master *m, long id, long idx, struct watch_snap *s);
void watch_job_after(struct master *m, long id, long idx, const char *type,
    const struct watch_snap *before);
/* A host's state may have changed (links, badmin; the tick checks all). */
void watch_host(struct master *m, struct host *h);
void watch_hosts_tick(struct master *m);
/* The store committed: what it recorded may go out. */
void watch_committed(struct master *m);

uint64_t watch_last_id(const struct master *m);
/* Subscribes (filter taken); what the ring holds after since is sent at
 * the next flush. since 0: from now on. */
struct watch_sub *watch_subscribe(struct master *m, struct watch_filter *f,
    bool has_since, uint64_t since, const struct watch_sink *sink, void *arg,
    enum watch_start *start);
void watch_unsubscribe(struct master *m, struct watch_sub *s);
/* Sends what subscribers may have now (a sink whose peer drained). */
void watch_kick(struct master *m);
size_t watch_nsubs(const struct master *m);
/* The job events recorded since the start, by type (fn per type). */
void watch_counts(const struct master *m,
    void (*fn)(const char *type, uint64_t n, void *arg), void *arg);

/* watchop.c: op "watch" on the protocol (bwatch). */
void watch_op(struct master *m, struct reqctx *rq, json_t *args);
void watch_conn_gone(struct master *m, struct conn *c);

#endif
