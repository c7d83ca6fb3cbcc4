/*
 * jobcols.c - bjobs -o "field[:[-][width]] ... [delimiter='c']" and its
 * -json form (LSF.md §3.5-3.6). Each field is a table row: its names and a
 * function giving its text from a JOBREC ("" when it has none, printed as
 * "-" in text mode and as "" in JSON, where every value is a string).
 */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "units.h"
#include "util.h"

typedef char *(*jobcols_fn)(const json_t *job, const char *key);

struct jobcols_field {
	const char *name;	/* header, upper-cased */
	const char *alias;	/* another accepted name, or NULL */
	jobcols_fn fn;
	const char *key;	/* the JOBREC member it reads */
};

struct jobcols_col {
	const struct jobcols_field *f;
	int width;		/* 0: as long as needed */
	bool right;
};

struct jobfmt_cols {
	struct jobcols_col *c;
	size_t n;
	char delim;
};

static char *
jobcols_str(const json_t *job, const char *key)
{
	const char *s = json_string_value(json_object_get(job, key));

	return xstrdup(s ? s : "");
}

static char *
jobcols_int(const json_t *job, const char *key)
{
	const json_t *v = json_object_get(job, key);

	return json_is_integer(v) ?
	    xasprintf("%lld", (long long)json_integer_value(v)) : xstrdup("");
}

static char *
jobcols_time(const json_t *job, const char *key)
{
	char buf[32];

	jobfmt_time((long)json_integer_value(json_object_get(job, key)), buf,
	    sizeof(buf));
	return xstrdup(buf);
}

static char *
jobcols_name(const json_t *job, const char *key)
{
	return jobfmt_name(job);
}

/* Empty unless the job exited (Toil reads "" as success). */
static char *
jobcols_exit_code(const json_t *job, const char *key)
{
	const char *stat = json_string_value(json_object_get(job, "stat"));

	if (stat == NULL || strcmp(stat, "EXIT") != 0)
		return xstrdup("");
	return jobcols_int(job, "exit_code");
}

static char *
jobcols_hosts(const json_t *job, const char *key)
{
	const json_t *hosts = json_object_get(job, "exec_hosts"), *h;
	char *out = xstrdup(""), *t;
	size_t i;

	json_array_foreach(hosts, i, h) {
		t = xasprintf("%s%s%s", out, i ? ":" : "", json_string_value(h) ?
		    json_string_value(h) : "");
		free(out);
		out = t;
	}
	return out;
}

static char *
jobcols_nhosts(const json_t *job, const char *key)
{
	const json_t *hosts = json_object_get(job, "exec_hosts");
	size_t i, k, n = 0;

	for (i = 0; i < json_array_size(hosts); i++) {
		for (k = 0; k < i; k++)
			if (json_equal(json_array_get(hosts, k), json_array_get(hosts, i)))
				break;
		n += k == i;
	}
	return n ? xasprintf("%zu", n) : xstrdup("");
}

static char *
jobcols_mem(const json_t *job, const char *key)
{
	json_int_t kb = json_integer_value(json_object_get(job, key));
	char buf[64];

	if (kb <= 0)
		return xstrdup("");
	units_format_kb((uint64_t)kb, buf, sizeof(buf));
	return xstrdup(buf);
}

static char *
jobcols_cpu(const json_t *job, const char *key)
{
	const json_t *v = json_object_get(job, key);

	if (!json_is_number(v))
		return xstrdup("");
	return xasprintf("%.1f second(s)", json_number_value(v));
}

static char *
jobcols_run_time(const json_t *job, const char *key)
{
	long start = (long)json_integer_value(json_object_get(job, "start_time"));
	long end = (long)json_integer_value(json_object_get(job, "finish_time"));

	if (start <= 0)
		return xstrdup("");
	if (end <= 0)
		end = (long)time(NULL);
	return xasprintf("%ld second(s)", end > start ? end - start : 0);
}

/* A bsub option recorded in JOBREC.opts, when the master sends them. */
static char *
jobcols_opt(const json_t *job, const char *key)
{
	const json_t *v = json_object_get(json_object_get(job, "opts"), key);

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (strcmp(key, "P") == 0)
		return xstrdup("default");
	return xstrdup("");
}

