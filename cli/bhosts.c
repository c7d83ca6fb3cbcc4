/*
 * bhosts.c - batch hosts (LSF.md §4): one row per host from the hosts op.
 * Narrow output shows "closed" for every closed_* cause; -w shows the
 * cause. Host names are never cut (tools split rows on blanks). -l gives
 * one block per host with its load and the administrator's comment, or
 * for a closed_Fault host why its agent refuses starts and when the
 * master tries it again; -json the hosts op's data as it came.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "opts.h"
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

/* Memory in KB as LSF's load table shows it: "7.6G", "289M". */
static void
bhosts_mem(long long kb, char *buf, size_t len)
{
	if (kb >= 1024LL * 1024 * 10)
		snprintf(buf, len, "%.0fG", kb / 1048576.0);
	else if (kb >= 1024LL * 1024)
		snprintf(buf, len, "%.1fG", kb / 1048576.0);
	else
		snprintf(buf, len, "%lldM", kb / 1024);
}

/* closed_Fault (hostfault.c): the cause, and when starts are tried again. */
static void
bhosts_fault(FILE *fp, const json_t *h)
{
	const char *cause = json_string_value(json_object_get(h, "fault_cause"));
	time_t t = (time_t)json_integer_value(json_object_get(h, "fault_retry"));
	struct tm tm;
	char at[32] = "?";

	if (cause == NULL)
		return;
	if (t > 0 && localtime_r(&t, &tm) != NULL)
		strftime(at, sizeof(at), "%b %e %H:%M:%S", &tm);
	fprintf(fp, "\n FAULT: %s; tried again at %s (back-off %lld s, %lld starts "
	    "refused)\n", cause, at,
	    (long long)json_integer_value(json_object_get(h, "fault_backoff")),
	    (long long)json_integer_value(json_object_get(h, "fault_refused")));
}

static void
bhosts_long_one(FILE *fp, const json_t *h)
{
	const json_t *load = json_object_get(h, "load");
	const char *comment = json_string_value(json_object_get(h, "comment"));
	const char *st = json_string_value(json_object_get(h, "status"));
	char c[6][24], mem[32], swp[32];
	static const char *const keys[] = { "jl_u", "max", "njobs", "run", "ssusp",
	    "ususp" };
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		bhosts_num(h, keys[i], c[i], sizeof(c[i]));
	bhosts_mem(json_integer_value(json_object_get(h, "mem_free")), mem, sizeof(mem));
	bhosts_mem(json_integer_value(json_object_get(h, "swap_free")), swp, sizeof(swp));
	fprintf(fp, "HOST  %s\n", json_string_value(json_object_get(h, "name")));
	fprintf(fp, "STATUS           CPUF  JL/U    MAX  NJOBS    RUN  SSUSP  USUSP    RSV "
	    "DISPATCH_WINDOW\n");
	fprintf(fp, "%-15s %5.2f %5s %6s %6s %6s %6s %6s %6lld      -\n\n",
	    st ? st : "unavail", 1.0, c[0], c[1], c[2], c[3], c[4], c[5],
	    (long long)json_integer_value(json_object_get(h, "rsv")));
	fprintf(fp, " CURRENT LOAD USED FOR SCHEDULING:\n");
	fprintf(fp, "                r15s   r1m  r15m    ut   swp   mem  slots\n");
	fprintf(fp, " Total        %6.1f%6.1f%6.1f%5.0f%%%6s%6s%7lld\n",
	    json_number_value(json_array_get(load, 0)),
	    json_number_value(json_array_get(load, 1)),
	    json_number_value(json_array_get(load, 2)),
	    json_number_value(json_object_get(h, "ut")) * 100, swp, mem,
	    (long long)(json_integer_value(json_object_get(h, "max")) -
	    json_integer_value(json_object_get(h, "njobs"))));
	hostcons_print_long(fp, h);
	if (comment != NULL && *comment != '\0')
		fprintf(fp, "\n ADMIN ACTION COMMENT: \"%s\"\n", comment);
	bhosts_fault(fp, h);
	fputc('\n', fp);
}

void
bhosts_print_long(FILE *fp, const json_t *hosts)
{
	const json_t *h;
	size_t i;

	json_array_foreach(hosts, i, h)
		bhosts_long_one(fp, h);
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
	static const struct opt opts[] = {
		{ "w", 1, 0, NULL }, { "l", 2, 0, NULL }, { "json", 4, 0, NULL },
		{ "gpu", 8, 0, NULL },
	};
	bool wide, longf, json, gpu;
	char err[1024];
	unsigned set;
	int i, rc, bad = 0;

	if ((i = opts_flags("bhosts", "[-w | -l | -gpu] [-json] [host_name ...]", opts,
	    nitems(opts), argc, argv, true, &set)) < 0)
		return CLI_EXIT_FAIL;
	wide = set & 1, longf = set & 2, json = set & 4, gpu = set & 8;
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
	if (json) {
		json_t *out = json_pack("{s:O}", "hosts", hosts);
		cli_print_json(stdout, "bhosts", out);
		json_decref(out);
	} else if (json_array_size(hosts) > 0 && gpu)
		hostcons_print_gpus(stdout, hosts, false);
	else if (json_array_size(hosts) > 0 && longf)
		bhosts_print_long(stdout, hosts);
	else if (json_array_size(hosts) > 0)
		bhosts_print(stdout, hosts, wide);
	else if (!bad)
		fprintf(stderr, "No matching host found\n");
	rc = (bad || json_array_size(hosts) == 0) ? CLI_EXIT_FAIL : 0;
	json_decref(hosts);
	json_decref(data);
	return rc;
}
