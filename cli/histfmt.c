/*
 * histfmt.c - bhist and bacct output (LSF.md §4) from the history op's
 * reply: {jobs:[{id, records:[JOBREC], events:[{idx, type, time, data}]}]}.
 * Each element record is shown with the events that concern it (its own
 * index, or the whole job: index 0 or -1). Times spent in each state come
 * from replaying those events as a state machine (submit PEND, start RUN,
 * stop/resume, requeue PEND, finish or kill of a pending element ends).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "query.h"
#include "units.h"
#include "util.h"

static const char *
hf_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static long
hf_int(const json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static bool
hf_concerns(const json_t *rec, const json_t *ev)
{
	long idx = hf_int(ev, "idx");

	return idx <= 0 || idx == hf_int(rec, "idx");
}

enum hf_state { HF_PEND, HF_PSUSP, HF_RUN, HF_USUSP, HF_SSUSP, HF_UNKWN, HF_END };

static long *
hf_slot(struct histfmt_times *t, enum hf_state s)
{
	long *slots[] = { &t->pend, &t->psusp, &t->run, &t->ususp, &t->ssusp,
	    &t->unkwn };

	return s < HF_END ? slots[s] : NULL;
}

static enum hf_state
hf_next(enum hf_state s, const char *type)
{
	bool pending = s == HF_PEND || s == HF_PSUSP;

	if (strcmp(type, "start") == 0 && pending)
		return HF_RUN;
	if (strcmp(type, "finish") == 0 || (strcmp(type, "kill") == 0 && pending))
		return HF_END;
	if (strcmp(type, "requeue") == 0)
		return HF_PEND;
	if (strcmp(type, "stop") == 0)
		return pending ? HF_PSUSP : s == HF_END ? s : HF_USUSP;
	if (strcmp(type, "resume") == 0)
		return s == HF_PSUSP ? HF_PEND : s == HF_USUSP ? HF_RUN : s;
	return s;
}

void
histfmt_times(const json_t *rec, const json_t *events, long now,
    struct histfmt_times *t)
{
	enum hf_state s = HF_PEND;
	long last = hf_int(rec, "submit_time"), end = hf_int(rec, "finish_time");
	const json_t *ev;
	size_t i;

	memset(t, 0, sizeof(*t));
	if (end <= 0)
		end = now;
	json_array_foreach(events, i, ev) {
		long when = hf_int(ev, "time");
		enum hf_state n;

		if (!hf_concerns(rec, ev) || s == HF_END)
			continue;
		n = hf_next(s, hf_str(ev, "type"));
		if (n == s || when < last)
			continue;
		*hf_slot(t, s) += when - last;
		last = when;
		s = n;
	}
	if (s != HF_END && end > last)
		*hf_slot(t, s) += end - last;
	t->total = t->pend + t->psusp + t->run + t->ususp + t->ssusp + t->unkwn;
}

/* ---- event lines ---- */

static char *
hf_hosts(const json_t *hosts)
{
	const json_t *h;
	char *out = xstrdup(""), *t;
	size_t i;

	json_array_foreach(hosts, i, h) {
		t = xasprintf("%s%s<%s>", out, i ? " " : "", json_string_value(h) ?
		    json_string_value(h) : "");
		free(out);
		out = t;
	}
	return out;
}

static char *
hf_submit_text(const json_t *d)
{
	json_t *fake = json_pack("{s:O?}", "opts", json_object_get(d, "opts"));
	char *opts = joblong_opts(fake), *s;

	s = xasprintf("Submitted from host <%s>, to Queue <%s>, CWD <%s>%s;",
	    hf_str(d, "from_host"), hf_str(d, "queue"), *hf_str(d, "subcwd") ?
	    hf_str(d, "subcwd") : "-", opts);
	free(opts);
	json_decref(fake);
	return s;
}

