/*
 * jobrec.c - a job element's JOBREC (pumice-protocol(7)), whole or only
 * the members a listing asks for. Each member is a row of one table: its
 * name and the function that adds it. A "jobs" request may name the
 * members its output format prints ("fields"): the default bjobs table
 * needs 8 of about 30 and none from the submit spec, so a page of them
 * neither decodes specs nor looks up projects nor formats index lists.
 * bsub -K, bwait and bjobs -l take the whole record (JOBREC_ALL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "envtab.h"
#include "jobpage.h"
#include "jobstate.h"
#include "rowtext.h"
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
	struct rowbuf *text;	/* a compact row's text; NULL: object r */
	const struct jobrec_row *row;	/* the row's columns (with text) */
	int col;		/* the row's column of the member being built */
	int next;		/* the row's next column to write */
};

typedef void (*jobrec_fn)(json_t *r, struct jobrec_ctx *x);

/*
 * Starts the value of member k (sub 1: the member that comes with it) in
 * a compact row's text: the columns before it that got no value are
 * null (a member the record lacks), values are separated by commas.
 */
static void
jobrec_text_col(struct jobrec_ctx *x, int sub)
{
	bool tsv = x->row->tsv;

	for (; x->next < x->col + sub; x->next++)
		if (tsv && x->next > 0)
			rowbuf_add(x->text, "\t", 1);
		else if (!tsv)
			rowbuf_add(x->text, x->next > 0 ? ",null" : "null",
			    x->next > 0 ? 5 : 4);
	if (x->next > 0)
		rowbuf_add(x->text, tsv ? "\t" : ",", 1);
	x->next++;
}

static int
jobrec_text_put(const char *s, size_t n, void *arg)
{
	rowbuf_add(arg, s, n);
	return 0;
}

/* A value that is not text or an integer in a row-encoded line: a real
 * as "%.9g", an object (opts) as its JSON text, escaped. */
static void
jobrec_tsv_json(struct rowbuf *b, const json_t *v)
{
	char num[32], *text;

	if (json_is_real(v)) {
		rowbuf_add(b, num, (size_t)snprintf(num, sizeof(num), "%.9g",
		    json_real_value(v)));
		return;
	}
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	rowtext_put_str(b, text ? text : "");
	free(text);
}

/* Puts member k (sub 1: the member that comes with it) of the record:
 * into object r, or as text into the compact row. */
static void
jobrec_put(json_t *r, struct jobrec_ctx *x, int sub, const char *k, json_t *v)
{
	if (x->text == NULL) {
		json_object_set_new_nocheck(r, k, v);
		return;
	}
	jobrec_text_col(x, sub);
	if (x->row->tsv)
		jobrec_tsv_json(x->text, v);
	else
		json_dump_callback(v, jobrec_text_put, x->text, JSON_COMPACT |
		    JSON_ENCODE_ANY | JSON_REAL_PRECISION(9));
	json_decref(v);
}

/* s as a JSON string (RFC 8259 escapes; s is UTF-8, as every string the
 * master keeps came through jansson or is its own). */
static void
jobrec_text_str(struct rowbuf *b, const char *s)
{
	const char *run = s;
	char esc[8];

	rowbuf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s > '\\' || ((unsigned char)*s >= 0x20 &&
		    *s != '"' && *s != '\\'))
			continue;
		rowbuf_add(b, run, (size_t)(s - run));
		if (*s == '"' || *s == '\\')
			snprintf(esc, sizeof(esc), "\\%c", *s);
		else
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned char)*s);
		rowbuf_add(b, esc, strlen(esc));
		run = s + 1;
	}
	rowbuf_add(b, run, (size_t)(s - run));
	rowbuf_add(b, "\"", 1);
}

static void
jobrec_put_str(json_t *r, struct jobrec_ctx *x, int sub, const char *k,
    const char *s)
{
	if (x->text == NULL) {
		json_object_set_new_nocheck(r, k, json_string(s));
		return;
	}
	jobrec_text_col(x, sub);
	if (x->row->tsv)
		rowtext_put_str(x->text, s);
	else
		jobrec_text_str(x->text, s);
}

static void
jobrec_set_int(json_t *r, struct jobrec_ctx *x, int sub, const char *k, long v)
{
	if (x->text == NULL) {
		json_object_set_new_nocheck(r, k, json_integer(v));
		return;
	}
	jobrec_text_col(x, sub);
	rowtext_put_long(x->text, v);
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
	char *name;

	if (!job_is_array(x->j)) {	/* its own name: nothing to format */
		jobrec_put_str(r, x, 0, "name", x->j->name);
		return;
	}
	name = job_display_name(x->j, x->idx);
	jobrec_put_str(r, x, 0, "name", name);
	free(name);
}

