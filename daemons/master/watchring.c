/*
 * watchring.c - the bounded ring of recent watch events (watchring.h).
 * No other state: the watch module (watch.c) and the unit test share it.
 */
#include <stdlib.h>

#include "util.h"
#include "watchring.h"

void
wring_init(struct wring *r, size_t cap)
{
	r->ev = xcalloc(cap ? cap : 1, sizeof(*r->ev));
	r->cap = cap ? cap : 1;
	r->head = r->n = 0;
}

static void
wring_ev_free(struct wring_ev *e)
{
	free(e->user);
	free(e->text);
	e->user = e->text = NULL;
}

void
wring_free(struct wring *r)
{
	size_t i;

	for (i = 0; i < r->cap; i++)
		wring_ev_free(&r->ev[i]);
	free(r->ev);
	r->ev = NULL;
	r->n = r->cap = 0;
}

void
wring_push(struct wring *r, uint64_t id, long job, const char *user, char *text)
{
	struct wring_ev *e;

	if (r->n == r->cap) {	/* full: the oldest makes room */
		wring_ev_free(&r->ev[r->head]);
		r->head = (r->head + 1) % r->cap;
		r->n--;
	}
	e = &r->ev[(r->head + r->n) % r->cap];
	e->id = id;
	e->job = job;
	e->user = user ? xstrdup(user) : NULL;
	e->text = text;
	r->n++;
}

const struct wring_ev *
wring_at(const struct wring *r, size_t i)
{
	return &r->ev[(r->head + i) % r->cap];
}

enum wring_resume
wring_since(const struct wring *r, uint64_t since, uint64_t last, size_t *from)
{
	size_t lo = 0, hi = r->n, mid;

	*from = 0;
	if (since > last)	/* an id this master never issued */
		return WRING_GAP;
	if (since == last) {
		*from = r->n;
		return WRING_ALL;
	}
	/* events after since were issued: the first of them must be held */
	if (r->n == 0 || wring_at(r, 0)->id > since + 1)
		return WRING_GAP;
	while (lo < hi) {	/* the first event with an id past since */
		mid = lo + (hi - lo) / 2;
		if (wring_at(r, mid)->id <= since)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo;
	return WRING_ALL;
}
