/*
 * btop.c - btop and bbot (LSF.md §4): "btop job_ID [position]" moves a
 * pending job to that place from the top among the pending jobs of its
 * queue (bbot: from the bottom; default 1), which is the order in which
 * the scheduler considers them. Users move among their own jobs,
 * administrators among all. stderr "Job <123> has been moved to position
 * N from top." as LSF prints it; exit 255 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "util.h"

static int
btop_usage(const char *cmd)
{
	fprintf(stderr, "Usage: %s [-json] job_ID [position]\n", cmd);
	return CLI_EXIT_FAIL;
}

static json_t *
btop_request(const char *cmd, int argc, char **argv, bool bottom, bool *json)
{
	json_t *sel;
	char *end;
	static const struct opt opts[] = { { "json", 'j', 0, NULL } };
	struct opts p;
	long pos = 1;
	int i;

	*json = false;
	opts_init(&p, opts, nitems(opts), argc, argv, 1);
	while ((i = opts_next(&p)) >= 0)
		*json = true;
	if (i == OPTS_ERR) {
		fprintf(stderr, "%s: %s\n", cmd, p.err);
		return btop_usage(cmd), NULL;
	}
	i = p.ind;
	if (argc - i < 1 || argc - i > 2)
		return btop_usage(cmd), NULL;
	if ((sel = jobsel_parse(argv[i])) == NULL) {
		fprintf(stderr, "%s: Illegal job ID.\n", argv[i]);
		return NULL;
	}
	if (json_object_get(sel, "idx") != NULL) {
		fprintf(stderr, "Job <%s>: array elements move with their array\n", argv[i]);
		json_decref(sel);
		return NULL;
	}
	if (argc - i == 2 && ((pos = strtol(argv[i + 1], &end, 10)) < 1 || *end != '\0')) {
		fprintf(stderr, "%s: Bad position\n", argv[i + 1]);
		json_decref(sel);
		return NULL;
	}
	json_object_set_new(sel, "pos", json_integer(pos));
	json_object_set_new(sel, "bottom", json_boolean(bottom));
	return sel;
}

static int
btop_run(const char *cmd, int argc, char **argv, bool bottom)
{
	json_t *req, *data, *res;
	char err[1024], *msg, *job;
	bool json, ok;
	long id;
	int rc;

	if ((req = btop_request(cmd, argc, argv, bottom, &json)) == NULL)
		return CLI_EXIT_FAIL;
	id = (long)json_integer_value(json_object_get(req, "id"));
	rc = client_call("move", req, &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable(cmd, err);
	ok = rc == CLIENT_OK;
	msg = ok ? xasprintf("Job <%ld> has been moved to position %lld from %s.", id,
	    (long long)json_integer_value(json_object_get(data, "pos")),
	    bottom ? "bottom" : "top") : xstrdup(err);
	if (json) {
		job = xasprintf("%ld", id);
		res = json_pack("[{s:s, s:b, s:s}]", "job", job, "ok", ok, "msg", msg);
		ctlcmd_json(stdout, cmd, res);
		json_decref(res);
		free(job);
	} else
		fprintf(stderr, "%s\n", msg);
	free(msg);
	if (ok)
		json_decref(data);
	return ok ? 0 : CLI_EXIT_FAIL;
}

int
btop_main(int argc, char **argv)
{
	return btop_run("btop", argc, argv, false);
}

int
bbot_main(int argc, char **argv)
{
	return btop_run("bbot", argc, argv, true);
}
