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
	if (m->ntimed == m->timed_cap) {
		m->timed_cap = m->timed_cap ? m->timed_cap * 2 : 16;
		m->timed = xrealloc(m->timed, m->timed_cap * sizeof(*m->timed));
	}
	m->timed[m->ntimed++] = j->id;
}

/* Whether a kill would still change j (-t): something pending, or running
 * without a kill on its way. */
static bool
jobtime_killable(struct job *j)
{
	size_t i;

	if (job_pending_count(j) > 0)
		return true;
	for (i = 0; i < j->ehash_size; i++)
		for (struct elem *e = j->ehash[i]; e != NULL; e = e->hnext)
			if ((e->state & JOBTIME_STARTED) && e->kill_reason == NULL)
				return true;
	return false;
}

static void
jobtime_kill(struct master *m, struct job *j)
{
	size_t i;

	log_info("job %ld: termination time reached; killing it", j->id);
	for (i = 0; i < j->ehash_size; i++)
		for (struct elem *e = j->ehash[i]; e != NULL; e = e->hnext)
			if ((e->state & JOBTIME_STARTED) && e->kill_reason == NULL)
				agent_send_signal(m, e, "KILL", true);
	job_event(m, j->id, -1, "kill", json_pack("{s:s, s:s}", "reason",
	    JOBTIME_TERM_REASON, "by", "deadline"));
}

/* True while j still needs watching. */
static bool
jobtime_one(struct master *m, struct job *j, long now)
{
	if (job_finished(j))
		return false;
	if (j->term_time > 0 && now >= j->term_time) {
		if (jobtime_killable(j))
			jobtime_kill(m, j);
		return false;
	}
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
