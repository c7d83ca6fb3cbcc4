/*
 * jobpages.c - a "jobs" listing page by page (pumice-protocol(7)): asks
 * with the previous reply's "next" cursor until none comes, and hands the
 * records on in chunks of at most JOBPAGES_CHUNK, range records (a run of
 * unstarted array elements sent as one) expanded back into one record per
 * element, so the formatters see what an unpaged reply held and a million
 * pending elements never sit in memory at once. A request that names its
 * "fields" gets compact rows (values in the order of the page's "cols"),
 * turned back into records here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "cli.h"
#include "jobrow.h"
#include "rowtext.h"
#include "util.h"

#define JOBPAGES_CHUNK 1000

struct jobpages {
	jobpages_fn fn;
	void *arg;
	json_t *chunk;
};

static int
jobpages_flush(struct jobpages *p)
{
	int rc = 0;

	if (json_array_size(p->chunk) > 0)
		rc = p->fn(p->chunk, p->arg);
	json_array_clear(p->chunk);
	return rc;
}

static int
jobpages_add(struct jobpages *p, json_t *rec)
{
	json_array_append_new(p->chunk, rec);
	return json_array_size(p->chunk) >= JOBPAGES_CHUNK ? jobpages_flush(p) : 0;
}

/*
 * The record of element idx from a range record. Copies are made once
 * per slot of a chunk and reused: between two uses of a slot a whole
 * chunk has been added, so the slot's previous record was handed on
 * (fn keeps no record past its call).
 */
static json_t *
jobpages_elem(json_t **slot, const json_t *range, const char *base, long idx)
{
	if (*slot == NULL) {
		*slot = json_copy((json_t *)range);
		json_object_del(*slot, "range");
		json_object_del(*slot, "npos");
	}
	json_object_set_new(*slot, "idx", json_integer(idx));
	json_object_set_new(*slot, "name", json_sprintf("%s[%ld]", base, idx));
	return json_incref(*slot);
}

/* Adds the npos elements a range record stands for, from its first. */
static int
jobpages_expand(struct jobpages *p, const json_t *rec)
{
	const char *spec = json_string_value(json_object_get(rec, "array"));
	const char *name = json_string_value(json_object_get(rec, "name"));
	long first = (long)json_integer_value(json_array_get(json_object_get(rec,
	    "range"), 0)), n = (long)json_integer_value(json_object_get(rec, "npos"));
	json_t *slots[JOBPAGES_CHUNK] = { NULL };
	struct arrayspec arr;
	char err[256], *base;
	long pos, k;
	int rc = 0;

	if (spec == NULL || name == NULL || arrayspec_parse_list(spec, 2147483646L,
	    &arr, err, sizeof(err)) < 0)
		return jobpages_add(p, json_incref((json_t *)rec));
	base = xstrndup(name, strrchr(name, '[') ? (size_t)(strrchr(name, '[') - name) :
	    strlen(name));
	pos = arrayspec_pos(&arr, first);
	for (k = 0; k < n && pos >= 0 && rc == 0; k++)
		rc = jobpages_add(p, jobpages_elem(&slots[k % JOBPAGES_CHUNK], rec, base,
		    arrayspec_at(&arr, pos + k)));
	for (k = 0; k < JOBPAGES_CHUNK; k++)
		json_decref(slots[k]);
	free(base);
	arrayspec_free(&arr);
	return rc;
}

/* A compact row as the record it stands for: cols name its values, and
 * a null value is a member the record does not have. */
static json_t *
jobpages_row(const json_t *row, const json_t *cols)
{
	json_t *rec = json_object(), *v;
	const char *k;
	size_t i;

	json_array_foreach(row, i, v)
		if (!json_is_null(v) && (k = json_string_value(json_array_get(cols,
		    i))) != NULL)
			json_object_set_nocheck(rec, k, v);
	return rec;
}

static int
jobpages_take(struct jobpages *p, const json_t *recs, const json_t *cols)
{
	const json_t *rec;
	size_t i;
	int rc = 0;

	json_array_foreach(recs, i, rec) {
		if (json_is_array(rec))
			rc = jobpages_add(p, jobpages_row(rec, cols));
		else if (json_object_get(rec, "range") != NULL)
			rc = jobpages_expand(p, rec);
		else
			rc = jobpages_add(p, json_incref((json_t *)rec));
		if (rc != 0)
			break;
	}
	return rc;
}

