/*
 * lsclusters.c - the cluster line (LSF.md §4): a header, then one row per
 * cluster: CLUSTER_NAME STATUS MASTER_HOST ADMIN HOSTS SERVERS. Snakemake
 * takes the first token of line 2 as the cluster name, so names are never
 * cut; -w is accepted and prints the same (nothing is ever truncated).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "util.h"

static const char *
lsclusters_str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v && *v ? v : "-";
}

void
lsclusters_print(FILE *fp, const json_t *clusters)
{
	const json_t *c;
	size_t i;

	fputs("CLUSTER_NAME   STATUS   MASTER_HOST               ADMIN    "
	    "HOSTS  SERVERS\n", fp);
	json_array_foreach(clusters, i, c)
		fprintf(fp, "%-14s %-8s %-25s %-8s %5lld %8lld\n",
		    lsclusters_str(c, "name"), lsclusters_str(c, "status"),
		    lsclusters_str(c, "master"), lsclusters_str(c, "admin"),
		    (long long)json_integer_value(json_object_get(c, "hosts")),
		    (long long)json_integer_value(json_object_get(c, "servers")));
}

int
lsclusters_main(int argc, char **argv)
{
	static const struct opt opts[] = {
		{ "w", 1, 0, NULL }, { "json", 4, 0, NULL },
	};
	bool json;
	json_t *data;
	char err[1024];
	unsigned set;
	int rc;

	if (opts_flags("lsclusters", "[-w] [-json]", opts, nitems(opts), argc, argv,
	    false, &set) < 0)
		return CLI_EXIT_FAIL;
	json = set & 4;
	rc = client_call("clusters", json_object(), &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("lsclusters", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "lsclusters: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	if (json)
		cli_print_json(stdout, "lsclusters", data);
	else
		lsclusters_print(stdout, json_object_get(data, "clusters"));
	json_decref(data);
	return 0;
}
