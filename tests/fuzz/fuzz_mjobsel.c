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
#include <unistd.h>
#include <event2/event.h>

#include "master.h"
#include "jobsel.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct master fuzz_m;

static void
fuzz_apply(long id, const char *type, json_t *data)
{
	if (job_event(&fuzz_m, id, 0, type, data) < 0)
		abort();
}

/* The loop never runs: the fixture is built, then only read. */
static void
fuzz_never(evutil_socket_t fd, short what, void *arg)
{
	abort();
}

static void
fuzz_put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name), *d = xstrdup(path);
	FILE *fp;

	*strrchr(d, '/') = '\0';
	if (mkdir_p(d, 0700) < 0 || (fp = fopen(path, "w")) == NULL ||
	    fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
	free(path);
	free(d);
}

static char fuzz_dir[64];

static void
fuzz_cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", fuzz_dir);

	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_mjobsel: cannot remove %s\n", fuzz_dir);
	free(cmd);
}

static void
fuzz_setup(void)
{
	char *dir = fuzz_dir;
	struct master *m = &fuzz_m;
	char err[512], *state;

	if (mkdtemp(strcpy(dir, "/tmp/fuzz_mjobsel.XXXXXX")) == NULL)
		abort();
	atexit(fuzz_cleanup);
	fuzz_put(dir, "lsf.conf", "LSF_CLUSTER_NAME=fz\n");
	fuzz_put(dir, "lsbatch/fz/configdir/lsb.queues", "Begin Queue\nQUEUE_NAME = normal\n"
	    "End Queue\nBegin Queue\nQUEUE_NAME = short\nEnd Queue\n");
	fuzz_put(dir, "lsbatch/fz/configdir/lsb.users", "Begin UserGroup\n"
	    "GROUP_NAME GROUP_MEMBER\ngrp (alice bob)\nEnd UserGroup\n");
	if ((m->conf = conf_load(dir, 1, err, sizeof(err))) == NULL)
		abort();
	master_init(m);
	m->base = event_base_new();
	m->commit_ev = event_new(m->base, -1, 0, fuzz_never, NULL);
	m->sched_ev = event_new(m->base, -1, 0, fuzz_never, NULL);
	state = xasprintf("%s/state", dir);
	if (mkdir_p(state, 0700) < 0 || (m->store = store_open(state, err, sizeof(err))) == NULL)
		abort();
	free(state);
	fuzz_apply(m->next_id, "submit", json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:s}}",
	    "name", "plain", "user", "alice", "queue", "normal", "nslots", 1, "opts",
	    "P", "proj", "g", "/grp/sub"));
	fuzz_apply(m->next_id, "submit", json_pack("{s:s, s:s, s:s, s:i, s:{}}",
	    "name", "run", "user", "bob", "queue", "short", "nslots", 1, "opts"));
	fuzz_apply(m->next_id - 1, "start", json_pack("{s:[s]}", "hosts", "n1"));
	fuzz_apply(m->next_id, "submit", json_pack("{s:s, s:s, s:s, s:s, s:i, s:{}}",
	    "name", "arr", "user", "carol", "queue", "normal", "array", "1-10,20-30:2",
	    "nslots", 1, "opts"));
	store_commit(m->store);
}

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
		fuzz_setup();
	if (json_is_object(args)) {
		fuzz_filter(args);
		if (json_is_array(json_object_get(args, "ids")))
			fuzz_resolve(json_object_get(args, "ids"));
	}
	json_decref(args);
	return 0;
}
