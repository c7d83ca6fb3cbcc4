/*
 * bparams.c - batch parameters (LSF.md §4): the short summary, -l with a
 * description line before each "    KEY = value (unit)", and -a listing
 * every parameter as "    KEY = value" (Toil splits each line on "=").
 * The master sends the list (params.c); this file only formats it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const char *
bparams_str(const json_t *p, const char *k)
{
	const char *v = json_string_value(json_object_get(p, k));

	return v ? v : "";
}

/* The value of key in the list, or def. */
static const char *
bparams_get(const json_t *params, const char *key, const char *def)
{
	const json_t *p;
	size_t i;

	json_array_foreach(params, i, p)
		if (strcmp(bparams_str(p, "key"), key) == 0)
			return bparams_str(p, "value");
	return def;
}

static void
bparams_short(FILE *fp, const json_t *params)
{
	long sleep_s = strtol(bparams_get(params, "MBD_SLEEP_TIME", "10"), NULL, 10);
	long accept = strtol(bparams_get(params, "JOB_ACCEPT_INTERVAL", "1"), NULL, 10);

	fprintf(fp, "Default Queues:  %s\n", bparams_get(params, "DEFAULT_QUEUE", ""));
	fprintf(fp, "Job Dispatch Interval:  %ld seconds\n", sleep_s);
	fprintf(fp, "Job Checking Interval:  %s seconds\n",
	    bparams_get(params, "SBD_SLEEP_TIME", "30"));
	fprintf(fp, "Job Accepting Interval:  %ld seconds\n", accept * sleep_s);
}

void
bparams_print(FILE *fp, const json_t *params, bool all, bool longf)
{
	const json_t *p;
	size_t i;

	if (!all && !longf) {
		bparams_short(fp, params);
		return;
	}
	json_array_foreach(params, i, p) {
		const char *unit = bparams_str(p, "unit");

		if (!all && !json_is_true(json_object_get(p, "core")))
			continue;
		if (longf)
			fprintf(fp, "\n%s:\n", bparams_str(p, "desc"));
		fprintf(fp, "    %s = %s", bparams_str(p, "key"), bparams_str(p, "value"));
		if (longf && *unit != '\0')
			fprintf(fp, " (%s)", unit);
		fputc('\n', fp);
	}
}

static int
bparams_usage(const char *opt)
{
	fprintf(stderr, "bparams: illegal option -- %s\n"
	    "Usage: bparams [-a] [-l] [-json]\n", opt);
	return CLI_EXIT_FAIL;
}

int
bparams_main(int argc, char **argv)
{
	bool all = false, longf = false, json = false;
	json_t *data;
	char err[1024];
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0)
			all = true;
		else if (strcmp(argv[i], "-l") == 0)
			longf = true;
		else if (strcmp(argv[i], "-json") == 0)
			json = true;
		else
			return bparams_usage(argv[i][0] == '-' ? argv[i] + 1 : argv[i]);
	}
	rc = client_call("params", json_object(), &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bparams", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "bparams: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	if (json)
		cli_print_json(stdout, "bparams", data);
	else
		bparams_print(stdout, json_object_get(data, "params"), all, longf);
	json_decref(data);
	return 0;
}
