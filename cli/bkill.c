/*
 * bkill.c - kill or signal jobs (LSF.md §4): ids, "123[4]" (quoted or
 * not), whole arrays, "0" for every job the other filters match, -s with a
 * signal name or number, -J, -u, -q. -d, -r and -b are accepted and act as
 * a plain kill. The master checks who may kill what; each result is one
 * line, stdout when it worked and stderr when not; exit 255 if any failed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "util.h"

static const struct bkill_sig {
	int num;
	const char *name;
} bkill_sigs[] = {
	{ 1, "HUP" }, { 2, "INT" }, { 3, "QUIT" }, { 6, "ABRT" }, { 9, "KILL" },
	{ 10, "USR1" }, { 12, "USR2" }, { 14, "ALRM" }, { 15, "TERM" },
	{ 18, "CONT" }, { 19, "STOP" }, { 20, "TSTP" }, { 21, "TTIN" },
	{ 22, "TTOU" }, { 24, "XCPU" }, { 25, "XFSZ" },
};

/* The protocol's name for -s NAME|SIGNAME|number; NULL if unknown. */
const char *
bkill_signame(const char *s)
{
	size_t i;
	char *end;
	long n;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		for (i = 0; *end == '\0' && i < nitems(bkill_sigs); i++)
			if (bkill_sigs[i].num == n)
				return bkill_sigs[i].name;
		return NULL;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < nitems(bkill_sigs); i++)
		if (strcasecmp(bkill_sigs[i].name, s) == 0)
			return bkill_sigs[i].name;
	return NULL;
}

static int
bkill_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "bkill: %s\n", why);
	fprintf(stderr, "Usage: bkill [-s signal_value | -d | -r] [-J job_name]"
	    " [-q queue_name]\n             [-u user_name|all]"
	    " [job_ID | 0 | \"job_ID[index]\" ...]\n");
	return CLI_EXIT_FAIL;
}

/* Options into args; returns the index of the first id or -1. */
static int
bkill_options(json_t *args, int argc, char **argv)
{
	const char *key, *sig;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *o = argv[i] + 1;

		if (strcmp(o, "-") == 0)
			return i + 1;
		if (strcmp(o, "d") == 0 || strcmp(o, "r") == 0 || strcmp(o, "b") == 0)
			continue;
		key = strcmp(o, "s") == 0 ? "sig" : strcmp(o, "J") == 0 ? "name" :
		    strcmp(o, "u") == 0 ? "user" : strcmp(o, "q") == 0 ? "queue" : NULL;
		if (key == NULL) {
			char msg[64];
			snprintf(msg, sizeof(msg), "illegal option -- %s", o);
			return bkill_usage(msg), -1;
		}
		if (i + 1 >= argc)
			return bkill_usage("option requires an argument"), -1;
		if (strcmp(key, "sig") == 0 && (sig = bkill_signame(argv[i + 1])) == NULL) {
			fprintf(stderr, "bkill: Unknown signal <%s>\n", argv[i + 1]);
			return -1;
		}
		json_object_set_new(args, key,
		    json_string(strcmp(key, "sig") == 0 ? sig : argv[i + 1]));
		i++;
	}
	return i;
}

/* The kill request; NULL after a message. */
json_t *
bkill_request(int argc, char **argv)
{
	json_t *args = json_object(), *ids = json_array(), *sel;
	int i;

	if ((i = bkill_options(args, argc, argv)) < 0)
		goto fail;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "0") == 0) {
			json_object_set_new(args, "all", json_true());
			continue;
		}
		if ((sel = jobsel_parse(argv[i])) == NULL) {
			fprintf(stderr, "%s: Illegal job ID.\n", argv[i]);
			goto fail;
		}
		json_array_append_new(ids, sel);
	}
	if (json_array_size(ids) == 0 && json_object_get(args, "all") == NULL &&
	    json_object_get(args, "name") == NULL && json_object_get(args, "user") == NULL &&
	    json_object_get(args, "queue") == NULL) {
		bkill_usage("no job specified");
		goto fail;
	}
	json_object_set_new(args, "ids", ids);
	return args;
fail:
	json_decref(ids);
	json_decref(args);
	return NULL;
}

/* One result line; returns whether it succeeded. */
static bool
bkill_result(const json_t *r)
{
	const char *job = json_string_value(json_object_get(r, "job"));
	const char *msg = json_string_value(json_object_get(r, "msg"));
	bool ok = json_is_true(json_object_get(r, "ok"));

	if (job == NULL)
		job = "?";
	if (msg != NULL && (strncmp(msg, "Job <", 5) == 0 || *job == '\0'))
		fprintf(ok ? stdout : stderr, "%s\n", msg);
	else if (ok)
		printf("Job <%s> %s\n", job, msg ? msg : "is being terminated");
	else
		fprintf(stderr, "Job <%s>: %s\n", job, msg ? msg : "No matching job found");
	return ok;
}

int
bkill_main(int argc, char **argv)
{
	json_t *args, *data, *r;
	char err[1024];
	size_t i;
	int rc;

	if ((args = bkill_request(argc, argv)) == NULL)
		return CLI_EXIT_FAIL;
	rc = client_call("kill", args, &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bkill", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	if (json_array_size(json_object_get(data, "results")) == 0) {
		fprintf(stderr, "No matching job found\n");
		rc = CLI_EXIT_FAIL;
	}
	json_array_foreach(json_object_get(data, "results"), i, r) {
		if (!bkill_result(r))
			rc = CLI_EXIT_FAIL;
		fflush(stdout);
	}
	json_decref(data);
	return rc;
}
