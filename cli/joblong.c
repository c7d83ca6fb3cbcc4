/*
 * joblong.c - bjobs -l (LSF.md §3.7): a block per job, its lines cut at 80
 * columns and continued after 21 spaces, so that deleting "\n" and the 21
 * spaces (what Toil does) gives back each logical line. -UF prints the
 * logical lines whole. The words tools grep ("Status <DONE>", "Done
 * successfully", "Exited with exit code N", "Started on ", "PENDING
 * REASONS", "MAX MEM: ...;", "Command <...>") follow LSF to the letter.
 * Every bsub option the master recorded (JOBREC.opts) is shown, honoured
 * or not, with the label LSF uses for it where it has one.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "query.h"
#include "result.h"
#include "units.h"
#include "util.h"

void
joblong_time(long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	strftime(buf, len, "%a %b %e %H:%M:%S", &tm);
}

void
joblong_line(FILE *fp, const char *text, bool unwrapped)
{
	size_t n = strlen(text), w = QUERY_WIDTH, step = QUERY_WIDTH - QUERY_INDENT;

	if (unwrapped || n <= w) {
		fprintf(fp, "%s\n", text);
		return;
	}
	fprintf(fp, "%.*s\n", (int)w, text);
	for (text += w, n -= w; n > 0; text += step, n -= n > step ? step : n)
		fprintf(fp, "%*s%.*s\n", QUERY_INDENT, "", (int)step, text);
}

static const char *
jl_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static long
jl_int(const json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

/* "Job <123[4]>" label text: the id, with the index of an element. */
static char *
jl_label(const json_t *job)
{
	long idx = jl_int(job, "idx");

	return idx > 0 ? xasprintf("%ld[%ld]", jl_int(job, "id"), idx) :
	    xasprintf("%ld", jl_int(job, "id"));
}

char *
joblong_head(const json_t *job)
{
	char *label = jl_label(job), *name = jobfmt_name(job), *s;
	const char *proj = jl_str(job, "project");

	s = xasprintf("Job <%s>, Job Name <%s>, User <%s>, Project <%s>, ", label,
	    name, jl_str(job, "user"), *proj ? proj : "default");
	free(label);
	free(name);
	return s;
}

/* LSF's words for the bsub options; %s is the value. NULL: not shown
 * here (in the head, or a block of its own). */
static const struct {
	const char *opt, *label;
} jl_labels[] = {
	{ "J", NULL }, { "q", NULL }, { "P", NULL }, { "W", NULL }, { "M", NULL },
	{ "n", "%s Task(s)" }, { "i", "Input File <%s>" },
	{ "o", "Output File <%s>" }, { "oo", "Output File (overwrite) <%s>" },
	{ "e", "Error File <%s>" }, { "eo", "Error File (overwrite) <%s>" },
	{ "outdir", "Output Directory <%s>" }, { "cwd", "Specified CWD <%s>" },
	{ "R", "Requested Resources <%s>" }, { "w", "Dependency Condition <%s>" },
	{ "m", "Specified Hosts <%s>" }, { "x", "Exclusive Execution" },
	{ "g", "Job Group <%s>" }, { "G", "User Group <%s>" },
	{ "E", "Pre-execution Command <%s>" }, { "Ep", "Post-execution Command <%s>" },
	{ "r", "Re-runnable" }, { "rn", "Not Re-runnable" },
	{ "B", "Notify when job begins" }, { "N", "Notify when job ends" },
	{ "u", "Mail to <%s>" }, { "b", "Specified Start Time <%s>" },
	{ "t", "Specified Termination Time <%s>" }, { "sp", "Job Priority <%s>" },
	{ "H", "Held at submission" }, { "K", "Submitted with -K" },
	{ "env", "Environment <%s>" }, { "a", "Application-specific Options <%s>" },
	{ "L", "Login Shell <%s>" }, { "app", "Application Profile <%s>" },
	{ "Jd", "Job Description <%s>" },
};

/* An option's value as text: strings as they are, lists joined by ' '. */
static char *
jl_optval(const json_t *v)
{
	const json_t *e;
	char *out, *t;
	size_t i;

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (!json_is_array(v))
		return xstrdup("");
	out = xstrdup("");
	json_array_foreach(v, i, e) {
		t = xasprintf("%s%s%s", out, i ? " " : "", json_string_value(e) ?
		    json_string_value(e) : "");
		free(out);
		out = t;
	}
	return out;
}

