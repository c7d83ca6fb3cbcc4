/*
 * jobsel.c - which jobs a request names, on a floor below the queries and
 * the job control ops: the -u/-J/-q/-m/state filters, explicit selections
 * ("123", "123[1-5]") with LSF's "not found" texts for what they miss,
 * who may act on a job, and control_select, which runs a job control
 * action on every job a request selects.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jobsel.h"
#include "envtab.h"
#include "jobstate.h"
#include "master.h"
#include "proto.h"
#include "schedconf.h"
#include "util.h"

/*
 * '*' matches any run of characters; nothing else is special. Only the
 * last '*' is ever retried (a later one matches whatever an earlier one
 * could), so a match costs at most len(p) * len(s) steps: the recursive
 * form took exponential time on "*a*a*a*...b" (found by fuzz_mjobsel).
 */
static bool
jobsel_glob(const char *p, const char *s)
{
	const char *star = NULL, *retry = s;

	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			retry = s;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = ++retry;
		} else
			return false;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static int
jobsel_state_mask(json_t *args)
{
	static const struct { const char *w; int mask; } words[] = {
		{ "pending", JS_PENDING }, { "running", JS_RUN | JS_UNKWN },
		{ "suspended", JS_SUSPENDED }, { "finished", JS_FINISHED },
		{ "done", JS_FINISHED },
	};
	json_t *states = json_object_get(args, "states"), *v;
	int mask = 0;
	size_t i, k;

	if (json_is_true(json_object_get(args, "all_states")))
		return ~0;
	json_array_foreach(states, i, v) {
		const char *w = json_string_value(v);
		if (w == NULL)
			continue;
		mask |= jobstate_parse(w);
		for (k = 0; k < nitems(words); k++)
			if (strcasecmp(words[k].w, w) == 0)
				mask |= words[k].mask;
	}
	return mask ? mask : JS_UNFINISHED;
}

static bool
jobsel_elem_hosted(struct job *j, long idx, const char *host)
{
	struct elem *e = job_elem(j, idx);
	int i;

	for (i = 0; e != NULL && e->hosts != NULL && i < e->nslots; i++)
		if (strcmp(e->hosts[i], host) == 0)
			return true;
	return false;
}

/* Whether any unfinished element of j runs on host (bkill -m). */
static bool
jobsel_job_hosted(struct job *j, const char *host)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (!(e->state & JS_FINISHED) && jobsel_elem_hosted(j, e->idx, host))
				return true;
	}
	return false;
}

/* Whether group g (bsub -g; NULL: none) is want or below it. */
static bool
jobsel_in_group(const char *g, const char *want)
{
	size_t n = strlen(want);

	if (g == NULL || strncmp(g, want, n) != 0)
		return false;
	return g[n] == '\0' || g[n] == '/' || (n > 0 && want[n - 1] == '/');
}

/* -g: read from the job's compact spec, only when asked. */
static bool
jobsel_group_match(const struct jobsel_filter *f, struct job *j)
{
	json_t *opts;
	bool in;

	if (f->group == NULL)
		return true;
	opts = jobspec_get(j, "opts");
	in = jobsel_in_group(json_string_value(json_object_get(opts, "g")), f->group);
	json_decref(opts);
	return in;
}

bool
jobsel_job_match(const struct jobsel_filter *f, struct job *j)
{
	if (f->user && (f->ugroups != NULL ? !schedconf_ugroup_has(f->ugroups,
	    f->user, j->user) : strcmp(f->user, j->user) != 0))
		return false;
	if (f->queue && strcmp(f->queue, j->queue) != 0)
		return false;
	if (f->name && !jobsel_glob(f->name, j->name))
		return false;
	if (f->name_idx >= 0 && (!job_is_array(j) || !arrayspec_has(&j->arr, f->name_idx)))
		return false;
	if (!jobsel_group_match(f, j))
		return false;
	return f->project == NULL ||
	    strcmp(job_project(f->m, jobspec_view(f->m, j)), f->project) == 0;
}

