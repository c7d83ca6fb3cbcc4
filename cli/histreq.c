/*
 * histreq.c - what bhist and bacct share: their options (a table each,
 * read by opts.c: clusters like "-la", values attached or not, the long
 * words -UF and -json), and the
 * history request with LSF's messages for the ids it did not find.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "histreq.h"
#include "util.h"

int
histreq_parse(struct histreq *h, const struct opt *tab, size_t n, int argc,
    char **argv, char *err, size_t errlen)
{
	struct opts p;
	int id;

	memset(h, 0, sizeof(*h));
	opts_init(&p, tab, n, argc, argv, 1);
	while ((id = opts_next(&p)) >= 0) {
		if (id == HR_JSON)
			h->json = true;
		else if (id == HR_UF)
			h->uf = true;
		else if (id == HR_HELP)
			return errf(err, errlen, "%s", "");
		else if (p.row->flags & OPT_VALUE)
			h->val[id] = p.value;
		else
			h->flag[id] = true;
	}
	if (id == OPTS_ERR)
		return errf(err, errlen, "%s", p.err);
	h->nids = argc - p.ind;
	h->ids = argv + p.ind;
	return 0;
}

int
histreq_call(const char *cmd, json_t *args, json_t **data)
{
	const json_t *m;
	char err[1024];
	size_t i;
	int rc;

	rc = client_call("history", args, data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable(cmd, err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	json_array_foreach(json_object_get(*data, "missing"), i, m)
		fprintf(stderr, "%s\n", json_string_value(m) ? json_string_value(m) : "");
	return (int)json_array_size(json_object_get(*data, "missing"));
}

/* '*' matches any run of characters. */
static bool
histreq_glob(const char *p, const char *s)
{
	if (*p == '\0')
		return *s == '\0';
	if (*p == '*')
		return histreq_glob(p + 1, s) || (*s && histreq_glob(p, s + 1));
	return *p == *s && histreq_glob(p + 1, s + 1);
}

void
histreq_filter_name(json_t *jobs, const char *pattern)
{
	json_t *job, *recs;
	size_t i, k;

	json_array_foreach(jobs, i, job) {
		recs = json_object_get(job, "records");
		for (k = json_array_size(recs); k-- > 0;) {
			char *name = jobfmt_name(json_array_get(recs, k));
			const char *base = json_string_value(json_object_get(
			    json_array_get(recs, k), "name"));
			if (!histreq_glob(pattern, name) &&
			    !histreq_glob(pattern, base ? base : ""))
				json_array_remove(recs, k);
			free(name);
		}
	}
}
