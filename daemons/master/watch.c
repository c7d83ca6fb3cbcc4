/*
 * watch.c - the event stream: job and host state changes, each with an
 * id, kept in a bounded ring (watchring.c) and handed to subscribers.
 *
 * Ids increase for the life of the state directory's master, across
 * restarts: a run numbers its events from (start time in seconds) << 20,
 * so a later run's ids are above an earlier run's unless that run made
 * over a million events a second on average. (Not the store's sequence:
 * host events are not recorded, and the store gives a row its number
 * only when it writes it, batched.) A subscriber that resumes from an id
 * of an earlier run learns that the master restarted and gets this run's
 * events from the start, if the ring still holds them.
 *
 * Delivery waits for the commit: a job event goes out only once the
 * store has recorded it (watch_committed, from the loop after each
 * commit), so a watcher never sees a change a crash could undo; a host
 * event, recorded nowhere, goes out at once unless job events before it
 * wait. A subscriber is sent at most WATCH_BACKLOG bytes ahead of its
 * peer; one that falls further behind than the ring reaches is ended
 * with the id to resume from. Nothing here blocks or grows without
 * bound: the ring has WATCH_RING events, each subscriber a bounded
 * backlog.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "jobstate.h"
#include "master.h"
#include "util.h"
#include "watch.h"
#include "watchring.h"

#define WATCH_RING 8192
#define WATCH_BACKLOG (256u << 10)
#define WATCH_ID_SHIFT 20
#define WATCH_NTYPES 32		/* event types counted (event.c has ~20) */

struct watch_sub {
	struct watch_filter f;
	const struct watch_sink *sink;
	void *arg;
	uint64_t sent;		/* the last id it was given, or skipped */
	TAILQ_ENTRY(watch_sub) entry;
};

struct watch {
	struct wring ring;
	uint64_t base;		/* this run's first id - 1 */
	uint64_t last;		/* the newest id issued */
	uint64_t safe;		/* ids up to this one may go out */
	bool pending;		/* job events wait for a commit */
	struct strmap hosts;	/* host name -> last state word (p, constant) */
	struct event *flush_ev;
	struct master *m;
	TAILQ_HEAD(, watch_sub) subs;
	size_t nsubs;
	/* recorded job events by type since the start (metrics) */
	struct { char type[24]; uint64_t n; } counts[WATCH_NTYPES];
};

static void watch_flush(struct master *m);

static void
watch_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	watch_flush(arg);
}

void
watch_init(struct master *m)
{
	struct watch *w = xcalloc(1, sizeof(*w));

	wring_init(&w->ring, WATCH_RING);
	w->base = w->last = w->safe = (uint64_t)now_real() << WATCH_ID_SHIFT;
	w->m = m;
	TAILQ_INIT(&w->subs);
	if (m->base != NULL)
		w->flush_ev = event_new(m->base, -1, 0, watch_flush_cb, m);
	m->watch = w;
}

void
watch_free(struct master *m)
{
	struct watch *w = m->watch;
	struct watch_sub *s;

	if (w == NULL)
		return;
	while ((s = TAILQ_FIRST(&w->subs)) != NULL)
		watch_unsubscribe(m, s);
	if (w->flush_ev != NULL)
		event_free(w->flush_ev);
	strmap_clear(&w->hosts);
	wring_free(&w->ring);
	free(w);
	m->watch = NULL;
}

uint64_t
watch_last_id(const struct master *m)
{
	return m->watch ? m->watch->last : 0;
}

size_t
watch_nsubs(const struct master *m)
{
	return m->watch ? m->watch->nsubs : 0;
}

static void
watch_want_flush(struct watch *w)
{
	static const struct timeval now = { 0, 0 };

	if (w->flush_ev != NULL && w->nsubs > 0 &&
	    !evtimer_pending(w->flush_ev, NULL))
		event_add(w->flush_ev, &now);
}

/* Adds ev (stolen) to the ring under the next id. */
static void
watch_publish(struct watch *w, long job, const char *user, json_t *ev)
{
	uint64_t id = ++w->last;

	json_object_set_new(ev, "id", json_integer((json_int_t)id));
	json_object_set_new(ev, "time", json_integer((json_int_t)now_real()));
	wring_push(&w->ring, id, job, user, json_dumps(ev, JSON_COMPACT));
	json_decref(ev);
	if (job != 0)
		w->pending = true;
	else if (!w->pending) {
		w->safe = id;
		watch_want_flush(w);
	}
}