bool
jobsel_elem_match(const struct jobsel_filter *f, struct job *j, long idx)
{
	int state = job_elem_state(j, idx, NULL);
	struct elem *e = job_elem(j, idx);

	if (e && (e->state & JS_RUN) && e->host && e->host->status == HOST_UNAVAIL)
		state = JS_UNKWN;
	if (!(state & f->mask))
		return false;
	if (f->name_idx >= 0 && idx != f->name_idx)
		return false;
	return f->host == NULL || jobsel_elem_hosted(j, idx, f->host);
}

/* Calls fn for each index of j (in idxlist when given). */
void
jobsel_foreach_idx(struct job *j, const struct arrayspec *sel,
    void (*fn)(struct job *, long, void *), void *arg)
{
	long pos;

	if (!job_is_array(j)) {
		fn(j, 0, arg);
		return;
	}
	if (sel != NULL) {
		for (pos = 0; pos < sel->count; pos++) {
			long idx = arrayspec_at(sel, pos);
			if (arrayspec_has(&j->arr, idx))
				fn(j, idx, arg);
		}
		return;
	}
	for (pos = 0; pos < j->arr.count; pos++)
		fn(j, arrayspec_at(&j->arr, pos), arg);
}

/* Whether user is known: a local account, a user group, or a job owner. */
static bool
jobsel_user_known(struct master *m, const char *user)
{
	struct job *j;
	size_t i;

	if (strcmp(user, "all") == 0 || schedconf_ugroup(m->conf->sched, user) != NULL ||
	    getpwnam(user) != NULL)
		return true;
	for (i = 0; i < m->jhash_size; i++)
		for (j = m->jhash[i]; j != NULL; j = j->hnext)
			if (strcmp(j->user, user) == 0)
				return true;
	return false;
}

/* -q and -u name something that exists; -1 with LSF's text if not. */
int
jobsel_filter_check(struct master *m, json_t *args, char *err, size_t errlen)
{
	const char *queue = proto_str(args, "queue"), *user = proto_str(args, "user");

	if (queue != NULL && conf_queue(m->conf, queue) == NULL)
		return errf(err, errlen, "%s: No such queue", queue);
	if (user != NULL && !jobsel_user_known(m, user))
		return errf(err, errlen, "%s: No such user", user);
	return 0;
}

void
jobsel_filter_init(struct master *m, struct reqctx *rq, json_t *args,
    struct jobsel_filter *f, char **namebuf)
{
	const char *user = proto_str(args, "user"), *name = proto_str(args, "name");
	char *br;

	memset(f, 0, sizeof(*f));
	f->user = user == NULL ? rq->user : strcmp(user, "all") == 0 ? NULL : user;
	if (f->user != NULL && schedconf_ugroup(m->conf->sched, f->user) != NULL)
		f->ugroups = m->conf->sched;
	f->name_idx = -1;
	f->queue = proto_str(args, "queue");
	f->host = proto_str(args, "host");
	f->project = proto_str(args, "project");
	f->group = proto_str(args, "group");
	f->m = m;
	f->mask = jobsel_state_mask(args);
	*namebuf = NULL;
	if (name != NULL) {
		*namebuf = xstrdup(name);
		if ((br = strchr(*namebuf, '[')) != NULL && br[strlen(br) - 1] == ']') {
			f->name_idx = strtol(br + 1, NULL, 10);
			*br = '\0';
		}
		f->name = *namebuf;
	}
}

/* "Job <123> is not found" (bjobs), "Job <123>: No matching job found"
 * (the job control commands). */
static char *
jobsel_notfound(const char *label, bool ctl)
{
	return ctl ? xasprintf("Job <%s>: No matching job found", label) :
	    xasprintf("Job <%s> is not found", label);
}

/*
 * Resolves an explicit selection {id, idx}: the job and, for "123[1-5]",
 * the index list. Returns NULL and a "missing" text when it names nothing,
 * worded for bjobs or, with ctl, for the job control commands.
 */
