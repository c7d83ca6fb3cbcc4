/*
 * ctlcmd.c - what bkill, bstop, bresume, brequeue and bswitch share: the
 * job selection of LSF.md §4 (ids, "123[4]" quoted or not, 0 for every
 * job the filters match, -J, -q, -m, -u user|all; without ids and without
 * 0 the filters pick the most recent matching job), each command's own
 * flags from a table, the request, and the result lines: stdout when it
 * worked, stderr when not, exit 255 if any failed. -json prints
 * {"COMMAND", "JOBS", "RECORDS":[{"JOBID","RESULT":"OK"|"ERROR",
 * "MESSAGE"}]} on stdout instead, with the same exit code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "util.h"

static const struct ctlcmd_opt ctlcmd_common[] = {
	{ "J", "name", true }, { "q", "queue", true }, { "m", "host", true },
	{ "u", "user", true },
};

static int
ctlcmd_usage(const struct ctlcmd *cmd, const char *why)
{
	if (why != NULL)
		fprintf(stderr, "%s: %s\n", cmd->name, why);
	fprintf(stderr, "Usage: %s %s\n", cmd->name, cmd->usage);
	return CLI_EXIT_FAIL;
}

/* Stores one option's value; -1 after a message. */
static int
ctlcmd_value(const struct ctlcmd *cmd, json_t *args, const char *key, const char *v)
{
	const char *sig;

	if (strcmp(key, "sig") != 0) {
		json_object_set_new(args, key, json_string(v));
		return 0;
	}
	if ((sig = bkill_signame(v)) == NULL) {
		fprintf(stderr, "%s: Unknown signal <%s>\n", cmd->name, v);
		return -1;
	}
	json_object_set_new(args, key, json_string(sig));
	return 0;
}

/* The command's row i, its own options first, then the common ones. */
static const struct ctlcmd_opt *
ctlcmd_row(const struct ctlcmd *cmd, size_t i)
{
	return i < cmd->nopts ? &cmd->opts[i] : &ctlcmd_common[i - cmd->nopts];
}

/* Options into args (read by opts.c from the command's table and the
 * common one); returns the index of the first operand or -1. */
static int
ctlcmd_options(const struct ctlcmd *cmd, json_t *args, int argc, char **argv,
    bool *json)
{
	size_t i, n = cmd->nopts + nitems(ctlcmd_common);
	struct opt *tab = xcalloc(n + 1, sizeof(*tab));
	const struct ctlcmd_opt *o;
	struct opts p;
	int id;

	for (i = 0; i < n; i++) {
		o = ctlcmd_row(cmd, i);
		tab[i] = (struct opt){ o->name, (int)i, o->has_arg ? OPT_VALUE : 0, NULL };
	}
	tab[n] = (struct opt){ "json", (int)n, 0, NULL };
	opts_init(&p, tab, n + 1, argc, argv, 1);
	while ((id = opts_next(&p)) >= 0) {
		if ((size_t)id == n) {
			*json = true;
			continue;
		}
		o = ctlcmd_row(cmd, (size_t)id);
		if (!o->has_arg)
			json_object_set_new(args, o->key, json_true());
		else if (ctlcmd_value(cmd, args, o->key, p.value) < 0)
			break;
	}
	free(tab);
	if (id == OPTS_ERR)
		return ctlcmd_usage(cmd, p.err), -1;
	return id == OPTS_END ? p.ind : -1;
}

static bool
ctlcmd_has_filter(const json_t *args)
{
	static const char *const keys[] = { "all", "name", "user", "queue", "host", "group" };
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		if (json_object_get(args, keys[i]) != NULL)
			return true;
	return false;
}

json_t *
ctlcmd_request(const struct ctlcmd *cmd, int argc, char **argv, bool *json)
{
	json_t *args = json_object(), *ids = json_array(), *sel;
	bool json_flag = false;
	int i;

	if ((i = ctlcmd_options(cmd, args, argc, argv, &json_flag)) < 0)
		goto fail;
	if (cmd->poskey != NULL) {
		if (i >= argc) {
			ctlcmd_usage(cmd, "too few arguments");
			goto fail;
		}
		json_object_set_new(args, cmd->poskey, json_string(argv[i++]));
	}
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
	if (json_array_size(ids) == 0 && !ctlcmd_has_filter(args)) {
		ctlcmd_usage(cmd, "no job specified");
		goto fail;
	}
	json_object_set_new(args, "ids", ids);
	if (json != NULL)
		*json = json_flag;
	return args;
fail:
	json_decref(ids);
	json_decref(args);
	return NULL;
}

/* One result line; returns whether it succeeded. */
static bool
ctlcmd_line(const json_t *r)
{
	const char *job = json_string_value(json_object_get(r, "job"));
	const char *msg = json_string_value(json_object_get(r, "msg"));
	bool ok = json_is_true(json_object_get(r, "ok"));

	if (job == NULL)
		job = "?";
	if (msg != NULL && (strncmp(msg, "Job <", 5) == 0 || *job == '\0'))
		fprintf(ok ? stdout : stderr, "%s\n", msg);
	else if (ok)
		printf("Job <%s> %s\n", job, msg ? msg : "is done");
	else
		fprintf(stderr, "Job <%s>: %s\n", job, msg ? msg : "No matching job found");
	fflush(stdout);
	return ok;
}

void
ctlcmd_json(FILE *fp, const char *cmd, const json_t *results)
{
	json_t *out = json_object(), *recs = json_array(), *r;
	const char *job, *msg;
	size_t i;

	json_array_foreach(results, i, r) {
		job = json_string_value(json_object_get(r, "job"));
		msg = json_string_value(json_object_get(r, "msg"));
		json_array_append_new(recs, json_pack("{s:s, s:s, s:s}", "JOBID",
		    job ? job : "", "RESULT", json_is_true(json_object_get(r, "ok")) ?
		    "OK" : "ERROR", "MESSAGE", msg ? msg : ""));
	}
	json_object_set_new(out, "COMMAND", json_string(cmd));
	json_object_set_new(out, "JOBS", json_integer((json_int_t)json_array_size(recs)));
	json_object_set_new(out, "RECORDS", recs);
	json_dumpf(out, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(out);
}

/* Prints the results; CLI_EXIT_FAIL if any failed, else 0. */
int
ctlcmd_results(const char *cmd, const json_t *results, bool json)
{
	const json_t *r;
	size_t i;
	int rc = json_array_size(results) == 0 ? CLI_EXIT_FAIL : 0;

	json_array_foreach(results, i, r)
		if (!json_is_true(json_object_get(r, "ok")))
			rc = CLI_EXIT_FAIL;
	if (json) {
		ctlcmd_json(stdout, cmd, results);
		return rc;
	}
	if (json_array_size(results) == 0)
		fprintf(stderr, "No matching job found\n");
	json_array_foreach(results, i, r)
		ctlcmd_line(r);
	return rc;
}

int
ctlcmd_main(const struct ctlcmd *cmd, int argc, char **argv)
{
	json_t *args, *data;
	char err[1024];
	bool json = false;
	int rc;

	if ((args = ctlcmd_request(cmd, argc, argv, &json)) == NULL)
		return CLI_EXIT_FAIL;
	rc = client_call(cmd->op, args, &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable(cmd->name, err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	rc = ctlcmd_results(cmd->name, json_object_get(data, "results"), json);
	json_decref(data);
	return rc;
}
