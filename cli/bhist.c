/*
 * bhist.c - job history (LSF.md §4): the time each job spent in each
 * state, or with -l its events one by one, read through the master's
 * history op from memory and, for jobs past CLEAN_PERIOD, from the sqlite
 * history (PUMICE_HISTORY_DAYS). Default: the caller's unfinished jobs;
 * -a all, -d finished; ids select any user's jobs in any state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "histreq.h"
#include "query.h"
#include "util.h"

static int
bhist_usage(const char *why)
{
	if (why != NULL && *why != '\0')
		fprintf(stderr, "bhist: %s\n", why);
	fprintf(stderr, "Usage: bhist [-a | -d] [-l [-UF]] [-w] [-n num_logfiles] "
	    "[-json]\n             [-u user_name|all] [-J job_name] "
	    "[job_ID | \"job_ID[index]\" ...]\n");
	return CLI_EXIT_FAIL;
}

static json_t *
bhist_request(const struct histreq *h)
{
	json_t *args = json_object(), *ids;
	const char *n = h->val['n'];

	if (h->nids > 0) {
		if ((ids = jobsel_parse_args("bhist", h->nids, h->ids)) == NULL) {
			json_decref(args);
			return NULL;
		}
		json_object_set_new(args, "ids", ids);
	}
	json_object_set_new(args, "states", json_string(h->flag['a'] ? "all" :
	    h->flag['d'] ? "finished" : "unfinished"));
	if (h->val['u'] != NULL)
		json_object_set_new(args, "user", json_string(h->val['u']));
	/* LSF's event files hold MAX_JOB_NUM (1000) finished jobs each */
	if (n != NULL && atol(n) > 0)
		json_object_set_new(args, "limit", json_integer(atol(n) * 1000));
	return args;
}

static size_t
bhist_nrecords(const json_t *jobs)
{
	const json_t *job;
	size_t i, n = 0;

	json_array_foreach(jobs, i, job)
		n += json_array_size(json_object_get(job, "records"));
	return n;
}

static int
bhist_show(const struct histreq *h, json_t *jobs, int missing)
{
	long now = (long)time(NULL);
	size_t n;

	if (h->val['J'] != NULL)
		histreq_filter_name(jobs, h->val['J']);
	n = bhist_nrecords(jobs);
	if (h->json)
		histfmt_json(stdout, jobs, now);
	else if (n > 0 && h->flag['l'])
		histfmt_long(stdout, jobs, h->uf, now);
	else if (n > 0)
		histfmt_summary(stdout, jobs, now);
	if (n == 0 && missing == 0 && !h->json)
		fprintf(stderr, "No matching job found\n");
	return n == 0 || missing > 0 ? CLI_EXIT_FAIL : 0;
}

static const struct opt bhist_opts[] = {
	{ "a", 'a', 0, NULL }, { "d", 'd', 0, NULL }, { "l", 'l', 0, NULL },
	{ "w", 'w', 0, NULL }, { "n", 'n', OPT_VALUE, NULL },
	{ "u", 'u', OPT_VALUE, NULL }, { "J", 'J', OPT_VALUE, NULL },
	{ "json", HR_JSON, 0, NULL }, { "UF", HR_UF, 0, NULL },
	{ "h", HR_HELP, 0, NULL },
};

int
bhist_main(int argc, char **argv)
{
	struct histreq h;
	json_t *args, *data;
	char err[256];
	int missing, rc;

	if (histreq_parse(&h, bhist_opts, nitems(bhist_opts), argc, argv, err, sizeof(err)) < 0)
		return bhist_usage(err);
	if ((args = bhist_request(&h)) == NULL)
		return CLI_EXIT_FAIL;
	if ((missing = histreq_call("bhist", args, &data)) < 0)
		return CLI_EXIT_FAIL;
	rc = bhist_show(&h, json_object_get(data, "jobs"), missing);
	json_decref(data);
	return rc;
}
