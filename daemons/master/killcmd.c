/*
 * killcmd.c - op "kill" (bkill): signals running elements through their
 * agents and records kill events; -s STOP/CONT act as bstop/bresume, -d
 * records DONE, -r forgets at once. The selection is control_select's.
 */
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "master.h"
#include "proto.h"
#include "util.h"

static const char *
killcmd_reason(struct reqctx *rq, struct job *j)
{
	return strcmp(rq->user, j->user) == 0 ? "TERM_OWNER: job killed by owner" :
	    "TERM_ADMIN: job killed by root or LSF administrator";
}

static void
killcmd_signal_running(struct master *m, struct job *j, long idx, const char *sig,
    bool kill)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if ((idx < 0 || e->idx == idx) && (e->state & (JS_RUN |
			    JS_SSUSP | JS_USUSP | JS_UNKWN)))
				agent_send_signal(m, e, sig, kill);
	}
}

/* bkill's options: -s sig, -d (record DONE), -r (forget now). */
struct killcmd_opts {
	const char *sig;
	bool done, forget;
};

static void
killcmd_event(struct master *m, struct reqctx *rq, struct job *j, long idx,
    const struct killcmd_opts *ko)
{
	json_t *data = json_pack("{s:s, s:s}", "reason", killcmd_reason(rq, j),
	    "by", rq->user);

	if (ko->forget)
		json_object_set_new(data, "forget", json_true());
	else if (ko->done)
		json_object_set_new(data, "done", json_true());
	/* signals first: -r ends the elements, and they lose their host */
	killcmd_signal_running(m, j, idx, "KILL", true);
	job_event(m, j->id, idx, "kill", data);
}

static bool
killcmd_unit(struct master *m, struct reqctx *rq, struct job *j, long idx,
    void *arg, char **msg)
{
	const struct killcmd_opts *ko = arg;
	char *label = idx < 0 ? xasprintf("%ld", j->id) : xasprintf("%ld[%ld]", j->id, idx);
	int state = idx < 0 ? 0 : job_elem_state(j, idx, NULL);
	bool ok = false;

	if (ko->sig != NULL && (strcmp(ko->sig, "STOP") == 0 ||
	    strcmp(ko->sig, "CONT") == 0)) {
		/* as bstop/bresume, but worded as LSF's bkill -s words it */
		ok = (strcmp(ko->sig, "STOP") == 0 ? jobcmd_stop_unit :
		    jobcmd_resume_unit)(m, rq, j, idx, NULL, msg);
		if (ok) {
			free(*msg);
			*msg = xasprintf("Job <%s> is being signaled", label);
		}
	} else if (!control_may_act(rq, j))
		*msg = xasprintf("Job <%s>: User permission denied", label);
	else if (idx < 0 ? job_finished(j) : (state & JS_FINISHED) != 0)
		*msg = xasprintf("Job <%s>: Job has already finished", label);
	else if (ko->sig != NULL) {
		killcmd_signal_running(m, j, idx, ko->sig, false);
		*msg = xasprintf("Job <%s> is being signaled", label);
		ok = true;
	} else {
		killcmd_event(m, rq, j, idx, ko);
		*msg = xasprintf("Job <%s> is being terminated", label);
		ok = true;
	}
	free(label);
	return ok;
}

void
killcmd_op(struct master *m, struct reqctx *rq, json_t *args)
{
	struct killcmd_opts ko = { proto_str(args, "sig"),
	    json_is_true(json_object_get(args, "done")),
	    json_is_true(json_object_get(args, "forget")) };

	control_reply(m, rq, true, json_pack("{s:o}", "results",
	    control_select(m, rq, args, killcmd_unit, &ko)), NULL, NULL);
}

