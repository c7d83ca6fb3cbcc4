/*
 * bqueues.c - queues (LSF.md §4): one row per queue from the queues op,
 * columns as OpenLava prints them; "-" for unlimited. Queue names are
 * never cut. -l gives one block per queue (description, statistics,
 * USERS, HOSTS and the other lsb.queues keys); -json the queues op's data.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "util.h"

static void
bqueues_num(const json_t *o, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
}

static void
bqueues_row(FILE *fp, const json_t *q)
{
	static const char *const keys[] = { "max", "jl_u", "jl_p", "jl_h",
	    "njobs", "pend", "run", "susp" };
	const char *name = json_string_value(json_object_get(q, "name"));
	const char *st = json_string_value(json_object_get(q, "status"));
	char c[8][24];
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		bqueues_num(q, keys[i], c[i], sizeof(c[i]));
	fprintf(fp, "%-15s %2lld  %-11s%8s%5s%5s%5s%6s%6s%6s%6s\n",
	    name ? name : "", (long long)json_integer_value(json_object_get(q, "priority")),
	    st ? st : "-", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
}

void
bqueues_print(FILE *fp, const json_t *queues, bool wide)
{
	const json_t *q;
	size_t i;

	fputs("QUEUE_NAME     PRIO      STATUS      MAX  JL/U JL/P JL/H NJOBS  "
	    "PEND  RUN  SUSP\n", fp);
	json_array_foreach(queues, i, q)
		bqueues_row(fp, q);
}

/* "all" for an empty list, else the names joined by blanks. */
static void
bqueues_list(FILE *fp, const char *label, const json_t *list)
{
	const json_t *v;
	size_t i;

	fprintf(fp, "%s", label);
	if (json_array_size(list) == 0)
		fprintf(fp, " all");
	json_array_foreach(list, i, v)
		fprintf(fp, " %s", json_string_value(v));
	fputc('\n', fp);
}

/* LSF's SHARE_INFO_FOR block of a FAIRSHARE queue: RUN_TIME is the
 * decayed slot-seconds the scheduler counts; CPU time is not counted. */
static void
bqueues_shares(FILE *fp, const json_t *q)
{
	const json_t *list = json_object_get(q, "share_info"), *a;
	size_t i;

	if (!json_is_array(list))
		return;
	fprintf(fp, "SCHEDULING POLICIES:  FAIRSHARE\n\n");
	fprintf(fp, "SHARE_INFO_FOR: %s/\n", json_string_value(json_object_get(q, "name")));
	fprintf(fp, " USER/GROUP   SHARES  PRIORITY  STARTED  RESERVED  CPU_TIME  RUN_TIME\n");
	json_array_foreach(list, i, a)
		fprintf(fp, " %-12s %6lld  %8.3f  %7lld  %8lld  %8.1f  %8lld\n",
		    json_string_value(json_object_get(a, "user")),
		    (long long)json_integer_value(json_object_get(a, "shares")),
		    json_number_value(json_object_get(a, "priority")),
		    (long long)json_integer_value(json_object_get(a, "started")),
		    (long long)json_integer_value(json_object_get(a, "reserved")),
		    json_number_value(json_object_get(a, "cpu_time")),
		    (long long)json_integer_value(json_object_get(a, "run_time")));
	fputc('\n', fp);
}

static void
bqueues_long_one(FILE *fp, const json_t *q)
{
	static const char *const keys[] = { "max", "jl_u", "jl_p", "jl_h",
	    "njobs", "pend", "run", "susp" };
	const char *desc = json_string_value(json_object_get(q, "description"));
	const char *st = json_string_value(json_object_get(q, "status"));
	const char *k;
	const json_t *v;
	char c[8][24];
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		bqueues_num(q, keys[i], c[i], sizeof(c[i]));
	fprintf(fp, "QUEUE: %s\n", json_string_value(json_object_get(q, "name")));
	fprintf(fp, "  -- %s\n\n", desc && *desc ? desc : "No description provided.");
	fprintf(fp, "PARAMETERS/STATISTICS\n");
	fprintf(fp, "PRIO NICE STATUS            MAX JL/U JL/P JL/H NJOBS  PEND   RUN  SUSP\n");
	fprintf(fp, "%4lld %4s  %-16s%5s%5s%5s%5s%6s%6s%6s%6s\n\n",
	    (long long)json_integer_value(json_object_get(q, "priority")),
	    json_string_value(json_object_get(json_object_get(q, "params"), "NICE")) ?
	    json_string_value(json_object_get(json_object_get(q, "params"), "NICE")) : "0",
	    st ? st : "-", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
	json_object_foreach((json_t *)json_object_get(q, "params"), k, v)
		if (strcmp(k, "NICE") != 0)
			fprintf(fp, "%s: %s\n", k, json_string_value(v));
	bqueues_list(fp, "USERS:", json_object_get(q, "users"));
	bqueues_list(fp, "HOSTS:", json_object_get(q, "hosts"));
	fputc('\n', fp);
	bqueues_shares(fp, q);
}

void
bqueues_print_long(FILE *fp, const json_t *queues)
{
	const json_t *q;
	size_t i;

	json_array_foreach(queues, i, q)
		bqueues_long_one(fp, q);
}

/* Prints the queues named in argv (all when argc is 0); 0 or 255. */
static int
bqueues_show(const json_t *queues, int argc, char **argv, char mode)
{
	json_t *sel = json_array(), *q;
	int k, rc = 0;
	size_t i;

	for (k = 0; k < argc; k++) {
		bool found = false;

		json_array_foreach(queues, i, q)
			if (json_string_value(json_object_get(q, "name")) != NULL &&
			    strcmp(json_string_value(json_object_get(q, "name")), argv[k]) == 0) {
				json_array_append(sel, q);
				found = true;
			}
		if (!found) {
			fprintf(stderr, "%s: No such queue\n", argv[k]);
			rc = CLI_EXIT_FAIL;
		}
	}
	if (argc == 0)
		json_array_extend(sel, (json_t *)queues);
	if (mode == 'j') {
		json_t *out = json_pack("{s:O}", "queues", sel);
		cli_print_json(stdout, "bqueues", out);
		json_decref(out);
	} else if (json_array_size(sel) > 0 && mode == 'l')
		bqueues_print_long(stdout, sel);
	else if (json_array_size(sel) > 0)
		bqueues_print(stdout, sel, mode == 'w');
	else if (argc == 0) {
		fprintf(stderr, "No queue found\n");
		rc = CLI_EXIT_FAIL;
	}
	json_decref(sel);
	return rc;
}

int
bqueues_main(int argc, char **argv)
{
	json_t *data;
	static const struct opt opts[] = {
		{ "w", 1, 0, NULL }, { "l", 2, 0, NULL }, { "json", 4, 0, NULL },
	};
	char err[1024], mode;	/* narrow, w, l, j(son) */
	unsigned set;
	int i, rc;

	if ((i = opts_flags("bqueues", "[-w | -l] [-json] [queue_name ...]", opts,
	    nitems(opts), argc, argv, true, &set)) < 0)
		return CLI_EXIT_FAIL;
	mode = set & 4 ? 'j' : set & 2 ? 'l' : set & 1 ? 'w' : 'n';
	rc = client_call("queues", json_object(), &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bqueues", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	rc = bqueues_show(json_object_get(data, "queues"), argc - i, argv + i, mode);
	json_decref(data);
	return rc;
}
