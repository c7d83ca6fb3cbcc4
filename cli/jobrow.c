/*
 * jobrow.c - the formatters' view of a job element (jobrow.h): a JOBREC
 * object, or a line of the row encoding read in place.
 */
#include <stdlib.h>
#include <string.h>

#include "jobrow.h"
#include "rowtext.h"
#include "util.h"

/* The member names, in enum jobrow_key order. */
static const char *const jobrow_names[JR_NKEYS] = {
	"id", "idx", "name", "user", "stat", "queue", "from_host", "exec_hosts",
	"submit_time", "start_time", "attempt", "finish_time", "exit_code",
	"exit_reason", "pend_reason", "pend_detail", "cmd", "cwd", "subcwd",
	"out", "err", "nslots", "dep", "cpu", "maxrss", "mem", "usage_time",
	"nproc", "signal", "project", "exec_cwd", "opts", "array", "result", "result_error", "npos",
};

int
jobrow_key(const char *name)
{
	int k;

	for (k = 0; k < JR_NKEYS; k++)
		if (strcmp(jobrow_names[k], name) == 0)
			return k;
	return -1;
}

void
jobrow_json(struct jobrow *r, const json_t *rec)
{
	memset(r, 0, sizeof(*r));
	r->rec = rec;
}

void
jobrow_clear(struct jobrow *r)
{
	free(r->hosts);
	r->hosts = NULL;
	r->nhosts = 0;
	r->hosts_split = false;
	json_decref(r->opts);
	r->opts = NULL;
	r->opts_read = false;
	json_decref(r->result);
	r->result = NULL;
	r->result_read = false;
}

static const json_t *
jobrow_member(const struct jobrow *r, int k)
{
	return json_object_get(r->rec, jobrow_names[k]);
}

const char *
jobrow_str(struct jobrow *r, int k)
{
	if (k < 0 || k >= JR_NKEYS)
		return NULL;
	if (r->rec != NULL)
		return json_string_value(jobrow_member(r, k));
	if (r->v[k] != NULL && (r->esc & ((uint64_t)1 << k))) {
		rowtext_unescape(r->v[k]);
		r->esc &= ~((uint64_t)1 << k);
	}
	return r->v[k];
}

long long
jobrow_int(struct jobrow *r, int k, bool *has)
{
	const json_t *v;
	const char *s;
	char *end;
	long long n;

	*has = false;
	if (k < 0 || k >= JR_NKEYS)
		return 0;
	if (r->rec != NULL) {
		v = jobrow_member(r, k);
		*has = json_is_integer(v);
		return *has ? (long long)json_integer_value(v) : 0;
	}
	if ((s = r->v[k]) == NULL || *s == '\0')
		return 0;
	if (s[0] >= '0' && s[0] <= '9' && strlen(s) < 18) {	/* most values */
		for (n = 0; *s >= '0' && *s <= '9'; s++)
			n = n * 10 + (*s - '0');
		*has = *s == '\0';
		return *has ? n : 0;
	}
	n = strtoll(s, &end, 10);
	*has = *end == '\0';
	return *has ? n : 0;
}

long long
jobrow_int0(struct jobrow *r, int k)
{
	bool has;

	return jobrow_int(r, k, &has);
}

double
jobrow_real(struct jobrow *r, int k, bool *has)
{
	const json_t *v;
	const char *s;
	char *end;
	double d;

	*has = false;
	if (k < 0 || k >= JR_NKEYS)
		return 0;
	if (r->rec != NULL) {
		v = jobrow_member(r, k);
		*has = json_is_number(v);
		return *has ? json_number_value(v) : 0;
	}
	if ((s = r->v[k]) == NULL || *s == '\0')
		return 0;
	d = strtod(s, &end);
	*has = *end == '\0';
	return *has ? d : 0;
}

/* Splits a text row's exec_hosts once. */
static void
jobrow_split_hosts(struct jobrow *r)
{
	char *items[JOBROW_MAXHOSTS];
	char *s = r->v[JR_EXEC_HOSTS];

	r->hosts_split = true;
	if (s == NULL || *s == '\0')
		return;
	r->nhosts = rowtext_items(s, items, JOBROW_MAXHOSTS);
	r->hosts = xmalloc(r->nhosts * sizeof(*r->hosts));
	memcpy(r->hosts, items, r->nhosts * sizeof(*r->hosts));
}

size_t
jobrow_nhosts(struct jobrow *r)
{
	if (r->rec != NULL)
		return json_array_size(jobrow_member(r, JR_EXEC_HOSTS));
	if (!r->hosts_split)
		jobrow_split_hosts(r);
	return r->nhosts;
}

const char *
jobrow_host(struct jobrow *r, size_t i)
{
	if (r->rec != NULL)
		return json_string_value(json_array_get(jobrow_member(r,
		    JR_EXEC_HOSTS), i));
	return i < jobrow_nhosts(r) ? r->hosts[i] : NULL;
}

const json_t *
jobrow_opts(struct jobrow *r)
{
	const char *s;

	if (r->rec != NULL)
		return jobrow_member(r, JR_OPTS);
	if (!r->opts_read) {	/* its JSON text, decoded once */
		r->opts_read = true;
		s = jobrow_str(r, JR_OPTS);
		if (s != NULL && *s != '\0')
			r->opts = json_loads(s, 0, NULL);
	}
	return r->opts;
}

const char *
jobrow_opt(struct jobrow *r, const char *key)
{
	return json_string_value(json_object_get(jobrow_opts(r), key));
}

const json_t *
jobrow_result(struct jobrow *r)
{
	const char *s;

	if (r->rec != NULL)
		return jobrow_member(r, JR_RESULT);
	if (!r->result_read) {	/* its JSON text, decoded once */
		r->result_read = true;
		s = jobrow_str(r, JR_RESULT);
		if (s != NULL && *s != '\0')
			r->result = json_loads(s, 0, NULL);
	}
	return r->result;
}