/* FINISH_TIME: finished jobs carry IBM's " L" (an actual, not estimated, time). */
static char *
jobcols_finish_time(const json_t *job, const char *key)
{
	const char *stat = json_string_value(json_object_get(job, "stat"));
	char *t = jobcols_time(job, "finish_time"), *s;

	if (*t == '\0' || stat == NULL || (strcmp(stat, "DONE") != 0 &&
	    strcmp(stat, "EXIT") != 0))
		return t;
	s = xasprintf("%s L", t);
	free(t);
	return s;
}

/* The run limit (bsub -W) in seconds, or -1. */
static long
jobcols_limit(const json_t *job)
{
	const char *w = json_string_value(json_object_get(json_object_get(job,
	    "opts"), "W"));
	char err[64];
	long sec;

	if (w == NULL || units_parse_minutes(w, &sec, err, sizeof(err)) < 0)
		return -1;
	return sec;
}

/* Seconds run so far, or -1 when it never started. */
static long
jobcols_elapsed(const json_t *job)
{
	long start = (long)json_integer_value(json_object_get(job, "start_time"));
	long end = (long)json_integer_value(json_object_get(job, "finish_time"));

	if (start <= 0)
		return -1;
	if (end <= 0)
		end = (long)time(NULL);
	return end > start ? end - start : 0;
}

/* TIME_LEFT "h:mm L" while a job with a run limit runs. */
static char *
jobcols_time_left(const json_t *job, const char *key)
{
	long lim = jobcols_limit(job), ran = jobcols_elapsed(job), left;
	const char *stat = json_string_value(json_object_get(job, "stat"));

	if (lim < 0 || ran < 0 || stat == NULL || strcmp(stat, "RUN") != 0)
		return xstrdup("");
	left = lim > ran ? lim - ran : 0;
	return xasprintf("%ld:%02ld L", left / 3600, (left / 60) % 60);
}

/* %COMPLETE "NN% L": run time over the run limit. */
static char *
jobcols_complete(const json_t *job, const char *key)
{
	long lim = jobcols_limit(job), ran = jobcols_elapsed(job);

	if (lim <= 0 || ran < 0)
		return xstrdup("");
	return xasprintf("%ld%% L", ran >= lim ? 100 : ran * 100 / lim);
}

/* Values Pumice does not measure (yet): always empty. */
static char *
jobcols_none(const json_t *job, const char *key)
{
	return xstrdup("");
}

static char *
jobcols_first_host(const json_t *job, const char *key)
{
	const char *h = json_string_value(json_array_get(json_object_get(job,
	    "exec_hosts"), 0));

	return xstrdup(h ? h : "");
}

static char *
jobcols_exec_home(const json_t *job, const char *key)
{
	struct passwd *pw;
	const char *user = json_string_value(json_object_get(job, "user"));

	if (json_integer_value(json_object_get(job, "start_time")) <= 0 ||
	    user == NULL || (pw = getpwnam(user)) == NULL)
		return xstrdup("");
	return xstrdup(pw->pw_dir);
}

/* bsub -R as given, several joined by a space. */
static char *
jobcols_resreq(const json_t *job, const char *key)
{
	const json_t *r = json_object_get(json_object_get(job, "opts"), "R"), *v;
	char *out = xstrdup(""), *t;
	size_t i;

	if (json_is_string(r))
		return jobcols_opt(job, "R");
	json_array_foreach(r, i, v) {
		t = xasprintf("%s%s%s", out, i ? " " : "", json_string_value(v) ?
		    json_string_value(v) : "");
		free(out);
		out = t;
	}
	return out;
}

static char *
jobcols_project(const json_t *job, const char *key)
{
	const char *p = json_string_value(json_object_get(job, "project"));

	return p != NULL && *p != '\0' ? xstrdup(p) : jobcols_opt(job, "P");
}

