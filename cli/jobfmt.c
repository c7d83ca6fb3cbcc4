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
#include "jobrow.h"
#include "rowtext.h"
#include "util.h"

#define JOBFMT_HOST_COL 45	/* where EXEC_HOST starts */

/* The last minute formatted: a listing's jobs were mostly submitted in
 * a few minutes, and localtime costs more than the rest of a row. Every
 * zone offset is whole minutes, so one UTC minute is one local minute. */
static long jobfmt_time_min = -1;
static char jobfmt_time_text[32];

void
jobfmt_time(long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || len == 0) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	if (t / 60 != jobfmt_time_min) {
		if (localtime_r(&tt, &tm) == NULL) {
			buf[0] = '\0';
			return;
		}
		strftime(jobfmt_time_text, sizeof(jobfmt_time_text), "%b %e %H:%M", &tm);
		jobfmt_time_min = t / 60;
	}
	len = len <= strlen(jobfmt_time_text) ? len - 1 : strlen(jobfmt_time_text);
	memcpy(buf, jobfmt_time_text, len);	/* no printf: once a row */
	buf[len] = '\0';
}

/* name, or name[idx] for an element the master did not name so. */
static char *
jobfmt_name_of(const char *name, long long idx)
{
	char suffix[32];
	size_t n, k;

	if (name == NULL)
		name = "";
	if (idx <= 0)
		return xstrdup(name);
	snprintf(suffix, sizeof(suffix), "[%lld]", idx);
	n = strlen(name);
	k = strlen(suffix);
	if (n >= k && strcmp(name + n - k, suffix) == 0)
		return xstrdup(name);	/* the master already named the element */
	return xasprintf("%s%s", name, suffix);
}

char *
jobfmt_name(const json_t *job)
{
	return jobfmt_name_of(json_string_value(json_object_get(job, "name")),
	    (long long)json_integer_value(json_object_get(job, "idx")));
}

char *
jobfmt_row_name(struct jobrow *r)
{
	return jobfmt_name_of(jobrow_str(r, JR_NAME), jobrow_int0(r, JR_IDX));
}

/* The row's name when the master named the element (it does): NULL when
 * a copy with the index is needed. */
static const char *
jobfmt_name_as_is(struct jobrow *r)
{
	const char *name = jobrow_str(r, JR_NAME);
	long long idx = jobrow_int0(r, JR_IDX);
	char suffix[32];
	size_t n, k;

	if (name == NULL)
		name = "";
	if (idx <= 0)
		return name;
	k = (size_t)snprintf(suffix, sizeof(suffix), "[%lld]", idx);
	n = strlen(name);
	return n >= k && strcmp(name + n - k, suffix) == 0 ? name : NULL;
}

