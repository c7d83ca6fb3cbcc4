/*
 * event.c - the table of recorded event types and the two functions every
 * change goes through: job_apply (live and at start-up replay alike) and
 * job_event (apply, then record). A type's row names the function that
 * applies it and what it acts on: administration events (job 0: badmin
 * hclose/qclose/..., admin.c), the submit that creates a job, and the
 * events of an existing job (job.c, jobctl.c). Side effects (messages to
 * agents, replies) are never made here: the callers make them.
 */
#include <string.h>

#include "envtab.h"
#include "flow.h"
#include "log.h"
#include "master.h"
#include "replayq.h"
#include "util.h"
#include "watch.h"

enum event_scope {
	EVENT_ADMIN,	/* job 0: cluster administration */
	EVENT_NEW,	/* creates the job */
	EVENT_JOB,	/* acts on an existing job */
};

typedef int (*event_apply_fn)(struct master *, struct job *, const struct jevent *,
    char *, size_t);

static const struct event_type {
	const char *name;
	enum event_scope scope;
	event_apply_fn apply;
} event_types[] = {
	{ "submit", EVENT_NEW, job_apply_submit },
	{ "start", EVENT_JOB, job_apply_start },
	{ "finish", EVENT_JOB, job_apply_finish },
	{ "kill", EVENT_JOB, job_apply_kill },
	{ "requeue", EVENT_JOB, job_apply_requeue },	/* requeue.c decides */
	{ "purge", EVENT_JOB, job_apply_purge },
	{ "stop", EVENT_JOB, jobctl_apply_stop },
	{ "resume", EVENT_JOB, jobctl_apply_resume },
	{ "requeue_user", EVENT_JOB, jobctl_apply_requeue },
	{ "mod", EVENT_JOB, jobctl_apply_mod },
	{ "switch", EVENT_JOB, jobctl_apply_switch },
	{ "move", EVENT_JOB, jobctl_apply_move },
	{ "post", EVENT_JOB, jobmsg_apply_post },	/* bpost: store only */
	{ "result", EVENT_JOB, jobresult_apply },	/* bresult (jobresult.c) */
	{ "hclose", EVENT_ADMIN, admin_apply },
	{ "hopen", EVENT_ADMIN, admin_apply },
	{ "hremove", EVENT_ADMIN, admin_apply },
	{ "qclose", EVENT_ADMIN, admin_apply },
	{ "qopen", EVENT_ADMIN, admin_apply },
	{ "qinact", EVENT_ADMIN, admin_apply },
	{ "qact", EVENT_ADMIN, admin_apply },
	{ "token", EVENT_ADMIN, token_apply },		/* btoken (token.c) */
	{ "token_revoke", EVENT_ADMIN, token_apply },
	{ "flow", EVENT_ADMIN, flow_apply },		/* bflow (flow.c) */
};

static const struct event_type *
event_type_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < nitems(event_types); i++)
		if (strcmp(event_types[i].name, name) == 0)
			return &event_types[i];
	return NULL;
}

/* Applies ev, of type t (NULL: a type the table does not know). */
static int
event_apply(struct master *m, const struct event_type *t, const struct jevent *ev,
    char *err, size_t errlen)
{
	struct job *j = NULL;

	if (t == NULL)
		return errf(err, errlen, "unknown event type %s",
		    ev->type ? ev->type : "(none)");
	if ((t->scope == EVENT_ADMIN) != (ev->id == 0))
		return errf(err, errlen, "%s event for job %ld", ev->type, ev->id);
	if (t->scope == EVENT_JOB && (j = job_find(m, ev->id)) == NULL)
		return errf(err, errlen, "no job %ld", ev->id);
	if (ev->data == NULL && t->scope != EVENT_NEW)
		return errf(err, errlen, "%s event without data", ev->type);
	return t->apply(m, j, ev, err, errlen);
}

int
job_apply(struct master *m, long id, long idx, const char *type, long when,
    json_t *data, char *err, size_t errlen)
{
	struct jevent ev = { .id = id, .idx = idx, .type = type, .when = when,
	    .data = data };

	return event_apply(m, event_type_find(type), &ev, err, errlen);
}

