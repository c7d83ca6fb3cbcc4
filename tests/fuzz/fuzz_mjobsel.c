/* fuzz_mjobsel.c - libFuzzer target: the master's job selection, as every
 * job query and job control request decodes it (jobsel.c): the filter
 * from a request's args (-u -J -q -m -P -g and the state flags) matched
 * against every job and element, and each explicit SEL {id, idx} of
 * "ids" resolved (with the texts for what is missing). The input is the
 * request's args as JSON; the master is a real one, in a scratch
 * directory, with a plain job, a running job and a job array. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "jobsel.h"
#include "fuzzmaster.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct master fuzz_m;

static void
fuzz_elem(struct job *j, long idx, void *arg)
{
	(void)jobsel_elem_match(arg, j, idx);
}

/* The filter against every job, as a listing without ids does. */
static void
fuzz_filter(json_t *args)
{
	struct reqctx rq = { .user = "alice", .rid = -1 };
	struct jobsel_filter f;
	char err[512], *namebuf;
	struct job *j;
	long id;

	(void)jobsel_filter_check(&fuzz_m, args, err, sizeof(err));
	jobsel_filter_init(&fuzz_m, &rq, args, &f, &namebuf);
	for (id = 1; id < fuzz_m.next_id; id++)
		if ((j = job_find(&fuzz_m, id)) != NULL && jobsel_job_match(&f, j))
			jobsel_foreach_idx(j, NULL, fuzz_elem, &f);
	free(namebuf);
}

/* The missing runs index by index (what jobsel_missing_elems did before
 * it walked only the job's indices), for small selections. */
static json_t *
fuzz_missing_slow(struct job *j, const struct arrayspec *sel)
{
	json_t *out = json_array();
	const struct arr_range *r;
	long idx, first;
	size_t k;

	for (k = 0; k < sel->nr; k++) {
		r = &sel->r[k];
		for (idx = r->start, first = -1; idx <= r->end + r->step; idx += r->step) {
			bool gone = idx <= r->end && !arrayspec_has(&j->arr, idx);
			if (gone && first < 0)
				first = idx;
			if (gone || first < 0)
				continue;
			if (first == idx - r->step)
				json_array_append_new(out, json_sprintf("%ld[%ld]", j->id, first));
			else if (r->step == 1)
				json_array_append_new(out, json_sprintf("%ld[%ld-%ld]", j->id,
				    first, idx - 1));
			else
				json_array_append_new(out, json_sprintf("%ld[%ld-%ld:%ld]", j->id,
				    first, idx - r->step, r->step));
			first = -1;
		}
	}
	return out;
}

/* Each SEL of ids, with both wordings of "missing". */
static void
fuzz_resolve(json_t *ids)
{
	struct arrayspec idx;
	json_t *sel, *labels, *missing = json_array();
	struct job *j;
	char *text;
	bool has_idx;
	size_t i;
	int ctl;

	json_array_foreach(ids, i, sel)
		for (ctl = 0; ctl < 2; ctl++) {
			j = jobsel_resolve(&fuzz_m, sel, &idx, &has_idx, ctl, &text);
			if ((j == NULL) != (text != NULL))
				abort();
			free(text);
			if (j == NULL || !has_idx)
				continue;
			labels = jobsel_missing_elems(j, &idx);
			if (idx.count <= 4096) {
				json_t *slow = fuzz_missing_slow(j, &idx);
				if (!json_equal(slow, labels))
					abort();
				json_decref(slow);
			}
			jobsel_missing_add(missing, labels, ctl);
			arrayspec_free(&idx);
		}
	json_decref(missing);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *args = json_loadb((const char *)data, size, 0, NULL);

	if (fuzz_m.conf == NULL)
		fuzzmaster_init(&fuzz_m, false);
	if (json_is_object(args)) {
		fuzz_filter(args);
		if (json_is_array(json_object_get(args, "ids")))
			fuzz_resolve(json_object_get(args, "ids"));
	}
	json_decref(args);
	return 0;
}
