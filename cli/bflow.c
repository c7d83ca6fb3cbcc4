/*
 * bflow.c - workflows of ordinary jobs (bflow(1)): one subcommand per row
 * of a table. "submit" sends a description (a JSON file, bflowspec.c) or
 * the compact form (chain/group/chord on the command line, each step a
 * quoted bsub line) as one flow_submit request, which the master accepts
 * whole or refuses whole; "status" prints the tree (bflowtree.c) or
 * -json; "kill" kills every unfinished step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bflow.h"
#include "cli.h"
#include "opts.h"
#include "util.h"

struct bflow_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static int bflow_submit(int argc, char **argv);
static int bflow_compact(int argc, char **argv);
static int bflow_status(int argc, char **argv);
static int bflow_kill(int argc, char **argv);

static const struct bflow_cmd bflow_cmds[] = {
	{ "submit", bflow_submit, "bflow submit [-c] [-name name] file | -" },
	{ "chain", bflow_compact, "bflow chain [-c] [-name name] [-retry n] "
	    "'bsub line' ..." },
	{ "group", bflow_compact, "bflow group [-c] [-name name] [-retry n] "
	    "'bsub line' ..." },
	{ "chord", bflow_compact, "bflow chord [-c] [-name name] [-retry n] "
	    "'bsub line' ... -then 'bsub line'" },
	{ "status", bflow_status, "bflow status [-json] [-a] [flow_id]" },
	{ "kill", bflow_kill, "bflow kill flow_id" },
};

static int
bflow_usage(const char *why)
{
	size_t i;

	if (why != NULL)
		fprintf(stderr, "bflow: %s\n", why);
	for (i = 0; i < nitems(bflow_cmds); i++)
		fprintf(stderr, "%s %s\n", i ? "      " : "Usage:", bflow_cmds[i].usage);
	return CLI_EXIT_FAIL;
}

/* Sends the request; prints the workflow id and each step's job. */
static int
bflow_send(json_t *req)
{
	json_t *data, *s;
	char err[1024];
	size_t i;
	int rc = client_call("flow_submit", req, &data, err, sizeof(err));

	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bflow", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "bflow: %s.\n", err);
		return CLI_EXIT_FAIL;
	}
	printf("Workflow <%lld> is submitted.\n",
	    (long long)json_integer_value(json_object_get(data, "fid")));
	json_array_foreach(json_object_get(data, "jobs"), i, s)
		printf("  step %s: Job <%lld>\n",
		    json_string_value(json_object_get(s, "name")),
		    (long long)json_integer_value(json_object_get(s, "id")));
	json_decref(data);
	return 0;
}

enum { FO_CONT, FO_NAME, FO_RETRY, FO_JSON, FO_ALL };

static const struct opt bflow_submit_opts[] = {
	{ "c", FO_CONT, 0, NULL }, { "name", FO_NAME, OPT_VALUE, NULL },
};

static int
bflow_submit(int argc, char **argv)
{
	const char *name = NULL;
	struct opts o;
	char err[1024];
	bool cont = false;
	json_t *req;
	int id;

	opts_init(&o, bflow_submit_opts, nitems(bflow_submit_opts), argc, argv, 1);
	while ((id = opts_next(&o)) != OPTS_END) {
		if (id == OPTS_ERR)
			return bflow_usage(o.err);
		if (id == FO_CONT)
			cont = true;
		else
			name = o.value;
	}
	if (o.ind != argc - 1)
		return bflow_usage("one description file (or -) is expected");
	if ((req = bflowspec_load(argv[o.ind], cont, name, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bflow: %s. Workflow not submitted.\n", err);
		return CLI_EXIT_FAIL;
	}
	return bflow_send(req);
}

static const struct opt bflow_compact_opts[] = {
	{ "c", FO_CONT, 0, NULL }, { "name", FO_NAME, OPT_VALUE, NULL },
	{ "retry", FO_RETRY, OPT_VALUE, NULL },
};

/* How many leading words are bflow's options (with their values). */
static int
bflow_compact_optc(int argc, char **argv)
{
	const struct opt *row;
	int k = 1;

	while (k < argc && argv[k][0] == '-' && (row = opts_find(bflow_compact_opts,
	    nitems(bflow_compact_opts), argv[k] + 1)) != NULL)
		k += row->flags & OPT_VALUE ? 2 : 1;
	return k < argc ? k : argc;
}

/* A compact step: a word that starts with '-' is a bsub line (options,
 * then the command, split as bsub -pack splits a line); any other is a
 * command line, run as written. */
static json_t *
bflow_compact_step(const char *word)
{
	return json_pack("{s:s}", word[0] == '-' ? "bsub" : "cmd", word);
}

/* The compact form's steps; after -then, the chord's last step. */
static json_t *
bflow_compact_desc(const char *kind, int argc, char **argv, long retry)
{
	json_t *members = json_array(), *desc, *step, *then = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-then") == 0 && i + 1 < argc && then == NULL &&
		    strcmp(kind, "chord") == 0) {
			then = bflow_compact_step(argv[++i]);
			continue;
		}
		step = bflow_compact_step(argv[i]);
		if (retry > 0)
			json_object_set_new(step, "retry", json_integer(retry));
		json_array_append_new(members, step);
	}
	desc = json_pack("{s:o}", kind, members);
	if (then != NULL)
		json_object_set_new(desc, "then", then);
	return desc;
}