/* s + ", " + label, the label's "%s" (if any) replaced by val. */
static char *
jl_append(char *s, const char *label, const char *val)
{
	const char *pct = strstr(label, "%s");
	char *t;

	if (pct == NULL)
		t = xasprintf("%s, %s", s, label);
	else
		t = xasprintf("%s, %.*s%s%s", s, (int)(pct - label), label, val,
		    pct + 2);
	free(s);
	return t;
}

static int
jl_label_index(const char *opt)
{
	size_t i;

	for (i = 0; i < nitems(jl_labels); i++)
		if (strcmp(jl_labels[i].opt, opt) == 0)
			return (int)i;
	return -1;
}

char *
joblong_opts(const json_t *job)
{
	const json_t *opts = json_object_get(job, "opts"), *v;
	const char *k;
	char *s = xstrdup(""), *val, *generic;
	size_t i;
	int li;

	for (i = 0; i < nitems(jl_labels); i++) {
		v = json_object_get(opts, jl_labels[i].opt);
		if (v == NULL || jl_labels[i].label == NULL || json_is_false(v))
			continue;
		val = jl_optval(v);
		s = jl_append(s, jl_labels[i].label, val);
		free(val);
	}
	json_object_foreach((json_t *)opts, k, v) {
		if ((li = jl_label_index(k)) >= 0)
			continue;
		val = jl_optval(v);
		generic = *val ? xasprintf("%s, Option -%s <%s>", s, k, val) :
		    xasprintf("%s, Option -%s", s, k);
		free(s);
		s = generic;
		free(val);
	}
	return s;
}

/* "<time>: text" through the wrapper. */
static void
jl_event(FILE *fp, long t, const char *text, bool uf)
{
	char tbuf[64], *line;

	joblong_time(t, tbuf, sizeof(tbuf));
	line = xasprintf("%s: %s", tbuf, text);
	joblong_line(fp, line, uf);
	free(line);
}

static void
jl_submitted(FILE *fp, const json_t *job, bool uf)
{
	char *opts = joblong_opts(job), *text;
	const char *cwd = jl_str(job, "subcwd");

	text = xasprintf("Submitted from host <%s>, CWD <%s>%s;", jl_str(job,
	    "from_host"), *cwd ? cwd : "-", opts);
	jl_event(fp, jl_int(job, "submit_time"), text, uf);
	free(text);
	free(opts);
}

static void
jl_started(FILE *fp, const json_t *job, bool uf)
{
	const json_t *hosts = json_object_get(job, "exec_hosts"), *h;
	struct passwd *pw = getpwnam(jl_str(job, "user"));
	char *where = xstrdup(""), *t;
	size_t i, n = json_array_size(hosts);

	json_array_foreach(hosts, i, h) {
		t = xasprintf("%s%s<%s>", where, i ? " " : "", json_string_value(h) ?
		    json_string_value(h) : "");
		free(where);
		where = t;
	}
	if (n > 1) {
		t = xasprintf("%zu Hosts/Processors %s", n, where);
		free(where);
		where = t;
	}
	if (jl_int(job, "attempt") > 1) {	/* a rerun: its dispatch number */
		t = xasprintf("%s (attempt %ld)", where, jl_int(job, "attempt"));
		free(where);
		where = t;
	}
	t = xasprintf("Started on %s, Execution Home <%s>, Execution CWD <%s>;",
	    where, pw ? pw->pw_dir : "-", *jl_str(job, "exec_cwd") ?
	    jl_str(job, "exec_cwd") : jl_str(job, "subcwd"));
	jl_event(fp, jl_int(job, "start_time"), t, uf);
	free(t);
	free(where);
}

char *
joblong_ended(const json_t *job)
{
	const char *stat = jl_str(job, "stat");
	double cpu = json_number_value(json_object_get(job, "cpu"));
	long code = jl_int(job, "exit_code"), sig = jl_int(job, "signal");

	if (strcmp(stat, "DONE") == 0)
		return xasprintf("Done successfully. The CPU time used is %.1f "
		    "seconds.", cpu);
	if (jl_int(job, "start_time") <= 0)
		return xstrdup("Exited.");
	if (code != 0)
		return xasprintf("Exited with exit code %ld. The CPU time used is "
		    "%.1f seconds.", code, cpu);
	if (sig != 0)
		return xasprintf("Exited by signal %ld. The CPU time used is %.1f "
		    "seconds.", sig, cpu);
	return xasprintf("Exited. The CPU time used is %.1f seconds.", cpu);
}

