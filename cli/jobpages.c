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
