/*
 * submit.c - op "submit": checks one SUBMIT object (command, array spec,
 * limits, dependency), picks its queue among the candidates -q or
 * LSB_DEFAULTQUEUE names, and records the submit event under a fresh id.
 * bulk.c's submit_many goes through control_submit_job too.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "master.h"
#include "proto.h"
#include "shellwords.h"
#include "util.h"

static long
submit_new_id(struct master *m)
{
	long id = m->next_id > 0 ? m->next_id : 1;

	if ((long)m->njobs >= m->conf->max_jobid)
		return -1;	/* every id is taken: the walk below would not end */
	while (id > m->conf->max_jobid || job_find(m, id) != NULL)
		id = id > m->conf->max_jobid ? 1 : id + 1;
	m->next_id = id + 1;
	return id;
}

/*
 * The queue of a job: -q, else the submitter's LSB_DEFAULTQUEUE, else
 * DEFAULT_QUEUE; -q and LSB_DEFAULTQUEUE may list candidates ("q1 q2"),
 * every one of which must exist, and the job goes to the first that is
 * open and accepts it (user list, limits, requirements). Errors name the
 * first candidate's reason.
 */
static int
submit_pick_queue(struct master *m, struct reqctx *rq, json_t *job,
    const char **queue, char *err, size_t errlen)
{
	const char *list = proto_str(job, "queue") ? proto_str(job, "queue") : proto_str(job, "default_queue");
	char **words = NULL, e[512] = "";
	const struct conf_queue *q;
	int i, n, rc = -1;

	*queue = NULL;
	if (list == NULL)
		list = m->conf->default_queue;
	if ((n = shellwords_split(list, &words, NULL, 0)) <= 0) {
		shellwords_free(words);
		return errf(err, errlen, "%s: No such queue", list);
	}
	for (i = 0; i < n; i++)
		if (conf_queue(m->conf, words[i]) == NULL) {
			errf(err, errlen, "%s: No such queue", words[i]);
			goto out;
		}
	for (i = 0; i < n && rc < 0; i++) {
		q = conf_queue(m->conf, words[i]);
		if (admin_queue_closed(m, q->name))
			errf(e, sizeof(e), "%s: Queue has been closed", q->name);
		else if (jobio_queue_check(q, job, e, sizeof(e)) < 0)
			;	/* e says why */
		else if (jobreq_check(m, job, q->name, rq->user, e, sizeof(e)) == 0)
			rc = 0;
		if (rc == 0)
			*queue = q->name;
		else if (i == 0)
			errf(err, errlen, "%s", e);
	}
out:
	shellwords_free(words);
	return rc;
}

static int
submit_check(struct master *m, json_t *job, char *err, size_t errlen)
{
	const char *array = proto_str(job, "array");
	const char *app = proto_str(json_object_get(job, "opts"), "app");
	struct arrayspec arr;
	json_int_t n;

	if (proto_str(job, "cmd") == NULL || *proto_str(job, "cmd") == '\0')
		return errf(err, errlen, "No command is specified");
	if (app != NULL)	/* no lsb.applications: every profile is unknown */
		return errf(err, errlen, "%s: No such application profile", app);
	n = json_integer_value(json_object_get(job, "nslots"));
	if (json_object_get(job, "nslots") != NULL && (n < 1 || n > 100000))
		return errf(err, errlen, "Bad argument for option -n");
	if (array != NULL) {
		if (arrayspec_parse_list(array, m->conf->max_job_array_size, &arr, err,
		    errlen) < 0)
			return -1;
		arrayspec_free(&arr);
	}
	if (json_integer_value(json_object_get(job, "limit")) < 0)
		return errf(err, errlen, "Bad job array slot limit");
	return 0;
}

/*
 * Checks one SUBMIT object without recording anything: the submit event's
 * data (queue, user, ... filled in), or NULL with err; *queue is the
 * queue. A workflow (flow.c) checks every step so before it records any.
 */
json_t *
submit_prepare(struct master *m, struct reqctx *rq, json_t *job,
    const char **queue, char *err, size_t errlen)
{
	const char *dep;
	json_t *data;

	*queue = NULL;
	if (!json_is_object(job)) {
		errf(err, errlen, "no job given");
		return NULL;
	}
	if (submit_check(m, job, err, errlen) < 0 ||
	    submit_pick_queue(m, rq, job, queue, err, errlen) < 0 ||	/* -R -M -m ... */
	    jobrlim_check(m->conf, job, err, errlen) < 0)	/* -c -v -C ... */
		return NULL;
	if ((dep = proto_str(job, "dep")) != NULL) {
		struct job tmp = { .user = rq->user };
		int rc;
		if ((tmp.dep = dep_parse(dep, err, errlen)) == NULL)
			return NULL;
		rc = sched_dep_check(m, &tmp, rq->user, err, errlen);
		dep_free(tmp.dep);
		if (rc < 0)
			return NULL;
	}
	data = json_copy(job);	/* shallow: the env is interned, not copied */
	json_object_set_new(data, "queue", json_string(*queue));
	json_object_set_new(data, "user", json_string(rq->user));
	json_object_set_new(data, "uid", json_integer(rq->uid));
	json_object_set_new(data, "gid", json_integer(rq->gid));
	json_object_set_new(data, "from_host", json_string(rq->from_host));
	if (proto_str(data, "name") == NULL)
		json_object_set_new(data, "name", json_string(proto_str(job, "cmd")));
	return data;
}

/*
 * Records the submit event of data (submit_prepare's, taken) under a
 * fresh id (not yet committed). Returns the id, or -1 with err.
 */
long
submit_record(struct master *m, struct reqctx *rq, json_t *data, const char *queue,
    char *err, size_t errlen)
{
	bool held = json_is_true(json_object_get(json_object_get(data, "opts"), "H"));
	long id;

	if ((id = submit_new_id(m)) < 0) {
		json_decref(data);
		return errf(err, errlen, "No free job ID: all %ld ids (MAX_JOBID) belong "
		    "to jobs the master still knows", m->conf->max_jobid);
	}
	if (job_event(m, id, 0, "submit", data) < 0)
		return errf(err, errlen, "job could not be recorded");
	if (held)
		job_event(m, id, -1, "stop", json_pack("{s:s}", "by", rq->user));	/* -H */
	log_info("job %ld submitted by %s to queue %s", id, rq->user, queue);
	return id;
}

/*
 * Checks one SUBMIT object and records its submit event (not yet
 * committed). Returns the new id, or -1 with err; *queue is the queue.
 * bulk.c's submit_many calls it once per job of a pack.
 */
long
control_submit_job(struct master *m, struct reqctx *rq, json_t *job,
    const char **queue, char *err, size_t errlen)
{
	json_t *data = submit_prepare(m, rq, job, queue, err, errlen);

	if (data == NULL)
		return -1;
	return submit_record(m, rq, data, *queue, err, errlen);
}

void
submit_op(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *job = json_object_get(args, "job");
	const char *queue;
	char err[512];
	long id;

	if ((id = control_submit_job(m, rq, job, &queue, err, sizeof(err))) < 0)
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	control_reply(m, rq, true, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id,
	    "queue", queue, "default_queue", proto_str(job, "queue") == NULL), NULL, NULL);
}