static const struct jobcols_field jobcols_fields[] = {
	{ "JOBID", "id", jobcols_int, "id" },
	{ "JOBINDEX", NULL, jobcols_int, "idx" },
	{ "STAT", NULL, jobcols_str, "stat" },
	{ "USER", NULL, jobcols_str, "user" },
	{ "QUEUE", NULL, jobcols_str, "queue" },
	{ "JOB_NAME", "name", jobcols_name, NULL },
	{ "EXIT_CODE", NULL, jobcols_exit_code, NULL },
	{ "EXIT_REASON", NULL, jobcols_str, "exit_reason" },
	{ "PEND_REASON", NULL, jobcols_str, "pend_reason" },
	{ "SUBMIT_TIME", NULL, jobcols_time, "submit_time" },
	{ "START_TIME", NULL, jobcols_time, "start_time" },
	{ "FINISH_TIME", NULL, jobcols_finish_time, NULL },
	{ "EXEC_HOST", NULL, jobcols_hosts, NULL },
	{ "NEXEC_HOST", NULL, jobcols_nhosts, NULL },
	{ "FROM_HOST", NULL, jobcols_str, "from_host" },
	{ "SLOTS", "nreq_slot", jobcols_int, "nslots" },
	{ "ALLOC_SLOT", NULL, jobcols_int, "nslots" },
	{ "MAX_MEM", NULL, jobcols_mem, "maxrss" },
	{ "MEM", NULL, jobcols_mem, "mem" },	/* sampled while running (usage.h) */
	{ "CPU_USED", NULL, jobcols_cpu, "cpu" },
	{ "RUN_TIME", NULL, jobcols_run_time, NULL },
	{ "COMMAND", "cmd", jobcols_str, "cmd" },
	{ "DEPENDENCY", NULL, jobcols_str, "dep" },
	{ "SUB_CWD", NULL, jobcols_str, "subcwd" },
	{ "EXEC_CWD", NULL, jobcols_str, "exec_cwd" },
	{ "OUTPUT_FILE", NULL, jobcols_str, "out" },
	{ "ERROR_FILE", NULL, jobcols_str, "err" },
	{ "PROJ_NAME", "proj", jobcols_project, NULL },
	{ "PROJECT", NULL, jobcols_project, NULL },
	{ "RUNTIMELIMIT", NULL, jobcols_opt, "W" },
	{ "MEMLIMIT", NULL, jobcols_opt, "M" },
	{ "USER_GROUP", NULL, jobcols_opt, "G" },
	{ "TIME_LEFT", NULL, jobcols_time_left, NULL },
	{ "%COMPLETE", NULL, jobcols_complete, NULL },
	{ "AVG_MEM", NULL, jobcols_none, NULL },
	{ "SWAP", NULL, jobcols_none, NULL },
	{ "PIDS", NULL, jobcols_none, NULL },
	{ "EXEC_HOME", NULL, jobcols_exec_home, NULL },
	{ "FIRST_HOST", NULL, jobcols_first_host, NULL },
	{ "JOB_GROUP", NULL, jobcols_opt, "g" },
	{ "INPUT_FILE", NULL, jobcols_opt, "i" },
	{ "APP", NULL, jobcols_opt, "app" },
	{ "PRE_EXEC", NULL, jobcols_opt, "E" },
	{ "POST_EXEC", NULL, jobcols_opt, "Ep" },
	{ "PRIORITY", NULL, jobcols_opt, "sp" },
	{ "EFFECTIVE_RESREQ", "combined_resreq", jobcols_resreq, NULL },
	{ "ARRAY_SPEC", NULL, jobcols_str, "array" },
};

static const struct jobcols_field *
jobcols_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(jobcols_fields); i++)
		if (strcasecmp(jobcols_fields[i].name, name) == 0 ||
		    (jobcols_fields[i].alias != NULL &&
		    strcasecmp(jobcols_fields[i].alias, name) == 0))
			return &jobcols_fields[i];
	return NULL;
}

/* "delimiter='c'" (quotes optional); -1 when malformed. */
static int
jobcols_delim(const char *word, char *delim)
{
	const char *v = word + strlen("delimiter=");

	if ((v[0] == '\'' || v[0] == '"') && v[1] != '\0' && v[2] == v[0] && v[3] == '\0')
		*delim = v[1];
	else if (v[0] != '\0' && v[1] == '\0')
		*delim = v[0];
	else
		return -1;
	return 0;
}

/* One "field[:[-][width]][:unit]" word. */
static int
jobcols_word(struct jobfmt_cols *c, char *word, char *err, size_t errlen)
{
	char *colon = strchr(word, ':'), *w;
	struct jobcols_col col = { NULL, 0, false };

	if (colon != NULL)
		*colon = '\0';
	if ((col.f = jobcols_lookup(word)) == NULL)
		return errf(err, errlen, "Output field <%s> is not a valid field name",
		    word);
	if (colon != NULL) {
		w = colon + 1;
		if (*w == '-') {
			col.right = true;
			w++;
		}
		while (isdigit((unsigned char)*w))
			col.width = col.width * 10 + (*w++ - '0');
		if (*w != '\0' && *w != ':')
			return errf(err, errlen, "Bad width for output field <%s>", word);
	}
	c->c = xrealloc(c->c, (c->n + 1) * sizeof(*c->c));
	c->c[c->n++] = col;
	return 0;
}