static void
jl_finished(FILE *fp, const json_t *job, bool uf)
{
	const char *reason = jl_str(job, "exit_reason");
	char *text = joblong_ended(job), *t;

	jl_event(fp, jl_int(job, "finish_time"), text, uf);
	free(text);
	if (*reason != '\0' && strcmp(jl_str(job, "stat"), "EXIT") == 0) {
		t = xasprintf("Completed <exit>; %s.", reason);
		jl_event(fp, jl_int(job, "finish_time"), t, uf);
		free(t);
	}
}

/* " <reason>;" lines: the reason and the scheduler's detail lines. */
static void
jl_reason_lines(FILE *fp, const char *r, bool uf)
{
	const char *nl;
	char *line;
	size_t n;

	while (*r != '\0') {
		nl = strchr(r, '\n');
		n = nl ? (size_t)(nl - r) : strlen(r);
		if (n > 0) {
			line = xasprintf(" %.*s%s", (int)n, r, r[n - 1] == ';' ? "" : ";");
			joblong_line(fp, line, uf);
			free(line);
		}
		r += n + (nl != NULL);
	}
}

static void
jl_limits(FILE *fp, const json_t *job)
{
	const json_t *opts = json_object_get(job, "opts");
	const char *w = json_string_value(json_object_get(opts, "W"));
	const char *mem = json_string_value(json_object_get(opts, "M"));

	if (w != NULL)
		fprintf(fp, "\n RUNLIMIT\n %s min\n", w);
	if (mem != NULL)
		fprintf(fp, "\n MEMLIMIT\n %s\n", mem);
}

/* What a running job holds (JOBREC alloc): its GPUs as LSF's
 * GPU_ALLOCATION table (Pumice knows no model or memory: "-"), then
 * other consumables by host. */
static void
jl_alloc(FILE *fp, const json_t *job)
{
	const json_t *alloc = json_object_get(job, "alloc"), *a, *d;
	bool head = false;
	size_t i, k;

	json_array_foreach(alloc, i, a) {
		json_array_foreach(json_object_get(a, "dev"), k, d) {
			if (!head)
				fprintf(fp, "\n GPU_ALLOCATION:\n HOST             TASK GPU_ID  "
				    "MODEL        MTOTAL  FACTOR MRSV\n");
			head = true;
			fprintf(fp, " %-16s %-4s %-7lld %-12s %-7s %-6s %s\n",
			    k == 0 ? jl_str(a, "h") : "", "-",
			    (long long)json_integer_value(d), "-", "-", "-", "-");
		}
	}
	head = false;
	json_array_foreach(alloc, i, a) {
		if (json_object_get(a, "dev") != NULL)
			continue;
		if (!head)
			fprintf(fp, "\n CONSUMABLE RESOURCES HELD:\n");
		head = true;
		fprintf(fp, " %s: %s=%ld\n", jl_str(a, "h"), jl_str(a, "r"),
		    jl_int(a, "n"));
	}
}

void
joblong_result(FILE *fp, const json_t *job, const char *lead, bool uf)
{
	const json_t *r = json_object_get(job, "result");
	const char *why = jl_str(job, "result_error");
	char *text, *line;

	if (json_is_object(r)) {
		text = result_text(r);
		line = xasprintf("%s%s", lead, text ? text : "");
		fprintf(fp, "\n%sRESULT:\n", lead);
		joblong_line(fp, line, uf);
		free(line);
		free(text);
	}
	if (*why != '\0') {
		line = xasprintf("%s%s;", lead, why);
		fprintf(fp, "\n%sRESULT FILE REFUSED:\n", lead);
		joblong_line(fp, line, uf);
		free(line);
	}
}

