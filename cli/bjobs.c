/*
 * bjobs.c - show jobs (LSF.md §3). The options are a table read by
 * opts.c: flags may be clustered ("-aw", "-aJ name", "-pw"), a value
 * attached ("-Jname"), long words (-noheader, -UF, -WL) match whole. Without
 * ids or -u the daemon shows the caller's unfinished jobs; ids select any
 * user's jobs in any state. Exit 0 when something was printed and every
 * id was found, else 255 after LSF's messages on stderr. $LSB_BJOBS_FORMAT
 * stands for a missing -o; -json -l prints every -o field, -json -A the
 * array summary. The listing comes page by page (jobpages.c) and is
 * printed as it comes; -json, whose head counts the records, at the end.
 */
#include <fnmatch.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "jobrow.h"
#include "opts.h"
#include "query.h"
#include "util.h"

static int
bjobs_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "bjobs: %s\n", why);
	fprintf(stderr, "Usage: bjobs [-a] [-d] [-p] [-r] [-s] [-w] [-l [-UF]] [-A]\n"
	    "             [-W | -WL | -WP | -WF] [-x] [-X] [-noheader]\n"
	    "             [-u user_name|all] [-J job_name] [-q queue_name]\n"
	    "             [-m host_name] [-P project] [-g job_group] [-Jd desc]\n"
	    "             [-o \"field ...\" [-hms]] [-json]\n"
	    "             [-filter \"field op value [&& ...]\"] [-sort [-]field]"
	    " [-n count]\n"
	    "             [job_ID | \"job_ID[index_list]\" ...]\n");
	return CLI_EXIT_FAIL;
}

/* -json without -o: the default table's fields. */
#define BJOBS_DEFAULT_FIELDS "jobid user stat queue from_host exec_host " \
	"job_name submit_time"
#define BJOBS_JSON_FIELDS BJOBS_DEFAULT_FIELDS

/* -W and its -WL/-WP/-WF forms, as -o field lists (IBM's columns). */
static const char *const bjobs_wide_fields[] = {
	BJOBS_DEFAULT_FIELDS " proj_name cpu_used mem swap pids start_time "
	    "finish_time",
	BJOBS_DEFAULT_FIELDS " time_left",
	BJOBS_DEFAULT_FIELDS " %complete",
	BJOBS_DEFAULT_FIELDS " finish_time",
};

/* Each option: a flag member or a value member of bjobs_args. */
enum { BJ_W, BJ_WL, BJ_WP, BJ_WF, BJ_UF, BJ_HELP, BJ_FLAG, BJ_VALUE, BJ_NO };

static const struct bjobs_opt {
	struct opt opt;		/* opt.id: BJ_* */
	size_t off;		/* BJ_FLAG: a bool, BJ_VALUE: a const char * */
} bjobs_opts[] = {
#define F(n, m) { { n, BJ_FLAG, 0, NULL }, offsetof(struct bjobs_args, m) }
#define V(n, m) \
	{ { n, BJ_VALUE, OPT_VALUE, NULL }, offsetof(struct bjobs_args, m) }
	F("a", a), F("d", d), F("p", p), F("r", r), F("s", s), F("w", w),
	F("l", l), F("A", A), F("x", x), F("X", X), F("noheader", noheader),
	F("json", json), F("hms", hms),
	V("u", user), V("J", name), V("q", queue), V("m", host), V("o", fmt),
	V("P", project), V("g", group), V("Jd", desc),
	V("sort", sort), V("filter", filter), V("n", n),
#undef F
#undef V
	{ { "W", BJ_W, 0, NULL }, 0 }, { { "WL", BJ_WL, 0, NULL }, 0 },
	{ { "WP", BJ_WP, 0, NULL }, 0 }, { { "WF", BJ_WF, 0, NULL }, 0 },
	{ { "UF", BJ_UF, 0, NULL }, 0 }, { { "h", BJ_HELP, 0, NULL }, 0 },
	/* LSF's, not Pumice's: refused by name, never read as a cluster */
#define N(n, why) { { n, BJ_NO, OPT_REFUSED, why }, 0 }
	N("gpu", "Pumice schedules no GPUs"), N("sum", "no job summary"),
	N("psum", "no pending summary"), N("env", "no environment display"),
	N("script", "no script display"), N("aff", "no affinity"),
	N("data", "no data staging"), N("ss", "no short summary"),
#undef N
};