struct jobfmt_cols *
jobfmt_cols_parse(const char *spec, char *err, size_t errlen)
{
	struct jobfmt_cols *c = xcalloc(1, sizeof(*c));
	char *copy = xstrdup(spec), *word, *save = NULL;
	int rc = 0;

	c->delim = ' ';
	for (word = strtok_r(copy, " \t", &save); word && rc == 0;
	    word = strtok_r(NULL, " \t", &save)) {
		if (strncasecmp(word, "delimiter=", 10) == 0)
			rc = jobcols_delim(word, &c->delim) < 0 ?
			    errf(err, errlen, "Bad delimiter <%s>", word) : 0;
		else
			rc = jobcols_word(c, word, err, errlen);
	}
	free(copy);
	if (rc == 0 && c->n == 0)
		rc = errf(err, errlen, "No output field given for option -o");
	if (rc < 0) {
		jobfmt_cols_free(c);
		return NULL;
	}
	return c;
}

void
jobfmt_cols_free(struct jobfmt_cols *c)
{
	if (c == NULL)
		return;
	free(c->c);
	free(c);
}

/* One cell: padded or cut to the width; the last column is not padded. */
static void
jobcols_cell(FILE *fp, const struct jobcols_col *col, const char *s, bool last)
{
	int n = (int)strlen(s);

	if (col->width == 0)
		fputs(s, fp);
	else if (n > col->width)
		fprintf(fp, "%.*s", col->width, s);
	else if (col->right)
		fprintf(fp, "%*s", col->width, s);
	else if (last)
		fputs(s, fp);
	else
		fprintf(fp, "%-*s", col->width, s);
}

void
jobfmt_cols_print(FILE *fp, const struct jobfmt_cols *c, const json_t *jobs,
    bool noheader)
{
	const json_t *job;
	size_t i, k;
	char *v;

	for (k = 0; !noheader && k < c->n; k++) {
		if (k > 0)
			fputc(c->delim, fp);
		jobcols_cell(fp, &c->c[k], c->c[k].f->name, k + 1 == c->n);
	}
	if (!noheader)
		fputc('\n', fp);
	json_array_foreach(jobs, i, job) {
		for (k = 0; k < c->n; k++) {
			if (k > 0)
				fputc(c->delim, fp);
			v = c->c[k].f->fn(job, c->c[k].f->key);
			jobcols_cell(fp, &c->c[k], *v ? v : "-", k + 1 == c->n);
			free(v);
		}
		fputc('\n', fp);
	}
}

static void
jobcols_json_pair(FILE *fp, const char *key, const char *value, bool last)
{
	json_t *s = json_string(value);
	char *enc = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;

	fprintf(fp, "      \"%s\":%s%s\n", key, enc ? enc : "\"\"", last ? "" : ",");
	free(enc);
	json_decref(s);
}

void
jobfmt_cols_json(FILE *fp, const struct jobfmt_cols *c, const json_t *jobs,
    const json_t *missing)
{
	size_t i, k, n = json_array_size(jobs) + json_array_size(missing);
	const json_t *job, *m;
	char *v;

	fprintf(fp, "{\n  \"COMMAND\":\"bjobs\",\n  \"JOBS\":%zu,\n  \"RECORDS\":[\n", n);
	json_array_foreach(jobs, i, job) {
		fputs("    {\n", fp);
		for (k = 0; k < c->n; k++) {
			v = c->c[k].f->fn(job, c->c[k].f->key);
			jobcols_json_pair(fp, c->c[k].f->name, v, k + 1 == c->n);
			free(v);
		}
		fprintf(fp, "    }%s\n", --n > 0 ? "," : "");
	}
	json_array_foreach(missing, i, m) {
		fputs("    {\n", fp);
		jobcols_json_pair(fp, "ERROR", json_string_value(m) ?
		    json_string_value(m) : "", true);
		fprintf(fp, "    }%s\n", --n > 0 ? "," : "");
	}
	fputs("  ]\n}\n", fp);
}
