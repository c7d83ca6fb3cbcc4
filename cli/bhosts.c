/*
 * bhosts.c - batch hosts (LSF.md §4): one row per host from the hosts op.
 * Narrow output shows "closed" for every closed_* cause; -w shows the
 * cause. Host names are never cut (tools split rows on blanks).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

/* An integer cell: "-" for absent or negative (unlimited). */
static void
bhosts_num(const json_t *o, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
}

static void
bhosts_row(FILE *fp, const json_t *h, bool wide)
{
	const char *name = json_string_value(json_object_get(h, "name"));
	const char *st = json_string_value(json_object_get(h, "status"));
	char status[64], c[7][24];
	static const char *const keys[] = { "jl_u", "max", "njobs", "run",
	    "ssusp", "ususp", "rsv" };
	size_t i;

	snprintf(status, sizeof(status), "%s", st ? st : "unavail");
	if (!wide && strncmp(status, "closed_", 7) == 0)
		status[6] = '\0';
	for (i = 0; i < nitems(keys); i++)
		bhosts_num(h, keys[i], c[i], sizeof(c[i]));
	fprintf(fp, "%-18s %-11s %5s %6s %6s %6s %6s %6s %6s\n", name ? name : "",
	    status, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
}

void
bhosts_print(FILE *fp, const json_t *hosts, bool wide)
{
	const json_t *h;
	size_t i;

	fputs("HOST_NAME          STATUS       JL/U    MAX  NJOBS    RUN  SSUSP  "
	    "USUSP    RSV\n", fp);
	json_array_foreach(hosts, i, h)
		bhosts_row(fp, h, wide);
}

/* Keeps the hosts named on the command line; prints unknown ones. */
static json_t *
bhosts_filter(json_t *hosts, int argc, char **argv, int *bad)
{
	json_t *out = json_array(), *h;
	size_t i;
	int k;

	for (k = 0; k < argc; k++) {
		bool found = false;

		json_array_foreach(hosts, i, h) {
			const char *n = json_string_value(json_object_get(h, "name"));
			if (n != NULL && strcmp(n, argv[k]) == 0) {
				json_array_append(out, h);
				found = true;
			}
		}
		if (!found) {
			fprintf(stderr, "%s: Bad host name, host group name or cluster name\n",
			    argv[k]);
			*bad = 1;
		}
	}
	return out;
}

int
bhosts_main(int argc, char **argv)
{
	json_t *data, *hosts;
	bool wide = false;
	char err[1024];
	int i, rc, bad = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-w") != 0) {
			fprintf(stderr, "bhosts: illegal option -- %s\n"
			    "Usage: bhosts [-w] [host_name ...]\n", argv[i] + 1);
			return CLI_EXIT_FAIL;
		}
		wide = true;
	}
	rc = client_call("hosts", json_object(), &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bhosts", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	hosts = json_incref(json_object_get(data, "hosts"));
	if (i < argc) {
		json_t *f = bhosts_filter(hosts, argc - i, argv + i, &bad);
		json_decref(hosts);
		hosts = f;
	}
	if (json_array_size(hosts) > 0)
		bhosts_print(stdout, hosts, wide);
	else if (!bad)
		fprintf(stderr, "No matching host found\n");
	rc = (bad || json_array_size(hosts) == 0) ? CLI_EXIT_FAIL : 0;
	json_decref(hosts);
	json_decref(data);
	return rc;
}
