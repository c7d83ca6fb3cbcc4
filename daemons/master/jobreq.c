/*
 * jobreq.c - a job's requirements (sched.h struct jobreq), parsed from the
 * options its submit event recorded (SUBMIT.opts: R, n, M, W, x, m, sp,
 * r, rn), the hosts requeue events excluded (spec xhosts) and its queue
 * (RES_REQ, MEMLIMIT, RUNLIMIT, EXCLUSIVE, RERUNNABLE). The master
 * checks them at submission, so a bad -R is refused with a message; the
 * parsed form is kept on the job (job->req) from its first pass on and is
 * derived data: replay rebuilds it from the same event. Jobs with the same
 * queue, slots and scheduling options share one refcounted copy, held in
 * sched_state's table until badmin reconfig or shutdown.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "consum.h"
#include "envtab.h"
#include "master.h"
#include "sched.h"
#include "shellwords.h"
#include "units.h"
#include "util.h"

static const char *
jr_opt(const json_t *spec, const char *k)
{
	return json_string_value(json_object_get(json_object_get(spec, "opts"), k));
}

static int
jr_queue_index(const struct conf *c, const char *queue)
{
	for (size_t i = 0; i < c->nqueues; i++)
		if (strcmp(c->queues[i].name, queue) == 0)
			return (int)i;
	return -1;
}

/* -R strings: the queue's RES_REQ first, then each -R in order. */
static int
jr_resreq(struct jobreq *r, const struct conf *c, const json_t *spec,
    const struct schedconf_queue *sq, char *err, size_t errlen)
{
	const json_t *rs = json_object_get(json_object_get(spec, "opts"), "R"), *v;
	char e[256];
	size_t i;

	if (sq != NULL && sq->res_req != NULL &&
	    resreq_parse(&r->rr, sq->res_req, c->unit_for_limits, e, sizeof(e)) < 0)
		return errf(err, errlen, "queue RES_REQ: %s", e);
	if (json_is_string(rs) && resreq_parse(&r->rr, json_string_value(rs),
	    c->unit_for_limits, e, sizeof(e)) < 0)
		return errf(err, errlen, "%s: Bad resource requirement syntax (%s)",
		    json_string_value(rs), e);
	json_array_foreach(rs, i, v)
		if (json_is_string(v) && resreq_parse(&r->rr, json_string_value(v),
		    c->unit_for_limits, e, sizeof(e)) < 0)
			return errf(err, errlen, "%s: Bad resource requirement syntax (%s)",
			    json_string_value(v), e);
	if (r->rr.span_hosts == 1 && r->rr.ptile > 0)
		return errf(err, errlen, "span[hosts=1] and span[ptile] exclude each other");
	return 0;
}

/* -n min[,max] (the CLI checked the syntax). */
static int
jr_slots(struct jobreq *r, const json_t *spec, char *err, size_t errlen)
{
	const char *n = jr_opt(spec, "n");
	const char *comma;

	r->nmin = (int)json_integer_value(json_object_get(spec, "nslots"));
	if (r->nmin < 1)
		r->nmin = 1;
	r->nmax = r->nmin;
	if (n != NULL) {
		r->nmin = atoi(n);
		r->nmax = (comma = strchr(n, ',')) ? atoi(comma + 1) : r->nmin;
	}
	if (r->nmin < 1 || r->nmax < r->nmin || r->nmax > 100000)
		return errf(err, errlen, "%s: Bad argument for option -n", n ? n : "?");
	return 0;
}

/* -M (with LSF_UNIT_FOR_LIMITS) and queue MEMLIMIT. */
static int
jr_mem(struct jobreq *r, const struct conf *c, const json_t *spec,
    const struct schedconf_queue *sq, char *err, size_t errlen)
{
	const char *m = jr_opt(spec, "M");
	char *copy, *bang, e[128];
	uint64_t kb = 0;

	if (m != NULL) {
		copy = xstrdup(m);
		if ((bang = strchr(copy, '!')) != NULL)
			*bang = '\0';
		r->mem_hard = bang != NULL;
		if (units_parse_size(copy, c->unit_for_limits, &kb, e, sizeof(e)) < 0) {
			free(copy);
			return errf(err, errlen, "%s: Bad argument for option -M", m);
		}
		free(copy);
	}
	if (sq != NULL && sq->memlimit_max > 0 && kb > sq->memlimit_max)
		return errf(err, errlen, "-M %s: Cannot exceed queue's hard limit(s)", m);
	r->mem_limit_kb = kb > 0 ? kb : sq ? sq->memlimit_def : 0;
	r->rsv_kb = r->rr.mem_kb > 0 ? r->rr.mem_kb : kb;
	return 0;
}

