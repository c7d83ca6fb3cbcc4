/*
 * jobmsg.c - bpost/bread, LSF's job messages: the ops "post" {id, idx, i,
 * desc, data (base64), size} and "read" {id, idx, i, data:bool}. A message
 * is a recorded "post" event of the job (or of one array element), so it
 * is as durable as the job's other events and survives restarts and the
 * job's move to history; a later post to the same index replaces the
 * earlier one. The job's memory keeps nothing: "read" looks the events up
 * in the store, which is why applying a post changes no job state.
 *
 * Permissions as LSF's: the owner or an administrator posts, but only the
 * owner attaches data; anyone reads descriptions, only the owner reads
 * attached data.
 */
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "util.h"

/* Nothing in memory: the store holds the message (see above). */
JEVENT_FN(jobmsg_apply_post)
{
	(void)m;
	(void)j;
	(void)ev;
	(void)err;
	(void)errlen;
	return 0;
}

/* The job (live or in history) args name, or NULL after a reply. */
static struct job *
jobmsg_job(struct master *m, struct reqctx *rq, json_t *args, long *idx, bool live)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	struct job *j = job_find(m, id);

	*idx = (long)json_integer_value(json_object_get(args, "idx"));
	if (j == NULL && !live)
		j = history_job(m, id);
	if (j == NULL || (*idx > 0 && (!job_is_array(j) ||
	    !arrayspec_has(&j->arr, *idx)))) {
		control_reply(m, rq, false, NULL, "notfound",
		    "Job <%ld>: No matching job found", id);
		return NULL;
	}
	return j;
}

static bool
jobmsg_owner(struct reqctx *rq, struct job *j)
{
	return strcmp(rq->user, j->user) == 0;
}

void
jobmsg_post(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *data = json_object_get(args, "data"), *ev;
	long idx, i = (long)json_integer_value(json_object_get(args, "i"));
	const char *desc = json_string_value(json_object_get(args, "desc"));
	struct job *j;

	if ((j = jobmsg_job(m, rq, args, &idx, true)) == NULL)
		return;
	if (!control_may_act(rq, j) || (json_is_string(data) && !jobmsg_owner(rq, j)))
		return control_reply(m, rq, false, NULL, "denied",
		    "Job <%ld>: User permission denied", j->id);
	if (i < 0 || i >= JOBMSG_MAX_NUM)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: Message index %ld is out of range [0, %d)", j->id, i,
		    JOBMSG_MAX_NUM);
	if (desc == NULL || strlen(desc) > JOBMSG_MAX_DESC)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: Message description longer than %d characters",
		    j->id, JOBMSG_MAX_DESC);
	ev = json_pack("{s:I, s:s, s:s}", "i", (json_int_t)i, "desc", desc, "from",
	    rq->user);
	if (json_is_string(data)) {
		json_object_set(ev, "data", data);
		json_object_set(ev, "size", json_object_get(args, "size"));
	}
	if (job_event(m, j->id, idx, "post", ev) < 0)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: Message not recorded", j->id);
	control_reply(m, rq, true, json_pack("{s:I, s:I}", "id", (json_int_t)j->id,
	    "i", (json_int_t)i), NULL, NULL);
}

/* The latest post of element idx with index i (NULL: none), borrowed. */
static json_t *
jobmsg_find(json_t *events, long idx, long i)
{
	json_t *ev, *d, *found = NULL;
	size_t k;

	json_array_foreach(events, k, ev) {
		const char *type = json_string_value(json_object_get(ev, "type"));

		d = json_object_get(ev, "data");
		if (type != NULL && strcmp(type, "post") == 0 &&
		    json_integer_value(json_object_get(ev, "idx")) == idx &&
		    json_integer_value(json_object_get(d, "i")) == i)
			found = ev;
	}
	return found;
}

void
jobmsg_read(struct master *m, struct reqctx *rq, json_t *args)
{
	long idx, i = (long)json_integer_value(json_object_get(args, "i"));
	bool want_data = json_is_true(json_object_get(args, "data"));
	json_t *events, *ev, *d, *out;
	struct job *j;

	if ((j = jobmsg_job(m, rq, args, &idx, false)) == NULL)
		return;
	if (want_data && !jobmsg_owner(rq, j))
		return control_reply(m, rq, false, NULL, "denied",
		    "Job <%ld>: User permission denied", j->id);
	events = store_job_events(m->store, j->id);
	if ((ev = jobmsg_find(events, idx, i)) == NULL) {
		json_decref(events);
		return control_reply(m, rq, false, NULL, "nomsg",
		    "Job <%ld>: No message available", j->id);
	}
	d = json_object_get(ev, "data");
	out = json_pack("{s:I, s:I, s:I, s:O?, s:O?, s:I, s:b}", "id", (json_int_t)j->id,
	    "idx", (json_int_t)idx, "i", (json_int_t)i, "desc",
	    json_object_get(d, "desc"), "from", json_object_get(d, "from"), "time",
	    json_integer_value(json_object_get(ev, "time")), "attached",
	    json_is_string(json_object_get(d, "data")));
	if (want_data && json_is_string(json_object_get(d, "data")))
		json_object_set(out, "data", json_object_get(d, "data"));
	json_decref(events);
	control_reply(m, rq, true, out, NULL, NULL);
}
