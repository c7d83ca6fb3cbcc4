/*
 * lsbevents.c - lsb.events, LSF's event log (lsb.events(5)): one line per
 * job event, in LSF's text format and field order, next to lsb.acct, for
 * site scripts and for tools that parse it (Snakemake's fallback status
 * reader takes JOB_NEW's 5th field as the submitter and JOB_STATUS's 4th
 * and 5th as job id and status bits). The sqlite store stays the truth
 * and the only thing the master replays; this file is written, never
 * read back.
 *
 * The field order is OpenLava's (the Platform LSF lineage that the
 * tools' parsers were written against); a field Pumice has no value for
 * is written as LSF writes an empty one ("" or 0, -1 for a limit). The
 * lines go through acct.c's writer: queued when the event is recorded,
 * written after its commit, rotated by size as lsb.acct.
 *
 * Records: JOB_NEW (submit), JOB_START and JOB_START_ACCEPT (start),
 * JOB_STATUS (an element's state changed by any other event: finish,
 * kill, stop, resume, requeue), JOB_SIGNAL (bkill), JOB_MOVE
 * (btop/bbot).
 */
#include <string.h>

#include "envtab.h"
#include "eventrec.h"
#include "jobstate.h"
#include "master.h"
#include "util.h"

#define LSF_RLIM_NLIMITS 11	/* rLimits fields in JOB_NEW, -1 each */

static void
lsbev_emit(struct master *m, struct eventrec *b)
{
	char *line = eventrec_end(b);

	acct_event_line(m, line);
	free(line);
}

static const char *
spec_str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_array(v))	/* repeated option (-R): the first */
		v = json_array_get(v, 0);
	return json_string_value(v);
}

/* JOB_NEW: jobId userId options numProcessors submitTime beginTime
 * termTime sigValue chkpntPeriod restartPid userName rLimits[11]
 * hostSpec hostFactor umask queue resReq fromHost cwd chkpntDir inFile
 * outFile errFile subHomeDir jobFile numAskedHosts askedHosts...
 * dependCond preExecCmd jobName command nxf mailUser projectName
 * maxNumProcessors schedHostType loginShell options2 idx inFileSpool
 * commandSpool jobSpoolDir userPriority. */
static void
lsbev_job_new(struct master *m, struct job *j, long when, const json_t *data)
{
	/* the submit's own tree: no decoding of the job's stored spec */
	const json_t *spec = json_is_object(data) ? data : jobspec_view(m, j);
	const json_t *opts = json_object_get(spec, "opts");
	struct eventrec b = { 0 };
	const char *name = spec_str(opts, "J");
	char *jobfile = xasprintf("%ld.%ld", j->submit_time, j->id);
	int i;

	eventrec_begin(&b, "JOB_NEW", when);
	eventrec_long(&b, j->id);
	eventrec_long(&b, j->uid);
	eventrec_long(&b, 0);			/* options */
	eventrec_long(&b, j->nslots);
	eventrec_long(&b, j->submit_time);
	eventrec_long(&b, j->begin_time);
	eventrec_long(&b, j->term_time);
	eventrec_long(&b, 0);			/* sigValue */
	eventrec_long(&b, 0);			/* chkpntPeriod */
	eventrec_long(&b, 0);			/* restartPid */
	eventrec_str(&b, j->user);
	for (i = 0; i < LSF_RLIM_NLIMITS; i++)
		eventrec_long(&b, -1);
	eventrec_str(&b, "");			/* hostSpec */
	eventrec_raw(&b, "1.00");		/* hostFactor */
	eventrec_long(&b, 18);			/* umask 022 */
	eventrec_str(&b, j->queue);
	eventrec_str(&b, spec_str(opts, "R"));
	eventrec_str(&b, j->from_host);
	eventrec_str(&b, spec_str(spec, "cwd") != NULL ? spec_str(spec, "cwd") :
	    spec_str(spec, "subcwd"));	/* -cwd, else where bsub ran */
	eventrec_str(&b, "");			/* chkpntDir */
	eventrec_str(&b, spec_str(opts, "i"));
	eventrec_str(&b, spec_str(spec, "out"));
	eventrec_str(&b, spec_str(spec, "err"));
	eventrec_str(&b, "");			/* subHomeDir */
	eventrec_str(&b, jobfile);		/* LSF's <submitTime>.<jobId> */
	eventrec_long(&b, 0);			/* numAskedHosts */
	eventrec_str(&b, spec_str(spec, "dep"));
	eventrec_str(&b, spec_str(opts, "E"));
	eventrec_str(&b, name != NULL ? name : j->name);
	eventrec_str(&b, spec_str(spec, "cmd"));
	eventrec_long(&b, 0);			/* nxf */
	eventrec_str(&b, "");			/* mailUser */
	eventrec_str(&b, job_project(m, spec));
	eventrec_long(&b, j->nslots);		/* maxNumProcessors */
	eventrec_str(&b, "");			/* schedHostType */
	eventrec_str(&b, "");			/* loginShell */
	eventrec_long(&b, 0);			/* options2 */
	eventrec_long(&b, 0);			/* idx: 0 in JOB_NEW */
	eventrec_str(&b, "");			/* inFileSpool */
	eventrec_str(&b, "");			/* commandSpool */
	eventrec_str(&b, "");			/* jobSpoolDir */
	eventrec_long(&b, -1);			/* userPriority */
	free(jobfile);
	lsbev_emit(m, &b);
}