int
job_event(struct master *m, long id, long idx, const char *type, json_t *data)
{
	const struct event_type *t = event_type_find(type);
	struct jevent ev = { .id = id, .idx = idx, .type = type,
	    .when = (long)now_real(), .data = data };
	long when = ev.when, ended = acct_ended(m, id);
	int before = t != NULL && t->scope == EVENT_JOB ? lsbevents_before(m, id, idx) : 0;
	struct watch_snap snap;
	char err[256];

	watch_job_before(m, id, idx, &snap);
	if (event_apply(m, t, &ev, err, sizeof(err)) < 0) {
		log_warnx("job %ld[%ld]: %s refused: %s", id, idx, type, err);
		json_decref(data);
		return -1;
	}
	if (t->scope == EVENT_NEW && store_forget_reused(m->store, id) < 0)
		log_warnx("job %ld: could not forget the history of an older job %ld",
		    id, id);
	if (jobspec_store_envs(m) < 0)
		fatalx("cannot record the environment of job %ld", id);
	if (store_append(m->store, id, idx, type, when, data) < 0)
		fatalx("cannot record %s event of job %ld", type, id);
	loop_want_commit(m);
	loop_want_sched(m);
	if (t->scope != EVENT_ADMIN)	/* lsb.events, after commit */
		lsbevents_note(m, id, idx, type, when, before, data);
	json_decref(data);
	if (t->scope == EVENT_JOB)
		acct_note(m, id, idx, when, ended);	/* lsb.acct, after commit */
	watch_job_after(m, id, idx, type, &snap);
	if (t->scope == EVENT_JOB) {
		struct job *j = job_find(m, id);
		control_wake_waiters(m, j);
		flow_job_changed(m, j);	/* kills what a failed step leaves impossible */
	} else if (t->scope != EVENT_NEW)
		control_wake_waiters(m, job_find(m, id));
	return 0;
}

/* Reader thread (replayq.c): the next stored event, its text copied. */
static int
job_replay_next(void *arg, struct replay_ev *ev)
{
	struct store_row r;
	size_t n;
	int rc;

	if ((rc = store_events_next(arg, &r)) <= 0)
		return rc;
	ev->id = r.id;
	ev->idx = r.idx;
	ev->when = r.when;
	n = r.type ? strnlen(r.type, sizeof(ev->type) - 1) : 0;
	memcpy(ev->type, r.type ? r.type : "", n);
	ev->type[n] = '\0';
	ev->text = xmalloc(r.len + 1);
	memcpy(ev->text, r.text, r.len + 1);
	return 1;
}

/* Reader thread: its type looked up, and any event but a submit decoded.
 * A submit's head is read by the applying thread (jobspec.c, as live): it
 * is about as much work as the reading, and the two threads then take
 * about the same time. Nothing shared is touched here: the table is
 * constant, the rest is the event's own. */
static void
job_replay_prep(struct replay_ev *ev)
{
	const struct event_type *t = event_type_find(ev->type);

	ev->kind = t;
	if (t == NULL || t->scope != EVENT_NEW)
		ev->data = json_loads(ev->text, 0, NULL);
}

/* One stored event at start-up, applied as it was live (in order). */
static void
job_replay_one(void *arg, struct replay_ev *rev)
{
	struct master *m = arg;
	const struct event_type *t = rev->kind;
	struct jevent ev = { .id = rev->id, .idx = rev->idx, .type = rev->type,
	    .when = rev->when, .data = rev->data, .text = rev->text,
	    .text_own = &rev->text };
	char err[256];

	if ((t == NULL || t->scope != EVENT_NEW) && ev.data == NULL)
		log_warnx("replay: skipping %s event of job %ld: bad JSON", ev.type,
		    ev.id);
	else if (event_apply(m, t, &ev, err, sizeof(err)) < 0)
		log_warnx("replay: skipping %s event of job %ld: %s", ev.type, ev.id,
		    err);
	m->replayed++;
}

/* The log read on a thread of its own while this one builds the table. */
static int
job_replay_events(struct master *m, long *last, char *err, size_t errlen)
{
	struct store_cursor *c = store_events_open(m->store, err, errlen);
	int rc;

	if (c == NULL)
		return -1;
	rc = replayq_run(job_replay_next, c, job_replay_prep, job_replay_one, m,
	    store_threadsafe());
	if (store_events_close(c, last, err, errlen) < 0 || rc < 0)
		return -1;
	return 0;
}

int
job_replay(struct master *m, char *err, size_t errlen)
{
	uint64_t t0 = now_mono_us();
	long last = 0;
	size_t hint;
	int rc;

	m->replaying = true;
	m->replayed = 0;
	hint = store_jobs_hint(m->store);
	if (hint > m->jhash_size)
		job_table_resize(m, hint);
	rc = job_replay_events(m, &last, err, errlen);
	m->replaying = false;
	if (m->njobs < m->jhash_size / 4)	/* the bound was far off */
		job_table_resize(m, m->njobs);
	if (rc < 0)
		return -1;
	if (last >= m->next_id)	/* ids go on as if the master never stopped */
		m->next_id = last + 1;
	log_info("replayed %ld events, %zu jobs in %.3f s", m->replayed, m->njobs,
	    (double)(now_mono_us() - t0) / 1e6);
	return 0;
}
