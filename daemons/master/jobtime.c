/*
 * jobtime.c - bsub -b (begin time) and -t (termination time), as the
 * epoch seconds bsub worked out (SUBMIT begin_time, term_time). A job
 * whose begin time is still ahead stays off master->pending, so no pass
 * looks at it, with the pending reason "The job has a specified start
 * time" (job_pending_link keeps it off); the tick puts it on when the time
 * comes. At its termination time a job is killed as bkill would: its
 * pending elements end at once, its running ones are sent KILL, and both
 * end EXIT with TERM_DEADLINE. The watch list holds job ids, so a job
 * purged meanwhile simply drops out of it.
 */
#include <stdlib.h>

#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "util.h"

#define JOBTIME_STARTED (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN)

void
jobtime_watch(struct master *m, struct job *j)
{
	if (j->begin_time <= 0 && j->term_time <= 0)
		return;
	for (size_t i = 0; i < m->ntimed; i++)
		if (m->timed[i] == j->id)
			return;	/* watched already (bmod) */
	if (m->ntimed == m->timed_cap) {
		m->timed_cap = m->timed_cap ? m->timed_cap * 2 : 16;
		m->timed = xrealloc(m->timed, m->timed_cap * sizeof(*m->timed));
	}
	m->timed[m->ntimed++] = j->id;
}

static bool
jobtime_started(const struct elem *e)
{
	return (e->state & JOBTIME_STARTED) != 0;
}

/* -t reached: SIGUSR2 to the running elements not being killed yet, then
 * the kill event (TERM_DEADLINE; pending elements end at once); the
 * number of running elements, killed or warned. */
static int
jobtime_warn(struct master *m, struct job *j)
{
	size_t i;
	int warned = 0, running = 0;

	for (i = 0; i < j->ehash_size; i++)
		for (struct elem *e = j->ehash[i]; e != NULL; e = e->hnext) {
			if (!jobtime_started(e))
				continue;
			running++;
			if (e->kill_reason == NULL) {
				agent_send_signal(m, e, "USR2", false);
				warned++;
			}
		}
	if (warned > 0 || job_pending_count(j) > 0) {
		log_info("job %ld: termination time reached; %d running elements "
		    "sent SIGUSR2, killed in %ld s", j->id, warned,
		    m->conf->job_terminate_interval);
		job_event(m, j->id, -1, "kill", json_pack("{s:s, s:s}", "reason",
		    JOBTIME_TERM_REASON, "by", "deadline"));
	}
	return running;
}

/* The grace is over: what still runs is killed. */
static void
jobtime_kill(struct master *m, struct job *j)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++)
		for (struct elem *e = j->ehash[i]; e != NULL; e = e->hnext)
			if (jobtime_started(e)) {
				log_info("job %ld: grace after SIGUSR2 over; killing it", j->id);
				agent_send_signal(m, e, "KILL", true);
			}
}

/* -t: true while j waits for its grace. */
static bool
jobtime_term(struct master *m, struct job *j, long now)
{
	if (j->term_warned == 0) {
		if (jobtime_warn(m, j) == 0)
			return false;
		j->term_warned = now;
		return true;
	}
	if (now < j->term_warned + m->conf->job_terminate_interval)
		return true;
	jobtime_kill(m, j);
	return false;
}

/* True while j still needs watching. */
static bool
jobtime_one(struct master *m, struct job *j, long now)
{
	if (job_finished(j))
		return false;
	if (j->term_time > 0 && now >= j->term_time)
		return jobtime_term(m, j, now);
	if (j->begin_time > 0 && now >= j->begin_time && !j->on_pending) {
		j->pend_reason = "New job is waiting for scheduling";
		job_pending_link(m, j);
		if (j->on_pending)
			log_info("job %ld: begin time reached", j->id);
	}
	return j->term_time > 0 || j->begin_time > now;
}

void
jobtime_tick(struct master *m, long now)
{
	size_t i, k = 0;
	struct job *j;

	for (i = 0; i < m->ntimed; i++)
		if ((j = job_find(m, m->timed[i])) != NULL && jobtime_one(m, j, now))
			m->timed[k++] = m->timed[i];
	m->ntimed = k;
}

/* bmod changed j's -b or -t (live and in replay): a begin time moved
 * ahead takes a pending job off the pending list until then, one moved
 * back or removed puts it on, and a new termination time warns again. */
void
jobtime_changed(struct master *m, struct job *j)
{
	long now = (long)now_real();

	j->term_warned = 0;
	if (j->on_pending && j->begin_time > now) {
		TAILQ_REMOVE(&m->pending, j, pend_entry);
		j->on_pending = false;
		j->pend_reason = JOBTIME_BEGIN_REASON;
	} else if (!j->on_pending && job_pending_count(j) > 0 &&
	    j->begin_time <= now) {
		j->pend_reason = "New job is waiting for scheduling";
		job_pending_link(m, j);
	}
	jobtime_watch(m, j);
}