static int
bflow_compact(int argc, char **argv)
{
	const char *name = NULL, *kind = argv[0];
	long retry = 0;
	struct opts o;
	char err[1024], *end;
	bool cont = false;
	json_t *desc, *req;
	int id;

	/* the steps are bsub lines, which may start with '-': the options
	 * are the leading words this table names, and "--" ends them */
	opts_init(&o, bflow_compact_opts, nitems(bflow_compact_opts),
	    bflow_compact_optc(argc, argv), argv, 1);
	while ((id = opts_next(&o)) != OPTS_END) {
		if (id == OPTS_ERR)
			return bflow_usage(o.err);
		if (id == FO_CONT)
			cont = true;
		else if (id == FO_NAME)
			name = o.value;
		else if ((retry = strtol(o.value, &end, 10)) < 0 || *end != '\0')
			return bflow_usage("-retry: a count is expected");
	}
	if (o.ind < argc && strcmp(argv[o.ind], "--") == 0)
		o.ind++;
	if (o.ind >= argc)
		return bflow_usage("no step given");
	desc = bflow_compact_desc(kind, argc - o.ind, argv + o.ind, retry);
	req = bflowspec_request(desc, cont, name, err, sizeof(err));
	json_decref(desc);
	if (req == NULL) {
		fprintf(stderr, "bflow: %s. Workflow not submitted.\n", err);
		return CLI_EXIT_FAIL;
	}
	return bflow_send(req);
}

static const struct opt bflow_status_opts[] = {
	{ "json", FO_JSON, 0, NULL }, { "a", FO_ALL, 0, NULL },
};

/* A workflow id operand; -1 after a message. */
static long
bflow_id(const char *s)
{
	char *end;
	long id = strtol(s, &end, 10);

	if (id <= 0 || *end != '\0') {
		fprintf(stderr, "%s: Illegal workflow ID.\n", s);
		return -1;
	}
	return id;
}

static int
bflow_status(int argc, char **argv)
{
	bool json = false, all = false;
	json_t *args = json_object(), *data;
	struct opts o;
	char err[1024];
	long fid;
	int id, rc;

	opts_init(&o, bflow_status_opts, nitems(bflow_status_opts), argc, argv, 1);
	while ((id = opts_next(&o)) != OPTS_END) {
		if (id == OPTS_ERR) {
			json_decref(args);
			return bflow_usage(o.err);
		}
		*(id == FO_JSON ? &json : &all) = true;
	}
	if (o.ind < argc - 1 || (o.ind == argc - 1 && (fid = bflow_id(argv[o.ind])) < 0)) {
		json_decref(args);
		return o.ind < argc - 1 ? bflow_usage("one workflow ID at most") :
		    CLI_EXIT_FAIL;
	}
	if (o.ind == argc - 1)
		json_object_set_new(args, "id", json_integer(fid));
	if (all)
		json_object_set_new(args, "all", json_true());
	rc = client_call("flow_status", args, &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bflow", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	if (json)
		cli_print_json(stdout, "bflow", data);
	else if (json_object_get(data, "flow") != NULL)
		bflowtree_print(stdout, json_object_get(data, "flow"));
	else if (json_array_size(json_object_get(data, "flows")) == 0)
		fprintf(stderr, "No workflow found\n");
	else
		bflowtree_list(stdout, json_object_get(data, "flows"));
	json_decref(data);
	return 0;
}

static int
bflow_kill(int argc, char **argv)
{
	json_t *data;
	char err[1024];
	long fid;
	int rc;

	if (argc != 2)
		return bflow_usage("one workflow ID is expected");
	if ((fid = bflow_id(argv[1])) < 0)
		return CLI_EXIT_FAIL;
	rc = client_call("flow_kill", json_pack("{s:I}", "id", (json_int_t)fid), &data,
	    err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bflow", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	rc = ctlcmd_results("bflow", json_object_get(data, "results"), false);
	json_decref(data);
	return rc;
}

int
bflow_main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return bflow_usage(NULL);
	for (i = 0; i < nitems(bflow_cmds); i++)
		if (strcmp(argv[1], bflow_cmds[i].name) == 0)
			return bflow_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "bflow: %s: no such subcommand\n", argv[1]);
	return bflow_usage(NULL);
}