/* True for LSF's yes values of an environment switch. */
static bool
bjobs_env_yes(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && (strcasecmp(v, "y") == 0 || strcasecmp(v, "yes") == 0);
}

/* True when an environment switch is set to 0 or no. */
static bool
bjobs_env_no(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && (strcmp(v, "0") == 0 || strcasecmp(v, "n") == 0 ||
	    strcasecmp(v, "no") == 0);
}

/*
 * The -o list when none was given: -W's, else $LSB_BJOBS_FORMAT for the
 * formats it replaces (the default table and -json; not -l or -A), else
 * -json's default fields. NULL: the default table, -l, -A, or -json -l
 * (every field).
 */
static void
bjobs_default_fmt(struct bjobs_args *a)
{
	const char *env = getenv("LSB_BJOBS_FORMAT");

	if (bjobs_env_yes("LSB_HMS_TIME_FORMAT"))
		a->hms = true;
	if (a->fmt != NULL)
		return;
	if (a->wextra != NULL)
		a->fmt = a->wextra;
	else if (env != NULL && *env != '\0' && !a->l && !a->A)
		a->fmt = env;
	else if (a->json && !a->l && !a->A)
		a->fmt = BJOBS_JSON_FIELDS;
}

int
bjobs_parse(struct bjobs_args *a, int argc, char **argv)
{
	struct opt tab[nitems(bjobs_opts)];
	const struct bjobs_opt *row;
	struct opts p;
	size_t i;
	int id;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < nitems(bjobs_opts); i++)
		tab[i] = bjobs_opts[i].opt;
	opts_init(&p, tab, nitems(tab), argc, argv, 1);
	while ((id = opts_next(&p)) >= 0) {
		row = &bjobs_opts[p.row - tab];
		if (id == BJ_FLAG)
			*(bool *)((char *)a + row->off) = true;
		else if (id == BJ_VALUE)
			*(const char **)((char *)a + row->off) = p.value;
		else if (id == BJ_UF)
			a->UF = a->l = true;
		else if (id == BJ_HELP)
			return bjobs_usage(NULL), -1;
		else
			a->wextra = bjobs_wide_fields[id - BJ_W];
	}
	if (id == OPTS_ERR)
		return bjobs_usage(p.err), -1;
	a->nids = argc - p.ind;
	a->ids = argv + p.ind;
	bjobs_default_fmt(a);
	return 0;
}

static json_t *
bjobs_states(const struct bjobs_args *a)
{
	json_t *s = json_array();

	if (a->d) {
		json_array_append_new(s, json_string("DONE"));
		json_array_append_new(s, json_string("EXIT"));
	}
	if (a->p || a->s)
		json_array_append_new(s, json_string("PSUSP"));
	if (a->p)
		json_array_append_new(s, json_string("PEND"));
	if (a->r)
		json_array_append_new(s, json_string("RUN"));
	if (a->s) {
		json_array_append_new(s, json_string("USUSP"));
		json_array_append_new(s, json_string("SSUSP"));
	}
	return s;
}

/* The jobs request; NULL after an error message. */
json_t *
bjobs_request(const struct bjobs_args *a)
{
	json_t *args = json_object(), *ids;
	bool stateflag = a->d || a->p || a->r || a->s;

	if (a->nids > 0) {
		if ((ids = jobsel_parse_args("bjobs", a->nids, a->ids)) == NULL) {
			json_decref(args);
			return NULL;
		}
		json_object_set_new(args, "ids", ids);
	}
	if (stateflag)
		json_object_set_new(args, "states", bjobs_states(a));
	else if (a->a || a->nids > 0 || a->A)	/* -A counts DONE elements too */
		json_object_set_new(args, "all_states", json_true());
	if (a->user != NULL || a->nids > 0)
		json_object_set_new(args, "user", json_string(a->user ? a->user : "all"));
	if (a->name != NULL)
		json_object_set_new(args, "name", json_string(a->name));
	if (a->queue != NULL)
		json_object_set_new(args, "queue", json_string(a->queue));
	if (a->host != NULL)
		json_object_set_new(args, "host", json_string(a->host));
	if (a->project != NULL)	/* -A counts come from the master */
		json_object_set_new(args, "project", json_string(a->project));
	if (a->group != NULL)	/* so do -A -g counts */
		json_object_set_new(args, "group", json_string(a->group));
	return args;
}

