/*
 * badmin.c - batch administration (LSF.md §4): reconfig, ckconfig,
 * mbdrestart, hclose/hopen/hremove/hrestart/hshutdown, qclose/qopen/qact/qinact and
 * showconf mbd, each a row of the table below. The host actions are shared
 * with lsadmin (limrestart, resrestart) and lsrmhost (admin_hosts_cmd). The master checks that the caller is an administrator
 * and records every change (admin.c, reconfig.c); messages follow LSF:
 * "Close <h> ...... done" on stderr for hosts, "Queue <q> is closed" on
 * stdout for queues. Exit 0 when everything asked was done, else 255.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "util.h"

static int badmin_reconfig(int, char **);
static int badmin_ckconfig(int, char **);
static int badmin_mbdrestart(int, char **);
static int badmin_ctrl(int, char **);
static int badmin_showconf(int, char **);

static const struct badmin_cmd {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} badmin_cmds[] = {
	{ "reconfig", badmin_reconfig, "reconfig [-v] [-f]" },
	{ "ckconfig", badmin_ckconfig, "ckconfig [-v]" },
	{ "mbdrestart", badmin_mbdrestart, "mbdrestart [-v] [-f]" },
	{ "hclose", badmin_ctrl, "hclose [-C comment] [host_name ... | all]" },
	{ "hopen", badmin_ctrl, "hopen [-C comment] [host_name ... | all]" },
	{ "hremove", badmin_ctrl, "hremove host_name ..." },
	{ "hrestart", badmin_ctrl, "hrestart [host_name ... | all]" },
	{ "hshutdown", badmin_ctrl, "hshutdown [host_name ... | all]" },
	{ "qclose", badmin_ctrl, "qclose [-C comment] [queue_name ... | all]" },
	{ "qopen", badmin_ctrl, "qopen [-C comment] [queue_name ... | all]" },
	{ "qact", badmin_ctrl, "qact [-C comment] [queue_name ... | all]" },
	{ "qinact", badmin_ctrl, "qinact [-C comment] [queue_name ... | all]" },
	{ "showconf", badmin_showconf, "showconf mbd [-json]" },
};

static int
badmin_usage(void)
{
	size_t i;

	fprintf(stderr, "Usage: badmin subcommand [options]\nSubcommands:\n");
	for (i = 0; i < nitems(badmin_cmds); i++)
		fprintf(stderr, "    badmin %s\n", badmin_cmds[i].usage);
	return CLI_EXIT_FAIL;
}

/*
 * Calls op; exits when the cluster is unreachable. An lsf.conf that does
 * not load comes back as non-OK with its "file:line: message" in err.
 */
static int
badmin_call(const char *op, json_t *args, json_t **data, char *err, size_t errlen)
{
	int rc = client_call(op, args, data, err, errlen);

	if (rc == CLIENT_UNREACHABLE && !client_config_error())
		client_die_unreachable("badmin", err);
	return rc;
}

/* The error lines, then LSF's verdict, on stderr. */
static void
badmin_print_errors(const char *text)
{
	fprintf(stderr, "%s\n\nThere are fatal errors.\n", text);
}

/* What reconfig applied only partly (restart-only keys, removed queues). */
static void
badmin_print_warnings(const json_t *warnings)
{
	const json_t *w;
	size_t i;

	json_array_foreach(warnings, i, w)
		fprintf(stderr, "Warning: %s\n", json_string_value(w));
}

/* Both take -v (verbose: Pumice always lists every error); reconfig -f. */
static const struct opt badmin_vf[] = {
	{ "v", 1, 0, NULL }, { "f", 2, 0, NULL },
};

static int
badmin_check_flags(int argc, char **argv, size_t nflags)
{
	struct opts p;
	int id;

	opts_init(&p, badmin_vf, nflags, argc, argv, 1);
	while ((id = opts_next(&p)) >= 0)
		;
	if (id == OPTS_END && p.ind < argc)
		snprintf(p.err, sizeof(p.err), "unexpected argument <%s>", argv[p.ind]);
	else if (id == OPTS_END)
		return 0;
	fprintf(stderr, "badmin %s: %s\n", argv[0], p.err);
	return -1;
}

