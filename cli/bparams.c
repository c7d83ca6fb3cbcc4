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
#include "opts.h"
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

int
bparams_main(int argc, char **argv)
{
	static const struct opt opts[] = {
		{ "a", 1, 0, NULL }, { "l", 2, 0, NULL }, { "json", 4, 0, NULL },
	};
	bool all, longf, json;
	json_t *data;
	char err[1024];
	unsigned set;
	int rc;

	if (opts_flags("bparams", "[-a] [-l] [-json]", opts, nitems(opts), argc,
	    argv, false, &set) < 0)
		return CLI_EXIT_FAIL;
	all = set & 1, longf = set & 2, json = set & 4;
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
