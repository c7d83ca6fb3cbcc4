/*
 * jobmod.c - bmod: the op "modify" {id, set:{SUBMIT fields}, unset:[SUBMIT
 * field names], opts:{option: value, or null to unset}}. A job with
 * pending elements may change anything below (its running elements keep
 * what they started with); a job whose elements all started may change
 * only the options of jobmod_running_opts, as LSF allows. The change is
 * one "mod" event (jobctl.c) so that replay rebuilds it.
 */
#include <stdlib.h>
#include <string.h>

#include "envtab.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "util.h"

/* SUBMIT fields bmod may set or unset. */
static const char *const jobmod_fields[] = {
	"name", "queue", "nslots", "out", "err", "out_trunc", "err_trunc", "dep",
	"cwd", "limit", "begin_time", "term_time",
};

/* SUBMIT fields a started job may still change (-t). */
static const char *const jobmod_running_fields[] = { "term_time" };

/* Options a started job may still change (recorded; see bmod(1)). */
static const char *const jobmod_running_opts[] = { "W", "t", "u", "B", "N" };

static bool
jobmod_in(const char *k, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], k) == 0)
			return true;
	return false;
}

/* Checks one set value; 0 or -1 with err. */
static int
jobmod_check_value(struct master *m, struct reqctx *rq, const char *k, json_t *v,
    char *err, size_t errlen)
{
	struct job tmp = { .user = rq->user };
	json_int_t n = json_integer_value(v);
	int rc;

	if (strcmp(k, "queue") == 0 && (json_string_value(v) == NULL ||
	    conf_queue(m->conf, json_string_value(v)) == NULL))
		return errf(err, errlen, "%s: No such queue",
		    json_string_value(v) ? json_string_value(v) : "");
	if (strcmp(k, "nslots") == 0 && (n < 1 || n > 100000))
		return errf(err, errlen, "Bad argument for option -n");
	if ((strcmp(k, "begin_time") == 0 || strcmp(k, "term_time") == 0) &&
	    (!json_is_integer(v) || n <= 0))
		return errf(err, errlen, "Bad time specification");
	if (strcmp(k, "limit") == 0 && n < 0)
		return errf(err, errlen, "Bad job array slot limit");
	if (strcmp(k, "name") == 0 && (json_string_value(v) == NULL ||
	    *json_string_value(v) == '\0'))
		return errf(err, errlen, "Bad job name");
	if (strcmp(k, "dep") != 0)
		return 0;
	if (json_string_value(v) == NULL ||
	    (tmp.dep = dep_parse(json_string_value(v), err, errlen)) == NULL)
		return errf(err, errlen, "Dependency condition syntax error");
	rc = sched_dep_check(m, &tmp, rq->user, err, errlen);
	dep_free(tmp.dep);
	return rc;
}

static int
jobmod_check_pending(struct master *m, struct reqctx *rq, struct job *j,
    json_t *set, json_t *unset, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(set, k, v) {
		if (!jobmod_in(k, jobmod_fields, nitems(jobmod_fields)))
			return errf(err, errlen, "%s: cannot be modified", k);
		if (jobmod_check_value(m, rq, k, v, err, errlen) < 0)
			return -1;
	}
	json_array_foreach(unset, i, v) {
		if (json_string_value(v) == NULL ||
		    !jobmod_in(json_string_value(v), jobmod_fields, nitems(jobmod_fields)) ||
		    strcmp(json_string_value(v), "queue") == 0)
			return errf(err, errlen, "%s: cannot be unset",
			    json_string_value(v) ? json_string_value(v) : "?");
		if (strcmp(json_string_value(v), "name") == 0 && job_is_array(j))
			return errf(err, errlen, "Job <%ld>: a job array keeps its name", j->id);
	}
	return 0;
}

static int
jobmod_check_started(struct job *j, json_t *set, json_t *unset, json_t *opts,
    char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	size_t i;

	json_object_foreach(set, k, v)
		if (!jobmod_in(k, jobmod_running_fields, nitems(jobmod_running_fields)))
			goto refuse;
	json_array_foreach(unset, i, v)
		if (json_string_value(v) == NULL || !jobmod_in(json_string_value(v),
		    jobmod_running_fields, nitems(jobmod_running_fields)))
			goto refuse;
	json_object_foreach(opts, k, v)
		if (!jobmod_in(k, jobmod_running_opts, nitems(jobmod_running_opts)))
			goto refuse;
	return 0;
refuse:
	return errf(err, errlen, "Job <%ld>: only -W, -t, -u, -B and -N can change "
	    "once the job has started", j->id);
}

/* The event data; "name" in unset means: back to the command. */
static json_t *
jobmod_event(struct reqctx *rq, struct job *j, json_t *set, json_t *unset,
    json_t *opts)
{
	json_t *data = json_pack("{s:O, s:O, s:O, s:s}", "set", set, "unset", unset,
	    "opts", opts, "by", rq->user);
	json_t *dset = json_object_get(data, "set"), *v, *spec = jobspec_tree(j);
	size_t i;

	json_array_foreach(unset, i, v)
		if (strcmp(json_string_value(v), "name") == 0)
			json_object_set_new(dset, "name", json_string(json_string_value(
			    json_object_get(spec, "cmd"))));
	json_decref(spec);
	return data;
}

static int
jobmod_check(struct master *m, struct reqctx *rq, struct job *j, json_t *args,
    char *err, size_t errlen)
{
	json_t *set = json_object_get(args, "set"), *unset = json_object_get(args, "unset");
	json_t *opts = json_object_get(args, "opts");

	if (json_string_value(json_object_get(args, "idx")) != NULL)
		return errf(err, errlen, "Job <%ld>: array elements cannot be modified "
		    "one by one", j->id);
	if (!control_may_act(rq, j))
		return errf(err, errlen, "Job <%ld>: User permission denied", j->id);
	if (job_finished(j))
		return errf(err, errlen, "Job <%ld>: Job has already finished", j->id);
	if (!json_is_object(set) || !json_is_array(unset) || !json_is_object(opts))
		return errf(err, errlen, "modify needs set, unset and opts");
	if (job_pending_count(j) == 0)
		return jobmod_check_started(j, set, unset, opts, err, errlen);
	return jobmod_check_pending(m, rq, j, set, unset, err, errlen);
}

void
jobmod_modify(struct master *m, struct reqctx *rq, json_t *args)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	struct job *j = job_find(m, id);
	char err[512];

	if (j == NULL)
		return control_reply(m, rq, false, NULL, "notfound",
		    "Job <%ld>: No matching job found", id);
	if (jobmod_check(m, rq, j, args, err, sizeof(err)) < 0)
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	if (job_event(m, id, -1, "mod", jobmod_event(rq, j, json_object_get(args, "set"),
	    json_object_get(args, "unset"), json_object_get(args, "opts"))) < 0)
		return control_reply(m, rq, false, NULL, "rejected",
		    "Job <%ld>: the change could not be applied", id);
	log_info("job %ld modified by %s", id, rq->user);
	control_reply(m, rq, true, json_pack("{s:I}", "id", (json_int_t)id), NULL, NULL);
}