static int
badmin_reconfig(int argc, char **argv)
{
	json_t *data;
	char err[8192];

	if (badmin_check_flags(argc, argv, 2) < 0)
		return CLI_EXIT_FAIL;
	fprintf(stderr, "\nChecking configuration files ...\n\n");
	if (badmin_call("reconfig", json_object(), &data, err, sizeof(err)) != CLIENT_OK) {
		if (strcmp(err, "User permission denied") == 0)
			fprintf(stderr, "badmin: %s\n", err);
		else
			badmin_print_errors(err);
		return CLI_EXIT_FAIL;
	}
	fprintf(stderr, "No errors found.\n");
	badmin_print_warnings(json_object_get(data, "warnings"));
	fflush(stderr);
	printf("\nReconfiguration initiated\n");
	json_decref(data);
	return 0;
}

/* As reconfig, then the master re-executes itself (reconfig.c). */
static int
badmin_mbdrestart(int argc, char **argv)
{
	char err[8192];

	if (badmin_check_flags(argc, argv, 2) < 0)
		return CLI_EXIT_FAIL;
	fprintf(stderr, "\nChecking configuration files ...\n\n");
	if (badmin_call("mbdrestart", json_object(), NULL, err, sizeof(err)) != CLIENT_OK) {
		if (strcmp(err, "User permission denied") == 0)
			fprintf(stderr, "badmin: %s\n", err);
		else
			badmin_print_errors(err);
		return CLI_EXIT_FAIL;
	}
	fprintf(stderr, "No errors found.\n");
	fflush(stderr);
	printf("\nMBD restart initiated\n");
	return 0;
}

