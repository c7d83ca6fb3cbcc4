/*
 * jobfmt.c - the default bjobs table (LSF.md §3.2): whitespace-separated
 * columns 7/7/5/10/11/11/10 wide. JOBID is never cut; in narrow mode long
 * job names keep their end behind a '*', other fields are cut to width,
 * and a job on several hosts shows one host per slot on continuation lines
 * under EXEC_HOST (or "N*host" with LSB_SHORT_HOSTLIST=1); -w cuts nothing
 * and joins the hosts with ':'. The -o formats live in jobcols.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util.h"

#define JOBFMT_HOST_COL 45	/* where EXEC_HOST starts */

void
jobfmt_time(long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	strftime(buf, len, "%b %e %H:%M", &tm);
}

char *
jobfmt_name(const json_t *job)
{
	const char *name = json_string_value(json_object_get(job, "name"));
	json_int_t idx = json_integer_value(json_object_get(job, "idx"));

	char suffix[32];
	size_t n, k;

	if (name == NULL)
		name = "";
	if (idx <= 0)
		return xstrdup(name);
	snprintf(suffix, sizeof(suffix), "[%lld]", (long long)idx);
	n = strlen(name);
	k = strlen(suffix);
	if (n >= k && strcmp(name + n - k, suffix) == 0)
		return xstrdup(name);	/* the master already named the element */
	return xasprintf("%s%s", name, suffix);
}

static const char *
jobfmt_str(const json_t *job, const char *key)
{
	const char *s = json_string_value(json_object_get(job, key));

	return s ? s : "";
}

/* A cut field fits here: at most 11 bytes, or "*" and 10. */
#define JOBFMT_CUT_MAX 16

/* s cut to w columns (bytes); keep_end: "*" and the last w-1 bytes. A
 * cut copy goes to buf (JOBFMT_CUT_MAX bytes): a row allocates nothing
 * for its columns, which counts at 100,000 rows. */
static const char *
jobfmt_cut(const char *s, size_t w, bool keep_end, bool wide, char *buf)
{
	size_t n = strlen(s);

	if (wide || n <= w)
		return s;
	if (keep_end)
		snprintf(buf, JOBFMT_CUT_MAX, "*%s", s + n - (w - 1));
	else
		snprintf(buf, JOBFMT_CUT_MAX, "%.*s", (int)w, s);
	return buf;
}

/* The hosts as "h1:h2" (-w), or "N*h" runs with LSB_SHORT_HOSTLIST. */
static char *
jobfmt_hosts_joined(const json_t *hosts, bool counted)
{
	char *out = xstrdup(""), *t;
	size_t i = 0, n = json_array_size(hosts), k;

	while (i < n) {
		const char *h = json_string_value(json_array_get(hosts, i));

		for (k = i + 1; counted && k < n &&
		    strcmp(h ? h : "", json_string_value(json_array_get(hosts, k)) ?
		    json_string_value(json_array_get(hosts, k)) : "") == 0; k++)
			;
		if (!counted)
			k = i + 1;
		if (k - i > 1)
			t = xasprintf("%s%s%zu*%s", out, *out ? ":" : "", k - i, h ? h : "");
		else
			t = xasprintf("%s%s%s", out, *out ? ":" : "", h ? h : "");
		free(out);
		out = t;
		i = k;
	}
	return out;
}

void
jobfmt_header(FILE *fp)
{
	fputs("JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   "
	    "JOB_NAME   SUBMIT_TIME\n", fp);
}

/* Prints one row (and continuation lines). */
static void
jobfmt_row(FILE *fp, const json_t *job, const struct jobfmt *f)
{
	const json_t *hosts = json_object_get(job, "exec_hosts");
	bool wide = f->wide, multi = json_array_size(hosts) > 1;
	char *joined = NULL, *full = NULL, tbuf[32];
	char ubuf[JOBFMT_CUT_MAX], qbuf[JOBFMT_CUT_MAX], fbuf[JOBFMT_CUT_MAX];
	char ebuf[JOBFMT_CUT_MAX], nbuf[JOBFMT_CUT_MAX];
	const char *exec = json_string_value(json_array_get(hosts, 0));
	size_t i;

	if (multi && (wide || f->short_hosts))
		exec = joined = jobfmt_hosts_joined(hosts, !wide);
	if (json_integer_value(json_object_get(job, "idx")) > 0)
		full = jobfmt_name(job);	/* an element: name[idx] */
	jobfmt_time((long)json_integer_value(json_object_get(job, "submit_time")),
	    tbuf, sizeof(tbuf));
	fprintf(fp, "%-7lld %-7s %-5s %-10s %-11s %-11s %-10s %s\n",
	    (long long)json_integer_value(json_object_get(job, "id")),
	    jobfmt_cut(jobfmt_str(job, "user"), 7, false, wide, ubuf),
	    jobfmt_str(job, "stat"),
	    jobfmt_cut(jobfmt_str(job, "queue"), 10, false, wide, qbuf),
	    jobfmt_cut(jobfmt_str(job, "from_host"), 11, false, wide, fbuf),
	    jobfmt_cut(exec ? exec : "", 11, false, wide, ebuf),
	    jobfmt_cut(full ? full : jobfmt_str(job, "name"), 10, true, wide, nbuf),
	    tbuf);
	if (multi && !wide && !f->short_hosts)
		for (i = 1; i < json_array_size(hosts); i++)
			fprintf(fp, "%*s%s\n", JOBFMT_HOST_COL, "",
			    json_string_value(json_array_get(hosts, i)) ?
			    json_string_value(json_array_get(hosts, i)) : "");
	free(joined);
	free(full);
}

/* " <reason>;" lines under a pending or suspended job (bjobs -p / -s). */
static void
jobfmt_reasons(FILE *fp, const json_t *job)
{
	const char *r = jobfmt_str(job, "pend_reason"), *nl;
	const char *d = jobfmt_str(job, "pend_detail");	/* the scheduler's detail */
	size_t n;

	while (*r != '\0') {
		nl = strchr(r, '\n');
		n = nl ? (size_t)(nl - r) : strlen(r);
		if (n > 0 && nl == NULL && *d != '\0' && r[n - 1] != ';')
			fprintf(fp, " %.*s: %s;\n", (int)n, r, d);
		else if (n > 0)
			fprintf(fp, " %.*s%s\n", (int)n, r, r[n - 1] == ';' ? "" : ";");
		r += n + (nl != NULL);
	}
}

void
jobfmt_table(FILE *fp, const json_t *jobs, const struct jobfmt *f)
{
	const json_t *job;
	size_t i;

	if (!f->noheader)
		jobfmt_header(fp);
	json_array_foreach(jobs, i, job) {
		jobfmt_row(fp, job, f);
		if (f->reasons)
			jobfmt_reasons(fp, job);
	}
}

void
jobfmt_fields_add(json_t *fields, const char *names)
{
	const char *p = names, *end;
	json_t *v;
	size_t i;

	for (; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, " ");
		if (end == p)
			continue;
		json_array_foreach(fields, i, v)
			if (strncmp(json_string_value(v), p, (size_t)(end - p)) == 0 &&
			    json_string_value(v)[end - p] == '\0')
				break;
		if (i == json_array_size(fields))
			json_array_append_new(fields, json_stringn(p, (size_t)(end - p)));
	}
}

void
jobfmt_fields(const struct jobfmt *f, json_t *fields)
{
	jobfmt_fields_add(fields, "user stat queue from_host exec_hosts name "
	    "submit_time");
	if (f->reasons)
		jobfmt_fields_add(fields, "pend_reason");
}
