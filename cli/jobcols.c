/*
 * jobcols.c - bjobs -o "field[:[-][width]][:unit] ... [delimiter='c']" and
 * its -json form (LSF.md §3.5-3.6). Each field is a table row: its names
 * and a function giving its text from a JOBREC ("" when it has none,
 * printed as "-" in text mode and as "" in JSON, where every value is a
 * string). A width never cuts a job id: that column widens instead. JSON
 * keys are unique: a field asked for twice (jobid and id) keeps the first.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "jobrow.h"
#include "result.h"
#include "units.h"
#include "util.h"

/* A column wider than any terminal is a typo; the bound also keeps the
 * width an int. */
#define JOBCOLS_MAX_WIDTH 4096

struct jobcols_col;
typedef char *(*jobcols_fn)(struct jobrow *r, const struct jobcols_col *col);

enum {
	JC_MEM = 1,		/* a size: ":unit" applies */
	JC_NOCUT = 2,		/* never cut (a job id): the column widens */
	JC_JSON = 4,		/* -json: its JSON value, not a string */
};

struct jobcols_field {
	const char *name;	/* header, upper-cased */
	const char *alias;	/* another accepted name, or NULL */
	jobcols_fn fn;
	const char *key;	/* the JOBREC member it reads */
	int flags;		/* JC_* */
	const char *needs;	/* the JOBREC members fn reads; NULL: key */
};

struct jobcols_col {
	const struct jobcols_field *f;
	int width;		/* 0: as long as needed */
	bool right;
	char unit;		/* 'K', 'M', 'G', 'T' from ":unit"; 0 none */
	bool hms;		/* -hms: durations as hh:mm:ss */
	int k;			/* the jobrow key of f->key; -1 none */
	char *hdr;		/* "RESULT.loss": its header; NULL: f->name */
	const char *path;	/* "loss": the path into the result, in hdr */
};

struct jobfmt_cols {
	struct jobcols_col *c;
	size_t n;
	char delim;
	int *width;		/* set by the first page printed; only grows */
};

static char *
jobcols_str(struct jobrow *r, const struct jobcols_col *col)
{
	const char *s = jobrow_str(r, col->k);

	return xstrdup(s ? s : "");
}

/*
 * PEND_REASON: the LSF wording and, after ": ", the scheduler's concrete
 * constraint (as bjobs -p prints it); several reasons joined by "; ".
 */
static char *
jobcols_pend(struct jobrow *row, const struct jobcols_col *col)
{
	const char *r = jobrow_str(row, JR_PEND_REASON);
	const char *d = jobrow_str(row, JR_PEND_DETAIL);
	char *out, *p;

	if (r == NULL || *r == '\0')
		return xstrdup("");
	if (d != NULL && *d != '\0' && strchr(r, '\n') == NULL)
		return xasprintf("%s: %s", r, d);
	out = xstrdup(r);
	while ((p = strchr(out, '\n')) != NULL) {
		char *t;
		*p = '\0';
		t = xasprintf("%s; %s", out, p + 1);
		free(out);
		out = t;
	}
	return out;
}

static char *
jobcols_int_of(struct jobrow *r, int k)
{
	bool has;
	long long v = jobrow_int(r, k, &has);

	return has ? xasprintf("%lld", v) : xstrdup("");
}

static char *
jobcols_int(struct jobrow *r, const struct jobcols_col *col)
{
	return jobcols_int_of(r, col->k);
}

static char *
jobcols_time_of(struct jobrow *r, int k)
{
	char buf[32];

	jobfmt_time((long)jobrow_int0(r, k), buf, sizeof(buf));
	return xstrdup(buf);
}

static char *
jobcols_time(struct jobrow *r, const struct jobcols_col *col)
{
	return jobcols_time_of(r, col->k);
}

static char *
jobcols_name(struct jobrow *r, const struct jobcols_col *col)
{
	return jobfmt_row_name(r);
}

/* Empty unless the job exited (Toil reads "" as success). */
static char *
jobcols_exit_code(struct jobrow *r, const struct jobcols_col *col)
{
	const char *stat = jobrow_str(r, JR_STAT);

	if (stat == NULL || strcmp(stat, "EXIT") != 0)
		return xstrdup("");
	return jobcols_int_of(r, JR_EXIT_CODE);
}

