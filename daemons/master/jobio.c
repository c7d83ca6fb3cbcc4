/*
 * jobio.c - interactive jobs (bsub -I, -Ip, -Is, -IS, -ISp, -ISs): the
 * master passes a job's I/O between its bsub and the agent that runs it,
 * one request and one reply at a time, through peek.c's forwarding (the
 * agent link is dialled by the agent; the master never connects out). A
 * bsub asks op "io" {id, idx, off, eoff, in, eof, rows, cols, sig, kill,
 * wait}; the agent holds a "wait" request until output comes (or a second
 * passes), so the master never buffers more than one reply per bsub and
 * the agent stops reading the job when bsub stops asking (DESIGN.md).
 * Only the job's owner may talk to it, and only while the agent that ran
 * it still holds its I/O (which outlives the job's end until bsub drained
 * it).
 */
#include <strings.h>
#include <string.h>

#include "envtab.h"
#include "jobstate.h"
#include "master.h"
#include "proto.h"
#include "util.h"

/* The opts that ask for a job's I/O, and how the agent gives it. */
static const struct {
	const char *opt, *mode;
} jobio_modes[] = {
	{ "I", "pipe" }, { "IS", "pipe" },
	{ "Ip", "pty" }, { "Is", "pty" }, { "ISp", "pty" }, { "ISs", "pty" },
};

static const char *
jobio_mode(const json_t *opts)
{
	size_t i;

	for (i = 0; i < nitems(jobio_modes); i++)
		if (json_is_true(json_object_get(opts, jobio_modes[i].opt)))
			return jobio_modes[i].mode;
	return NULL;
}

/* The run order's "interactive" (proto.h JOBSPEC) from the job's opts. */
void
jobio_jobspec(json_t *spec)
{
	const char *mode = jobio_mode(json_object_get(spec, "opts"));

	if (mode != NULL)
		json_object_set_new(spec, "interactive", json_string(mode));
}

/*
 * lsb.queues INTERACTIVE: YES (the default) takes both kinds of jobs, NO
 * only batch jobs, ONLY only interactive ones. 0, or -1 with err.
 */
int
jobio_queue_check(const struct conf_queue *q, const json_t *job, char *err, size_t errlen)
{
	bool io = jobio_mode(json_object_get(job, "opts")) != NULL;
	const char *v = NULL;
	size_t i;

	for (i = 0; i < q->nextra; i++)
		if (strcasecmp(q->extra[i].key, "INTERACTIVE") == 0)
			v = q->extra[i].value;
	if (v == NULL)
		return 0;
	if (io && (strcasecmp(v, "NO") == 0 || strcasecmp(v, "N") == 0))
		return errf(err, errlen, "%s: Queue does not accept interactive jobs", q->name);
	if (!io && strcasecmp(v, "ONLY") == 0)
		return errf(err, errlen, "%s: Queue only accepts interactive jobs", q->name);
	return 0;
}

static bool
jobio_is_interactive(const struct job *j)
{
	json_t *opts = jobspec_get(j, "opts");
	bool yes = jobio_mode(opts) != NULL;

	json_decref(opts);
	return yes;
}

/* The agent that ran e: its host while it runs, its first host after. */
static struct conn *
jobio_agent(struct master *m, struct elem *e)
{
	struct host *h = e->host;

	if (h == NULL && e->nslots > 0 && e->hosts != NULL)
		h = host_find(m, e->hosts[0]);
	return h != NULL ? h->conn : NULL;
}

/* op io {id, idx, ...} -> {out, off, errout, eoff, eof} (pumice-protocol(7)) */
void
jobio_op(struct master *m, struct reqctx *rq, json_t *args)
{
	struct job *j = job_find(m, (long)json_integer_value(json_object_get(args, "id")));
	long idx = (long)json_integer_value(json_object_get(args, "idx"));
	struct conn *agent;
	struct elem *e;
	json_t *order;
	int st;

	if (json_object_get(args, "task") != NULL)
		return blaunch_io(m, rq, args);	/* a blaunch task's */
	if (j == NULL || strcmp(j->user, rq->user) != 0)
		return control_reply(m, rq, false, NULL, "notfound", "No matching job found");
	if (!jobio_is_interactive(j))
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld> is not an interactive job", j->id);
	st = job_elem_state(j, idx, NULL);
	if (st & JS_PENDING)
		return control_reply(m, rq, false, NULL, "notstarted", "Not yet started");
	if ((e = job_elem(j, idx)) == NULL || (agent = jobio_agent(m, e)) == NULL)
		return control_reply(m, rq, false, NULL, (st & JS_FINISHED) ?
		    "finished" : "internal", (st & JS_FINISHED) ? "Already finished" :
		    "The job's host is unreachable");
	order = json_deep_copy(args);
	json_object_set_new(order, "t", json_string("io"));
	peek_forward(m, rq, e, agent, order);
}