static int
badmin_ckconfig(int argc, char **argv)
{
	json_t *data, *errors, *e;
	char err[1024];
	size_t i;
	int rc = 0;

	if (badmin_check_flags(argc, argv, 1) < 0)
		return CLI_EXIT_FAIL;
	fprintf(stderr, "\nChecking configuration files ...\n\n");
	if (badmin_call("ckconfig", json_object(), &data, err, sizeof(err)) != CLIENT_OK) {
		if (client_config_error())
			badmin_print_errors(err);
		else
			fprintf(stderr, "badmin: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	errors = json_object_get(data, "errors");
	json_array_foreach(errors, i, e)
		fprintf(stderr, "%s\n", json_string_value(e));
	json_array_foreach(json_object_get(data, "warnings"), i, e)
		fprintf(stderr, "Warning: %s\n", json_string_value(e));
	if (json_array_size(errors) > 0) {
		fprintf(stderr, "\nThere are fatal errors.\n");
		rc = CLI_EXIT_FAIL;
	} else
		fprintf(stderr, "No errors found.\n");
	json_decref(data);
	return rc;
}

/*
 * The words that act on hosts or queues: the master's action and, for
 * hosts, LSF's verb of the "Verb <host> ...... done" line on stderr.
 */
static const struct admin_word {
	const char *word, *action, *verb;
} admin_words[] = {
	{ "hclose", "hclose", "Close" },
	{ "hopen", "hopen", "Open" },
	{ "hremove", "hremove", "Remove" },
	{ "lsrmhost", "hremove", "Remove" },
	{ "hrestart", "hrestart", "Restart slave batch daemon on" },
	{ "limrestart", "hrestart", "Restart LIM on" },
	{ "resrestart", "hrestart", "Restart RES on" },
	{ "hshutdown", "hshutdown", "Shut down slave batch daemon on" },
	{ "limshutdown", "hshutdown", "Shut down LIM on" },
	{ "resshutdown", "hshutdown", "Shut down RES on" },
	{ "qclose", "qclose", "closed" },
	{ "qopen", "qopen", "opened" },
	{ "qact", "qact", "activated" },
	{ "qinact", "qinact", "inactivated" },
};

static const struct admin_word *
admin_word_find(const char *word)
{
	size_t i;

	for (i = 0; i < nitems(admin_words); i++)
		if (strcmp(admin_words[i].word, word) == 0)
			return &admin_words[i];
	return NULL;
}

/* One result line of a host or queue action. */
static bool
badmin_result(const struct admin_word *w, const json_t *r)
{
	const char *name = json_string_value(json_object_get(r, "name"));
	const char *msg = json_string_value(json_object_get(r, "msg"));
	bool ok = json_is_true(json_object_get(r, "ok"));

	if (w->action[0] == 'h') {
		fprintf(stderr, "%s <%s> ...... %s\n", w->verb, name ? name : "",
		    msg ? msg : "");
		return ok;
	}
	if (!ok) {
		fprintf(stderr, "%s: %s\n", name ? name : "", msg ? msg : "");
		return false;
	}
	printf("Queue <%s> is %s\n", name ? name : "", w->verb);
	return true;
}

static int
badmin_ctrl(int argc, char **argv)
{
	return admin_hosts_cmd("badmin", argc, argv);
}

/*
 * argv[0] is a word of admin_words, then [-C comment] and the names. cmd
 * names the command in messages. Exit 0 when every name was done.
 */
int
admin_hosts_cmd(const char *cmd, int argc, char **argv)
{
	const struct admin_word *w = admin_word_find(argv[0]);
	json_t *args = json_pack("{s:s, s:[]}", "action", w->action, "names"), *data, *r;
	char err[1024];
	bool all_ok = true;
	static const struct opt opts[] = { { "C", 'C', OPT_VALUE, NULL } };
	struct opts p;
	size_t k;
	int i;

	opts_init(&p, opts, nitems(opts), argc, argv, 1);
	while ((i = opts_next(&p)) >= 0)
		json_object_set_new(args, "comment", json_string(p.value));
	if (i == OPTS_ERR) {
		fprintf(stderr, "%s %s: %s\n", cmd, argv[0], p.err);
		json_decref(args);
		return CLI_EXIT_FAIL;
	}
	for (i = p.ind; i < argc; i++)
		json_array_append_new(json_object_get(args, "names"), json_string(argv[i]));
	if (badmin_call("admin", args, &data, err, sizeof(err)) != CLIENT_OK) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return CLI_EXIT_FAIL;
	}
	json_array_foreach(json_object_get(data, "results"), k, r)
		all_ok = badmin_result(w, r) && all_ok;
	json_decref(data);
	return all_ok ? 0 : CLI_EXIT_FAIL;
}

/* Header, then "    KEY = value" lines (badmin and lsadmin showconf). */
void
showconf_print(FILE *fp, const json_t *data)
{
	const json_t *kv;
	size_t i;

	fprintf(fp, "%s\n", json_string_value(json_object_get(data, "header")) ?
	    json_string_value(json_object_get(data, "header")) : "");
	json_array_foreach(json_object_get(data, "conf"), i, kv)
		fprintf(fp, "    %s = %s\n", json_string_value(json_object_get(kv, "key")),
		    json_string_value(json_object_get(kv, "value")) ?
		    json_string_value(json_object_get(kv, "value")) : "");
}

/* "showconf mbd|lim [-json]" for badmin (mbd) and lsadmin (lim). */
int
showconf_run(const char *cmd, const char *want, int argc, char **argv)
{
	json_t *data;
	char err[1024];
	bool json = argc == 3 && strcmp(argv[2], "-json") == 0;
	int rc;

	if ((argc != 2 && !json) || strcmp(argv[1], want) != 0) {
		fprintf(stderr, "Usage: %s showconf %s [-json]\n", cmd, want);
		return CLI_EXIT_FAIL;
	}
	rc = client_call("showconf", json_pack("{s:s}", "what", want), &data, err,
	    sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable(cmd, err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return CLI_EXIT_FAIL;
	}
	if (json)
		cli_print_json(stdout, cmd, data);
	else
		showconf_print(stdout, data);
	json_decref(data);
	return 0;
}

static int
badmin_showconf(int argc, char **argv)
{
	return showconf_run("badmin", "mbd", argc, argv);
}

int
badmin_main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return badmin_usage();
	for (i = 0; i < nitems(badmin_cmds); i++)
		if (strcmp(badmin_cmds[i].name, argv[1]) == 0)
			return badmin_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "badmin: %s: unknown subcommand\n", argv[1]);
	return badmin_usage();
}
