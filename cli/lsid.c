/*
 * lsid.c - the product line, cluster name and master name (LSF.md §4).
 * Line 1 carries a dotted version: dask and Toil read it with regexes.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void
lsid_print(FILE *fp, const json_t *info)
{
	const char *c = json_string_value(json_object_get(info, "cluster"));
	const char *m = json_string_value(json_object_get(info, "master"));

	fprintf(fp, "Pumice %s, %s\n", PUMICE_VERSION, PUMICE_DATE);
	fputs("An LSF-compatible batch system\n\n", fp);
	fprintf(fp, "My cluster name is %s\n", c ? c : "");
	fprintf(fp, "My master name is %s\n", m ? m : "");
}

int
lsid_main(int argc, char **argv)
{
	json_t *data;
	char err[1024];
	int rc;

	bool json = argc > 1 && strcmp(argv[1], "-json") == 0;

	if (argc > 1 && strcmp(argv[1], "-V") == 0) {
		fprintf(stderr, "Pumice %s, %s\n", PUMICE_VERSION, PUMICE_DATE);
		return 0;
	}
	rc = client_call("info", json_object(), &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("lsid", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "lsid: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	if (json) {
		json_object_set_new(data, "product", json_sprintf("Pumice %s",
		    PUMICE_VERSION));
		cli_print_json(stdout, "lsid", data);
	} else
		lsid_print(stdout, data);
	json_decref(data);
	return 0;
}