static void
jobrec_user(json_t *r, struct jobrec_ctx *x)
{
	jobrec_put_str(r, x, 0, "user", x->j->user);
}

static void
jobrec_stat(json_t *r, struct jobrec_ctx *x)
{
	jobrec_put_str(r, x, 0, "stat", jobstate_name(x->state));
}

static void
jobrec_queue(json_t *r, struct jobrec_ctx *x)
{
	jobrec_put_str(r, x, 0, "queue", x->j->queue);
}

static void
jobrec_from_host(json_t *r, struct jobrec_ctx *x)
{
	jobrec_put_str(r, x, 0, "from_host", x->j->from_host);
}

static void
jobrec_exec_hosts(json_t *r, struct jobrec_ctx *x)
{
	json_t *a;
	int i, n = x->e != NULL && x->e->hosts != NULL ? x->e->nslots : 0;

	if (x->text != NULL && x->row->tsv) {	/* items joined by 0x1f */
		jobrec_text_col(x, 0);
		for (i = 0; i < n; i++) {
			if (i > 0)
				rowbuf_add(x->text, "\x1f", 1);
			rowtext_put_str(x->text, x->e->hosts[i]);
		}
		return;
	}
	if (x->text != NULL) {	/* a pending row's []: no array to make */
		jobrec_text_col(x, 0);
		for (i = 0; i < n; i++) {
			rowbuf_add(x->text, i > 0 ? "," : "[", 1);
			jobrec_text_str(x->text, x->e->hosts[i]);
		}
		rowbuf_add(x->text, n > 0 ? "]" : "[]", n > 0 ? 1 : 2);
		return;
	}
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(x->e->hosts[i]));
	jobrec_put(r, x, 0, "exec_hosts", a);
}

static void
jobrec_submit_time(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, x, 0, "submit_time", x->j->submit_time);
}

static void
jobrec_start_time(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, x, 0, "start_time", x->e ? x->e->start_time : 0);
	if (x->e != NULL && x->e->attempt > 1)	/* a rerun (bjobs -l) */
		jobrec_set_int(r, x, 1, "attempt", x->e->attempt);
}

static void
jobrec_finish_time(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, x, 0, "finish_time", x->e ? x->e->finish_time :
	    (x->j->pend_killed ? x->j->pend_kill_time : 0));
}

static void
jobrec_exit_code(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, x, 0, "exit_code", x->e ? x->e->exit_code : 0);
}

static void
jobrec_exit_reason(json_t *r, struct jobrec_ctx *x)
{
	jobrec_put_str(r, x, 0, "exit_reason", x->reason ? x->reason : "");
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
	jobrec_put_str(r, x, 0, "pend_reason", pr);
	if ((x->state & JS_PENDING) && x->j->pend_detail != NULL)
		jobrec_put_str(r, x, 1, "pend_detail", x->j->pend_detail);
}

/* The spec's text members, each a row of jobrec_fields. */
#define JOBREC_SPEC_FN(member)						\
static void								\
jobrec_##member(json_t *r, struct jobrec_ctx *x)			\
{									\
	jobrec_put_str(r, x, 0, #member, jobrec_spec_str(x, #member));	\
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
	jobrec_set_int(r, x, 0, "nslots", x->e ? x->e->nslots : x->j->nslots);
}

static void
jobrec_cpu(json_t *r, struct jobrec_ctx *x)
{
	jobrec_put(r, x, 0, "cpu", json_real(x->e ? x->e->cpu : 0));
}

static void
jobrec_maxrss(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, x, 0, "maxrss", x->e ? x->e->maxrss : 0);
}

static void
jobrec_mem(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, x, 0, "mem", x->e ? x->e->mem : 0);
}

/* When the running element's usage was last sampled, and its processes. */
static void
jobrec_usage_time(json_t *r, struct jobrec_ctx *x)
{
	if (x->e == NULL || x->e->usage_time <= 0)
		return;
	jobrec_set_int(r, x, 0, "usage_time", x->e->usage_time);
	jobrec_set_int(r, x, 1, "nproc", x->e->nproc);
}

static void
jobrec_signal(json_t *r, struct jobrec_ctx *x)
{
	jobrec_set_int(r, x, 0, "signal", x->e ? x->e->signal : 0);
}

static void
jobrec_project(json_t *r, struct jobrec_ctx *x)
{
	jobrec_put_str(r, x, 0, "project", job_project(x->m, jobrec_spec(x)));
}

