/*
 * bulk.c - the "submit_many" command op: a pack of SUBMIT objects in one
 * request (bsub -pack). Each job is checked and recorded exactly as
 * "submit" would (control_submit_job); one bad job is reported in its own
 * result and does not stop the others. All the submit events of a pack go
 * into the same transaction, so the whole pack costs one commit and the
 * reply leaves only after it (control_reply holds it until then).
 */
#include <string.h>

#include "master.h"
#include "util.h"

/* A pack is handled in one loop turn; the CLI splits larger files. */
#define BULK_MAX_JOBS 10000

void
bulk_submit_many(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *jobs = json_object_get(args, "jobs"), *job, *results;
	const char *queue;
	char err[512];
	long id, nok = 0;
	size_t i;

	if (!json_is_array(jobs))
		return control_reply(m, rq, false, NULL, "rejected", "no jobs given");
	if (json_array_size(jobs) > BULK_MAX_JOBS)
		return control_reply(m, rq, false, NULL, "rejected",
		    "a pack holds at most %d jobs", BULK_MAX_JOBS);
	results = json_array();
	json_array_foreach(jobs, i, job) {
		id = control_submit_job(m, rq, job, &queue, err, sizeof(err));
		if (id < 0) {
			json_array_append_new(results, json_pack("{s:s}", "err", err));
			continue;
		}
		nok++;
		json_array_append_new(results, json_pack("{s:I, s:s, s:b}", "id",
		    (json_int_t)id, "queue", queue, "default_queue",
		    json_object_get(job, "queue") == NULL));
	}
	control_reply(m, rq, true, json_pack("{s:o, s:I}", "results", results,
	    "submitted", (json_int_t)nok), NULL, NULL);
}
