/*
 * watchring.h - the bounded ring of recent watch events (watchring.c):
 * each event an id (increasing), the job it is about (0: a host event),
 * its user, and its JSON text. A subscriber that comes back with the id
 * of the last event it saw gets what came after, or learns that some of
 * it is gone (the ring holds the last `cap` events only).
 */
#ifndef PUMICE_WATCHRING_H
#define PUMICE_WATCHRING_H

#include <stddef.h>
#include <stdint.h>

struct wring_ev {
	uint64_t id;
	long job;		/* 0: a host event */
	char *user;		/* the job's user, NULL for a host event */
	char *text;		/* the event, compact JSON */
};

struct wring {
	struct wring_ev *ev;
	size_t cap, head, n;	/* head: the oldest */
};

void wring_init(struct wring *r, size_t cap);
void wring_free(struct wring *r);
/* Adds an event (ids must increase), dropping the oldest when full;
 * takes text (xmalloc'd), copies user. */
void wring_push(struct wring *r, uint64_t id, long job, const char *user,
    char *text);
/* The i-th event from the oldest, i < r->n. */
const struct wring_ev *wring_at(const struct wring *r, size_t i);

enum wring_resume { WRING_ALL, WRING_GAP };
/*
 * Where a subscriber that saw everything up to `since` goes on: *from is
 * the position of the first event after it. WRING_GAP: events after
 * `since` are no longer held (or since is not an id of this master's
 * making), *from is then 0 and the subscriber should list afresh.
 * `last` is the newest id issued, which may be past what the ring holds.
 */
enum wring_resume wring_since(const struct wring *r, uint64_t since,
    uint64_t last, size_t *from);

#endif
