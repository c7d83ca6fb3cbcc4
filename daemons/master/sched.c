/*
 * sched.c - the scheduling pass and dependency evaluation.
 *
 * A pass walks the jobs with pending elements in queue-priority then
 * submission order, checks each job's dependency once, and places its
 * pending elements on the hosts with the most free slots (plain first come,
 * first served; policies and limits come with the scheduler issue). A pass
 * dispatches at most SCHED_SLICE elements and then asks for another pass,
 * so a large backlog never stalls the event loop.
 */
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "util.h"

#define SCHED_SLICE 2000

/* ---- dependencies ---- */

struct dep_counts {
	long total, done, exit, run, pend, hold;
	bool codes_ok, codes_bad;	/* for exit(X, op n) */
};

struct dep_ctx {
	struct master *m;
	const char *user;
	long self;
	const struct dep_node *cond;
	struct dep_counts c;
};

static void
dep_count_elem(struct job *j, long idx, struct dep_ctx *x)
{
	struct elem *e = job_elem(j, idx);
	int st = job_elem_state(j, idx, NULL);

	x->c.total++;
	if (st == JS_DONE)
		x->c.done++;
	else if (st == JS_EXIT) {
		x->c.exit++;
		if (x->cond->op != DEP_OP_NONE) {
			if (dep_op_test(x->cond->op, x->cond->value, e ? e->exit_code : 0))
				x->c.codes_ok = true;
			else
				x->c.codes_bad = true;
		}
	} else if (st & JS_PENDING) {
		x->c.pend++;
		if (st == JS_PSUSP)
			x->c.hold++;
	} else
		x->c.run++;
}

static void
dep_count_job(struct job *j, const char *list, struct dep_ctx *x)
{
	struct arrayspec sel;
	long pos;
	size_t i;

	if (list != NULL && strcmp(list, "*") != 0 && job_is_array(j) &&
	    arrayspec_parse_list(list, 2147483646L, &sel, NULL, 0) == 0) {
		for (pos = 0; pos < sel.count; pos++)
			if (arrayspec_has(&j->arr, arrayspec_at(&sel, pos)))
				dep_count_elem(j, arrayspec_at(&sel, pos), x);
		arrayspec_free(&sel);
		return;
	}
	if (x->cond->op != DEP_OP_NONE && x->cond->cond == DEP_EXIT) {
		/* exit codes live in element records */
		for (i = 0; i < j->ehash_size; i++) {
			struct elem *e;
			for (e = j->ehash[i]; e != NULL; e = e->hnext)
				if (e->state == JS_EXIT) {
					if (dep_op_test(x->cond->op, x->cond->value, e->exit_code))
						x->c.codes_ok = true;
					else
						x->c.codes_bad = true;
				}
		}
	}
	x->c.total += j->count;
	x->c.done += j->ndone;
	x->c.exit += j->nexit;
	x->c.run += j->nrun;
	x->c.pend += job_pending_count(j);
}

static dep_value
dep_num(const struct dep_node *n, const struct dep_counts *c)
{
	long v;

	switch (n->cond) {
	case DEP_NUMDONE: v = c->done; break;
	case DEP_NUMENDED: v = c->done + c->exit; break;
	case DEP_NUMEXIT: v = c->exit; break;
	case DEP_NUMPEND: v = c->pend; break;
	case DEP_NUMRUN: v = c->run; break;
	case DEP_NUMHOLD: v = c->hold; break;
	default: v = c->run + c->done + c->exit; break;
	}
	if (n->op == DEP_OP_ALL ? v == c->total : dep_op_test(n->op, n->value, v))
		return DEP_TRUE;
	if (c->done + c->exit == c->total)
		return DEP_NEVER;
	return DEP_FALSE;
}

static dep_value
dep_value_of(const struct dep_node *n, const struct dep_counts *c)
{
	switch (n->cond) {
	case DEP_DONE:
	case DEP_POST_DONE:
		return c->done == c->total ? DEP_TRUE : c->exit > 0 ? DEP_NEVER : DEP_FALSE;
	case DEP_ENDED:
		return c->done + c->exit == c->total ? DEP_TRUE : DEP_FALSE;
	case DEP_EXIT:
	case DEP_POST_ERR:
		if (c->done > 0 || c->codes_bad)
			return DEP_NEVER;
		return c->exit == c->total ? DEP_TRUE : DEP_FALSE;
	case DEP_STARTED:
		return c->pend == 0 ? DEP_TRUE : DEP_FALSE;
	case DEP_EXTERNAL:
		return DEP_FALSE;
	default:
		return dep_num(n, c);
	}
}