static char *
hf_finish_text(const json_t *d)
{
	double cpu = json_number_value(json_object_get(d, "cpu"));

	if (strcmp(hf_str(d, "state"), "DONE") == 0)
		return xasprintf("Done successfully. The CPU time used is %.1f seconds;",
		    cpu);
	if (hf_int(d, "exit_code") == 0 && hf_int(d, "signal") != 0)
		return xasprintf("Exited by signal %ld. The CPU time used is %.1f "
		    "seconds;", hf_int(d, "signal"), cpu);
	return xasprintf("Exited with exit code %ld. The CPU time used is %.1f "
	    "seconds;", hf_int(d, "exit_code"), cpu);
}

static char *
hf_by(const char *what, const json_t *d)
{
	const char *by = hf_str(d, "by");

	return *by ? xasprintf("%s by user or administrator <%s>;", what, by) :
	    xasprintf("%s;", what);
}

/* One event as bhist -l words; NULL for events it does not show. */
static char *
hf_event_text(const json_t *ev)
{
	const char *type = hf_str(ev, "type");
	const json_t *d = json_object_get(ev, "data");
	char *h, *s;

	if (strcmp(type, "submit") == 0)
		return hf_submit_text(d);
	if (strcmp(type, "start") == 0) {
		h = hf_hosts(json_object_get(d, "hosts"));
		s = hf_int(d, "attempt") > 1 ?
		    xasprintf("Dispatched %zu Task(s) on Host(s) %s, attempt %ld;",
		    json_array_size(json_object_get(d, "hosts")), h, hf_int(d, "attempt")) :
		    xasprintf("Dispatched %zu Task(s) on Host(s) %s;",
		    json_array_size(json_object_get(d, "hosts")), h);
		free(h);
		return s;
	}
	if (strcmp(type, "finish") == 0)
		return hf_finish_text(d);
	if (strcmp(type, "kill") == 0)
		return hf_by("Signal <KILL> requested", d);
	if (strcmp(type, "requeue") == 0)
		return *hf_str(d, "reason") ? xasprintf("Requeued: %s;",
		    hf_str(d, "reason")) : xstrdup("Requeued;");
	if (strcmp(type, "stop") == 0)
		return hf_by("Suspended", d);
	if (strcmp(type, "resume") == 0)
		return hf_by("Resumed", d);
	if (strcmp(type, "purge") == 0)
		return NULL;
	if (strcmp(type, "result") == 0)	/* bresult; the record is below */
		return xasprintf("Result set by user <%s>;", hf_str(d, "from"));
	if (strcmp(type, "post") == 0)	/* bpost, worded as LSF's bhist */
		return xasprintf("External Message \"%s\" was posted from \"%s\" to "
		    "message box %ld;", hf_str(d, "desc"), hf_str(d, "from"), hf_int(d, "i"));
	s = xasprintf("Event <%s>", type);
	h = hf_by(s, d);
	free(s);
	return h;
}

/* "Completed <done>." / "Completed <exit>; TERM_...: reason." */
static char *
hf_completed(const json_t *rec)
{
	const char *reason = hf_str(rec, "exit_reason");

	if (strcmp(hf_str(rec, "stat"), "DONE") == 0)
		return xstrdup("Completed <done>.");
	return *reason ? xasprintf("Completed <exit>; %s.", reason) :
	    xstrdup("Completed <exit>.");
}

/* [{time, text}] for one element: its events, then Completed when ended. */
static json_t *
hf_lines(const json_t *rec, const json_t *events)
{
	json_t *out = json_array();
	const json_t *ev;
	size_t i;
	char *text;

	json_array_foreach(events, i, ev) {
		if (!hf_concerns(rec, ev) || (text = hf_event_text(ev)) == NULL)
			continue;
		json_array_append_new(out, json_pack("{s:I, s:s}", "time",
		    (json_int_t)hf_int(ev, "time"), "text", text));
		free(text);
	}
	if (hf_int(rec, "finish_time") > 0) {
		text = hf_completed(rec);
		json_array_append_new(out, json_pack("{s:I, s:s}", "time",
		    (json_int_t)hf_int(rec, "finish_time"), "text", text));
		free(text);
	}
	return out;
}