/* -W [h:]m[/host] and queue RUNLIMIT. */
static int
jr_run(struct jobreq *r, const json_t *spec, const struct schedconf_queue *sq,
    char *err, size_t errlen)
{
	const char *w = jr_opt(spec, "W");
	char *copy, *slash, e[128];
	long secs = -1;

	if (w != NULL) {
		copy = xstrdup(w);
		if ((slash = strchr(copy, '/')) != NULL)
			*slash = '\0';
		if (units_parse_minutes(copy, &secs, e, sizeof(e)) < 0) {
			free(copy);
			return errf(err, errlen, "%s: Bad argument for option -W", w);
		}
		free(copy);
	}
	if (sq != NULL && sq->runlimit_max >= 0 && secs > sq->runlimit_max)
		return errf(err, errlen, "-W %s: Cannot exceed queue's hard limit(s)", w);
	r->run_limit = secs >= 0 ? secs : sq ? sq->runlimit_def : -1;
	return 0;
}

/* "host!" marks a first-execution-host candidate (IBM); placement takes
 * it as an ordinary candidate, so the mark goes. */
static void
jr_first_host_marks(char **words)
{
	size_t n;

	for (char **w = words; w != NULL && *w != NULL; w++)
		if ((n = strlen(*w)) > 1 && (*w)[n - 1] == '!')
			(*w)[n - 1] = '\0';
}

static int
jr_misc(struct jobreq *r, const struct conf *c, const json_t *spec,
    const struct schedconf_queue *sq, const char *queue, char *err, size_t errlen)
{
	const char *m = jr_opt(spec, "m"), *sp = jr_opt(spec, "sp");
	const json_t *x = json_object_get(json_object_get(spec, "opts"), "x");

	r->exclusive = json_is_true(x);
	r->rerunnable = json_is_true(json_object_get(json_object_get(spec, "opts"), "r")) ||
	    (sq != NULL && sq->rerunnable &&
	    !json_is_true(json_object_get(json_object_get(spec, "opts"), "rn")));
	if (r->exclusive && (sq == NULL || !sq->exclusive))
		return errf(err, errlen, "%s: Queue does not accept EXCLUSIVE jobs "
		    "(EXCLUSIVE=Y in lsb.queues)", queue);
	if (m != NULL && shellwords_split(m, &r->mhosts, NULL, 0) < 0)
		return errf(err, errlen, "%s: Bad argument for option -m", m);
	jr_first_host_marks(r->mhosts);
	if (sp != NULL) {
		r->user_prio = atoi(sp);
		if (c->sched == NULL || c->sched->max_user_priority == 0)
			return errf(err, errlen, "-sp: user priority is not enabled "
			    "(MAX_USER_PRIORITY in lsb.params)");
		if (r->user_prio < 1 || r->user_prio > c->sched->max_user_priority)
			return errf(err, errlen, "-sp %s: must be from 1 to "
			    "MAX_USER_PRIORITY (%d)", sp, c->sched->max_user_priority);
	}
	return 0;
}

/* The hosts REQUEUE_EXIT_VALUES EXCLUDE() took from the job (its spec's
 * "xhosts", set by requeue events). */
static void
jr_xhosts(struct jobreq *r, const json_t *spec)
{
	const json_t *a = json_object_get(spec, "xhosts"), *v;
	size_t i, n = 0;

	if (json_array_size(a) == 0)
		return;
	r->xhosts = xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			r->xhosts[n++] = xstrdup(json_string_value(v));
}