static const char *
jobcols_host(struct jobrow *r, size_t i)
{
	const char *h = jobrow_host(r, i);

	return h ? h : "";
}

static char *
jobcols_hosts(struct jobrow *r, const struct jobcols_col *col)
{
	char *out = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < jobrow_nhosts(r); i++) {
		t = xasprintf("%s%s%s", out, i ? ":" : "", jobcols_host(r, i));
		free(out);
		out = t;
	}
	return out;
}

static char *
jobcols_nhosts(struct jobrow *r, const struct jobcols_col *col)
{
	size_t i, k, n = 0;

	for (i = 0; i < jobrow_nhosts(r); i++) {
		for (k = 0; k < i; k++)
			if (strcmp(jobcols_host(r, k), jobcols_host(r, i)) == 0)
				break;
		n += k == i;
	}
	return n ? xasprintf("%zu", n) : xstrdup("");
}

/*
 * A size in KB as "5.2 Gbytes", or with ":unit" in that unit with two
 * decimals, the third rounded up (IBM: 10 MB in G is "0.01G").
 */
static char *
jobcols_size(uint64_t kb, char unit)
{
	static const char units[] = "KMGT";
	uint64_t div = 1, hundredths;
	char buf[64];

	if (unit == 0) {
		units_format_kb(kb, buf, sizeof(buf));
		return xstrdup(buf);
	}
	for (const char *u = units; *u != unit; u++)
		div *= 1024;
	hundredths = (kb * 100 + div - 1) / div;
	return xasprintf("%llu.%02llu%c", (unsigned long long)(hundredths / 100),
	    (unsigned long long)(hundredths % 100), unit);
}

static char *
jobcols_mem(struct jobrow *r, const struct jobcols_col *col)
{
	long long kb = jobrow_int0(r, col->k);

	if (kb <= 0)
		return xstrdup("");
	return jobcols_size((uint64_t)kb, col->unit);
}

/* "hh:mm:ss" (hours as many digits as needed). */
static char *
jobcols_hms(long sec)
{
	return xasprintf("%02ld:%02ld:%02ld", sec / 3600, (sec / 60) % 60, sec % 60);
}

/* -hms rounds the CPU time up to the next second, as IBM does. */
static char *
jobcols_cpu(struct jobrow *r, const struct jobcols_col *col)
{
	bool has;
	double cpu = jobrow_real(r, col->k, &has);

	if (!has)
		return xstrdup("");
	if (col->hms)	/* rounded up: no libm in the CLI */
		return jobcols_hms(cpu > 0 ? (long)cpu + ((double)(long)cpu < cpu) : 0);
	return xasprintf("%.1f second(s)", cpu);
}

/* The run limit (bsub -W) in seconds, or -1. */
static long
jobcols_limit(struct jobrow *r)
{
	const char *w = jobrow_opt(r, "W");
	char err[64];
	long sec;

	if (w == NULL || units_parse_minutes(w, &sec, err, sizeof(err)) < 0)
		return -1;
	return sec;
}

/* Seconds run so far, or -1 when it never started. */
static long
jobcols_elapsed(struct jobrow *r)
{
	long start = (long)jobrow_int0(r, JR_START_TIME);
	long end = (long)jobrow_int0(r, JR_FINISH_TIME);

	if (start <= 0)
		return -1;
	if (end <= 0)
		end = (long)time(NULL);
	return end > start ? end - start : 0;
}

static char *
jobcols_run_time(struct jobrow *r, const struct jobcols_col *col)
{
	long ran = jobcols_elapsed(r);

	if (ran < 0)
		return xstrdup("");
	return col->hms ? jobcols_hms(ran) : xasprintf("%ld second(s)", ran);
}

/* A bsub option recorded in JOBREC.opts, when the master sends them. */
static char *
jobcols_opt_of(struct jobrow *r, const char *key)
{
	const char *v = jobrow_opt(r, key);

	if (v != NULL)
		return xstrdup(v);
	if (strcmp(key, "P") == 0)
		return xstrdup("default");
	return xstrdup("");
}