/* Records per page: $PUMICE_QUERY_PAGE (tests use small pages), else the
 * master's default. */
static long
jobpages_limit(void)
{
	const char *s = getenv("PUMICE_QUERY_PAGE");

	return s != NULL ? strtol(s, NULL, 10) : 0;
}

int
jobpages_each(struct client *c, json_t *args, const char *key, jobpages_fn fn,
    void *arg, json_t **missing, char *err, size_t errlen)
{
	struct jobpages p = { fn, arg, json_array() };
	json_t *data = NULL, *next;
	int rc;

	*missing = NULL;
	json_object_set_new(args, "ranges", json_true());
	if (json_object_get(args, "fields") != NULL)	/* rows, names once a page */
		json_object_set_new(args, "compact", json_true());
	if (jobpages_limit() > 0)
		json_object_set_new(args, "limit", json_integer(jobpages_limit()));
	for (;;) {
		rc = client_request(c, "jobs", args, &data, err, errlen);
		if (rc != CLIENT_OK)
			break;
		if (*missing == NULL)
			*missing = json_incref(json_object_get(data, "missing"));
		if ((rc = jobpages_take(&p, json_object_get(data, key),
		    json_object_get(data, "cols"))) != 0)
			break;
		if ((next = json_object_get(data, "next")) == NULL)
			break;
		json_object_set(args, "cursor", next);
		json_decref(data);
		data = NULL;
	}
	if (rc == CLIENT_OK)
		rc = jobpages_flush(&p);
	json_decref(data);
	json_decref(p.chunk);
	if (*missing == NULL)
		*missing = json_array();
	return rc;
}

/*
 * The same listing in the row encoding (rowtext.h), for bjobs' table, -o
 * and -json: a page's lines are split in place into rows that point into
 * the reply, no JSON value a field. The next page is asked for before
 * this one is handled, so the master builds it meanwhile. Rows go to fn
 * in chunks of JOBPAGES_CHUNK as records do above (the -o widths come
 * from the first chunk whatever the encoding); rows left in a chunk when
 * a page ends are moved out of the reply, which the next read reuses.
 */
struct jobrows {
	jobrows_fn fn;
	void *arg;
	struct jobrow rows[JOBPAGES_CHUNK];
	size_t n;
	size_t text_from;	/* the first row pointing into this page */
	char *mark;		/* where that row's line starts */
	char **held;		/* text the chunk's rows point into */
	size_t nheld, capheld;
};

static void
jobrows_hold(struct jobrows *p, char *s)
{
	if (p->nheld == p->capheld) {
		p->capheld = p->capheld ? p->capheld * 2 : 64;
		p->held = xrealloc(p->held, p->capheld * sizeof(*p->held));
	}
	p->held[p->nheld++] = s;
}

static int
jobrows_flush(struct jobrows *p)
{
	size_t i;
	int rc = 0;

	if (p->n > 0)
		rc = p->fn(p->rows, p->n, p->arg);
	for (i = 0; i < p->n; i++)
		jobrow_clear(&p->rows[i]);
	for (i = 0; i < p->nheld; i++)
		free(p->held[i]);
	p->n = p->nheld = p->text_from = 0;
	p->mark = NULL;
	return rc;
}

/* After an error: frees the chunk without handing it on. */
static void
jobrows_flush_drop(struct jobrows *p)
{
	jobrows_fn fn = p->fn;

	p->n = 0;	/* fn gets nothing */
	(void)jobrows_flush(p);
	p->fn = fn;
}

/* Takes the row built in the chunk's next slot. */
static int
jobrows_commit(struct jobrows *p, char *line)
{
	if (p->mark == NULL && line != NULL)
		p->mark = line;
	return ++p->n >= JOBPAGES_CHUNK ? jobrows_flush(p) : 0;
}

static int
jobrows_add(struct jobrows *p, const struct jobrow *r, char *line)
{
	p->rows[p->n] = *r;
	return jobrows_commit(p, line);
}