/* The key of jobs that place alike. */
static char *
jr_shape(const struct jobreq *r, const char *queue)
{
	char order[128] = "", *m = NULL, *s, *cons = jobcons_shape(r);
	size_t len = 0;

	for (int i = 0; i < r->rr.norder && len + 16 < sizeof(order); i++)
		len += (size_t)snprintf(order + len, sizeof(order) - len, "%s%s:",
		    r->rr.order[i].reverse ? "-" : "", selexpr_index_name(r->rr.order[i].idx));
	for (char **w = r->mhosts; w != NULL && *w != NULL; w++) {
		s = xasprintf("%s %s", m ? m : "", *w);
		free(m);
		m = s;
	}
	for (char **w = r->xhosts; w != NULL && *w != NULL; w++) {
		s = xasprintf("%s ~%s", m ? m : "", *w);
		free(m);
		m = s;
	}
	s = xasprintf("%s|%d,%d|%s|%s|%d,%d|%llu|%d|%ld|%s|%s", queue, r->nmin, r->nmax,
	    r->rr.select_text ? r->rr.select_text : "", order, r->rr.span_hosts,
	    r->rr.ptile, (unsigned long long)r->rsv_kb, r->exclusive, r->run_limit,
	    m ? m : "", cons);
	free(m);
	free(cons);
	return s;
}

struct jobreq *
jobreq_build(const struct conf *c, const json_t *spec, const char *queue,
    char *err, size_t errlen)
{
	struct jobreq *r = xcalloc(1, sizeof(*r));
	int qi = jr_queue_index(c, queue);
	const struct schedconf_queue *sq = NULL;

	resreq_init(&r->rr);
	if (qi >= 0 && c->sched != NULL)
		sq = &c->sched->queues[qi];
	if (qi < 0)
		errf(err, errlen, "%s: No such queue", queue);
	if (qi < 0 || jr_resreq(r, c, spec, sq, err, errlen) < 0 ||
	    jobcons_build(r, c->sched, spec, err, errlen) < 0 ||
	    jr_slots(r, spec, err, errlen) < 0 || jr_mem(r, c, spec, sq, err, errlen) < 0 ||
	    jr_run(r, spec, sq, err, errlen) < 0 ||
	    jr_misc(r, c, spec, sq, queue, err, errlen) < 0) {
		jobreq_free(r);
		return NULL;
	}
	jr_xhosts(r, spec);
	r->shape = jr_shape(r, queue);
	r->refs = 1;
	return r;
}

void
jobreq_free(struct jobreq *r)
{
	if (r == NULL || --r->refs > 0)
		return;
	resreq_free(&r->rr);
	jobcons_free(r);
	shellwords_free(r->mhosts);
	shellwords_free(r->xhosts);
	free(r->shape);
	free(r->err);
	free(r);
}

/* A -m word names a known host, a host group or "others". */
static bool
jr_host_known(struct master *m, const char *word)
{
	char *name = xstrdup(word), *plus = strchr(name, '+');
	bool ok;

	if (plus != NULL)
		*plus = '\0';
	ok = strcmp(name, "others") == 0 || host_find(m, name) != NULL ||
	    schedconf_host(m->conf->sched, name) != NULL ||
	    schedconf_hgroup(m->conf->sched, name) != NULL;
	free(name);
	return ok;
}

/* Queue USERS: the user, a group holding it, or all. */
static bool
jr_user_allowed(const struct conf *c, const struct conf_queue *q, const char *user)
{
	if (q == NULL || q->users == NULL || conf_is_admin(c, user))
		return true;
	for (char **u = q->users; *u != NULL; u++)
		if (strcmp(*u, user) == 0 || schedconf_ugroup_has(c->sched, *u, user))
			return true;
	return false;
}

int
jobreq_check(struct master *m, const json_t *spec, const char *queue,
    const char *user, char *err, size_t errlen)
{
	struct jobreq *r;
	int rc = 0;

	if (!jr_user_allowed(m->conf, conf_queue(m->conf, queue), user))
		return errf(err, errlen, "%s: User cannot use the queue", queue);
	if ((r = jobreq_build(m->conf, spec, queue, err, errlen)) == NULL)
		return -1;
	for (char **w = r->mhosts; w != NULL && *w != NULL && rc == 0; w++)
		if (!jr_host_known(m, *w))
			rc = errf(err, errlen, "%s: Bad host name, host group name or "
			    "cluster name", *w);
	jobreq_free(r);
	return rc;
}

/* What the requirements depend on: queue, slots and the options that
 * matter, so that a million jobs alike share one parsed copy. */
