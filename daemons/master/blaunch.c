/*
 * blaunch.c - LSF's blaunch: a running job starts tasks on the hosts of
 * its allocation through their agents (op "blaunch"), and reads each
 * task's output and exit status through the interactive jobs' relay (op
 * "io" with "task", jobio.c, answered by the agent's jobtty.c). A task
 * runs under the job's identity, cwd, environment and limits (the job's
 * run spec, with the task's command and number), is signalled with the
 * job (bkill, bstop, and a kill when the job ends: -W included), and its
 * usage is charged to the job when it ends (task_done).
 *
 * Trust: the caller must be the job's owner (the uid its local agent
 * vouches for) and show the job's token, which only the job's processes
 * have: HMAC-SHA256 of "<id>.<idx>.<attempt>" under the cluster key, put
 * in the run spec and by the shepherd in the job's environment
 * (PUMICE_JOB_TOKEN). The token names the attempt, so a rerun's tasks
 * need the rerun's token; the master keeps nothing to check it.
 */
#include <string.h>

#include "auth.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "proto.h"
#include "util.h"

#define BLAUNCH_ELEM_RUNNING (JS_RUN | JS_SSUSP | JS_USUSP)

/* The token of e's current attempt, hex, into out. */
static void
blaunch_token(struct master *m, const struct elem *e, char out[AUTH_MAC_HEX])
{
	char what[64];

	snprintf(what, sizeof(what), "%ld.%ld.%d", e->job->id, e->idx, e->attempt);
	auth_mac(&m->key, "blaunch", what, e->job->user, out);
}

void
blaunch_jobspec(struct master *m, struct elem *e, json_t *spec)
{
	char tok[AUTH_MAC_HEX];

	blaunch_token(m, e, tok);
	json_object_set_new(spec, "token", json_string(tok));
}

static bool
blaunch_has_host(const struct elem *e, const char *host)
{
	int i;

	for (i = 0; host != NULL && i < e->nslots; i++)
		if (strcmp(e->hosts[i], host) == 0)
			return true;
	return false;
}

/*
 * The element a request names, if the caller may act in it: the job's
 * owner, with the job's token; NULL after replying otherwise.
 */
static struct elem *
blaunch_elem(struct master *m, struct reqctx *rq, json_t *args)
{
	struct job *j = job_find(m, (long)json_integer_value(json_object_get(args, "id")));
	long idx = (long)json_integer_value(json_object_get(args, "idx"));
	const char *tok = proto_str(args, "token"), *host = proto_str(args, "host");
	struct elem *e = j != NULL ? job_elem(j, idx) : NULL;
	char want[AUTH_MAC_HEX];

	if (j == NULL || strcmp(j->user, rq->user) != 0 || e == NULL || e->hosts == NULL) {
		control_reply(m, rq, false, NULL, "notfound", "No matching job found");
		return NULL;
	}
	blaunch_token(m, e, want);
	if (tok == NULL || !auth_mac_ok(want, tok)) {
		log_warnx("blaunch for job %ld[%ld] by %s without its token; refused",
		    j->id, idx, rq->user);
		control_reply(m, rq, false, NULL, "denied",
		    "Job <%ld>: not a request from the job (its token is missing or wrong)", j->id);
		return NULL;
	}
	if (!blaunch_has_host(e, host)) {
		control_reply(m, rq, false, NULL, "rejected",
		    "Host <%s> is not in the allocation of job <%ld>", host ? host : "", j->id);
		return NULL;
	}
	return e;
}

/* The agent of host, or NULL after replying. */
static struct conn *
blaunch_agent(struct master *m, struct reqctx *rq, const char *name)
{
	struct host *h = host_find(m, name);

	if (h == NULL || h->conn == NULL) {
		control_reply(m, rq, false, NULL, "unreachable", "Host <%s> is unreachable", name);
		return NULL;
	}
	return h->conn;
}

/* The task's spec: the job's, with the task's command, its stdio the
 * relay's, and none of the job's own files and pre/post-execs. */
static json_t *
blaunch_task_spec(struct master *m, struct elem *e, long tid, const char *cmd)
{
	static const char *drop[] = { "out", "err", "stdin", "pre_exec", "post_exec",
	    "queue_pre_exec", "queue_post_exec", "flow_input", "run_limit", "tty", "script" };
	json_t *spec = agent_jobspec(m, e);
	size_t i;

	for (i = 0; i < nitems(drop); i++)
		json_object_del(spec, drop[i]);
	json_object_set_new(spec, "cmd", json_string(cmd));
	json_object_set_new(spec, "interactive", json_string("pipe"));
	json_object_set_new(spec, "task", json_integer(tid));
	return spec;
}