void
watch_committed(struct master *m)
{
	struct watch *w = m->watch;

	if (w == NULL || !w->pending)
		return;
	w->pending = false;
	w->safe = w->last;
	watch_want_flush(w);
}

/* The state a watcher sees: an element's, or for a whole array the most
 * telling of its elements' (running, else pending, else how it ended). */
static int
watch_job_state(struct job *j, long idx)
{
	if (!job_is_array(j))
		return job_elem_state(j, 0, NULL);
	if (idx >= 0)
		return job_elem_state(j, idx, NULL);
	if (job_finished(j))
		return j->nexit ? JS_EXIT : JS_DONE;
	if (j->nrun > 0)
		return JS_RUN;
	return job_nstate(j, JS_PSUSP) > 0 ? JS_PSUSP : JS_PEND;
}

static void
watch_job_host(struct job *j, long idx, char *buf, size_t len)
{
	struct elem *e = job_elem(j, idx < 0 ? 0 : idx);

	buf[0] = '\0';
	if (e != NULL && e->host != NULL)
		snprintf(buf, len, "%s", e->host->name);
	else if (e != NULL && e->nslots > 0 && e->hosts != NULL && e->hosts[0])
		snprintf(buf, len, "%s", e->hosts[0]);
}

void
watch_job_before(struct master *m, long id, long idx, struct watch_snap *s)
{
	struct job *j = m->watch && !m->replaying ? job_find(m, id) : NULL;

	memset(s, 0, sizeof(*s));
	if (j == NULL)
		return;
	s->existed = true;
	s->state = watch_job_state(j, idx);
	watch_job_host(j, idx, s->host, sizeof(s->host));
}

static void
watch_count(struct watch *w, const char *type)
{
	size_t i;

	for (i = 0; i < WATCH_NTYPES && w->counts[i].type[0] != '\0'; i++)
		if (strcmp(w->counts[i].type, type) == 0)
			break;
	if (i == WATCH_NTYPES)
		return;
	snprintf(w->counts[i].type, sizeof(w->counts[i].type), "%s", type);
	w->counts[i].n++;
}

void
watch_counts(const struct master *m, void (*fn)(const char *, uint64_t, void *),
    void *arg)
{
	size_t i;

	for (i = 0; m->watch != NULL && i < WATCH_NTYPES &&
	    m->watch->counts[i].type[0] != '\0'; i++)
		fn(m->watch->counts[i].type, m->watch->counts[i].n, arg);
}

void
watch_job_after(struct master *m, long id, long idx, const char *type,
    const struct watch_snap *b)
{
	struct job *j;
	char host[64];
	json_t *ev;
	int state;

	if (m->watch != NULL && !m->replaying)
		watch_count(m->watch, type);
	if (m->watch == NULL || m->replaying || id == 0 ||
	    (j = job_find(m, id)) == NULL)
		return;
	if (!job_is_array(j) || idx < 0 || (idx == 0 && !arrayspec_has(&j->arr, 0)))
		idx = -1;	/* a plain job, or the whole array (its submit) */
	state = watch_job_state(j, idx);
	if (b->existed && state == b->state)
		return;	/* not a change of state (bmod, btop, ...) */
	watch_job_host(j, idx, host, sizeof(host));
	ev = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "kind", "job", "job", (json_int_t)id, "idx",
	    (json_int_t)(job_is_array(j) ? idx : 0), "event", type,
	    "from", b->existed ? jobstate_name(b->state) : "",
	    "to", jobstate_name(state), "user", j->user, "queue", j->queue,
	    "name", j->name);
	json_object_set_new(ev, "host", json_string(host[0] ? host : b->host));
	if (job_is_array(j))
		json_object_set_new(ev, "array", json_pack("{s:I, s:I, s:I, s:I}",
		    "count", (json_int_t)j->count, "run", (json_int_t)j->nrun,
		    "done", (json_int_t)j->ndone, "exit", (json_int_t)j->nexit));
	watch_publish(m->watch, id, j->user, ev);
}

/* A host's state as a watcher sees it: bhosts' words, but for the ones
 * that follow every dispatch (closed_Full, closed_Excl: they are "ok"). */
