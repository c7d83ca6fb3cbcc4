/*
 * lsload.c - lsload [-l] [-w] [-json] [host ...] (LSF.md §4): the load
 * indices the agents report, one row per host, from the hosts op. Status
 * is the agent's (ok or unavail), not the batch one: a host closed by
 * badmin is still "ok" here, as in LSF. Host names are never cut; -w only
 * widens the name column. -l adds io. Sizes as LSF shows them: 24G, 2.0G.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "util.h"

void
lsload_size(long long kb, char *buf, size_t len)
{
	if (kb < 0)
		snprintf(buf, len, "-");
	else if (kb >= 1024LL * 1024 * 10)
		snprintf(buf, len, "%.0fG", kb / 1048576.0);
	else if (kb >= 1024LL * 1024)
		snprintf(buf, len, "%.1fG", kb / 1048576.0);
	else
		snprintf(buf, len, "%lldM", kb / 1024);
}

static long long
lsload_int(const json_t *h, const char *k)
{
	return (long long)json_integer_value(json_object_get(h, k));
}

static double
lsload_num(const json_t *h, const char *k)
{
	return json_number_value(json_object_get(h, k));
}

static void
lsload_row(FILE *fp, const json_t *h, int width, bool longf)
{
	const json_t *load = json_object_get(h, "load");
	const char *st = json_string_value(json_object_get(h, "status"));
	const char *name = json_string_value(json_object_get(h, "name"));
	bool up = st != NULL && strcmp(st, "unavail") != 0;
	char tmp[16], swp[16], mem[16], ut[16], io[16];

	if (!up) {
		fprintf(fp, "%-*s %8s\n", width, name ? name : "", "unavail");
		return;
	}
	lsload_size(lsload_int(h, "tmp"), tmp, sizeof(tmp));
	lsload_size(lsload_int(h, "swap_free"), swp, sizeof(swp));
	lsload_size(lsload_int(h, "mem_free"), mem, sizeof(mem));
	snprintf(ut, sizeof(ut), "%.0f%%", lsload_num(h, "ut") * 100);
	snprintf(io, sizeof(io), "%6.0f", lsload_num(h, "io"));
	fprintf(fp, "%-*s %8s %5.1f %5.1f %5.1f %4s %5.1f%s %3lld %5.0f %5s %5s %5s\n",
	    width, name ? name : "", "ok",
	    json_number_value(json_array_get(load, 0)),
	    json_number_value(json_array_get(load, 1)),
	    json_number_value(json_array_get(load, 2)), ut, lsload_num(h, "pg"),
	    longf ? io : "", lsload_int(h, "ls"), lsload_num(h, "it"), tmp, swp, mem);
}

static void
lsload_print(FILE *fp, const json_t *hosts, bool wide, bool longf)
{
	const json_t *h;
	size_t i, n;
	int width = wide ? 25 : 15;

	json_array_foreach(hosts, i, h) {
		n = strlen(json_string_value(json_object_get(h, "name")) ?: "");
		if ((int)n > width)
			width = (int)n;
	}
	fprintf(fp, "%-*s %8s %5s %5s %5s %4s %5s%s %3s %5s %5s %5s %5s\n", width,
	    "HOST_NAME", "status", "r15s", "r1m", "r15m", "ut", "pg",
	    longf ? "     io" : "", "ls", "it", "tmp", "swp", "mem");
	json_array_foreach(hosts, i, h)
		lsload_row(fp, h, width, longf);
}

/* Keeps the hosts named on the command line; complains of unknown ones. */
static json_t *
lsload_filter(const char *cmd, json_t *hosts, int argc, char **argv, int *bad)
{
	json_t *out = json_array(), *h;
	size_t i;
	int k;
	bool found;

	for (k = 0; k < argc; k++) {
		found = false;
		json_array_foreach(hosts, i, h) {
			const char *n = json_string_value(json_object_get(h, "name"));
			if (n != NULL && strcmp(n, argv[k]) == 0) {
				json_array_append(out, h);
				found = true;
			}
		}
		if (!found) {
			fprintf(stderr, "%s: %s: Unknown host\n", cmd, argv[k]);
			*bad = 1;
		}
	}
	return out;
}

/* The hosts op, the hosts named in argv[0..argc) or all; NULL on error. */
json_t *
lsload_hosts(const char *cmd, int argc, char **argv, int *bad)
{
	json_t *data, *hosts;
	char err[1024];
	int rc = client_call("hosts", json_object(), &data, err, sizeof(err));

	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable(cmd, err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return NULL;
	}
	hosts = json_incref(json_object_get(data, "hosts"));
	json_decref(data);
	if (argc > 0) {
		json_t *f = lsload_filter(cmd, hosts, argc, argv, bad);
		json_decref(hosts);
		hosts = f;
	}
	return hosts;
}

int
lsload_main(int argc, char **argv)
{
	static const struct opt opts[] = {
		{ "w", 1, 0, NULL }, { "l", 2, 0, NULL }, { "json", 4, 0, NULL },
	};
	bool wide, longf, json;
	json_t *hosts;
	unsigned set;
	int i, bad = 0, rc;

	if ((i = opts_flags("lsload", "[-l] [-w] [-json] [host_name ...]", opts,
	    nitems(opts), argc, argv, true, &set)) < 0)
		return CLI_EXIT_FAIL;
	wide = set & 1, longf = set & 2, json = set & 4;
	if ((hosts = lsload_hosts("lsload", argc - i, argv + i, &bad)) == NULL)
		return CLI_EXIT_FAIL;
	if (json) {
		json_t *out = json_pack("{s:O}", "hosts", hosts);
		cli_print_json(stdout, "lsload", out);
		json_decref(out);
	} else if (json_array_size(hosts) > 0)
		lsload_print(stdout, hosts, wide, longf);
	rc = bad || json_array_size(hosts) == 0 ? CLI_EXIT_FAIL : 0;
	json_decref(hosts);
	return rc;
}
