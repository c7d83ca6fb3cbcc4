/*
 * jobsort.c - bjobs -filter, -sort and -n (cli.h): selecting jobs by the
 * values bjobs prints, above all by a job's outcome record ("the 5 best
 * elements of array 42 by accuracy": bjobs -sort -result.accuracy -n 5 42).
 * LSF's bjobs has no sort; squeue's --sort is the model ("-" first: from
 * the largest). A key is a -o field (jobcols.c reads its value), so any
 * column works and result.PATH reads into the record. Values compare as
 * numbers when both are; rows without a value sort last either way and
 * fail every comparison. Done on the client over the whole listing: the
 * master keeps no state for it, and a listing is paged anyway.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jobrow.h"
#include "util.h"

enum { JS_LT, JS_LE, JS_GT, JS_GE, JS_EQ, JS_NE };

/* Longest first, so that "<=" is not read as "<". */
static const struct {
	const char *text;
	int op;
} jobsort_ops[] = {
	{ "<=", JS_LE }, { ">=", JS_GE }, { "==", JS_EQ }, { "!=", JS_NE },
	{ "<", JS_LT }, { ">", JS_GT }, { "=", JS_EQ },
};

struct jobsort_cond {
	int op;
	char *value;
};

struct jobsort {
	struct jobfmt_cols *cols;	/* column 0: the sort key; then conds */
	bool sort, desc;
	long limit;			/* -n; -1: all */
	struct jobsort_cond *cond;	/* cond[i] reads column i + 1 */
	size_t ncond;
};

/* The value of column k: its text, and *num when it is a number. */
static char *
jobsort_value(const struct jobsort *s, size_t k, const json_t *rec, double *num,
    bool *isnum)
{
	struct jobrow r;
	char *v, *end;

	jobrow_json(&r, rec);
	v = jobfmt_cols_value(s->cols, k, &r);
	jobrow_clear(&r);
	*num = strtod(v, &end);
	*isnum = *v != '\0' && *end == '\0';
	return v;
}

/* s without the blanks around it, in place. */
static char *
jobsort_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		e[-1] = '\0';
	return s;
}

/* -1, 0, 1: a against b (numbers as numbers, else bytes). */
static int
jobsort_cmp_values(const char *a, double na, bool an, const char *b, double nb,
    bool bn)
{
	int c;

	if (an && bn)
		return na < nb ? -1 : na > nb;
	c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

/* The word "FIELD OP VALUE" into the columns; -1 with err. */
static int
jobsort_cond(struct jobsort *s, char *word, char **fmt, char *err, size_t errlen)
{
	char *p, *field, *t;
	size_t i, n;

	for (p = word; *p != '\0'; p++)
		for (i = 0; i < nitems(jobsort_ops); i++) {
			n = strlen(jobsort_ops[i].text);
			if (strncmp(p, jobsort_ops[i].text, n) != 0)
				continue;
			field = xstrndup(word, (size_t)(p - word));
			s->cond = xrealloc(s->cond, (s->ncond + 1) * sizeof(*s->cond));
			s->cond[s->ncond].op = jobsort_ops[i].op;
			s->cond[s->ncond++].value = xstrdup(jobsort_trim(p + n));
			t = xasprintf("%s %s", *fmt, jobsort_trim(field));
			free(field);
			free(*fmt);
			*fmt = t;
			return 0;
		}
	return errf(err, errlen, "-filter: <%s> is not FIELD OP VALUE (OP: < <= > "
	    ">= == !=)", word);
}

/* -filter's comparisons, joined by "&&", into s and fmt; -1 with err. */
static int
jobsort_conds(struct jobsort *s, const char *filter, char **fmt, char *err,
    size_t errlen)
{
	char *copy = xstrdup(filter), *word = copy, *and;
	int rc = 0;

	while (rc == 0 && word != NULL) {
		if ((and = strstr(word, "&&")) != NULL)
			*and = '\0';
		rc = jobsort_cond(s, word, fmt, err, errlen);
		word = and ? and + 2 : NULL;
	}
	free(copy);
	return rc;
}

int
jobsort_new(const char *sort, const char *filter, const char *n,
    struct jobsort **out, char *err, size_t errlen)
{
	struct jobsort *s;
	char *fmt, *end;

	*out = NULL;
	if (sort == NULL && filter == NULL && n == NULL)
		return 0;
	s = xcalloc(1, sizeof(*s));
	s->limit = -1;
	s->sort = sort != NULL;
	s->desc = sort != NULL && sort[0] == '-';
	fmt = xstrdup(sort ? sort + s->desc : "jobid");
	if (n != NULL && ((s->limit = strtol(n, &end, 10)) < 0 || *end != '\0' ||
	    end == n)) {
		errf(err, errlen, "-n: <%s> is not a number of jobs", n);
		goto fail;
	}
	if (filter != NULL && jobsort_conds(s, filter, &fmt, err, errlen) < 0)
		goto fail;
	if ((s->cols = jobfmt_cols_parse(fmt, err, errlen)) == NULL)
		goto fail;
	free(fmt);
	*out = s;
	return 0;
fail:
	free(fmt);
	jobsort_free(s);
	return -1;
}

void
jobsort_free(struct jobsort *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncond; i++)
		free(s->cond[i].value);
	free(s->cond);
	jobfmt_cols_free(s->cols);
	free(s);
}