static char *
jobcols_opt(struct jobrow *r, const struct jobcols_col *col)
{
	return jobcols_opt_of(r, col->f->key);
}

/* RUNTIMELIMIT: bsub -W as given, or hh:mm:ss with -hms. */
static char *
jobcols_runlimit(struct jobrow *r, const struct jobcols_col *col)
{
	long lim = jobcols_limit(r);

	if (col->hms && lim >= 0)
		return jobcols_hms(lim);
	return jobcols_opt(r, col);
}

/*
 * MEMLIMIT: bsub -M as given, or in the ":unit" asked for; a bare number
 * is in MB, Pumice's default LSF_UNIT_FOR_LIMITS.
 */
static char *
jobcols_memlimit(struct jobrow *r, const struct jobcols_col *col)
{
	char *m = jobcols_opt(r, col), *p, err[64];
	uint64_t kb;

	if (col->unit == 0 || *m == '\0')
		return m;
	for (p = m + strlen(m); p > m && (p[-1] == '!' || p[-1] == ' '); p--)
		p[-1] = '\0';
	if (units_parse_size(m, "MB", &kb, err, sizeof(err)) < 0)
		return m;
	free(m);
	return jobcols_size(kb, col->unit);
}

/* NREQ_SLOT: the slots asked for, "min" or "min,max" (bsub -n). */
static char *
jobcols_nreq_slot(struct jobrow *r, const struct jobcols_col *col)
{
	const char *n = jobrow_opt(r, "n");
	const char *comma;
	long min, max;

	if (n == NULL)
		return jobcols_int_of(r, JR_NSLOTS);
	min = strtol(n, NULL, 10);
	max = (comma = strchr(n, ',')) != NULL ? strtol(comma + 1, NULL, 10) : min;
	return max > min ? xasprintf("%ld,%ld", min, max) : xasprintf("%ld", min);
}

/* FINISH_TIME: finished jobs carry IBM's " L" (an actual, not estimated, time). */
static char *
jobcols_finish_time(struct jobrow *r, const struct jobcols_col *col)
{
	const char *stat = jobrow_str(r, JR_STAT);
	char *t = jobcols_time_of(r, JR_FINISH_TIME), *s;

	if (*t == '\0' || stat == NULL || (strcmp(stat, "DONE") != 0 &&
	    strcmp(stat, "EXIT") != 0))
		return t;
	s = xasprintf("%s L", t);
	free(t);
	return s;
}

/* TIME_LEFT "h:mm L" (-hms: "hh:mm:ss L") while a job with a run limit runs. */
static char *
jobcols_time_left(struct jobrow *r, const struct jobcols_col *col)
{
	long lim = jobcols_limit(r), ran = jobcols_elapsed(r), left;
	const char *stat = jobrow_str(r, JR_STAT);
	char *hms, *s;

	if (lim < 0 || ran < 0 || stat == NULL || strcmp(stat, "RUN") != 0)
		return xstrdup("");
	left = lim > ran ? lim - ran : 0;
	if (!col->hms)
		return xasprintf("%ld:%02ld L", left / 3600, (left / 60) % 60);
	hms = jobcols_hms(left);
	s = xasprintf("%s L", hms);
	free(hms);
	return s;
}

/* %COMPLETE "NN% L": run time over the run limit. */
static char *
jobcols_complete(struct jobrow *r, const struct jobcols_col *col)
{
	long lim = jobcols_limit(r), ran = jobcols_elapsed(r);

	if (lim <= 0 || ran < 0)
		return xstrdup("");
	return xasprintf("%ld%% L", ran >= lim ? 100 : ran * 100 / lim);
}

/* Values Pumice does not measure (yet): always empty. */
static char *
jobcols_none(struct jobrow *r, const struct jobcols_col *col)
{
	return xstrdup("");
}

static char *
jobcols_first_host(struct jobrow *r, const struct jobcols_col *col)
{
	return xstrdup(jobcols_host(r, 0));
}

static char *
jobcols_exec_home(struct jobrow *r, const struct jobcols_col *col)
{
	struct passwd *pw;
	const char *user = jobrow_str(r, JR_USER);

	if (jobrow_int0(r, JR_START_TIME) <= 0 || user == NULL ||
	    (pw = getpwnam(user)) == NULL)
		return xstrdup("");
	return xstrdup(pw->pw_dir);
}

