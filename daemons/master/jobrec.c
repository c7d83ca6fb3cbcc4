/*
 * jobrec.c - a job element's JOBREC (pumice-protocol(7)), whole or only
 * the members a listing asks for. Each member is a row of one table: its
 * name and the function that adds it. A "jobs" request may name the
 * members its output format prints ("fields"): the default bjobs table
 * needs 8 of about 30 and none from the submit spec, so a page of them
 * neither decodes specs nor looks up projects nor formats index lists.
 * bsub -K, bwait and bjobs -l take the whole record (JOBREC_ALL).
 */
#include <stdlib.h>
#include <string.h>

#include "envtab.h"
#include "jobpage.h"
#include "jobstate.h"
#include "util.h"

/* What the builders of one record share, looked up once. */
struct jobrec_ctx {
	struct master *m;
	struct job *j;
	long idx;
	struct elem *e;
	int state;
	const char *reason;
	const json_t *spec;	/* decoded on first use (jobspec_view) */
};

typedef void (*jobrec_fn)(json_t *r, struct jobrec_ctx *x);

static void
jobrec_set_int(json_t *r, const char *k, long v)
{
	json_object_set_new_nocheck(r, k, json_integer(v));
}

static const json_t *
jobrec_spec(struct jobrec_ctx *x)
{
	if (x->spec == NULL)
		x->spec = jobspec_view(x->m, x->j);
	return x->spec;
}

static const char *
jobrec_spec_str(struct jobrec_ctx *x, const char *k)
{
	const char *v = json_string_value(json_object_get(jobrec_spec(x), k));

	return v ? v : "";
}

static void
jobrec_name(json_t *r, struct jobrec_ctx *x)
{
	char *name = job_display_name(x->j, x->idx);

	json_object_set_new_nocheck(r, "name", json_string(name));
	free(name);
}

static void
jobrec_user(json_t *r, struct jobrec_ctx *x)
{
	json_object_set_new_nocheck(r, "user", json_string(x->j->user));
}

static void
jobrec_stat(json_t *r, struct jobrec_ctx *x)
{
	json_object_set_new_nocheck(r, "stat", json_string(jobstate_name(x->state)));
}

static void
jobrec_queue(json_t *r, struct jobrec_ctx *x)
{
	json_object_set_new_nocheck(r, "queue", json_string(x->j->queue));
}

static void
jobrec_from_host(json_t *r, struct jobrec_ctx *x)
{
	json_object_set_new_nocheck(r, "from_host", json_string(x->j->from_host));
}

static void
jobrec_exec_hosts(json_t *r, struct jobrec_ctx *x)
{
	json_t *a = json_array();
	int i;

	for (i = 0; x->e != NULL && x->e->hosts != NULL && i < x->e->nslots; i++)
		json_array_append_new(a, json_string(x->e->hosts[i]));
	json_object_set_new_nocheck(r, "exec_hosts", a);
}

static void
jobrec_submit_time(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "submit_time", x->j->submit_time);
}

static void
jobrec_start_time(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "start_time", x->e ? x->e->start_time : 0);
}

static void
jobrec_finish_time(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "finish_time", x->e ? x->e->finish_time :
	    (x->j->pend_killed ? x->j->pend_kill_time : 0));
}

static void
jobrec_exit_code(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "exit_code", x->e ? x->e->exit_code : 0);
}

static void
jobrec_exit_reason(json_t *r, struct jobrec_ctx *x)
{
	json_object_set_new_nocheck(r, "exit_reason", json_string(x->reason ?
	    x->reason : ""));
}

/* The reason a pending element waits, and the scheduler's detail. */
static void
jobrec_pend_reason(json_t *r, struct jobrec_ctx *x)
{
	const char *pr = "";

	if (x->state == JS_PSUSP)
		pr = "The job was suspended by the user while pending";
	else if ((x->state & JS_PENDING) && x->j->pend_reason != NULL)
		pr = x->j->pend_reason;
	json_object_set_new_nocheck(r, "pend_reason", json_string(pr));
	if ((x->state & JS_PENDING) && x->j->pend_detail != NULL)
		json_object_set_new_nocheck(r, "pend_detail",
		    json_string(x->j->pend_detail));
}

/* The spec's text members, each a row of jobrec_fields. */
#define JOBREC_SPEC_FN(member)						\
static void								\
jobrec_##member(json_t *r, struct jobrec_ctx *x)			\
{									\
	json_object_set_new_nocheck(r, #member,				\
	    json_string(jobrec_spec_str(x, #member)));			\
}
JOBREC_SPEC_FN(cmd)
JOBREC_SPEC_FN(cwd)
JOBREC_SPEC_FN(subcwd)
JOBREC_SPEC_FN(out)
JOBREC_SPEC_FN(err)
JOBREC_SPEC_FN(dep)

static void
jobrec_nslots(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "nslots", x->e ? x->e->nslots : x->j->nslots);
}

static void
jobrec_cpu(json_t *r, struct jobrec_ctx *x)
{
	json_object_set_new_nocheck(r, "cpu", json_real(x->e ? x->e->cpu : 0));
}

static void
jobrec_maxrss(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "maxrss", x->e ? x->e->maxrss : 0);
}

static void
jobrec_mem(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "mem", x->e ? x->e->mem : 0);
}