static void
jl_tail(FILE *fp, const json_t *job, bool uf)
{
	const char *stat = jl_str(job, "stat");
	long maxrss = jl_int(job, "maxrss");
	char mbuf[64];

	if (maxrss > 0) {
		units_format_kb((uint64_t)maxrss, mbuf, sizeof(mbuf));
		fprintf(fp, "\n MEMORY USAGE:\n MAX MEM: %s;  AVG MEM: -\n", mbuf);
	}
	jl_limits(fp, job);
	jl_alloc(fp, job);
	joblong_result(fp, job, " ", uf);
	if (strcmp(stat, "PEND") == 0 || strcmp(stat, "PSUSP") == 0) {
		fprintf(fp, "\n PENDING REASONS:\n");
		jl_reason_lines(fp, *jl_str(job, "pend_reason") ? jl_str(job,
		    "pend_reason") : "New job is waiting for scheduling", uf);
		jl_reason_lines(fp, jl_str(job, "pend_detail"), uf);
	}
}

/* The agent's last sample of a running job, as LSF lays it out. */
static void
jl_usage(FILE *fp, const json_t *job, bool uf)
{
	char tbuf[64], mbuf[64];
	long mem = jl_int(job, "mem");
	int ind;

	joblong_time(jl_int(job, "usage_time"), tbuf, sizeof(tbuf));
	ind = (int)strlen(tbuf) + 2;	/* under the text after "<time>: " */
	units_format_kb((uint64_t)(mem > 0 ? mem : 0), mbuf, sizeof(mbuf));
	jl_event(fp, jl_int(job, "usage_time"), "Resource usage collected.", uf);
	fprintf(fp, "%*sThe CPU time used is %.0f seconds.\n", ind, "",
	    json_number_value(json_object_get(job, "cpu")));
	fprintf(fp, "%*sMEM: %s;  NPROC: %ld\n", ind, "", mbuf, jl_int(job, "nproc"));
}

/* bpost's messages, as LSF's EXTERNAL MESSAGES table; NOTIFICATION
 * only when a message has a level (bpost -N). */
static void
jl_messages(FILE *fp, const json_t *job)
{
	const json_t *msgs = json_object_get(job, "messages"), *mg;
	bool levels = false;
	char when[32];
	time_t t;
	struct tm tm;
	size_t i;

	if (json_array_size(msgs) == 0)
		return;
	json_array_foreach(msgs, i, mg)
		levels = levels || json_is_string(json_object_get(mg, "level"));
	fprintf(fp, "\n EXTERNAL MESSAGES:\n %-6s %-10s %-14s %-30s %s%s\n", "MSG_ID",
	    "FROM", "POST_TIME", "MESSAGE", "ATTACHMENT", levels ? "  NOTIFICATION" : "");
	json_array_foreach(msgs, i, mg) {
		t = (time_t)jl_int(mg, "time");
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%b %e %H:%M", &tm);
		fprintf(fp, " %-6ld %-10s %-14s %-30s %-*s%s\n", jl_int(mg, "i"),
		    jl_str(mg, "from"), when, jl_str(mg, "desc"), levels ? 12 : 0,
		    json_is_true(json_object_get(mg, "attached")) ? "Y" : "N",
		    jl_str(mg, "level"));
	}
}

static void
jl_block(FILE *fp, const json_t *job, bool uf)
{
	char *head = joblong_head(job), *line;

	line = xasprintf("%sStatus <%s>, Queue <%s>, Command <%s>", head,
	    jl_str(job, "stat"), jl_str(job, "queue"), jl_str(job, "cmd"));
	fputc('\n', fp);
	joblong_line(fp, line, uf);
	free(line);
	free(head);
	jl_submitted(fp, job, uf);
	if (jl_int(job, "start_time") > 0)
		jl_started(fp, job, uf);
	if (jl_int(job, "usage_time") > 0 && jl_int(job, "finish_time") <= 0)
		jl_usage(fp, job, uf);
	if (jl_int(job, "finish_time") > 0)
		jl_finished(fp, job, uf);
	jl_tail(fp, job, uf);
	jl_messages(fp, job);
}

void
joblong_print(FILE *fp, const json_t *jobs, bool unwrapped)
{
	const json_t *job;
	size_t i;

	json_array_foreach(jobs, i, job) {
		if (i > 0)
			fprintf(fp, "------------------------------------------------"
			    "------------------------------\n");
		jl_block(fp, job, unwrapped);
	}
}