/* bsub -R as given, several joined by a space. */
static char *
jobcols_resreq(struct jobrow *row, const struct jobcols_col *col)
{
	const json_t *r = json_object_get(jobrow_opts(row), "R"), *v;
	char *out = xstrdup(""), *t;
	size_t i;

	if (json_is_string(r)) {
		free(out);
		return jobcols_opt_of(row, "R");
	}
	json_array_foreach(r, i, v) {
		t = xasprintf("%s%s%s", out, i ? " " : "", json_string_value(v) ?
		    json_string_value(v) : "");
		free(out);
		out = t;
	}
	return out;
}

static char *
jobcols_project(struct jobrow *r, const struct jobcols_col *col)
{
	const char *p = jobrow_str(r, JR_PROJECT);

	return p != NULL && *p != '\0' ? xstrdup(p) : jobcols_opt_of(r, "P");
}

/* The outcome record's value at the column's path (result.h); NULL none. */
static const json_t *
jobcols_result_value(struct jobrow *r, const struct jobcols_col *col)
{
	const json_t *obj = jobrow_result(r);

	return col->path != NULL ? result_path(obj, col->path) : obj;
}

/* RESULT (the record as compact JSON) and RESULT.path (a value in it). */
static char *
jobcols_result(struct jobrow *r, const struct jobcols_col *col)
{
	char *text = result_value_text(jobcols_result_value(r, col));

	return text != NULL ? text : xstrdup("");
}

static const struct jobcols_field jobcols_fields[] = {
	{ "JOBID", "id", jobcols_int, "id", JC_NOCUT, NULL },
	{ "JOBINDEX", NULL, jobcols_int, "idx", 0, NULL },
	{ "STAT", NULL, jobcols_str, "stat", 0, NULL },
	{ "USER", NULL, jobcols_str, "user", 0, NULL },
	{ "QUEUE", NULL, jobcols_str, "queue", 0, NULL },
	{ "JOB_NAME", "name", jobcols_name, NULL, 0, "name" },
	{ "EXIT_CODE", NULL, jobcols_exit_code, NULL, 0, "stat exit_code" },
	{ "EXIT_REASON", NULL, jobcols_str, "exit_reason", 0, NULL },
	{ "PEND_REASON", NULL, jobcols_pend, "pend_reason", 0, NULL },
	{ "SUBMIT_TIME", NULL, jobcols_time, "submit_time", 0, NULL },
	{ "START_TIME", NULL, jobcols_time, "start_time", 0, NULL },
	{ "FINISH_TIME", NULL, jobcols_finish_time, NULL, 0, "stat finish_time" },
	{ "EXEC_HOST", NULL, jobcols_hosts, NULL, 0, "exec_hosts" },
	{ "NEXEC_HOST", NULL, jobcols_nhosts, NULL, 0, "exec_hosts" },
	{ "FROM_HOST", NULL, jobcols_str, "from_host", 0, NULL },
	{ "SLOTS", NULL, jobcols_int, "nslots", 0, NULL },
	{ "NREQ_SLOT", NULL, jobcols_nreq_slot, NULL, 0, "opts nslots" },
	{ "ALLOC_SLOT", NULL, jobcols_int, "nslots", 0, NULL },
	{ "MAX_MEM", NULL, jobcols_mem, "maxrss", JC_MEM, NULL },
	{ "MEM", NULL, jobcols_mem, "mem", JC_MEM, NULL },	/* sampled while running (usage.h) */
	{ "CPU_USED", NULL, jobcols_cpu, "cpu", 0, NULL },
	{ "RUN_TIME", NULL, jobcols_run_time, NULL, 0, "start_time finish_time" },
	{ "COMMAND", "cmd", jobcols_str, "cmd", 0, NULL },
	{ "DEPENDENCY", NULL, jobcols_str, "dep", 0, NULL },
	{ "SUB_CWD", NULL, jobcols_str, "subcwd", 0, NULL },
	{ "EXEC_CWD", NULL, jobcols_str, "exec_cwd", 0, NULL },
	{ "OUTPUT_FILE", NULL, jobcols_str, "out", 0, NULL },
	{ "ERROR_FILE", NULL, jobcols_str, "err", 0, NULL },
	{ "PROJ_NAME", "proj", jobcols_project, NULL, 0, "project opts" },
	{ "PROJECT", NULL, jobcols_project, NULL, 0, "project opts" },
	{ "RUNTIMELIMIT", NULL, jobcols_runlimit, "W", 0, "opts" },
	{ "MEMLIMIT", NULL, jobcols_memlimit, "M", JC_MEM, "opts" },
	{ "USER_GROUP", NULL, jobcols_opt, "G", 0, "opts" },
	{ "TIME_LEFT", NULL, jobcols_time_left, NULL, 0, "opts stat start_time finish_time" },
	{ "%COMPLETE", NULL, jobcols_complete, NULL, 0, "opts start_time finish_time" },
	{ "AVG_MEM", NULL, jobcols_none, NULL, JC_MEM, "" },
	{ "SWAP", NULL, jobcols_none, NULL, JC_MEM, "" },
	{ "PIDS", NULL, jobcols_none, NULL, 0, "" },
	{ "EXEC_HOME", NULL, jobcols_exec_home, NULL, 0, "user start_time" },
	{ "FIRST_HOST", NULL, jobcols_first_host, NULL, 0, "exec_hosts" },
	{ "JOB_GROUP", NULL, jobcols_opt, "g", 0, "opts" },
	{ "INPUT_FILE", NULL, jobcols_opt, "i", 0, "opts" },
	{ "APP", NULL, jobcols_opt, "app", 0, "opts" },
	{ "PRE_EXEC", NULL, jobcols_opt, "E", 0, "opts" },
	{ "POST_EXEC", NULL, jobcols_opt, "Ep", 0, "opts" },
	{ "PRIORITY", NULL, jobcols_opt, "sp", 0, "opts" },
	{ "JOB_DESCRIPTION", NULL, jobcols_opt, "Jd", 0, "opts" },
	{ "EFFECTIVE_RESREQ", "combined_resreq", jobcols_resreq, NULL, 0, "opts" },
	{ "ARRAY_SPEC", NULL, jobcols_str, "array", 0, NULL },
	{ "RESULT", NULL, jobcols_result, "result", JC_JSON, NULL },
	{ "RESULT_ERROR", NULL, jobcols_str, "result_error", 0, NULL },
};

