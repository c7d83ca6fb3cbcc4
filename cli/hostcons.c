/*
 * hostcons.c - a host's consumable resources as the hosts op reports
 * them ("consumables": [{name, total, used, shared, gpus}]): the block of
 * bhosts -l (LSF's layout: "Total" what is free, "Reserved" what running
 * jobs hold), the GPU tables of bhosts -gpu and lshosts -gpu, and the
 * name=total words lshosts adds to RESOURCES.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static long long
hostcons_num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

void
hostcons_print_long(FILE *fp, const json_t *h)
{
	const json_t *cons = json_object_get(h, "consumables"), *c;
	size_t i;

	if (json_array_size(cons) == 0)
		return;
	fprintf(fp, "\n CONSUMABLE RESOURCES:\n%-11s", "");
	json_array_foreach(cons, i, c)
		fprintf(fp, " %14s", json_string_value(json_object_get(c, "name")));
	fprintf(fp, "\n %-10s", "Total");
	json_array_foreach(cons, i, c)
		fprintf(fp, " %14lld", hostcons_num(c, "total") - hostcons_num(c, "used"));
	fprintf(fp, "\n %-10s", "Reserved");
	json_array_foreach(cons, i, c)
		fprintf(fp, " %14lld", hostcons_num(c, "used"));
	fputc('\n', fp);
}

static const json_t *
hostcons_gpus(const json_t *h)
{
	const json_t *cons = json_object_get(h, "consumables"), *c;
	size_t i;

	json_array_foreach(cons, i, c)
		if (json_object_get(c, "gpus") != NULL)
			return json_object_get(c, "gpus");
	return NULL;
}

void
hostcons_print_gpus(FILE *fp, const json_t *hosts, bool lim)
{
	const json_t *h, *g;
	size_t i, k;

	if (lim)
		fprintf(fp, "%-20s %7s %10s %10s %10s %8s\n", "HOST_NAME", "gpu_id",
		    "gpu_model", "gpu_driver", "gpu_factor", "numa_id");
	else
		fprintf(fp, "%-20s %4s %18s %9s %9s %6s %6s %6s %6s\n", "HOST_NAME",
		    "ID", "MODEL", "MUSED", "MRSV", "NJOBS", "RUN", "SUSP", "RSV");
	json_array_foreach(hosts, i, h) {
		const char *name = json_string_value(json_object_get(h, "name"));
		json_array_foreach(hostcons_gpus(h), k, g) {
			long long n = hostcons_num(g, "jobs");
			if (lim)
				fprintf(fp, "%-20s %7lld %10s %10s %10s %8s\n", k ? "" : name,
				    hostcons_num(g, "id"), "-", "-", "-", "-");
			else
				fprintf(fp, "%-20s %4lld %18s %9s %9s %6lld %6lld %6d %6d\n",
				    k ? "" : name, hostcons_num(g, "id"), "-", "0M", "0M", n, n,
				    0, 0);
		}
	}
}

size_t
hostcons_words(const json_t *h, char *buf, size_t len)
{
	const json_t *cons = json_object_get(h, "consumables"), *c;
	size_t i, n = 0;

	json_array_foreach(cons, i, c)
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s=%lld", n ? " " : "",
			    json_string_value(json_object_get(c, "name")),
			    hostcons_num(c, "total"));
	return n;
}
