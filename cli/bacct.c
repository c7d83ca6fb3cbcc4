/*
 * bacct.c - accounting for finished jobs (LSF.md §4): a SUMMARY of CPU,
 * wait and turnaround times, and with -l a block per job ending in
 * "Completed <done>." or "Completed <exit>; TERM_...: reason." and its
 * accounting line (CPU_T WAIT TURNAROUND STATUS HOG_FACTOR MEM SWAP).
 * Jobs come from the master's memory and, past CLEAN_PERIOD, its sqlite
 * history (PUMICE_HISTORY_DAYS), and, for job ids asked for that are
 * older still, lsb.acct (acctfile.c). Default: the caller's finished jobs.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acctfile.h"
#include "cli.h"
#include "histreq.h"
#include "query.h"
#include "util.h"

static int
bacct_usage(const char *why)
{
	if (why != NULL && *why != '\0')
		fprintf(stderr, "bacct: %s\n", why);
	fprintf(stderr, "Usage: bacct [-l [-UF]] [-json] [-u user_name|all] "
	    "[job_ID | \"job_ID[index]\" ...]\n");
	return CLI_EXIT_FAIL;
}

static json_t *
bacct_request(const struct histreq *h)
{
	json_t *args = json_object(), *ids;

	if (h->nids > 0) {
		if ((ids = jobsel_parse_args("bacct", h->nids, h->ids)) == NULL) {
			json_decref(args);
			return NULL;
		}
		json_object_set_new(args, "ids", ids);
	}
	json_object_set_new(args, "states", json_string("finished"));
	if (h->val['u'] != NULL)
		json_object_set_new(args, "user", json_string(h->val['u']));
	return args;
}

/* "alice" / "all": who the header says the jobs were submitted by. */
static char *
bacct_users(const struct histreq *h)
{
	const char *u = h->val['u'];
	struct passwd *pw;

	if (h->nids > 0 || (u != NULL && strcmp(u, "all") == 0))
		return xstrdup("all");
	if (u != NULL)
		return xstrdup(u);
	pw = getpwuid(getuid());
	return xstrdup(pw ? pw->pw_name : "all");
}

/* The history op; jobs it no longer has come from lsb.acct (acctfile.c).
 * Returns how many asked for are still missing (each said on stderr). */
static int
bacct_call(json_t *args, json_t **data)
{
	json_t *ids = json_incref(json_object_get(args, "ids")), *m;
	char err[1024];
	size_t i;
	int rc = client_call("history", args, data, err, sizeof(err));

	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bacct", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		json_decref(ids);
		return -1;
	}
	acctfile_fill(ids, *data);
	json_decref(ids);
	json_array_foreach(json_object_get(*data, "missing"), i, m)
		fprintf(stderr, "%s\n", json_string_value(m) ? json_string_value(m) : "");
	return (int)json_array_size(json_object_get(*data, "missing"));
}

static const struct opt bacct_opts[] = {
	{ "l", 'l', 0, NULL }, { "u", 'u', OPT_VALUE, NULL },
	{ "json", HR_JSON, 0, NULL }, { "UF", HR_UF, 0, NULL },
	{ "h", HR_HELP, 0, NULL },
};

int
bacct_main(int argc, char **argv)
{
	struct histreq h;
	json_t *args, *data, *jobs;
	char err[256], *users;
	int missing;
	size_t n;

	if (histreq_parse(&h, bacct_opts, nitems(bacct_opts), argc, argv, err, sizeof(err)) < 0)
		return bacct_usage(err);
	if ((args = bacct_request(&h)) == NULL)
		return CLI_EXIT_FAIL;
	if ((missing = bacct_call(args, &data)) < 0)
		return CLI_EXIT_FAIL;
	jobs = json_object_get(data, "jobs");
	n = histfmt_nfinished(jobs);
	users = bacct_users(&h);
	if (h.json)
		histfmt_acct_json(stdout, jobs);
	else if (n > 0)
		histfmt_acct(stdout, jobs, h.flag['l'], h.uf, users);
	else if (missing == 0)
		fprintf(stderr, "No matching job found\n");
	free(users);
	json_decref(data);
	return n == 0 || missing > 0 ? CLI_EXIT_FAIL : 0;
}