static const char *
jobfmt_str(struct jobrow *r, int k)
{
	const char *s = jobrow_str(r, k);

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
jobfmt_hosts_joined(struct jobrow *r, bool counted)
{
	char *out = xstrdup(""), *t;
	size_t i = 0, n = jobrow_nhosts(r), k;

	while (i < n) {
		const char *h = jobrow_host(r, i);

		for (k = i + 1; counted && k < n &&
		    strcmp(h ? h : "", jobrow_host(r, k) ? jobrow_host(r, k) : "") == 0; k++)
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

/* Pads what b holds from byte from on to w columns, and the space after. */
static void
jobfmt_pad_from(struct rowbuf *b, size_t from, size_t w)
{
	static const char spaces[] = "            ";
	size_t n = b->len - from;

	while (n < w) {
		size_t k = w - n < sizeof(spaces) - 1 ? w - n : sizeof(spaces) - 1;

		rowbuf_put(b, spaces, k);
		n += k;
	}
	rowbuf_put(b, " ", 1);
}

/* s left-aligned in w columns (never cut), and the space after. */
static void
jobfmt_pad(struct rowbuf *b, const char *s, size_t w)
{
	size_t from = b->len;

	rowbuf_put(b, s, strlen(s));
	jobfmt_pad_from(b, from, w);
}

/* Prints one row (and continuation lines). */
static void
jobfmt_row(FILE *fp, struct jobrow *r, const struct jobfmt *f)
{
	size_t nhosts = jobrow_nhosts(r), i;
	bool wide = f->wide, multi = nhosts > 1;
	char *joined = NULL, *full = NULL, tbuf[32];
	char ubuf[JOBFMT_CUT_MAX], qbuf[JOBFMT_CUT_MAX], fbuf[JOBFMT_CUT_MAX];
	char ebuf[JOBFMT_CUT_MAX], nbuf[JOBFMT_CUT_MAX];
	const char *exec = jobrow_host(r, 0), *name = jobfmt_name_as_is(r);
	struct rowbuf line;

	if (multi && (wide || f->short_hosts))
		exec = joined = jobfmt_hosts_joined(r, !wide);
	if (name == NULL)
		name = full = jobfmt_row_name(r);	/* an element: name[idx] */
	jobfmt_time((long)jobrow_int0(r, JR_SUBMIT_TIME), tbuf, sizeof(tbuf));
	/* "%-7s %-7s %-5s %-10s %-11s %-11s %-10s %s\n", without printf: it
	 * was a quarter of a 100,000-row listing's time */
	rowbuf_init(&line);
	rowtext_put_long(&line, (long)jobrow_int0(r, JR_ID));
	jobfmt_pad_from(&line, 0, 7);
	jobfmt_pad(&line, jobfmt_cut(jobfmt_str(r, JR_USER), 7, false, wide, ubuf), 7);
	jobfmt_pad(&line, jobfmt_str(r, JR_STAT), 5);
	jobfmt_pad(&line, jobfmt_cut(jobfmt_str(r, JR_QUEUE), 10, false, wide, qbuf), 10);
	jobfmt_pad(&line, jobfmt_cut(jobfmt_str(r, JR_FROM_HOST), 11, false, wide,
	    fbuf), 11);
	jobfmt_pad(&line, jobfmt_cut(exec ? exec : "", 11, false, wide, ebuf), 11);
	jobfmt_pad(&line, jobfmt_cut(name, 10, true, wide, nbuf), 10);
	rowbuf_put(&line, tbuf, strlen(tbuf));
	rowbuf_put(&line, "\n", 1);
	fwrite(line.p, 1, line.len, fp);
	rowbuf_free(&line);
	if (multi && !wide && !f->short_hosts)
		for (i = 1; i < nhosts; i++)
			fprintf(fp, "%*s%s\n", JOBFMT_HOST_COL, "",
			    jobrow_host(r, i) ? jobrow_host(r, i) : "");
	free(joined);
	free(full);
}

/* " <reason>;" lines under a pending or suspended job (bjobs -p / -s). */
static void
jobfmt_reasons(FILE *fp, struct jobrow *row)
{
	const char *r = jobfmt_str(row, JR_PEND_REASON), *nl;
	const char *d = jobfmt_str(row, JR_PEND_DETAIL);	/* the scheduler's detail */
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
jobfmt_table_rows(FILE *fp, struct jobrow *rows, size_t n, const struct jobfmt *f)
{
	size_t i;

	if (!f->noheader)
		jobfmt_header(fp);
	for (i = 0; i < n; i++) {
		jobfmt_row(fp, &rows[i], f);
		if (f->reasons)
			jobfmt_reasons(fp, &rows[i]);
	}
}

void
jobfmt_table(FILE *fp, const json_t *jobs, const struct jobfmt *f)
{
	size_t i, n = json_array_size(jobs);
	struct jobrow *rows = xcalloc(n + 1, sizeof(*rows));

	for (i = 0; i < n; i++)
		jobrow_json(&rows[i], json_array_get(jobs, i));
	jobfmt_table_rows(fp, rows, n, f);
	for (i = 0; i < n; i++)
		jobrow_clear(&rows[i]);
	free(rows);
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