/* JOB_START: jobId jStatus jobPid jobPGid hostFactor numExHosts
 * execHosts... queuePreCmd queuePostCmd jFlags idx; then
 * JOB_START_ACCEPT: jobId jobPid jobPGid idx. The pid is the agent's
 * business: 0. */
static void
lsbev_job_start(struct master *m, struct job *j, struct elem *e, long when)
{
	struct eventrec b = { 0 };
	int i;

	eventrec_begin(&b, "JOB_START", when);
	eventrec_long(&b, j->id);
	eventrec_long(&b, JS_RUN);
	eventrec_long(&b, 0);
	eventrec_long(&b, 0);
	eventrec_raw(&b, "1.00");
	eventrec_long(&b, e->nslots);
	for (i = 0; i < e->nslots; i++)
		eventrec_str(&b, e->hosts[i]);
	eventrec_str(&b, "");
	eventrec_str(&b, "");
	eventrec_long(&b, 0);
	eventrec_long(&b, e->idx);
	lsbev_emit(m, &b);
	eventrec_begin(&b, "JOB_START_ACCEPT", when);
	eventrec_long(&b, j->id);
	eventrec_long(&b, 0);
	eventrec_long(&b, 0);
	eventrec_long(&b, e->idx);
	lsbev_emit(m, &b);
}

/* JOB_STATUS: jobId jStatus reason subreasons cpuTime endTime ru
 * [lsfRusage, when ru is 1: not written] exitStatus idx. jStatus is the
 * LSF bit (Pumice's JS_* are LSF's values). */
static void
lsbev_job_status(struct master *m, struct job *j, struct elem *e, long when)
{
	struct eventrec b = { 0 };
	char cpu[32];
	bool ended = (e->state & JS_FINISHED) != 0;

	snprintf(cpu, sizeof(cpu), "%.6f", e->cpu);
	eventrec_begin(&b, "JOB_STATUS", when);
	eventrec_long(&b, j->id);
	eventrec_long(&b, e->state & (JS_PEND | JS_PSUSP | JS_RUN | JS_SSUSP |
	    JS_USUSP | JS_EXIT | JS_DONE | JS_WAIT | JS_UNKWN));
	eventrec_long(&b, 0);			/* reason */
	eventrec_long(&b, 0);			/* subreasons */
	eventrec_raw(&b, cpu);
	eventrec_long(&b, ended ? e->finish_time : 0);
	eventrec_long(&b, 0);			/* ru: no lsfRusage follows */
	eventrec_long(&b, !ended ? 0 : e->signal > 0 && e->exit_code == 128 +
	    e->signal ? e->signal : (long)(e->exit_code & 0xff) << 8);
	eventrec_long(&b, e->idx);
	lsbev_emit(m, &b);
}