static const char *
watch_host_word(const struct host *h)
{
	if (h->status == HOST_UNAVAIL)
		return h->lost_ms > 0 && h->conn == NULL && h->last_hb > 0 ?
		    "unreach" : "unavail";
	if (h->adm_closed || h->status == HOST_CLOSED)
		return "closed_Adm";
	if (h->fault.closed)
		return "closed_Fault";
	return "ok";
}

void
watch_host(struct master *m, struct host *h)
{
	struct watch *w = m->watch;
	const char *word;	/* one of watch_host_word's constants */
	struct strmap_ent *e;

	if (w == NULL || m->replaying)
		return;
	word = watch_host_word(h);
	e = strmap_get(&w->hosts, h->name, 1);
	if (e->p == word)
		return;
	watch_publish(w, 0, NULL, json_pack("{s:s, s:s, s:s, s:s}", "kind", "host",
	    "host", h->name, "from", e->p ? (const char *)e->p : "", "to", word));
	e->p = (void *)word;
}

void
watch_hosts_tick(struct master *m)
{
	struct host *h;

	if (m->watch == NULL)
		return;
	TAILQ_FOREACH(h, &m->hosts, entry)
		watch_host(m, h);
	watch_flush(m);	/* subscribers whose backlog drained */
}

static bool
watch_match(const struct watch_filter *f, const struct wring_ev *e)
{
	size_t i;

	if (e->job == 0)	/* host events: for watchers of no job in particular */
		return f->njobs == 0;
	if (f->user != NULL && (e->user == NULL || strcmp(f->user, e->user) != 0))
		return false;
	for (i = 0; i < f->njobs; i++)
		if (f->jobs[i] == e->job)
			return true;
	return f->njobs == 0;
}

/* Sends s what it may have; false when it was ended (and freed). */
static bool
watch_flush_sub(struct master *m, struct watch_sub *s)
{
	struct watch *w = m->watch;
	const struct wring_ev *e;
	size_t i;

	if (s->sent >= w->safe)
		return true;
	if (wring_since(&w->ring, s->sent, w->last, &i) == WRING_GAP) {
		s->sink->end(s->arg, s->sent, "the watcher fell behind the "
		    "events the master keeps; resume to list afresh");
		watch_unsubscribe(m, s);
		return false;
	}
	for (; i < w->ring.n; i++) {
		e = wring_at(&w->ring, i);
		if (e->id > w->safe || s->sink->backlog(s->arg) >= WATCH_BACKLOG)
			break;
		if (watch_match(&s->f, e))
			s->sink->send(s->arg, e->id, e->text);
		s->sent = e->id;
	}
	return true;
}

static void
watch_flush(struct master *m)
{
	struct watch_sub *s, *next;

	if (m->watch == NULL)
		return;
	for (s = TAILQ_FIRST(&m->watch->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		watch_flush_sub(m, s);
	}
}

void
watch_kick(struct master *m)
{
	if (m->watch != NULL)
		watch_want_flush(m->watch);
}

struct watch_sub *
watch_subscribe(struct master *m, struct watch_filter *f, bool has_since,
    uint64_t since, const struct watch_sink *sink, void *arg,
    enum watch_start *start)
{
	struct watch *w = m->watch;
	struct watch_sub *s = xcalloc(1, sizeof(*s));
	size_t from;

	s->f = *f;
	memset(f, 0, sizeof(*f));
	s->sink = sink;
	s->arg = arg;
	s->sent = w->last;
	*start = WATCH_ALL;
	if (has_since && since <= w->base && w->ring.n > 0 &&
	    wring_at(&w->ring, 0)->id == w->base + 1) {
		*start = WATCH_RESTART;	/* an earlier run's id: all of this one */
		s->sent = w->base;
	} else if (has_since && wring_since(&w->ring, since, w->last, &from) ==
	    WRING_GAP)
		*start = since <= w->base ? WATCH_RESTART : WATCH_GAP;
	else if (has_since)
		s->sent = since;
	TAILQ_INSERT_TAIL(&w->subs, s, entry);
	w->nsubs++;
	watch_want_flush(w);
	return s;
}

void
watch_unsubscribe(struct master *m, struct watch_sub *s)
{
	TAILQ_REMOVE(&m->watch->subs, s, entry);
	m->watch->nsubs--;
	free(s->f.user);
	free(s->f.jobs);
	free(s);
}