/* op blaunch {id, idx, host, cmd, token} -> {task, host, id, idx} */
void
blaunch_op(struct master *m, struct reqctx *rq, json_t *args)
{
	const char *cmd = proto_str(args, "cmd"), *host = proto_str(args, "host");
	struct elem *e = blaunch_elem(m, rq, args);
	struct elem_extra *x;
	struct conn *agent;

	if (e == NULL)
		return;
	if (!(e->state & BLAUNCH_ELEM_RUNNING))
		return control_reply(m, rq, false, NULL, "rejected", "Job <%ld> is not running",
		    e->job->id);
	if (cmd == NULL || *cmd == '\0')
		return control_reply(m, rq, false, NULL, "rejected", "No command to launch");
	if ((agent = blaunch_agent(m, rq, host)) == NULL)
		return;
	x = elem_extra(e);
	x->ntasks++;
	log_info("job %ld[%ld]: task %ld on %s for %s", e->job->id, e->idx, x->ntasks, host,
	    rq->user);
	peek_forward(m, rq, e, agent, json_pack("{s:s, s:o}", "t", "task",
	    "job", blaunch_task_spec(m, e, x->ntasks, cmd)));
}

/* op io with "task": a task's output, status and signals (jobio.c). */
void
blaunch_io(struct master *m, struct reqctx *rq, json_t *args)
{
	struct elem *e = blaunch_elem(m, rq, args);
	struct conn *agent;
	json_t *order;

	if (e == NULL || (agent = blaunch_agent(m, rq, proto_str(args, "host"))) == NULL)
		return;
	order = json_deep_copy(args);
	json_object_del(order, "host");
	json_object_del(order, "token");
	json_object_set_new(order, "t", json_string("io"));
	peek_forward(m, rq, e, agent, order);
}

/* msg to the agent of each host of e's allocation, once; the first host
 * only when first_too (its agent has the job's own signal already). */
static void
blaunch_each_host(struct master *m, struct elem *e, bool first_too, json_t *msg)
{
	struct host *h;
	int i, k;

	for (i = 0; i < e->nslots; i++) {
		for (k = 0; k < i; k++)
			if (strcmp(e->hosts[k], e->hosts[i]) == 0)
				break;
		if (k < i || (!first_too && i == 0))
			continue;
		if ((h = host_find(m, e->hosts[i])) != NULL && h->conn != NULL)
			conn_send(h->conn, json_incref(msg));
	}
	json_decref(msg);
}

/* A signal of the job is its tasks' too (agent_send_signal). */
void
blaunch_signal(struct master *m, struct elem *e, const char *sig, bool kill)
{
	if (e->x == NULL || e->x->ntasks == 0)
		return;
	blaunch_each_host(m, e, false, json_pack("{s:s, s:I, s:I, s:s, s:b}", "t", "signal",
	    "id", (json_int_t)e->job->id, "idx", (json_int_t)e->idx, "sig", sig, "kill", kill));
}

/* The job ended: tasks still running die with it, as in LSF. */
void
blaunch_job_ended(struct master *m, struct elem *e)
{
	if (e->x == NULL || e->x->ntasks == 0)
		return;
	blaunch_each_host(m, e, true, json_pack("{s:s, s:I, s:I, s:s, s:b}", "t", "signal",
	    "id", (json_int_t)e->job->id, "idx", (json_int_t)e->idx, "sig", "KILL", "kill", 1));
}

/* A=>M task_done {id, idx, task, exit_code, signal, cpu, maxrss}: the
 * task's usage, charged to the job (added to its finish). */
void
blaunch_on_task_done(struct master *m, struct conn *c, json_t *msg)
{
	struct job *j = job_find(m, (long)json_integer_value(json_object_get(msg, "id")));
	struct elem *e = j ? job_elem(j, (long)json_integer_value(json_object_get(msg, "idx"))) : NULL;
	struct host *h = conn_host(c);
	long rss = (long)json_integer_value(json_object_get(msg, "maxrss"));

	if (e == NULL || e->x == NULL || !blaunch_has_host(e, h->name))
		return log_warnx("task_done from %s for job %ld, which has no task there; "
		    "ignored", h->name, j ? j->id : 0L);
	e->x->task_cpu += json_number_value(json_object_get(msg, "cpu"));
	if (rss > e->x->task_maxrss)
		e->x->task_maxrss = rss;
}

/* The finish's cpu and maxrss with the tasks' (agent_finished). */
void
blaunch_charge(const struct elem *e, json_t *finish)
{
	double cpu = json_number_value(json_object_get(finish, "cpu"));
	long rss = (long)json_integer_value(json_object_get(finish, "maxrss"));

	if (e->x == NULL || e->x->ntasks == 0)
		return;
	json_object_set_new(finish, "cpu", json_real(cpu + e->x->task_cpu));
	if (e->x->task_maxrss > rss)
		json_object_set_new(finish, "maxrss", json_integer(e->x->task_maxrss));
}