static char *
jr_key(const struct job *j)
{
	static const char *keys[] = { "R", "n", "M", "W", "x", "m", "sp", "r", "rn",
	    "gpu" };
	json_t *opts = jobspec_get(j, "opts"), *o = json_object();
	json_t *xhosts = jobspec_get(j, "xhosts");
	char *text, *key;

	for (size_t i = 0; i < nitems(keys); i++)
		if (json_object_get(opts, keys[i]) != NULL)
			json_object_set(o, keys[i], json_object_get(opts, keys[i]));
	if (xhosts != NULL)	/* not an option: ~ */
		json_object_set(o, "~", xhosts);
	json_decref(opts);
	json_decref(xhosts);
	text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	key = xasprintf("%s|%d|%s", j->queue, j->nslots, text ? text : "");
	free(text);
	json_decref(o);
	return key;
}

/* The options and exclusions as submitted: jobs with equal raw keys have
 * equal keys, so jobs alike in a row (a pack, a replay, the first pass
 * after a restart) skip jr_key's decoding. */
static char *
jr_raw_key(const struct job *j)
{
	const char *o, *x;
	size_t no = jobspec_raw(j, "opts", &o), nx = jobspec_raw(j, "xhosts", &x);

	return xasprintf("%s|%d|%.*s|%.*s", j->queue, j->nslots, (int)no,
	    o ? o : "", (int)nx, x ? x : "");
}

static struct jobreq *
jr_build_or_err(struct master *m, struct job *j)
{
	struct jobreq *r;
	char err[512];
	json_t *spec = jobspec_tree(j);

	r = jobreq_build(m->conf, spec, j->queue, err, sizeof(err));
	json_decref(spec);
	if (r != NULL)
		return r;
	/* e.g. the queue changed under it: it pends with the reason */
	r = xcalloc(1, sizeof(*r));
	r->nmin = r->nmax = j->nslots;
	r->run_limit = -1;
	r->err = xstrdup(err);
	r->shape = xstrdup("");
	r->refs = 1;
	return r;
}

const struct jobreq *
jobreq_of(struct master *m, struct job *j)
{
	struct sched_state *st;
	struct strmap_ent *e;
	char *key, *raw;

	if (j->req != NULL)
		return j->req;
	st = sched_state(m);
	raw = jr_raw_key(j);
	if (st->req_memo != NULL && strcmp(raw, st->req_memo_raw) == 0) {
		free(raw);
		j->req = st->req_memo;
		j->req->refs++;
		return j->req;
	}
	key = jr_key(j);
	e = strmap_get(&st->reqs, key, 1);
	free(key);
	if (e->p == NULL)
		e->p = jr_build_or_err(m, j);	/* the table's reference */
	free(st->req_memo_raw);
	st->req_memo_raw = raw;
	st->req_memo = e->p;
	j->req = e->p;
	j->req->refs++;
	return j->req;
}

static void
jr_flush_one(struct strmap_ent *e, void *arg)
{
	jobreq_free(e->p);
	e->p = NULL;
}

void
jobreq_flush(struct sched_state *st)
{
	strmap_foreach(&st->reqs, jr_flush_one, NULL);
	strmap_clear(&st->reqs);
	free(st->req_memo_raw);
	st->req_memo_raw = NULL;
	st->req_memo = NULL;
}

/*
 * -M as LSF defines it: the shepherd kills on the job's total memory
 * ("mem_limit") only with LSB_JOB_MEMLIMIT=y or LSB_MEMLIMIT_ENFORCE=y in
 * lsf.conf, or a hard limit "-M 50MB!"; unless LSB_JOB_MEMLIMIT=y the
 * limit is also each process's RLIMIT_RSS, LSF's OS-enforced per-process
 * limit (which Linux accepts and does not enforce, as under LSF).
 */
static void
jobreq_memlimit(const struct conf *c, const struct jobreq *r, json_t *spec)
{
	json_t *rl = json_object_get(spec, "rlimits");

	if (r->mem_hard || c->job_memlimit || c->memlimit_enforce)
		json_object_set_new(spec, "mem_limit", json_integer((json_int_t)r->mem_limit_kb));
	if (c->job_memlimit)
		return;
	if (!json_is_object(rl)) {
		rl = json_object();
		json_object_set_new(spec, "rlimits", rl);
	}
	json_object_set_new(rl, "rss", json_integer((json_int_t)(r->mem_limit_kb * 1024)));
}

void
jobreq_jobspec(struct master *m, struct job *j, json_t *spec)
{
	const struct jobreq *r = jobreq_of(m, j);

	if (r->mem_limit_kb > 0)
		jobreq_memlimit(m->conf, r, spec);
	if (r->run_limit >= 0)
		json_object_set_new(spec, "run_limit", json_integer(r->run_limit));
}
