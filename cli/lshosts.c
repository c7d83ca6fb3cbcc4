/*
 * lshosts.c - lshosts [-w] [-json] [host ...] (LSF.md §4): the static
 * facts of each host (type, model, cpu factor, cores, memory, swap,
 * resources) from the hosts op. Sizes with unit suffixes, "-" when
 * unknown; type and model become single words (blanks and other
 * characters a select[] word cannot hold to "_") so that
 * tools splitting on blanks find every column, cut to 10 characters unless
 * -w (LSF cuts too).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "selexpr.h"
#include "util.h"

/* One word a select[] can name, at most max characters (0: all). */
static void
lshosts_word(const char *s, char *buf, size_t len, size_t max)
{
	size_t i;

	if (s == NULL || *s == '\0')
		s = "-";
	snprintf(buf, len, "%s", s);
	if (max > 0 && max < len && strlen(buf) > max)
		buf[max] = '\0';
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)selexpr_word_fold((unsigned char)buf[i]);
}

static void
lshosts_resources(const json_t *h, char *buf, size_t len)
{
	const json_t *r = json_object_get(h, "resources"), *v;
	size_t i, n = 0;

	n += (size_t)snprintf(buf, len, "(");
	json_array_foreach(r, i, v)
		if (json_is_string(v) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
			    json_string_value(v));
	if (n < len && n > 1 && json_object_get(h, "consumables") != NULL)
		n += (size_t)snprintf(buf + n, len - n, " ");
	if (n < len)
		n += hostcons_words(h, buf + n, len - n);
	if (n < len)
		snprintf(buf + n, len - n, ")");
}

static void
lshosts_row(FILE *fp, const json_t *h, int width, bool wide)
{
	const char *name = json_string_value(json_object_get(h, "name"));
	const json_t *cpuf = json_object_get(h, "cpuf");
	char type[128], model[128], mem[16], swp[16], res[512], ncpus[16];
	size_t max = wide ? 0 : 10;
	long long n;
	size_t i;

	lshosts_word(json_string_value(json_object_get(h, "type")) ?:
	    json_string_value(json_object_get(h, "arch")), type, sizeof(type), max);
	for (i = 0; type[i] != '\0'; i++)
		type[i] = (char)toupper((unsigned char)type[i]);
	lshosts_word(json_string_value(json_object_get(h, "model")), model,
	    sizeof(model), max);
	n = (long long)json_integer_value(json_object_get(h, "mem_total"));
	if (n > 0)
		lsload_size(n, mem, sizeof(mem));
	else
		snprintf(mem, sizeof(mem), "-");
	lsload_size((long long)json_integer_value(json_object_get(h, "swap_total")),
	    swp, sizeof(swp));
	n = (long long)json_integer_value(json_object_get(h, "ncpus"));
	snprintf(ncpus, sizeof(ncpus), n > 0 ? "%lld" : "-", n);
	lshosts_resources(h, res, sizeof(res));
	fprintf(fp, "%-*s %10s %10s %5.1f %5s %6s %6s %6s %s\n", width, name ? name : "",
	    type, model, json_is_number(cpuf) ? json_number_value(cpuf) : 1.0, ncpus,
	    mem, swp, "Yes", res);
}

static void
lshosts_print(FILE *fp, const json_t *hosts, bool wide)
{
	const json_t *h;
	size_t i, n;
	int width = wide ? 25 : 15;

	json_array_foreach(hosts, i, h) {
		n = strlen(json_string_value(json_object_get(h, "name")) ?: "");
		if ((int)n > width)
			width = (int)n;
	}
	fprintf(fp, "%-*s %10s %10s %5s %5s %6s %6s %6s %s\n", width, "HOST_NAME",
	    "type", "model", "cpuf", "ncpus", "maxmem", "maxswp", "server", "RESOURCES");
	json_array_foreach(hosts, i, h)
		lshosts_row(fp, h, width, wide);
}

int
lshosts_main(int argc, char **argv)
{
	static const struct opt opts[] = {
		{ "w", 1, 0, NULL }, { "json", 4, 0, NULL }, { "gpu", 8, 0, NULL },
	};
	bool wide, json, gpu;
	json_t *hosts;
	unsigned set;
	int i, bad = 0, rc;

	if ((i = opts_flags("lshosts", "[-w | -gpu] [-json] [host_name ...]", opts,
	    nitems(opts), argc, argv, true, &set)) < 0)
		return CLI_EXIT_FAIL;
	wide = set & 1, json = set & 4, gpu = set & 8;
	if ((hosts = lsload_hosts("lshosts", argc - i, argv + i, &bad)) == NULL)
		return CLI_EXIT_FAIL;
	if (json) {
		json_t *out = json_pack("{s:O}", "hosts", hosts);
		cli_print_json(stdout, "lshosts", out);
		json_decref(out);
	} else if (json_array_size(hosts) > 0 && gpu)
		hostcons_print_gpus(stdout, hosts, true);
	else if (json_array_size(hosts) > 0)
		lshosts_print(stdout, hosts, wide);
	rc = bad || json_array_size(hosts) == 0 ? CLI_EXIT_FAIL : 0;
	json_decref(hosts);
	return rc;
}