/* When the running element's usage was last sampled, and its processes. */
static void
jobrec_usage_time(json_t *r, struct jobrec_ctx *x)
{
	if (x->e == NULL || x->e->usage_time <= 0)
		return;
	jobrec_set_int(r, "usage_time", x->e->usage_time);
	jobrec_set_int(r, "nproc", x->e->nproc);
}

static void
jobrec_signal(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, "signal", x->e ? x->e->signal : 0);
}

static void
jobrec_project(json_t *r, struct jobrec_ctx *x)
{
	json_object_set_new_nocheck(r, "project",
	    json_string(job_project(x->m, jobrec_spec(x))));
}

/* Where it runs: bsub -cwd, else where it was submitted. */
static void
jobrec_exec_cwd(json_t *r, struct jobrec_ctx *x)
{
	const char *cwd = jobrec_spec_str(x, "cwd");

	json_object_set_new_nocheck(r, "exec_cwd", json_string(*cwd ? cwd :
	    jobrec_spec_str(x, "subcwd")));
}

static void
jobrec_opts(json_t *r, struct jobrec_ctx *x)
{
	json_t *o = json_object_get(jobrec_spec(x), "opts");

	if (o != NULL)
		json_object_set_nocheck(r, "opts", o);
}

static void
jobrec_array(json_t *r, struct jobrec_ctx *x)
{
	char *range;

	if (!job_is_array(x->j))
		return;
	range = arrayspec_format(&x->j->arr);
	json_object_set_new_nocheck(r, "array", json_string(range));
	free(range);
}

/* Every JOBREC member but id and idx, which every record has, in the
 * order of a whole record; bit k of a field mask is row k. */
static const struct {
	const char *name;
	jobrec_fn fn;
} jobrec_fields[] = {
	{ "name", jobrec_name }, { "user", jobrec_user }, { "stat", jobrec_stat },
	{ "queue", jobrec_queue }, { "from_host", jobrec_from_host },
	{ "exec_hosts", jobrec_exec_hosts }, { "submit_time", jobrec_submit_time },
	{ "start_time", jobrec_start_time }, { "finish_time", jobrec_finish_time },
	{ "exit_code", jobrec_exit_code }, { "exit_reason", jobrec_exit_reason },
	{ "pend_reason", jobrec_pend_reason }, { "cmd", jobrec_cmd },
	{ "cwd", jobrec_cwd }, { "subcwd", jobrec_subcwd }, { "out", jobrec_out },
	{ "err", jobrec_err }, { "nslots", jobrec_nslots }, { "dep", jobrec_dep },
	{ "cpu", jobrec_cpu }, { "maxrss", jobrec_maxrss }, { "mem", jobrec_mem },
	{ "usage_time", jobrec_usage_time }, { "signal", jobrec_signal },
	{ "project", jobrec_project }, { "exec_cwd", jobrec_exec_cwd },
	{ "opts", jobrec_opts }, { "array", jobrec_array },
};

uint64_t
jobrec_bit(const char *name)
{
	size_t k;

	for (k = 0; k < nitems(jobrec_fields); k++)
		if (strcmp(jobrec_fields[k].name, name) == 0)
			return (uint64_t)1 << k;
	if (strcmp(name, "pend_detail") == 0)	/* comes with pend_reason */
		return jobrec_bit("pend_reason");
	if (strcmp(name, "nproc") == 0)		/* comes with usage_time */
		return jobrec_bit("usage_time");
	return 0;
}

uint64_t
jobrec_mask(const json_t *fields)
{
	const json_t *v;
	uint64_t mask = 0;
	size_t i;

	if (!json_is_array(fields))
		return JOBREC_ALL;
	json_array_foreach(fields, i, v)
		if (json_is_string(v))
			mask |= jobrec_bit(json_string_value(v));
	return mask != 0 ? mask : jobrec_bit("stat");
}

json_t *
jobrec_build(struct master *m, struct job *j, long idx, uint64_t mask)
{
	struct jobrec_ctx x = { m, j, idx, job_elem(j, idx), 0, NULL, NULL };
	json_t *r = json_object();
	size_t k;

	x.state = job_elem_state(j, idx, &x.reason);
	if (x.e != NULL && (x.e->state & JS_RUN) && x.e->host != NULL &&
	    x.e->host->status == HOST_UNAVAIL)
		x.state = JS_UNKWN;
	jobrec_set_int(r, "id", j->id);
	jobrec_set_int(r, "idx", idx);
	for (k = 0; k < nitems(jobrec_fields); k++)
		if (mask & ((uint64_t)1 << k))
			jobrec_fields[k].fn(r, &x);
	return r;
}

json_t *
job_record(struct master *m, struct job *j, long idx)
{
	return jobrec_build(m, j, idx, JOBREC_ALL);
}