/* "No ... job found[ in queue <q>][ on host/group <h>]" */
void
bjobs_none(FILE *fp, const struct bjobs_args *a)
{
	const char *what = a->d ? "DONE/EXIT " : a->p ? "pending " : a->r ?
	    "running " : a->s ? "suspended " : a->a ? "" : "unfinished ";

	if (a->name != NULL && a->nids == 0) {
		fprintf(fp, "Job <%s> is not found\n", a->name);
		return;
	}
	fprintf(fp, "No %sjob found", what);
	if (a->queue != NULL)
		fprintf(fp, " in queue <%s>", a->queue);
	if (a->host != NULL)
		fprintf(fp, " on host/group <%s>", a->host);
	fputc('\n', fp);
}

/* The recorded bsub option opt of a JOBREC, or "". */
static const char *
bjobs_opt(const json_t *job, const char *opt)
{
	const char *v = json_string_value(json_object_get(json_object_get(job,
	    "opts"), opt));

	return v ? v : "";
}

/* -Jd: the job's description matches the pattern (none: ""). */
static bool
bjobs_desc_match(const struct bjobs_args *a, const char *desc)
{
	return a->desc == NULL || fnmatch(a->desc, desc ? desc : "", 0) == 0;
}

/*
 * -P, -g, -Jd and -x select on the client: -P by project (the master selects
 * by it too, for -A's counts), -g by job group
 * (the group or below it), -x jobs with exceptions, which Pumice does not
 * raise yet, so -x selects none.
 */
static void
bjobs_filter(const struct bjobs_args *a, json_t *jobs)
{
	size_t i, n;

	for (i = json_array_size(jobs); i-- > 0;) {
		const json_t *job = json_array_get(jobs, i);
		const char *proj = json_string_value(json_object_get(job, "project"));
		const char *g = bjobs_opt(job, "g");

		bool in_group = true;

		if (a->group != NULL) {
			n = strlen(a->group);
			in_group = strncmp(g, a->group, n) == 0 && (g[n] == '\0' ||
			    g[n] == '/' || (n > 0 && a->group[n - 1] == '/'));
		}
		if (a->x || !in_group || (a->project != NULL &&
		    strcmp(proj ? proj : "default", a->project) != 0) ||
		    !bjobs_desc_match(a, bjobs_opt(job, "Jd")))
			json_array_remove(jobs, i);
	}
}

/* bjobs_filter's test for one row. */
static bool
bjobs_row_keep(const struct bjobs_args *a, struct jobrow *r)
{
	const char *proj = jobrow_str(r, JR_PROJECT), *g = jobrow_opt(r, "g");
	size_t n;

	if (a->x || !bjobs_desc_match(a, jobrow_opt(r, "Jd")))
		return false;
	if (g == NULL)
		g = "";
	if (a->group != NULL) {
		n = strlen(a->group);
		if (!(strncmp(g, a->group, n) == 0 && (g[n] == '\0' ||
		    g[n] == '/' || (n > 0 && a->group[n - 1] == '/'))))
			return false;
	}
	return a->project == NULL || strcmp(proj ? proj : "default", a->project) == 0;
}

/* -A without -a, -d or ids shows only arrays with an unfinished element. */
static bool
bjobs_unfinished_only(const struct bjobs_args *a)
{
	return !a->a && !a->d && a->nids == 0;
}