/* ---- bhist ---- */

static char *
hf_label(const json_t *rec)
{
	long idx = hf_int(rec, "idx");

	return idx > 0 ? xasprintf("%ld[%ld]", hf_int(rec, "id"), idx) :
	    xasprintf("%ld", hf_int(rec, "id"));
}

/* Calls fn for every element record of the reply, with its job's events. */
static void
hf_foreach(const json_t *jobs, void (*fn)(const json_t *, const json_t *,
    void *), void *arg)
{
	const json_t *job, *rec;
	size_t i, k;

	json_array_foreach(jobs, i, job)
		json_array_foreach(json_object_get(job, "records"), k, rec)
			fn(rec, json_object_get(job, "events"), arg);
}

struct hf_ctx {
	FILE *fp;
	long now;
	bool uf;
	size_t n;
	json_t *out;
};

static void
hf_summary_row(const json_t *rec, const json_t *events, void *arg)
{
	struct hf_ctx *x = arg;
	struct histfmt_times t;
	char *label = hf_label(rec), *name = jobfmt_name(rec);
	size_t n = strlen(name);

	histfmt_times(rec, events, x->now, &t);
	fprintf(x->fp, "%-7s %-7s %s%-*s %-7ld %-7ld %-7ld %-7ld %-7ld %-7ld %ld\n",
	    label, hf_str(rec, "user"), n > 9 ? "*" : "", n > 9 ? 8 : 9,
	    n > 9 ? name + n - 8 : name, t.pend, t.psusp, t.run, t.ususp, t.ssusp,
	    t.unkwn, t.total);
	free(label);
	free(name);
}

void
histfmt_summary(FILE *fp, const json_t *jobs, long now)
{
	struct hf_ctx x = { fp, now, false, 0, NULL };

	fprintf(fp, "Summary of time in seconds spent in various states:\n"
	    "JOBID   USER    JOB_NAME  PEND    PSUSP   RUN     USUSP   SSUSP   "
	    "UNKWN   TOTAL\n");
	hf_foreach(jobs, hf_summary_row, &x);
}

static void
hf_print_lines(FILE *fp, const json_t *lines, bool uf)
{
	const json_t *l;
	char tbuf[64], *text;
	size_t i;

	json_array_foreach(lines, i, l) {
		joblong_time(hf_int(l, "time"), tbuf, sizeof(tbuf));
		text = xasprintf("%s: %s", tbuf, hf_str(l, "text"));
		joblong_line(fp, text, uf);
		free(text);
	}
}

static void
hf_long_block(const json_t *rec, const json_t *events, void *arg)
{
	struct hf_ctx *x = arg;
	struct histfmt_times t;
	char *head = joblong_head(rec), *line, tbuf[64], mbuf[64];
	json_t *lines = hf_lines(rec, events);
	long end = hf_int(rec, "finish_time") > 0 ? hf_int(rec, "finish_time") : x->now;

	if (x->n++ > 0)
		fprintf(x->fp, "------------------------------------------------"
		    "------------------------------\n");
	line = xasprintf("%sCommand <%s>", head, hf_str(rec, "cmd"));
	fputc('\n', x->fp);
	joblong_line(x->fp, line, x->uf);
	hf_print_lines(x->fp, lines, x->uf);
	if (hf_int(rec, "maxrss") > 0) {
		units_format_kb((uint64_t)hf_int(rec, "maxrss"), mbuf, sizeof(mbuf));
		fprintf(x->fp, "\nMEMORY USAGE:\nMAX MEM: %s;  AVG MEM: -\n", mbuf);
	}
	joblong_result(x->fp, rec, "", x->uf);
	histfmt_times(rec, events, x->now, &t);
	joblong_time(end, tbuf, sizeof(tbuf));
	fprintf(x->fp, "\nSummary of time in seconds spent in various states by  %s\n"
	    "  PEND     PSUSP    RUN      USUSP    SSUSP    UNKWN    TOTAL\n"
	    "  %-8ld %-8ld %-8ld %-8ld %-8ld %-8ld %ld\n\n", tbuf, t.pend, t.psusp,
	    t.run, t.ususp, t.ssusp, t.unkwn, t.total);
	json_decref(lines);
	free(line);
	free(head);
}