/* JOB_MOVE: userId jobId position base idx userName. The event keeps
 * only the new order: base is LSF's TO_TOP (1) when the job now goes
 * before its submission order (btop), else TO_BOTTOM (2); position 1.
 * The mover is not recorded: the owner's uid and name. */
static void
lsbev_job_move(struct master *m, struct job *j, long when)
{
	struct eventrec b = { 0 };

	eventrec_begin(&b, "JOB_MOVE", when);
	eventrec_long(&b, j->uid);
	eventrec_long(&b, j->id);
	eventrec_long(&b, 1);			/* position */
	eventrec_long(&b, j->order < j->id ? 1 : 2);	/* base */
	eventrec_long(&b, 0);			/* idx */
	eventrec_str(&b, j->user);
	lsbev_emit(m, &b);
}

/* JOB_SIGNAL (bkill): jobId userId runCount signalSymbol idx userName.
 * userId is the owner's uid when the owner killed it, else -1 (the
 * master keeps the name, not the uid, of who asked); runCount the
 * element's dispatches, 0 for a whole job. */
static void
lsbev_job_signal(struct master *m, struct job *j, long idx, long when,
    const json_t *data)
{
	const char *by = json_string_value(json_object_get(data, "by"));
	struct elem *e = idx >= 0 ? job_elem(j, idx) : NULL;
	struct eventrec b = { 0 };

	if (by == NULL)
		by = j->user;
	eventrec_begin(&b, "JOB_SIGNAL", when);
	eventrec_long(&b, j->id);
	eventrec_long(&b, strcmp(by, j->user) == 0 ? j->uid : -1);
	eventrec_long(&b, e != NULL ? e->attempt : 0);
	eventrec_str(&b, "KILL");
	eventrec_long(&b, idx >= 0 ? idx : 0);
	eventrec_str(&b, by);
	lsbev_emit(m, &b);
}

/* A whole-job event on a plain job acts on its one element, idx 0. */
static long
lsbev_idx(const struct job *j, long idx)
{
	return idx < 0 && j != NULL && !job_is_array(j) ? 0 : idx;
}

int
lsbevents_before(struct master *m, long id, long idx)
{
	struct job *j = job_find(m, id);
	struct elem *e = j != NULL && (idx = lsbev_idx(j, idx)) >= 0 ?
	    job_elem(j, idx) : NULL;

	return e != NULL ? e->state : 0;
}

/* Every element of j that the event at `when` ended (a whole-job kill):
 * one JOB_STATUS each, as acct.c finds them. */
static void
lsbev_note_ended(struct master *m, struct job *j, long when)
{
	struct elem *e;
	size_t i;

	for (i = 0; i < j->ehash_size; i++)
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if ((e->state & JS_FINISHED) && e->finish_time == when)
				lsbev_job_status(m, j, e, when);
}

void
lsbevents_note(struct master *m, long id, long idx, const char *type,
    long when, int state_before, const json_t *data)
{
	struct job *j = job_find(m, id);
	struct elem *e;

	if (m->replaying || j == NULL)
		return;
	if (strcmp(type, "submit") == 0)
		return lsbev_job_new(m, j, when, data);
	if (strcmp(type, "move") == 0)
		return lsbev_job_move(m, j, when);
	idx = lsbev_idx(j, idx);
	if (strcmp(type, "kill") == 0)	/* then the ends it made, below */
		lsbev_job_signal(m, j, idx, when, data);
	if (idx < 0)
		return lsbev_note_ended(m, j, when);
	if ((e = job_elem(j, idx)) == NULL || e->state == state_before)
		return;
	if (strcmp(type, "start") == 0 && e->hosts != NULL)
		lsbev_job_start(m, j, e, when);
	else
		lsbev_job_status(m, j, e, when);
}
