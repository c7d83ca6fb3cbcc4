/*
 * bulk.c - the "submit_many" command op: a pack of SUBMIT objects in one
 * request (bsub -pack). Each job is checked and recorded exactly as
 * "submit" would (control_submit_job); one bad job is reported in its own
 * result and does not stop the others. All the submit events of a pack go
 * into the same transaction, so the whole pack costs one commit and the
 * reply leaves only after it (control_reply holds it until then).
 */
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "util.h"

/* A pack is handled in one loop turn; the CLI splits larger files. */
#define BULK_MAX_JOBS 10000

/* What became of one job of the pack: kept compact while the pack is
 * handled, so that the results are built after the jobs' own blocks and
 * leave no holes between them once the reply is gone. */
struct bulk_result {
	long id;		/* -1: refused, err says why */
	const char *queue;
	char *err;
};

static json_t *
bulk_results(json_t *jobs, struct bulk_result *r, size_t n)
{
	json_t *results = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].id < 0) {
			json_array_append_new(results, json_pack("{s:s}", "err", r[i].err));
			free(r[i].err);
			continue;
		}
		json_array_append_new(results, json_pack("{s:I, s:s, s:b}", "id",
		    (json_int_t)r[i].id, "queue", r[i].queue, "default_queue",
		    json_object_get(json_array_get(jobs, i), "queue") == NULL));
	}
	return results;
}

void
bulk_submit_many(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *jobs = json_object_get(args, "jobs"), *job;
	struct bulk_result *r;
	char err[512];
	long nok = 0;
	size_t i;

	if (!json_is_array(jobs))
		return control_reply(m, rq, false, NULL, "rejected", "no jobs given");
	if (json_array_size(jobs) > BULK_MAX_JOBS)
		return control_reply(m, rq, false, NULL, "rejected",
		    "a pack holds at most %d jobs", BULK_MAX_JOBS);
	r = xcalloc(json_array_size(jobs) + 1, sizeof(*r));
	json_array_foreach(jobs, i, job) {
		r[i].id = control_submit_job(m, rq, job, &r[i].queue, err, sizeof(err));
		if (r[i].id < 0)
			r[i].err = xstrdup(err);
		else
			nok++;
	}
	control_reply(m, rq, true, json_pack("{s:o, s:I}", "results",
	    bulk_results(jobs, r, json_array_size(jobs)), "submitted", (json_int_t)nok),
	    NULL, NULL);
	free(r);
}