void
histfmt_long(FILE *fp, const json_t *jobs, bool unwrapped, long now)
{
	struct hf_ctx x = { fp, now, unwrapped, 0, NULL };

	hf_foreach(jobs, hf_long_block, &x);
}

static json_t *
hf_strf(long v)
{
	return json_sprintf("%ld", v);
}

static void
hf_json_rec(const json_t *rec, const json_t *events, void *arg)
{
	struct hf_ctx *x = arg;
	struct histfmt_times t;
	json_t *lines = hf_lines(rec, events), *evs = json_array(), *l, *o;
	char *label = hf_label(rec), *name = jobfmt_name(rec), tbuf[64];
	size_t i;

	histfmt_times(rec, events, x->now, &t);
	json_array_foreach(lines, i, l) {
		joblong_time(hf_int(l, "time"), tbuf, sizeof(tbuf));
		json_array_append_new(evs, json_pack("{s:s, s:s}", "TIME", tbuf,
		    "EVENT", hf_str(l, "text")));
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "JOBID", label, "USER",
	    hf_str(rec, "user"), "JOB_NAME", name, "PROJ_NAME", hf_str(rec,
	    "project"), "STAT", hf_str(rec, "stat"));
	json_object_set_new(o, "PEND", hf_strf(t.pend));
	json_object_set_new(o, "PSUSP", hf_strf(t.psusp));
	json_object_set_new(o, "RUN", hf_strf(t.run));
	json_object_set_new(o, "USUSP", hf_strf(t.ususp));
	json_object_set_new(o, "SSUSP", hf_strf(t.ssusp));
	json_object_set_new(o, "UNKWN", hf_strf(t.unkwn));
	json_object_set_new(o, "TOTAL", hf_strf(t.total));
	json_object_set_new(o, "EVENTS", evs);
	json_array_append_new(x->out, o);
	json_decref(lines);
	free(label);
	free(name);
}