struct job *
jobsel_resolve(struct master *m, json_t *sel, struct arrayspec *idx,
    bool *has_idx, bool ctl, char **missing)
{
	char *label;

	long id = (long)json_integer_value(json_object_get(sel, "id"));
	const char *list = proto_str(sel, "idx");
	struct job *j = job_find(m, id);
	char err[256];
	long pos;

	if (j == NULL)
		j = history_job(m, id);	/* purged from memory, still on disk */
	*has_idx = false;
	*missing = NULL;
	if (j == NULL) {
		label = list ? xasprintf("%ld[%s]", id, list) : xasprintf("%ld", id);
		*missing = jobsel_notfound(label, ctl);
		free(label);
		return NULL;
	}
	if (list == NULL)
		return j;
	if (!job_is_array(j)) {
		*missing = xasprintf("Job <%ld[%s]> is not a job array", id, list);
		return NULL;
	}
	if (arrayspec_parse_list(list, 2147483646L, idx, err, sizeof(err)) < 0) {
		*missing = xasprintf("Job <%ld[%s]>: %s", id, list, err);
		return NULL;
	}
	for (pos = 0; pos < idx->count; pos++)
		if (arrayspec_has(&j->arr, arrayspec_at(idx, pos)))
			break;
	if (pos == idx->count) {
		label = xasprintf("%ld[%s]", id, list);
		*missing = jobsel_notfound(label, ctl);
		free(label);
		arrayspec_free(idx);
		return NULL;
	}
	*has_idx = true;
	return j;
}