/* Where it runs: bsub -cwd, else where it was submitted; where it ran
 * when the agent had to fall back to /tmp. */
static void
jobrec_exec_cwd(json_t *r, struct jobrec_ctx *x)
{
	const char *cwd = x->e != NULL && elem_cwd(x->e) != NULL ? elem_cwd(x->e) :
	    jobrec_spec_str(x, "cwd");

	jobrec_put_str(r, x, 0, "exec_cwd", *cwd ? cwd : jobrec_spec_str(x, "subcwd"));
}

static void
jobrec_opts(json_t *r, struct jobrec_ctx *x)
{
	json_t *o = json_object_get(jobrec_spec(x), "opts");

	if (o != NULL)
		jobrec_put(r, x, 0, "opts", json_incref(o));
}

/* The consumables a running element holds (consum.h), as its start
 * event gave them: [{h, r, p, n, dev, x}]. */
static void
jobrec_alloc(json_t *r, struct jobrec_ctx *x)
{
	if (x->e != NULL && x->e->alloc != NULL)
		jobrec_put(r, x, 0, "alloc", json_incref(x->e->alloc));
}

static void
jobrec_array(json_t *r, struct jobrec_ctx *x)
{
	char *range;

	if (!job_is_array(x->j))
		return;
	range = arrayspec_format(&x->j->arr);
	jobrec_put_str(r, x, 0, "array", range);
	free(range);
}

/* The outcome record (jobresult.c): an object in a record, its kept text
 * as it is in a compact row (it is JSON) or escaped in a row-encoded
 * line; and why the job's result file was refused. */
static void
jobrec_result(json_t *r, struct jobrec_ctx *x)
{
	const char *text = x->e != NULL && x->e->x != NULL ? x->e->x->result : NULL;
	const char *why = x->e != NULL && x->e->x != NULL ? x->e->x->result_error :
	    NULL;

	if (text != NULL && x->text == NULL)
		json_object_set_new_nocheck(r, "result", json_loads(text, 0, NULL));
	else if (text != NULL) {
		jobrec_text_col(x, 0);
		if (x->row->tsv)
			rowtext_put_str(x->text, text);
		else
			rowbuf_add(x->text, text, strlen(text));
	}
	if (why != NULL)
		jobrec_put_str(r, x, 1, "result_error", why);
}

/* bpost's messages of the element (jobmsg.c), as the result: an array in
 * a record, its JSON text in a row. Only jobs with messages cost a look
 * in the store. */
static void
jobrec_messages(json_t *r, struct jobrec_ctx *x)
{
	json_t *list = jobmsg_list(x->m, x->j, x->idx);
	char *text;

	if (list == NULL)
		return;
	if (x->text == NULL) {
		json_object_set_new_nocheck(r, "messages", list);
		return;
	}
	text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	if (text == NULL)
		return;
	jobrec_text_col(x, 0);
	if (x->row->tsv)
		rowtext_put_str(x->text, text);
	else
		rowbuf_add(x->text, text, strlen(text));
	free(text);
}

/* Every JOBREC member but id and idx, which every record has, in the
 * order of a whole record; bit k of a field mask is row k. sub is the
 * member its builder may add with it. */
static const struct {
	const char *name;
	jobrec_fn fn;
	const char *sub;
} jobrec_fields[] = {
	{ "name", jobrec_name, NULL }, { "user", jobrec_user, NULL },
	{ "stat", jobrec_stat, NULL }, { "queue", jobrec_queue, NULL },
	{ "from_host", jobrec_from_host, NULL },
	{ "exec_hosts", jobrec_exec_hosts, NULL },
	{ "submit_time", jobrec_submit_time, NULL },
	{ "start_time", jobrec_start_time, "attempt" },
	{ "finish_time", jobrec_finish_time, NULL },
	{ "exit_code", jobrec_exit_code, NULL },
	{ "exit_reason", jobrec_exit_reason, NULL },
	{ "pend_reason", jobrec_pend_reason, "pend_detail" },
	{ "cmd", jobrec_cmd, NULL }, { "cwd", jobrec_cwd, NULL },
	{ "subcwd", jobrec_subcwd, NULL }, { "out", jobrec_out, NULL },
	{ "err", jobrec_err, NULL }, { "nslots", jobrec_nslots, NULL },
	{ "dep", jobrec_dep, NULL }, { "cpu", jobrec_cpu, NULL },
	{ "maxrss", jobrec_maxrss, NULL }, { "mem", jobrec_mem, NULL },
	{ "usage_time", jobrec_usage_time, "nproc" },
	{ "signal", jobrec_signal, NULL }, { "project", jobrec_project, NULL },
	{ "exec_cwd", jobrec_exec_cwd, NULL }, { "opts", jobrec_opts, NULL },
	{ "array", jobrec_array, NULL }, { "alloc", jobrec_alloc, NULL },
	{ "result", jobrec_result, "result_error" },
	{ "messages", jobrec_messages, NULL },
};