static bool
dep_name_match(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n > 0 && pat[n - 1] == '*')
		return strncmp(pat, name, n - 1) == 0;
	return strcmp(pat, name) == 0;
}

/* Calls fn on every job a name target refers to (the user's own jobs). */
static int
dep_foreach_named(struct master *m, const char *user, long self, const char *name,
    void (*fn)(struct job *, void *), void *arg)
{
	size_t i;
	int n = 0;

	for (i = 0; i < m->jhash_size; i++) {
		struct job *j;
		for (j = m->jhash[i]; j != NULL; j = j->hnext)
			if (j->id != self && strcmp(j->user, user) == 0 &&
			    dep_name_match(name, j->name)) {
				fn(j, arg);
				n++;
			}
	}
	return n;
}

static void
dep_named_cb(struct job *j, void *arg)
{
	struct dep_ctx *x = arg;

	dep_count_job(j, x->cond->target.idx, x);
}

static dep_value
dep_cond_cb(void *arg, const struct dep_node *n)
{
	struct dep_ctx *x = arg;
	struct job *j;

	memset(&x->c, 0, sizeof(x->c));
	x->cond = n;
	if (n->target.id > 0) {
		if ((j = job_find(x->m, n->target.id)) == NULL)
			return DEP_NEVER;
		dep_count_job(j, n->target.idx, x);
	} else if (n->target.name == NULL ||
	    dep_foreach_named(x->m, x->user, x->self, n->target.name, dep_named_cb, x) == 0)
		return DEP_NEVER;
	if (x->c.total == 0)
		return DEP_NEVER;
	return dep_value_of(n, &x->c);
}

dep_value
sched_dep_eval(struct master *m, struct job *j)
{
	struct dep_ctx x = { .m = m, .user = j->user, .self = j->id };

	if (j->dep == NULL)
		return DEP_TRUE;
	return dep_eval(j->dep, dep_cond_cb, &x);
}

struct dep_check {
	struct master *m;
	const char *user;
	char *err;
	size_t errlen;
};

static void
dep_check_noop(struct job *j, void *arg)
{
}

static int
dep_check_cb(void *arg, const struct dep_node *n)
{
	struct dep_check *x = arg;
	struct job *j;

	if (n->target.id > 0) {
		j = job_find(x->m, n->target.id);
		if (j == NULL)
			return errf(x->err, x->errlen, "%ld: No matching job found", n->target.id);
		if (n->cond >= DEP_NUMDONE && !job_is_array(j))
			return errf(x->err, x->errlen, "Job <%ld> is not a job array", j->id);
		return 0;
	}
	if (n->cond >= DEP_NUMDONE)
		return errf(x->err, x->errlen, "%s: num*() needs an array job ID",
		    n->target.name ? n->target.name : "?");
	if (n->target.name == NULL || dep_foreach_named(x->m, x->user, -1,
	    n->target.name, dep_check_noop, NULL) == 0)
		return errf(x->err, x->errlen, "%s: No matching job found",
		    n->target.name ? n->target.name : "?");
	return 0;
}

int
sched_dep_check(struct master *m, struct job *j, const char *user, char *err,
    size_t errlen)
{
	struct dep_check x = { m, user, err, errlen };

	return dep_walk(j->dep, dep_check_cb, &x) != 0 ? -1 : 0;
}

/* ---- placement ---- */

static int
sched_queue_prio(struct master *m, const struct job *j)
{
	const struct conf_queue *q = conf_queue(m->conf, j->queue);

	return q ? q->priority : 0;
}

static struct host *
sched_roomiest(struct master *m, const int *taken)
{
	struct host *h, *best = NULL;
	int i = 0, best_free = 0;

	TAILQ_FOREACH(h, &m->hosts, entry) {
		int free_slots = h->maxslots - h->used - taken[i++];
		if (h->status == HOST_OK && h->conn != NULL && free_slots > best_free) {
			best = h;
			best_free = free_slots;
		}
	}
	return best;
}

static int
sched_host_index(struct master *m, struct host *target)
{
	struct host *h;
	int i = 0;

	TAILQ_FOREACH(h, &m->hosts, entry) {
		if (h == target)
			return i;
		i++;
	}
	return -1;
}