static int
jobsel_cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The indices of j in range r (on r's step), ascending; *n of them. The
 * walk visits j's indices inside r's bounds only: never r's whole span. */
static long *
jobsel_present(const struct job *j, const struct arr_range *r, size_t *n)
{
	const struct arr_range *q;
	long *out = NULL, idx, first;
	size_t k, cap = 0;

	*n = 0;
	for (k = 0; k < j->arr.nr; k++) {
		q = &j->arr.r[k];
		first = q->start >= r->start ? q->start :
		    q->start + (r->start - q->start + q->step - 1) / q->step * q->step;
		for (idx = first; idx <= q->end && idx <= r->end; idx += q->step) {
			if ((idx - r->start) % r->step != 0)
				continue;
			if (*n == cap)
				out = xrealloc(out, (cap = cap ? 2 * cap : 16) * sizeof(*out));
			out[(*n)++] = idx;
		}
	}
	if (*n > 1)
		qsort(out, *n, sizeof(*out), jobsel_cmp_long);
	return out;
}

/* The label of the run a..b (on step), when it is not empty. */
static void
jobsel_gap(json_t *out, long id, long a, long b, long step)
{
	if (a > b)
		return;
	if (a == b)
		json_array_append_new(out, json_sprintf("%ld[%ld]", id, a));
	else if (step == 1)
		json_array_append_new(out, json_sprintf("%ld[%ld-%ld]", id, a, b));
	else
		json_array_append_new(out, json_sprintf("%ld[%ld-%ld:%ld]", id, a, b, step));
}

/*
 * The runs of sel's indices that j lacks, as labels "6[9]", "6[9-12]",
 * "6[9-15:3]" (one per run, so a wide list costs a few lines, not one a
 * missing index). The runs are the gaps between the indices j has, so
 * "6[1-2147483646]" costs j's size, not two billion lookups.
 */
json_t *
jobsel_missing_elems(struct job *j, const struct arrayspec *sel)
{
	json_t *out = json_array();
	const struct arr_range *r;
	long *has, next, last;
	size_t k, i, n;

	for (k = 0; k < sel->nr; k++) {
		r = &sel->r[k];
		has = jobsel_present(j, r, &n);
		last = r->start + (r->end - r->start) / r->step * r->step;
		for (i = 0, next = r->start; i < n; next = has[i++] + r->step)
			jobsel_gap(out, j->id, next, has[i] - r->step, r->step);
		jobsel_gap(out, j->id, next, last, r->step);
		free(has);
	}
	return out;
}

/* Appends "Job <label> is not found" (or the ctl wording) for each label. */
void
jobsel_missing_add(json_t *missing, json_t *labels, bool ctl)
{
	const json_t *l;
	size_t i;
	char *text;

	json_array_foreach(labels, i, l) {
		text = jobsel_notfound(json_string_value(l), ctl);
		json_array_append_new(missing, json_string(text));
		free(text);
	}
	json_decref(labels);
}


bool
control_may_act(struct reqctx *rq, struct job *j)
{
	return rq->admin || strcmp(rq->user, j->user) == 0;
}

static void
jobsel_result(json_t *results, const char *job, bool ok, char *msg)
{
	json_array_append_new(results, json_pack("{s:s, s:b, s:s}", "job", job, "ok",
	    ok, "msg", msg));
	free(msg);
}

static void
jobsel_select_sel(struct master *m, struct reqctx *rq, json_t *sel,
    control_unit_fn fn, void *arg, json_t *results)
{
	struct arrayspec idx;
	bool has_idx, ok;
	char *msg, *label;
	struct job *j = jobsel_resolve(m, sel, &idx, &has_idx, true, &msg);
	json_t *gone, *g;
	size_t k;
	long pos;

	if (j == NULL) {
		label = xasprintf("%lld", (long long)json_integer_value(json_object_get(sel, "id")));
		jobsel_result(results, label, false, msg);
		free(label);
		return;
	}
	if (!has_idx) {
		label = xasprintf("%ld", j->id);
		ok = fn(m, rq, j, -1, arg, &msg);
		jobsel_result(results, label, ok, msg);
		free(label);
		return;
	}
	for (pos = 0; pos < idx.count; pos++) {
		long i = arrayspec_at(&idx, pos);
		if (!arrayspec_has(&j->arr, i))
			continue;
		label = xasprintf("%ld[%ld]", j->id, i);
		ok = fn(m, rq, j, i, arg, &msg);
		jobsel_result(results, label, ok, msg);
		free(label);
	}
	gone = jobsel_missing_elems(j, &idx);
	json_array_foreach(gone, k, g)
		jobsel_result(results, json_string_value(g), false,
		    jobsel_notfound(json_string_value(g), true));
	json_decref(gone);
	arrayspec_free(&idx);
}

static void
jobsel_select_filtered(struct master *m, struct reqctx *rq, json_t *args,
    control_unit_fn fn, void *arg, json_t *results)
{
	bool all = json_is_true(json_object_get(args, "all")), ok;
	struct jobsel_filter f;
	struct job *j, *next, *last = NULL;
	char *namebuf, *msg, *label, err[256];

	if (jobsel_filter_check(m, args, err, sizeof(err)) < 0) {
		jobsel_result(results, "", false, xstrdup(err));
		return;
	}
	jobsel_filter_init(m, rq, args, &f, &namebuf);
	for (j = TAILQ_FIRST(&m->byid); j != NULL; j = next) {
		next = TAILQ_NEXT(j, id_entry);	/* bkill -r may forget j */
		if (!jobsel_job_match(&f, j) || job_finished(j) ||
		    (f.host != NULL && !jobsel_job_hosted(j, f.host)))
			continue;
		if (!all) {
			last = j;
			continue;
		}
		label = xasprintf("%ld", j->id);
		ok = fn(m, rq, j, f.name_idx, arg, &msg);	/* before msg is read */
		jobsel_result(results, label, ok, msg);
		free(label);
	}
	if (!all && last != NULL) {
		label = xasprintf("%ld", last->id);
		ok = fn(m, rq, last, f.name_idx, arg, &msg);
		jobsel_result(results, label, ok, msg);
		free(label);
	}
	if (json_array_size(results) == 0)
		jobsel_result(results, "", false, xstrdup("No matching job found"));
	free(namebuf);
}

json_t *
control_select(struct master *m, struct reqctx *rq, json_t *args,
    control_unit_fn fn, void *arg)
{
	json_t *ids = json_object_get(args, "ids"), *sel, *results = json_array();
	size_t i;

	if (json_array_size(ids) > 0) {
		json_array_foreach(ids, i, sel)
			jobsel_select_sel(m, rq, sel, fn, arg, results);
	} else
		jobsel_select_filtered(m, rq, args, fn, arg, results);
	return results;
}

