/*
 * jobmsg.c - bpost/bread, LSF's job messages: the ops "post" {id | name,
 * idx, i, desc, level, data (base64), size} and "read" {id | name, idx, i,
 * data:bool}. A name (bpost/bread -J) means the caller's own job of that
 * name ("name[3]": its element 3) submitted last; LSF's job names are not
 * unique. A message
 * is a recorded "post" event of the job (or of one array element), so it
 * is as durable as the job's other events and survives restarts and the
 * job's move to history; a later post to the same index replaces the
 * earlier one. The job's memory keeps only that it has messages: "read"
 * and bjobs -l (jobmsg_list) look the events up in the store.
 *
 * Permissions as LSF's: the owner or an administrator posts, but only the
 * owner attaches data; anyone reads descriptions, only the owner reads
 * attached data.
 */
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "util.h"

/* Only a flag in memory (bjobs -l then looks in the store): the store
 * holds the message (see above). */
JEVENT_FN(jobmsg_apply_post)
{
	(void)m;
	(void)ev;
	(void)err;
	(void)errlen;
	j->has_msgs = true;
	return 0;
}

/* The caller's own job named name (or "name[idx]") submitted last. */
static struct job *
jobmsg_by_name(struct master *m, struct reqctx *rq, const char *name, long *idx)
{
	const char *br = strchr(name, '[');
	size_t len = br != NULL ? (size_t)(br - name) : strlen(name);
	struct job *j, *last = NULL;

	if (br != NULL)
		*idx = strtol(br + 1, NULL, 10);
	TAILQ_FOREACH(j, &m->byid, id_entry)
		if (j->name != NULL && strlen(j->name) == len &&
		    strncmp(j->name, name, len) == 0 && strcmp(j->user, rq->user) == 0)
			last = j;
	return last;
}

/* The job (live or in history) args name, or NULL after a reply. */
static struct job *
jobmsg_job(struct master *m, struct reqctx *rq, json_t *args, long *idx, bool live)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	const char *name = json_string_value(json_object_get(args, "name"));
	struct job *j;

	*idx = (long)json_integer_value(json_object_get(args, "idx"));
	if (name != NULL) {
		if ((j = jobmsg_by_name(m, rq, name, idx)) == NULL) {
			control_reply(m, rq, false, NULL, "notfound",
			    "Job <%s>: No matching job found", name);
			return NULL;
		}
	} else if ((j = job_find(m, id)) == NULL && !live)
		j = history_job(m, id);
	if (j == NULL || (*idx > 0 && (!job_is_array(j) ||
	    !arrayspec_has(&j->arr, *idx)))) {
		if (name != NULL)
			control_reply(m, rq, false, NULL, "notfound",
			    "Job <%s>: No matching job found", name);
		else
			control_reply(m, rq, false, NULL, "notfound",
			    "Job <%ld>: No matching job found", id);
		return NULL;
	}
	return j;
}

/* bpost -N: LSF's notification levels. */
static bool
jobmsg_level_known(const char *level)
{
	static const char *const levels[] = { "INFO", "WARNING", "ERROR", "CRITICAL" };
	size_t i;

	for (i = 0; i < nitems(levels); i++)
		if (strcmp(levels[i], level) == 0)
			return true;
	return false;
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
	const char *level = json_string_value(json_object_get(args, "level"));
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
	if (level != NULL && !jobmsg_level_known(level))
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: Bad notification level %s", j->id, level);
	ev = json_pack("{s:I, s:s, s:s}", "i", (json_int_t)i, "desc", desc, "from",
	    rq->user);
	if (level != NULL)
		json_object_set_new(ev, "level", json_string(level));
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
	if (json_is_string(json_object_get(d, "level")))
		json_object_set(out, "level", json_object_get(d, "level"));
	if (want_data && json_is_string(json_object_get(d, "data")))
		json_object_set(out, "data", json_object_get(d, "data"));
	json_decref(events);
	control_reply(m, rq, true, out, NULL, NULL);
}

json_t *
jobmsg_list(struct master *m, struct job *j, long idx)
{
	json_t *events, *list, *ev, *d, *msg;
	long i;

	if (!j->has_msgs || m->store == NULL)
		return NULL;
	events = store_job_events(m->store, j->id);
	list = json_array();
	for (i = 0; i < JOBMSG_MAX_NUM; i++) {
		if ((ev = jobmsg_find(events, idx, i)) == NULL)
			continue;
		d = json_object_get(ev, "data");
		msg = json_pack("{s:I, s:O?, s:I, s:O?, s:b}", "i", (json_int_t)i,
		    "from", json_object_get(d, "from"), "time",
		    json_integer_value(json_object_get(ev, "time")), "desc",
		    json_object_get(d, "desc"), "attached",
		    json_is_string(json_object_get(d, "data")));
		if (json_is_string(json_object_get(d, "level")))
			json_object_set(msg, "level", json_object_get(d, "level"));
		json_array_append_new(list, msg);
	}
	json_decref(events);
	if (json_array_size(list) == 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}