/* What a listing printed so far, page after page. */
struct bjobs_out {
	const struct bjobs_args *a;
	struct jobfmt_cols *cols;
	struct jobfmt f;
	size_t n;		/* rows (or -A rows) printed */
	bool header;		/* -A: header still to print */
	json_t *records;	/* -json: all records, printed at the end */
	struct jobsort *sel;	/* -filter, -sort, -n (jobsort.c), or NULL */
	json_t *held;		/* with sel: every record, printed at the end */
};

static int bjobs_print(json_t *jobs, struct bjobs_out *o);

/* One chunk of records (or of -A rows) as it arrives; with -sort, -n or
 * -filter held until the last. */
static int
bjobs_chunk(json_t *jobs, void *arg)
{
	struct bjobs_out *o = arg;
	const struct bjobs_args *a = o->a;

	if (!a->A)
		bjobs_filter(a, jobs);
	else if (a->x)
		json_array_clear(jobs);
	if (o->sel == NULL)
		return bjobs_print(jobs, o);
	jobsort_filter(o->sel, jobs);
	json_array_extend(o->held, jobs);
	return 0;
}

/* Prints a chunk of records (or -A rows) in the format asked for. */
static int
bjobs_print(json_t *jobs, struct bjobs_out *o)
{
	const struct bjobs_args *a = o->a;

	if (a->json && a->A)
		jobarray_rows_records(jobs, bjobs_unfinished_only(a), o->records);
	else if (a->json)
		jobfmt_cols_records(o->cols, jobs, o->records);
	else if (a->A)
		o->n += jobarray_rows_print(stdout, jobs, &o->header,
		    bjobs_unfinished_only(a));
	else if (json_array_size(jobs) > 0) {
		if (a->l && o->n > 0)
			fprintf(stdout, "------------------------------------------------"
			    "------------------------------\n");
		if (a->l)
			joblong_print(stdout, jobs, a->UF);
		else if (o->cols != NULL)
			jobfmt_cols_print(stdout, o->cols, jobs, a->noheader);
		else
			jobfmt_table(stdout, jobs, &o->f);
		o->f.noheader = true;
		o->n += json_array_size(jobs);
	}
	return 0;
}

/* A chunk of rows (table, -o, -json) as it arrives; bjobs_filter's rows
 * are left out. */
static int
bjobs_rows(struct jobrow *rows, size_t n, void *arg)
{
	struct bjobs_out *o = arg;
	const struct bjobs_args *a = o->a;
	size_t i, kept = n;

	if (a->x || a->group != NULL || a->project != NULL || a->desc != NULL)
		for (i = kept = 0; i < n; i++)
			if (bjobs_row_keep(a, &rows[i])) {
				struct jobrow t = rows[kept];

				rows[kept++] = rows[i];
				rows[i] = t;	/* cleared by the caller all the same */
			}
	if (a->json)
		jobfmt_cols_records_rows(o->cols, rows, kept, o->records);
	else if (kept > 0) {
		if (o->cols != NULL)
			jobfmt_cols_print_rows(stdout, o->cols, rows, kept, a->noheader);
		else
			jobfmt_table_rows(stdout, rows, kept, &o->f);
		o->f.noheader = true;
		o->n += kept;
	}
	return 0;
}

/* After the last page: -json output, missing ids; returns the exit code. */
static int
bjobs_end(struct bjobs_out *o, const json_t *missing)
{
	const struct bjobs_args *a = o->a;
	const json_t *m;
	size_t i;

	if (o->sel != NULL) {
		jobsort_finish(o->sel, o->held);
		bjobs_print(o->held, o);
	}
	if (a->json)
		jobfmt_json_records(stdout, o->records, missing);
	fflush(stdout);
	json_array_foreach(missing, i, m)
		if (!a->json)
			fprintf(stderr, "%s\n", json_string_value(m) ? json_string_value(m) : "");
	if (a->json)	/* an empty RECORDS list is an answer (Toil) */
		return json_array_size(missing) > 0 ? CLI_EXIT_FAIL : 0;
	if (o->n == 0 && json_array_size(missing) == 0)
		bjobs_none(stderr, a);
	return (o->n == 0 || json_array_size(missing) > 0) ? CLI_EXIT_FAIL : 0;
}

