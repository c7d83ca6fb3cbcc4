/* fuzz_bsubopt.c - libFuzzer target: the commands' option parser
 * (opts.c) over a table with every kind of row, bjobs' table, and bsub's
 * option table and its checks. The first line is a command line (split
 * as the shell would): it becomes a SUBMIT object as one bsub -pack line
 * does, and its options are parsed again with the rest of the input as a
 * script whose #BSUB lines fill what the command line left unset. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bsubscript.h"
#include "cli.h"
#include "opts.h"
#include "shellwords.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_script(struct bsub_opts *o, const char *text)
{
	struct bsub_script bs;
	char err[512];

	memset(&bs, 0, sizeof(bs));
	if (bsubscript_parse(text, &bs, err, sizeof(err)) < 0)
		return;
	if (bs.argc > 0)
		(void)bsubopt_parse(o, bs.argc, bs.argv, 0, err, sizeof(err));
	bsubscript_free(&bs);
}

static void
fuzz_opts(int argc, char **argv, const char *script)
{
	struct bsub_opts o;
	char err[512];
	json_t *j;

	memset(&o, 0, sizeof(o));
	if (bsubopt_parse(&o, argc, argv, 1, err, sizeof(err)) == 0) {
		if (o.cmd_argc < 0 || o.cmd_argc > argc)
			abort();
		if (script != NULL)
			fuzz_script(&o, script);
		(void)bsubopt_check(&o, err, sizeof(err));
		j = bsubopt_json(&o);
		if (!json_is_object(j))
			abort();
		json_decref(j);
	}
	bsubopt_free(&o);
}

/* opts.c alone: every option it returns is its row's, with a value
 * exactly when the row takes one, no more options than argv has
 * characters, and it ends inside argv. */
static void
fuzz_parser(int argc, char **argv)
{
	static const struct opt tab[] = {
		{ "a", 0, 0, NULL }, { "J", 1, OPT_VALUE, NULL },
		{ "Jd", 2, OPT_VALUE, NULL }, { "gpu", 3, OPT_VALUE | OPT_REFUSED, "x" },
		{ "noheader", 4, 0, NULL }, { "w", 5, 0, NULL },
		{ "g", 6, OPT_VALUE, NULL }, { "x", 7, OPT_REFUSED, NULL },
	};
	struct opts p;
	size_t n = 0, max = 0;
	int id, i;

	for (i = 0; i < argc; i++)	/* at most one option a character */
		max += strlen(argv[i]);
	opts_init(&p, tab, nitems(tab), argc, argv, 0);
	while ((id = opts_next(&p)) >= 0) {
		if (id != p.row->id || (p.value != NULL) != !!(p.row->flags & OPT_VALUE) ||
		    p.ind > argc || ++n > max)
			abort();
	}
	if (p.ind > argc || (id == OPTS_ERR && p.err[0] == '\0'))
		abort();
}

/* bjobs' table; a word it accepts ends inside argv. */
static void
fuzz_bjobs(int argc, char **argv)
{
	char **av = xcalloc((size_t)argc + 2, sizeof(*av));
	struct bjobs_args a;
	int i;

	av[0] = "bjobs";
	for (i = 0; i < argc; i++)
		av[i + 1] = argv[i];
	if (bjobs_parse(&a, argc + 1, av) == 0 && (a.nids < 0 || a.nids > argc))
		abort();
	free(av);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), *nl, **argv, err[512];
	json_t *sub;
	int argc;

	if ((nl = strchr(s, '\n')) != NULL)
		*nl++ = '\0';
	if ((argc = shellwords_split(s, &argv, err, sizeof(err))) >= 0) {
		fuzz_parser(argc, argv);
		fuzz_bjobs(argc, argv);
		fuzz_opts(argc, argv, nl);
		if ((sub = bsub_pack_line(argc, argv, err, sizeof(err))) != NULL) {
			if (!json_is_string(json_object_get(sub, "cmd")))
				abort();
			json_decref(sub);
		} else if (err[0] == '\0')
			abort();
		shellwords_free(argv);
	}
	free(s);
	return 0;
}