static const char *
jobcols_hdr(const struct jobcols_col *col)
{
	return col->hdr != NULL ? col->hdr : col->f->name;
}

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

/* ":KB" (or K, MB, M, GB, G, TB, T, any case) into 'K'..'T'; 0 if bad. */
static char
jobcols_unit(const char *u)
{
	char c = (char)toupper((unsigned char)u[0]);

	if (strchr("KMGT", c) == NULL || c == '\0')
		return 0;
	if (u[1] == '\0' || (toupper((unsigned char)u[1]) == 'B' && u[2] == '\0'))
		return c;
	return 0;
}

/* One "field[:[-][width]][:unit]" word. */
static int
jobcols_word(struct jobfmt_cols *c, char *word, char *err, size_t errlen)
{
	char *colon = strchr(word, ':'), *w, *dot;
	struct jobcols_col col = { NULL, 0, false, 0, false, -1, NULL, NULL };

	if (colon != NULL)
		*colon = '\0';
	if ((dot = strchr(word, '.')) != NULL && dot - word == 6 &&
	    strncasecmp(word, "result", 6) == 0 && dot[1] != '\0') {
		col.hdr = xasprintf("RESULT.%s", dot + 1);	/* a path into it */
		col.path = col.hdr + 7;
		*dot = '\0';
	}
	if ((col.f = jobcols_lookup(word)) == NULL)
		return errf(err, errlen, "Output field <%s> is not a valid field name",
		    word);
	col.k = col.f->key ? jobrow_key(col.f->key) : -1;
	if (colon != NULL) {
		w = colon + 1;
		if (*w == '-') {
			col.right = true;
			w++;
		}
		while (isdigit((unsigned char)*w) && col.width <= JOBCOLS_MAX_WIDTH)
			col.width = col.width * 10 + (*w++ - '0');
		if ((*w != '\0' && *w != ':') || col.width > JOBCOLS_MAX_WIDTH)
			return errf(err, errlen, "Bad width for output field <%s>", word);
		if (*w == ':' && (col.unit = jobcols_unit(w + 1)) == 0)
			return errf(err, errlen, "Bad unit <%s> for output field <%s>",
			    w + 1, word);
		if (!(col.f->flags & JC_MEM))
			col.unit = 0;	/* units apply to sizes only */
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

struct jobfmt_cols *
jobfmt_cols_all(void)
{
	struct jobfmt_cols *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->delim = ' ';
	c->n = nitems(jobcols_fields);
	c->c = xcalloc(c->n, sizeof(*c->c));
	for (i = 0; i < c->n; i++) {
		c->c[i].f = &jobcols_fields[i];
		c->c[i].k = c->c[i].f->key ? jobrow_key(c->c[i].f->key) : -1;
	}
	return c;
}

void
jobfmt_cols_fields(const struct jobfmt_cols *c, json_t *fields)
{
	size_t k;

	for (k = 0; k < c->n; k++)
		jobfmt_fields_add(fields, c->c[k].f->needs ? c->c[k].f->needs :
		    c->c[k].f->key);
}

void
jobfmt_cols_hms(struct jobfmt_cols *c, bool hms)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		c->c[i].hms = hms;
}

void
jobfmt_cols_free(struct jobfmt_cols *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->c[i].hdr);
	free(c->c);
	free(c->width);
	free(c);
}