uint64_t
jobrec_bit(const char *name)
{
	size_t k;

	for (k = 0; k < nitems(jobrec_fields); k++)
		if (strcmp(jobrec_fields[k].name, name) == 0 ||
		    (jobrec_fields[k].sub != NULL &&
		    strcmp(jobrec_fields[k].sub, name) == 0))
			return (uint64_t)1 << k;
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

static void
jobrec_ctx_init(struct jobrec_ctx *x, struct master *m, struct job *j, long idx)
{
	memset(x, 0, sizeof(*x));
	x->m = m;
	x->j = j;
	x->idx = idx;
	x->e = job_elem(j, idx);
	x->state = job_elem_state(j, idx, &x->reason);
	if (x->e != NULL && (x->e->state & JS_RUN) && x->e->host != NULL &&
	    x->e->host->status == HOST_UNAVAIL)
		x->state = JS_UNKWN;
}

json_t *
jobrec_build(struct master *m, struct job *j, long idx, uint64_t mask)
{
	struct jobrec_ctx x;
	json_t *r = json_object();
	size_t k;

	jobrec_ctx_init(&x, m, j, idx);
	jobrec_set_int(r, &x, 0, "id", j->id);
	jobrec_set_int(r, &x, 1, "idx", idx);
	for (k = 0; k < nitems(jobrec_fields); k++)
		if (mask & ((uint64_t)1 << k))
			jobrec_fields[k].fn(r, &x);
	return r;
}

static void
jobrec_row_col(struct jobrec_row *rw, const char *name)
{
	json_array_append_new(rw->names, json_string(name));
	rw->ncols++;
}

void
jobrec_row_init(struct jobrec_row *rw, uint64_t mask, bool tsv)
{
	size_t k;

	memset(rw, 0, sizeof(*rw));
	rw->tsv = tsv;
	if (tsv)	/* a range line is expanded from its name and array */
		mask |= jobrec_bit("name") | jobrec_bit("array");
	rw->mask = mask;
	rw->names = json_array();
	jobrec_row_col(rw, "id");
	jobrec_row_col(rw, "idx");
	for (k = 0; k < nitems(jobrec_fields); k++) {
		if (!(mask & ((uint64_t)1 << k)))
			continue;
		rw->col[k] = (int)rw->ncols;
		jobrec_row_col(rw, jobrec_fields[k].name);
		if (jobrec_fields[k].sub != NULL)
			jobrec_row_col(rw, jobrec_fields[k].sub);
	}
	if (tsv)
		jobrec_row_col(rw, "npos");
}

void
jobrec_row_free(struct jobrec_row *rw)
{
	json_decref(rw->names);
	memset(rw, 0, sizeof(*rw));
}

void
jobrec_write_row(struct master *m, struct job *j, long idx,
    const struct jobrec_row *rw, long npos, struct evbuffer *out)
{
	struct rowbuf t;
	struct jobrec_ctx x;
	size_t k;

	rowbuf_init(&t);
	jobrec_ctx_init(&x, m, j, idx);
	x.text = &t;
	x.row = rw;
	if (!rw->tsv)
		rowbuf_add(&t, "[", 1);
	jobrec_set_int(NULL, &x, 0, "id", j->id);
	jobrec_set_int(NULL, &x, 1, "idx", idx);
	for (k = 0; k < nitems(jobrec_fields); k++)
		if (rw->mask & ((uint64_t)1 << k)) {
			x.col = rw->col[k];
			jobrec_fields[k].fn(NULL, &x);
		}
	if (rw->tsv) {	/* the columns left, the last npos */
		for (; x.next < (int)rw->ncols; x.next++)
			rowbuf_add(&t, "\t", 1);
		if (npos > 0)
			rowtext_put_long(&t, npos);
		rowbuf_add(&t, "\n", 1);
	} else {
		for (; x.next < (int)rw->ncols; x.next++)
			rowbuf_add(&t, ",null", 5);
		rowbuf_add(&t, "]", 1);
	}
	evbuffer_add(out, t.p, t.len);
	rowbuf_free(&t);
}

json_t *
job_record(struct master *m, struct job *j, long idx)
{
	return jobrec_build(m, j, idx, JOBREC_ALL);
}
