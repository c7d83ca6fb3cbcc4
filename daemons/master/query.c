/*
 * query.c - the read-only ops: jobs (bjobs), hosts (bhosts), queues
 * (bqueues) and info (lsid). They change nothing and answer at once.
 */
#include <stdlib.h>
#include <string.h>

#include "jobsel.h"
#include "master.h"
#include "util.h"

struct query_jobs_ctx {
	struct master *m;
	const struct jobsel_filter *f;
	json_t *out;
};

static void
query_jobs_one(struct job *j, long idx, void *arg)
{
	struct query_jobs_ctx *x = arg;

	if (jobsel_elem_match(x->f, j, idx))
		json_array_append_new(x->out, job_record(x->m, j, idx));
}

void
query_jobs(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *ids = json_object_get(args, "ids"), *sel, *missing = json_array();
	struct query_jobs_ctx x = { m, NULL, json_array() };
	struct jobsel_filter f;
	char *namebuf, err[256];
	size_t i;

	if (jobsel_filter_check(m, args, err, sizeof(err)) < 0) {
		json_decref(missing);
		json_decref(x.out);
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	}
	jobsel_filter_init(m, rq, args, &f, &namebuf);
	x.f = &f;
	if (json_array_size(ids) > 0) {
		f.mask = ~0;
		f.user = NULL;
		json_array_foreach(ids, i, sel) {
			struct arrayspec idx;
			bool has_idx;
			char *miss;
			struct job *j = jobsel_resolve(m, sel, &idx, &has_idx, false,
			    &miss);

			if (j == NULL) {
				json_array_append_new(missing, json_string(miss));
				free(miss);
				continue;
			}
			jobsel_foreach_idx(j, has_idx ? &idx : NULL, query_jobs_one, &x);
			if (has_idx) {
				jobsel_missing_add(missing, jobsel_missing_elems(j, &idx), false);
				arrayspec_free(&idx);
			}
		}
	} else {
		struct job *j;
		TAILQ_FOREACH(j, &m->byid, id_entry)
			if (jobsel_job_match(&f, j))
				jobsel_foreach_idx(j, NULL, query_jobs_one, &x);
	}
	free(namebuf);
	control_reply(m, rq, true, json_pack("{s:o, s:o}", "jobs", x.out, "missing",
	    missing), NULL, NULL);
}

void
query_hosts(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *hosts = json_array();
	struct host *h;

	TAILQ_FOREACH(h, &m->hosts, entry)
		json_array_append_new(hosts, host_record(m, h));
	control_reply(m, rq, true, json_pack("{s:o}", "hosts", hosts), NULL, NULL);
}

static json_t *
query_limit(int v)
{
	return v < 0 ? json_string("-") : json_integer(v);
}

void
query_queues(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *queues = json_array();
	size_t qi;
	struct job *j;

	for (qi = 0; qi < m->conf->nqueues; qi++) {
		const struct conf_queue *q = &m->conf->queues[qi];
		long pend = 0, run = 0;

		TAILQ_FOREACH(j, &m->byid, id_entry) {
			if (strcmp(j->queue, q->name) != 0)
				continue;
			pend += job_pending_count(j) * j->nslots;
			run += j->nrun * j->nslots;
		}
		json_array_append_new(queues, json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, "
		    "s:o, s:I, s:I, s:I, s:i}", "name", q->name, "priority", q->priority,
		    "status", "Open:Active", "max", query_limit(q->qjob_limit),
		    "jl_u", query_limit(q->ujob_limit), "jl_p", query_limit(q->pjob_limit),
		    "jl_h", query_limit(q->hjob_limit), "njobs", (json_int_t)(pend + run),
		    "pend", (json_int_t)pend, "run", (json_int_t)run, "susp", 0));
		if (q->description)
			json_object_set_new(json_array_get(queues, json_array_size(queues) - 1),
			    "description", json_string(q->description));
		admin_queue_decorate(m, q, json_array_get(queues, json_array_size(queues) - 1));
	}
	control_reply(m, rq, true, json_pack("{s:o, s:s}", "queues", queues,
	    "default_queue", m->conf->default_queue), NULL, NULL);
}

void
query_info(struct master *m, struct reqctx *rq, json_t *args)
{
	control_reply(m, rq, true, json_pack("{s:s, s:s, s:s, s:s}", "cluster",
	    m->conf->cluster, "master", m->hostname, "version", PUMICE_VERSION,
	    "user", rq->user), NULL, NULL);
}
