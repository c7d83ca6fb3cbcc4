/*
 * histreq.c - what bhist and bacct share: their flag words (clusters like
 * "-la", values attached or not, the long words -UF and -json) and the
 * history request with LSF's messages for the ids it did not find.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "histreq.h"
#include "util.h"

/* One "-xyz" word; -1 with a message in err. */
static int
histreq_cluster(struct histreq *h, const char *flags, const char *valflags,
    int argc, char **argv, int *i, char *err, size_t errlen)
{
	const char *w = argv[*i] + 1;

	for (; *w; w++) {
		if (strchr(flags, *w) == NULL)
			return errf(err, errlen, "illegal option -- %c", *w);
		if (strchr(valflags, *w) == NULL) {
			h->flag[(unsigned char)*w] = true;
			continue;
		}
		if (w[1] != '\0')
			h->val[(unsigned char)*w] = w + 1;
		else if (*i + 1 < argc)
			h->val[(unsigned char)*w] = argv[++*i];
		else
			return errf(err, errlen, "option requires an argument -- %c", *w);
		return 0;
	}
	return 0;
}

int
histreq_parse(struct histreq *h, const char *flags, const char *valflags,
    int argc, char **argv, char *err, size_t errlen)
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-json") == 0)
			h->json = true;
		else if (strcmp(argv[i], "-UF") == 0)
			h->uf = true;
		else if (strcmp(argv[i], "-h") == 0)
			return errf(err, errlen, "%s", "");
		else if (histreq_cluster(h, flags, valflags, argc, argv, &i, err,
		    errlen) < 0)
			return -1;
	}
	h->nids = argc - i;
	h->ids = argv + i;
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
