/*
 * lsclusters.c - the cluster line (LSF.md §4): a header, then one row per
 * cluster: CLUSTER_NAME STATUS MASTER_HOST ADMIN HOSTS SERVERS. Snakemake
 * takes the first token of line 2 as the cluster name, so names are never
 * cut; -w is accepted and prints the same (nothing is ever truncated).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
	bool json = false;
	json_t *data;
	char err[1024];
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-json") == 0)
			json = true;
		else if (strcmp(argv[i], "-w") != 0) {
			fprintf(stderr, "lsclusters: illegal option -- %s\n"
			    "Usage: lsclusters [-w] [-json]\n",
			    argv[i][0] == '-' ? argv[i] + 1 : argv[i]);
			return CLI_EXIT_FAIL;
		}
	}
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