/* Picks nslots slots: one host when one has room, else spread. */
static json_t *
sched_place(struct master *m, int nslots, int nhosts)
{
	int *taken = xcalloc((size_t)nhosts + 1, sizeof(int));
	json_t *hosts = json_array();
	struct host *h;
	int k;

	for (k = 0; k < nslots; k++) {
		if ((h = sched_roomiest(m, taken)) == NULL) {
			json_decref(hosts);
			free(taken);
			return NULL;
		}
		taken[sched_host_index(m, h)]++;
		json_array_append_new(hosts, json_string(h->name));
	}
	free(taken);
	return hosts;
}

/* The next pending index of j, or -1. */
static long
sched_next_idx(struct job *j)
{
	size_t i;

	if (!job_is_array(j)) {
		struct elem *e = job_elem(j, 0);
		return e && e->state == JS_PEND ? 0 : -1;
	}
	while (!j->pend_killed && j->next_pos < j->arr.count) {
		long idx = arrayspec_at(&j->arr, j->next_pos);
		struct elem *e = job_elem(j, idx);
		if (e == NULL || e->state == JS_PEND)
			return idx;
		j->next_pos++;
	}
	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (e->state == JS_PEND)
				return e->idx;
	}
	return -1;
}

static void
sched_set_reason(struct job *j, const char *reason)
{
	j->pend_reason = reason;
}

/* Dispatches what fits of j; returns how many elements started. */
static int
sched_job(struct master *m, struct job *j, int nhosts, int budget)
{
	dep_value dv = sched_dep_eval(m, j);
	int started = 0;
	long idx;

	if (dv != DEP_TRUE) {
		sched_set_reason(j, dv == DEP_NEVER ?
		    "Dependency condition invalid or never satisfied" :
		    "Job dependency condition not satisfied");
		return 0;
	}
	while (started < budget && job_pending_count(j) > 0) {
		json_t *hosts;
		if (j->arr.limit > 0 && j->nrun >= j->arr.limit) {
			sched_set_reason(j, "The job array has reached its job slot limit");
			break;
		}
		if ((idx = sched_next_idx(j)) < 0)
			break;
		if ((hosts = sched_place(m, j->nslots, nhosts)) == NULL) {
			sched_set_reason(j, "Not enough job slot(s)");
			break;
		}
		if (job_event(m, j->id, idx, "start", json_pack("{s:o}", "hosts", hosts)) < 0)
			break;
		agent_send_run(m, job_elem(j, idx));
		started++;
	}
	return started;
}

static int
sched_free_slots(struct master *m, int *nhosts)
{
	struct host *h;
	int free_slots = 0;

	*nhosts = 0;
	TAILQ_FOREACH(h, &m->hosts, entry) {
		(*nhosts)++;
		if (h->status == HOST_OK && h->conn != NULL && h->maxslots > h->used)
			free_slots += h->maxslots - h->used;
	}
	return free_slots;
}

struct sched_item {
	struct job *j;
	int prio;
};

static int
sched_cmp_item(const void *a, const void *b)
{
	const struct sched_item *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	return x->j->id < y->j->id ? -1 : x->j->id > y->j->id;
}

void
sched_pass(struct master *m)
{
	struct sched_item *v;
	struct job *j;
	size_t n = 0, i;
	int nhosts, budget = SCHED_SLICE, started;

	TAILQ_FOREACH(j, &m->pending, pend_entry)
		n++;
	if (n == 0)
		return;
	v = xcalloc(n, sizeof(*v));
	n = 0;
	TAILQ_FOREACH(j, &m->pending, pend_entry) {
		v[n].j = j;
		v[n++].prio = sched_queue_prio(m, j);
	}
	qsort(v, n, sizeof(*v), sched_cmp_item);
	for (i = 0; i < n; i++) {
		if (sched_free_slots(m, &nhosts) == 0) {
			if (v[i].j->dep == NULL || sched_dep_eval(m, v[i].j) == DEP_TRUE)
				sched_set_reason(v[i].j, "Not enough job slot(s)");
			else
				sched_job(m, v[i].j, nhosts, 0);
			continue;
		}
		started = sched_job(m, v[i].j, nhosts, budget);
		budget -= started;
		if (budget <= 0) {
			loop_want_sched(m);
			break;
		}
	}
	free(v);
}
