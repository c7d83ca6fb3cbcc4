/*
 * jobrlim.c - the bsub limits that are setrlimit(2) limits: -c (cpu),
 * -v (as), -C (core), -D (data), -F (fsize), -S (stack), -p and -T (both
 * nproc: the smaller wins). Each replaces the submitter's soft limit of
 * the same name in the JOBSPEC rlimits (proto.h), which the shepherd sets
 * (never above the hard limit). Sizes are in LSF_UNIT_FOR_LIMITS unless
 * they carry a unit, like -M; -c is [hour:]minute, "/host_model" ignored.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "units.h"
#include "util.h"

enum jobrlim_kind { JRL_MINUTES, JRL_SIZE, JRL_COUNT };

static const struct {
	const char *opt, *rlim;
	enum jobrlim_kind kind;
} jobrlim_table[] = {
	{ "c", "cpu", JRL_MINUTES }, { "v", "as", JRL_SIZE },
	{ "C", "core", JRL_SIZE }, { "D", "data", JRL_SIZE },
	{ "F", "fsize", JRL_SIZE }, { "S", "stack", JRL_SIZE },
	{ "p", "nproc", JRL_COUNT }, { "T", "nproc", JRL_COUNT },
};

/* One option's value as an rlimit (seconds, bytes or a count). */
static int
jobrlim_value(const struct conf *c, enum jobrlim_kind kind, const char *s,
    json_int_t *v, char *err, size_t errlen)
{
	char *copy = xstrdup(s), *p, *end;
	uint64_t kb;
	long secs, n;
	int rc = 0;

	if (kind == JRL_MINUTES) {
		if ((p = strchr(copy, '/')) != NULL)
			*p = '\0';
		rc = units_parse_minutes(copy, &secs, err, errlen);
		*v = secs;
	} else if (kind == JRL_SIZE) {
		rc = units_parse_size(copy, c->unit_for_limits, &kb, err, errlen);
		if (rc == 0 && kb > (uint64_t)INT64_MAX / 1024)
			rc = errf(err, errlen, "too large");
		*v = (json_int_t)(kb * 1024);
	} else {
		n = strtol(copy, &end, 10);
		if (end == copy || *end != '\0' || n < 1 || n == LONG_MAX)
			rc = errf(err, errlen, "not a positive number");
		*v = n;
	}
	free(copy);
	return rc;
}

int
jobrlim_check(const struct conf *c, const json_t *spec, char *err, size_t errlen)
{
	const json_t *opts = json_object_get(spec, "opts");
	const char *s;
	char e[256];
	json_int_t v;
	size_t i;

	for (i = 0; i < nitems(jobrlim_table); i++) {
		s = json_string_value(json_object_get(opts, jobrlim_table[i].opt));
		if (s != NULL && jobrlim_value(c, jobrlim_table[i].kind, s, &v, e,
		    sizeof(e)) < 0)
			return errf(err, errlen, "%s: Bad argument for option -%s", s,
			    jobrlim_table[i].opt);
	}
	return 0;
}

void
jobrlim_jobspec(const struct conf *c, json_t *spec)
{
	const json_t *opts = json_object_get(spec, "opts");
	json_t *rl = json_object_get(spec, "rlimits");
	json_int_t v, nproc = -1;
	const char *s;
	char e[256];
	size_t i;

	for (i = 0; i < nitems(jobrlim_table); i++) {
		s = json_string_value(json_object_get(opts, jobrlim_table[i].opt));
		if (s == NULL || jobrlim_value(c, jobrlim_table[i].kind, s, &v, e,
		    sizeof(e)) < 0)
			continue;
		if (!json_is_object(rl)) {
			rl = json_object();
			json_object_set_new(spec, "rlimits", rl);
		}
		if (strcmp(jobrlim_table[i].rlim, "nproc") == 0) {
			if (nproc >= 0 && nproc < v)
				continue;	/* -p and -T: the smaller */
			nproc = v;
		}
		json_object_set_new(rl, jobrlim_table[i].rlim, json_integer(v));
	}
}