/* One cell: padded or cut to width; the last column is not padded. */
static void
jobcols_cell(FILE *fp, const struct jobcols_col *col, int width, const char *s,
    bool last)
{
	int n = (int)strlen(s);

	if (width == 0)
		fputs(s, fp);
	else if (n > width)
		fprintf(fp, "%.*s", width, s);
	else if (col->right)
		fprintf(fp, "%*s", width, s);
	else if (last)
		fputs(s, fp);
	else
		fprintf(fp, "%-*s", width, s);
}

/* A column's width: as asked, but wide enough for every job id in it. */
static int
jobcols_width(const struct jobcols_col *col, struct jobrow *rows, size_t n)
{
	int width = col->width;
	size_t i;
	char *v;

	if (width == 0 || !(col->f->flags & JC_NOCUT))
		return width;
	for (i = 0; i < n; i++) {
		v = col->f->fn(&rows[i], col);
		if ((int)strlen(v) > width)
			width = (int)strlen(v);
		free(v);
	}
	return width;
}

/*
 * Prints a page of rows; the first page prints the header. Widths come
 * from the first page (a JOBID column grows for a longer id later), so a
 * listing is printed as its pages arrive rather than once all are in.
 */
void
jobfmt_cols_print_rows(FILE *fp, const struct jobfmt_cols *cc,
    struct jobrow *rows, size_t n, bool noheader)
{
	struct jobfmt_cols *c = (struct jobfmt_cols *)cc;
	bool first = c->width == NULL;
	size_t i, k;
	char *v;
	int w;

	if (first)
		c->width = xcalloc(c->n, sizeof(*c->width));
	for (k = 0; k < c->n; k++)
		if ((w = jobcols_width(&c->c[k], rows, n)) > c->width[k])
			c->width[k] = w;
	for (k = 0; first && !noheader && k < c->n; k++) {
		if (k > 0)
			fputc(c->delim, fp);
		jobcols_cell(fp, &c->c[k], c->width[k], jobcols_hdr(&c->c[k]),
		    k + 1 == c->n);
	}
	if (first && !noheader)
		fputc('\n', fp);
	for (i = 0; i < n; i++) {
		for (k = 0; k < c->n; k++) {
			if (k > 0)
				fputc(c->delim, fp);
			v = c->c[k].f->fn(&rows[i], &c->c[k]);
			jobcols_cell(fp, &c->c[k], c->width[k], *v ? v : "-", k + 1 == c->n);
			free(v);
		}
		fputc('\n', fp);
	}
}