/* Adds the npos unstarted elements a range line stands for. */
static int
jobrows_expand(struct jobrows *p, struct jobrow *r, long npos, char *line)
{
	const char *spec = jobrow_str(r, JR_ARRAY), *name = jobrow_str(r, JR_NAME);
	struct jobrow e = *r;
	struct arrayspec arr;
	char err[256], *s;
	long pos, k, idx;
	int base, rc = 0;

	e.v[JR_NPOS] = NULL;
	if (spec == NULL || name == NULL || arrayspec_parse_list(spec, 2147483646L,
	    &arr, err, sizeof(err)) < 0)
		return jobrows_add(p, &e, line);
	base = (int)(strrchr(name, '[') ? strrchr(name, '[') - name : (long)strlen(name));
	pos = arrayspec_pos(&arr, jobrow_int0(r, JR_IDX));
	if (pos >= 0 && npos > arr.count - pos)	/* not past the array's end */
		npos = arr.count - pos;
	for (k = 0; k < npos && pos >= 0 && rc == 0; k++) {
		idx = arrayspec_at(&arr, pos + k);
		/* "idx\0name[idx]": the element's two values in one block */
		s = xasprintf("%ld%c%.*s[%ld]", idx, '\0', base, name, idx);
		jobrows_hold(p, s);
		e.v[JR_IDX] = s;
		e.v[JR_NAME] = s + strlen(s) + 1;
		e.esc &= ~((uint64_t)1 << JR_IDX | (uint64_t)1 << JR_NAME);
		rc = jobrows_add(p, &e, line);
	}
	arrayspec_free(&arr);
	return rc;
}

/* Moves the rows that point into text (len bytes) into a copy of it. */
static void
jobrows_rebase(struct jobrows *p, char *text, size_t len)
{
	char *end = text + len, *copy;
	size_t i, k;

	if (p->mark == NULL || p->n <= p->text_from)
		return;
	copy = xmalloc((size_t)(end - p->mark));
	memcpy(copy, p->mark, (size_t)(end - p->mark));
	jobrows_hold(p, copy);
	for (i = p->text_from; i < p->n; i++)
		for (k = 0; k < JR_NKEYS; k++)
			if (p->rows[i].v[k] >= p->mark && p->rows[i].v[k] < end)
				p->rows[i].v[k] = copy + (p->rows[i].v[k] - p->mark);
	p->mark = NULL;
	p->text_from = p->n;
}

/* One page's lines; cols names their values. -1 when malformed. */
static int
jobrows_text(struct jobrows *p, char *text, size_t len, const json_t *cols,
    char *err, size_t errlen)
{
	int key[ROWTEXT_MAXF], rc = 0;
	size_t ncols = json_array_size(cols), k;
	char *s = text, *line;
	struct rowtext_line l;
	struct jobrow *r, range;
	long npos;

	if (ncols == 0 || ncols > ROWTEXT_MAXF)
		return errf(err, errlen, "malformed reply: %zu columns", ncols);
	for (k = 0; k < ncols; k++) {
		const char *name = json_string_value(json_array_get(cols, k));
		key[k] = name != NULL ? jobrow_key(name) : -1;
	}
	p->text_from = p->n;
	p->mark = NULL;
	while (rc == 0) {
		line = s;
		if ((rc = rowtext_next(&s, text + len, &l)) <= 0)
			break;
		if (l.n != ncols)
			return errf(err, errlen, "malformed reply: a row of %zu values, "
			    "not %zu", l.n, ncols);
		r = &p->rows[p->n];	/* built in place: a row is 300 bytes */
		memset(r, 0, sizeof(*r));
		for (k = 0; k < ncols; k++)
			if (key[k] >= 0) {
				r->v[key[k]] = l.f[k];
				if (l.esc & ((uint64_t)1 << k))
					r->esc |= (uint64_t)1 << key[k];
			}
		if ((npos = (long)jobrow_int0(r, JR_NPOS)) > 0) {
			range = *r;
			rc = jobrows_expand(p, &range, npos, line);
		} else
			rc = jobrows_commit(p, line);
	}
	if (rc < 0)
		return errf(err, errlen, "malformed reply: rows do not end a line");
	jobrows_rebase(p, text, len);
	return rc;
}