void
jobsort_fields(const struct jobsort *s, json_t *fields)
{
	jobfmt_cols_fields(s->cols, fields);
}

/* Whether rec passes comparison i. */
static bool
jobsort_pass(const struct jobsort *s, size_t i, const json_t *rec)
{
	const struct jobsort_cond *c = &s->cond[i];
	char *v, *end;
	double nv, nc = strtod(c->value, &end);
	bool vn, cn = *c->value != '\0' && *end == '\0';
	int r;

	v = jobsort_value(s, i + 1, rec, &nv, &vn);
	r = jobsort_cmp_values(v, nv, vn, c->value, nc, cn);
	if (*v == '\0') {	/* no value: no comparison holds, but != */
		free(v);
		return c->op == JS_NE;
	}
	free(v);
	switch (c->op) {
	case JS_LT: return r < 0;
	case JS_LE: return r <= 0;
	case JS_GT: return r > 0;
	case JS_GE: return r >= 0;
	case JS_EQ: return r == 0;
	default: return r != 0;
	}
}

void
jobsort_filter(const struct jobsort *s, json_t *jobs)
{
	size_t i, k;

	if (s == NULL)
		return;
	for (i = json_array_size(jobs); i-- > 0;)
		for (k = 0; k < s->ncond; k++)
			if (!jobsort_pass(s, k, json_array_get(jobs, i))) {
				json_array_remove(jobs, i);
				break;
			}
}

/* One record with its key, for qsort. */
struct jobsort_item {
	json_t *rec;
	char *text;
	double num;
	bool isnum;
	size_t pos;		/* equal keys keep the listing's order */
	bool desc;
};

static int
jobsort_item_cmp(const void *pa, const void *pb)
{
	const struct jobsort_item *a = pa, *b = pb;
	int c;

	if ((*a->text == '\0') != (*b->text == '\0'))	/* no value: last */
		return *a->text == '\0' ? 1 : -1;
	c = jobsort_cmp_values(a->text, a->num, a->isnum, b->text, b->num, b->isnum);
	if (a->desc)
		c = -c;
	return c != 0 ? c : a->pos < b->pos ? -1 : a->pos > b->pos;
}

void
jobsort_finish(const struct jobsort *s, json_t *jobs)
{
	size_t i, n = json_array_size(jobs);
	struct jobsort_item *it;

	if (s == NULL)
		return;
	if (s->sort && n > 1) {
		it = xcalloc(n, sizeof(*it));
		for (i = 0; i < n; i++) {
			it[i].rec = json_incref(json_array_get(jobs, i));
			it[i].text = jobsort_value(s, 0, it[i].rec, &it[i].num, &it[i].isnum);
			it[i].pos = i;
			it[i].desc = s->desc;
		}
		qsort(it, n, sizeof(*it), jobsort_item_cmp);
		json_array_clear(jobs);
		for (i = 0; i < n; i++) {
			json_array_append_new(jobs, it[i].rec);
			free(it[i].text);
		}
		free(it);
	}
	while (s->limit >= 0 && json_array_size(jobs) > (size_t)s->limit)
		json_array_remove(jobs, json_array_size(jobs) - 1);
}