/*
 * The JOBREC members the output reads, as the request's "fields", so the
 * master builds only those (pumice-protocol(7)); none for -l, whose
 * blocks print nearly every member, nor for -A, answered by rows.
 */
static void
bjobs_fields(const struct bjobs_out *o, json_t *args)
{
	const struct bjobs_args *a = o->a;
	json_t *fields;

	if (a->A || a->l)
		return;
	fields = json_array();
	if (o->cols != NULL)
		jobfmt_cols_fields(o->cols, fields);
	else
		jobfmt_fields(&o->f, fields);
	if (a->project != NULL)		/* bjobs_filter reads them */
		jobfmt_fields_add(fields, "project");
	if (a->group != NULL || a->desc != NULL)
		jobfmt_fields_add(fields, "opts");
	if (o->sel != NULL)
		jobsort_fields(o->sel, fields);
	json_object_set_new(args, "fields", fields);
}

/* Asks page after page, printing each as it comes (-json: at the end). */
static int
bjobs_list(const struct bjobs_args *a, json_t *args, struct jobfmt_cols *cols,
    struct jobsort *sel)
{
	struct bjobs_out o = { a, cols, { a->w, a->noheader, a->p || a->s, false },
	    0, !a->noheader, json_array(), sel, json_array() };
	const char *sh = getenv("LSB_SHORT_HOSTLIST");
	json_t *missing = NULL;
	struct client c;
	char err[1024];
	int rc;

	o.f.short_hosts = sh != NULL && strcmp(sh, "1") == 0;
	if (a->A)
		json_object_set_new(args, "summary", json_true());
	bjobs_fields(&o, args);
	rc = client_open(&c, err, sizeof(err));
	if (rc == CLIENT_OK && json_object_get(args, "fields") != NULL &&
	    sel == NULL && !bjobs_env_no("PUMICE_QUERY_ROWS"))
		rc = jobpages_rows(&c, args, bjobs_rows, &o, &missing, err,
		    sizeof(err));
	else if (rc == CLIENT_OK)
		rc = jobpages_each(&c, args, a->A ? "arrays" : "jobs", bjobs_chunk, &o,
		    &missing, err, sizeof(err));
	client_close(&c);
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bjobs", err);
	if (rc != CLIENT_OK) {
		fflush(stdout);
		fprintf(stderr, "%s\n", err);
		rc = CLI_EXIT_FAIL;
	} else
		rc = bjobs_end(&o, missing);
	json_decref(missing);
	json_decref(o.records);
	json_decref(o.held);
	return rc;
}

int
bjobs_main(int argc, char **argv)
{
	struct bjobs_args a;
	struct jobfmt_cols *cols = NULL;
	struct jobsort *sel = NULL;
	json_t *args;
	char err[1024];
	int rc;

	/* a listing of 100,000 jobs is megabytes: written in large pieces */
	static char obuf[1 << 20];

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (bjobs_parse(&a, argc, argv) < 0)
		return CLI_EXIT_FAIL;
	if (a.fmt != NULL && (cols = jobfmt_cols_parse(a.fmt, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	if ((a.A && (a.sort || a.filter || a.n)) ||
	    jobsort_new(a.sort, a.filter, a.n, &sel, err, sizeof(err)) < 0) {
		fprintf(stderr, "bjobs: %s\n", a.A ? "-A takes no -sort, -filter or -n" :
		    err);
		jobfmt_cols_free(cols);
		return CLI_EXIT_FAIL;
	}
	if (a.json && a.l && cols == NULL)
		cols = jobfmt_cols_all();
	if (cols != NULL)
		jobfmt_cols_hms(cols, a.hms);
	if ((args = bjobs_request(&a)) == NULL) {
		jobfmt_cols_free(cols);
		jobsort_free(sel);
		return CLI_EXIT_FAIL;
	}
	rc = bjobs_list(&a, args, cols, sel);
	json_decref(args);
	jobfmt_cols_free(cols);
	jobsort_free(sel);
	return rc;
}