/* JOBRECs as rows, for the formatters (freed by jobcols_rows_free). */
static struct jobrow *
jobcols_rows(const json_t *jobs)
{
	size_t i, n = json_array_size(jobs);
	struct jobrow *rows = xcalloc(n + 1, sizeof(*rows));

	for (i = 0; i < n; i++)
		jobrow_json(&rows[i], json_array_get(jobs, i));
	return rows;
}

static void
jobcols_rows_free(struct jobrow *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		jobrow_clear(&rows[i]);
	free(rows);
}

void
jobfmt_cols_print(FILE *fp, const struct jobfmt_cols *c, const json_t *jobs,
    bool noheader)
{
	struct jobrow *rows = jobcols_rows(jobs);

	jobfmt_cols_print_rows(fp, c, rows, json_array_size(jobs), noheader);
	jobcols_rows_free(rows, json_array_size(jobs));
}

/* "key":value; a value that is not a string (RESULT) as compact JSON. */
static void
jobcols_json_pair(FILE *fp, const char *key, const json_t *v, bool last)
{
	json_t *s = json_string(key);
	char *k = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
	char *enc = v == NULL ? NULL : json_is_object(v) ? result_text(v) :
	    json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));

	fprintf(fp, "      %s:%s%s\n", k ? k : "\"\"", enc ? enc : "\"\"",
	    last ? "" : ",");
	free(enc);
	free(k);
	json_decref(s);
}

void
jobfmt_json_records(FILE *fp, const json_t *records, const json_t *missing)
{
	size_t i, n = json_array_size(records) + json_array_size(missing), left;
	const json_t *rec, *m, *v;
	const char *key;

	fprintf(fp, "{\n  \"COMMAND\":\"bjobs\",\n  \"JOBS\":%zu,\n  \"RECORDS\":[\n", n);
	json_array_foreach(records, i, rec) {
		fputs("    {\n", fp);
		left = json_object_size(rec);
		json_object_foreach((json_t *)rec, key, v)
			jobcols_json_pair(fp, key, v, --left == 0);
		fprintf(fp, "    }%s\n", --n > 0 ? "," : "");
	}
	json_array_foreach(missing, i, m) {
		fputs("    {\n", fp);
		jobcols_json_pair(fp, "ERROR", json_is_string(m) ? m : NULL, true);
		fprintf(fp, "    }%s\n", --n > 0 ? "," : "");
	}
	fputs("  ]\n}\n", fp);
}

/* One job as a record; a field asked twice (by two names) keeps the first. */
static json_t *
jobcols_record(const struct jobfmt_cols *c, struct jobrow *r)
{
	json_t *rec = json_object();
	size_t k;
	char *v;

	for (k = 0; k < c->n; k++) {
		const struct jobcols_col *col = &c->c[k];
		const json_t *jv;

		if (json_object_get(rec, jobcols_hdr(col)) != NULL)
			continue;
		if (col->f->flags & JC_JSON) {	/* the value itself; null: none */
			jv = jobcols_result_value(r, col);
			json_object_set_new(rec, jobcols_hdr(col), jv ?
			    json_deep_copy(jv) : json_null());
			continue;
		}
		v = col->f->fn(r, col);
		json_object_set_new(rec, jobcols_hdr(col), json_string(v));
		free(v);
	}
	return rec;
}

void
jobfmt_cols_records_rows(const struct jobfmt_cols *c, struct jobrow *rows,
    size_t n, json_t *records)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(records, jobcols_record(c, &rows[i]));
}

void
jobfmt_cols_records(const struct jobfmt_cols *c, const json_t *jobs, json_t *records)
{
	struct jobrow *rows = jobcols_rows(jobs);

	jobfmt_cols_records_rows(c, rows, json_array_size(jobs), records);
	jobcols_rows_free(rows, json_array_size(jobs));
}

void
jobfmt_cols_json(FILE *fp, const struct jobfmt_cols *c, const json_t *jobs,
    const json_t *missing)
{
	json_t *records = json_array();

	jobfmt_cols_records(c, jobs, records);
	jobfmt_json_records(fp, records, missing);
	json_decref(records);
}

char *
jobfmt_cols_value(const struct jobfmt_cols *c, size_t k, struct jobrow *r)
{
	return k < c->n ? c->c[k].f->fn(r, &c->c[k]) : xstrdup("");
}