int
jobpages_rows_text(char *text, size_t len, const json_t *cols, jobrows_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct jobrows *p = xcalloc(1, sizeof(*p));
	int rc;

	p->fn = fn;
	p->arg = arg;
	if ((rc = jobrows_text(p, text, len, cols, err, errlen)) == 0)
		rc = jobrows_flush(p);
	else
		jobrows_flush_drop(p);
	free(p->held);
	free(p);
	return rc;
}

/* Records of a page in the JSON shapes (a master that sends no rows). */
struct jobrows_json {
	struct jobrows *p;
	struct jobrow rows[JOBPAGES_CHUNK];
};

static int
jobrows_of_json(json_t *recs, void *arg)
{
	struct jobrows_json *x = arg;
	size_t i, n = json_array_size(recs);
	int rc;

	for (i = 0; i < n; i++)
		jobrow_json(&x->rows[i], json_array_get(recs, i));
	rc = x->p->fn(x->rows, n, x->p->arg);
	for (i = 0; i < n; i++)
		jobrow_clear(&x->rows[i]);
	return rc;
}

/* One page's rows, whichever encoding it came in. */
static int
jobrows_page(struct jobrows *p, struct jobpages *jp, json_t *data, char *tail,
    size_t taillen, char *err, size_t errlen)
{
	const json_t *rows = json_object_get(data, "rows");
	char *copy;
	int rc;

	if (json_is_integer(rows))
		return jobrows_text(p, tail, taillen, json_object_get(data, "cols"),
		    err, errlen);
	if (json_is_string(rows)) {	/* relayed by an agent */
		copy = xmalloc(json_string_length(rows) + 1);
		memcpy(copy, json_string_value(rows), json_string_length(rows) + 1);
		rc = jobrows_text(p, copy, json_string_length(rows),
		    json_object_get(data, "cols"), err, errlen);
		free(copy);
		return rc;
	}
	return jobpages_take(jp, json_object_get(data, "jobs"),
	    json_object_get(data, "cols"));
}

int
jobpages_rows(struct client *c, json_t *args, jobrows_fn fn, void *arg,
    json_t **missing, char *err, size_t errlen)
{
	struct jobrows *p = xcalloc(1, sizeof(*p));
	struct jobrows_json *x = xcalloc(1, sizeof(*x));
	struct jobpages jp = { jobrows_of_json, x, json_array() };
	json_t *data = NULL, *next;
	size_t taillen;
	char *tail;
	int id, rc;

	p->fn = fn;
	p->arg = arg;
	x->p = p;
	*missing = NULL;
	json_object_set_new(args, "ranges", json_true());
	json_object_set_new(args, "compact", json_true());
	json_object_set_new(args, "rows", json_true());
	if (jobpages_limit() > 0)
		json_object_set_new(args, "limit", json_integer(jobpages_limit()));
	rc = client_send(c, "jobs", args, &id, err, errlen);
	while (rc == CLIENT_OK) {
		rc = client_recv(c, "jobs", args, &id, &data, &tail, &taillen, err,
		    errlen);
		if (rc != CLIENT_OK)
			break;
		if (*missing == NULL)
			*missing = json_incref(json_object_get(data, "missing"));
		if ((next = json_object_get(data, "next")) != NULL) {
			json_object_set(args, "cursor", next);	/* asked for now */
			rc = client_send(c, "jobs", args, &id, err, errlen);
		}
		if (jobrows_page(p, &jp, data, tail, taillen, err, errlen) != 0 &&
		    rc == CLIENT_OK)
			rc = CLIENT_REJECTED;
		json_decref(data);
		data = NULL;
		if (next == NULL)
			break;
	}
	if (rc == CLIENT_OK && (rc = jobpages_flush(&jp)) == 0)
		rc = jobrows_flush(p);
	else
		jobrows_flush_drop(p);
	json_decref(jp.chunk);
	free(p->held);
	free(p);
	free(x);
	if (*missing == NULL)
		*missing = json_array();
	return rc;
}