static void
hf_json_dump(FILE *fp, const char *cmd, json_t *records)
{
	json_t *o = json_pack("{s:s, s:I, s:o}", "COMMAND", cmd, "JOBS",
	    (json_int_t)json_array_size(records), "RECORDS", records);

	json_dumpf(o, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(o);
}

void
histfmt_json(FILE *fp, const json_t *jobs, long now)
{
	struct hf_ctx x = { fp, now, false, 0, json_array() };

	hf_foreach(jobs, hf_json_rec, &x);
	hf_json_dump(fp, "bhist", x.out);
}

/* ---- bacct ---- */

struct hf_acct {
	long ndone, nexit;
	double cpu_sum, cpu_max, cpu_min;
	long wait_sum, wait_max, wait_min, turn_sum, turn_max, turn_min;
	double hog_sum, hog_max, hog_min;
};

struct hf_acct_ctx {
	FILE *fp;
	bool lng, uf;
	struct hf_acct a;
	json_t *out;
};

static bool
hf_finished(const json_t *rec)
{
	const char *st = hf_str(rec, "stat");

	return strcmp(st, "DONE") == 0 || strcmp(st, "EXIT") == 0;
}

/* One finished element's numbers: cpu, wait, turnaround, hog factor. */
static void
hf_acct_numbers(const json_t *rec, double *cpu, long *wait, long *turn,
    double *hog)
{
	long sub = hf_int(rec, "submit_time"), start = hf_int(rec, "start_time");
	long fin = hf_int(rec, "finish_time");

	*cpu = json_number_value(json_object_get(rec, "cpu"));
	*wait = (start > 0 ? start : fin) - sub;
	*turn = fin - sub;
	if (*wait < 0)
		*wait = 0;
	if (*turn < 0)
		*turn = 0;
	*hog = *turn > 0 ? *cpu / (double)*turn : 0;
}

static void
hf_acct_add(struct hf_acct *a, const json_t *rec)
{
	double cpu, hog;
	long wait, turn, n = a->ndone + a->nexit;

	hf_acct_numbers(rec, &cpu, &wait, &turn, &hog);
	if (strcmp(hf_str(rec, "stat"), "DONE") == 0)
		a->ndone++;
	else
		a->nexit++;
	a->cpu_sum += cpu;
	a->wait_sum += wait;
	a->turn_sum += turn;
	a->hog_sum += hog;
	a->cpu_max = n == 0 || cpu > a->cpu_max ? cpu : a->cpu_max;
	a->cpu_min = n == 0 || cpu < a->cpu_min ? cpu : a->cpu_min;
	a->wait_max = n == 0 || wait > a->wait_max ? wait : a->wait_max;
	a->wait_min = n == 0 || wait < a->wait_min ? wait : a->wait_min;
	a->turn_max = n == 0 || turn > a->turn_max ? turn : a->turn_max;
	a->turn_min = n == 0 || turn < a->turn_min ? turn : a->turn_min;
	a->hog_max = n == 0 || hog > a->hog_max ? hog : a->hog_max;
	a->hog_min = n == 0 || hog < a->hog_min ? hog : a->hog_min;
}

/* "2M", "1.5G": bacct's short memory sizes; "-" when unknown. */
static void
hf_short_mem(long kb, char *buf, size_t len)
{
	if (kb <= 0)
		snprintf(buf, len, "-");
	else if (kb < 1024L * 1024)
		snprintf(buf, len, "%ldM", (kb + 1023) / 1024);
	else
		snprintf(buf, len, "%.1fG", (double)kb / (1024.0 * 1024));
}

static void
hf_acct_block(FILE *fp, const json_t *rec, const json_t *events, bool uf)
{
	char *head = joblong_head(rec), *line, mem[32];
	json_t *lines = hf_lines(rec, events);
	double cpu, hog;
	long wait, turn;

	line = xasprintf("%sStatus <%s>, Queue <%s>, Command <%s>", head,
	    hf_str(rec, "stat"), hf_str(rec, "queue"), hf_str(rec, "cmd"));
	fputc('\n', fp);
	joblong_line(fp, line, uf);
	hf_print_lines(fp, lines, uf);
	hf_acct_numbers(rec, &cpu, &wait, &turn, &hog);
	hf_short_mem(hf_int(rec, "maxrss"), mem, sizeof(mem));
	fprintf(fp, "\nAccounting information about this job:\n"
	    "     CPU_T     WAIT     TURNAROUND   STATUS     HOG_FACTOR    MEM    SWAP\n"
	    "%10.2f %8ld %14ld %8s %14.4f %6s %7s\n", cpu, wait, turn,
	    strcmp(hf_str(rec, "stat"), "DONE") == 0 ? "done" : "exit", hog, mem, "-");
	joblong_result(fp, rec, "", uf);
	fprintf(fp, "------------------------------------------------"
	    "------------------------------\n");
	json_decref(lines);
	free(line);
	free(head);
}

static void
hf_acct_rec(const json_t *rec, const json_t *events, void *arg)
{
	struct hf_acct_ctx *x = arg;

	if (!hf_finished(rec))
		return;
	hf_acct_add(&x->a, rec);
	if (x->lng)
		hf_acct_block(x->fp, rec, events, x->uf);
}

static void
hf_acct_summary(FILE *fp, const struct hf_acct *a)
{
	long n = a->ndone + a->nexit, d = n > 0 ? n : 1;

	fprintf(fp, "\nSUMMARY:      ( time unit: second )\n"
	    " Total number of done jobs: %7ld      Total number of exited jobs: %5ld\n"
	    " Total CPU time consumed: %9.1f      Average CPU time consumed: %7.1f\n"
	    " Maximum CPU time of a job: %7.1f      Minimum CPU time of a job: %7.1f\n"
	    " Total wait time in queues: %7ld\n"
	    " Average wait time in queue: %6.1f\n"
	    " Maximum wait time in queue: %6ld      Minimum wait time in queue: %6ld\n"
	    " Average turnaround time: %9ld (seconds/job)\n"
	    " Maximum turnaround time: %9ld      Minimum turnaround time: %9ld\n"
	    " Average hog factor of a job: %5.2f ( cpu time / turnaround time )\n"
	    " Maximum hog factor of a job: %5.2f      Minimum hog factor of a job: %5.2f\n",
	    a->ndone, a->nexit, a->cpu_sum, a->cpu_sum / (double)d, a->cpu_max,
	    a->cpu_min, a->wait_sum, (double)a->wait_sum / (double)d, a->wait_max,
	    a->wait_min, a->turn_sum / d, a->turn_max, a->turn_min,
	    a->hog_sum / (double)d, a->hog_max, a->hog_min);
}

void
histfmt_acct(FILE *fp, const json_t *jobs, bool lng, bool uf, const char *users)
{
	struct hf_acct_ctx x = { fp, lng, uf, { 0 }, NULL };

	fprintf(fp, "\nAccounting information about jobs that are:\n"
	    "  - submitted by users %s,\n  - accounted on all projects.\n"
	    "  - completed normally or exited\n  - executed on all hosts.\n"
	    "  - submitted to all queues.\n  - accounted on all service classes.\n"
	    "------------------------------------------------"
	    "------------------------------\n", users);
	hf_foreach(jobs, hf_acct_rec, &x);
	hf_acct_summary(fp, &x.a);
}

static void
hf_acct_json_rec(const json_t *rec, const json_t *events, void *arg)
{
	struct hf_acct_ctx *x = arg;
	char *label, *name, mem[32];
	double cpu, hog;
	long wait, turn;
	bool done = strcmp(hf_str(rec, "stat"), "DONE") == 0;

	if (!hf_finished(rec))
		return;
	label = hf_label(rec);
	name = jobfmt_name(rec);
	hf_acct_numbers(rec, &cpu, &wait, &turn, &hog);
	hf_short_mem(hf_int(rec, "maxrss"), mem, sizeof(mem));
	json_array_append_new(x->out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, "
	    "s:o, s:o, s:o, s:s, s:s, s:o, s:s}", "JOBID", label, "USER",
	    hf_str(rec, "user"), "JOB_NAME", name, "PROJ_NAME", hf_str(rec, "project"),
	    "STAT", hf_str(rec, "stat"), "CPU_T", json_sprintf("%.2f", cpu),
	    "WAIT", hf_strf(wait), "TURNAROUND", hf_strf(turn),
	    "HOG_FACTOR", json_sprintf("%.4f", hog), "MEM", *mem == '-' ? "" : mem,
	    "SWAP", "", "EXIT_CODE", done ? json_string("") : hf_strf(hf_int(rec,
	    "exit_code")), "EXIT_REASON", hf_str(rec, "exit_reason")));
	free(label);
	free(name);
}

void
histfmt_acct_json(FILE *fp, const json_t *jobs)
{
	struct hf_acct_ctx x = { fp, false, false, { 0 }, json_array() };

	hf_foreach(jobs, hf_acct_json_rec, &x);
	hf_json_dump(fp, "bacct", x.out);
}

static void
hf_count_finished(const json_t *rec, const json_t *events, void *arg)
{
	if (hf_finished(rec))
		++*(size_t *)arg;
}

size_t
histfmt_nfinished(const json_t *jobs)
{
	size_t n = 0;

	hf_foreach(jobs, hf_count_finished, &n);
	return n;
}
