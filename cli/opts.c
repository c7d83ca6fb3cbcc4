/*
 * opts.c - the commands' option parser: one table per command, LSF's
 * conventions here once (opts.h). The messages are getopt's, which LSF's
 * commands print: "illegal option -- x", "option requires an argument -- x".
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "opts.h"

void
opts_init(struct opts *o, const struct opt *tab, size_t n, int argc,
    char **argv, int first)
{
	memset(o, 0, sizeof(*o));
	o->tab = tab;
	o->n = n;
	o->argc = argc;
	o->argv = argv;
	o->ind = first;
}

const struct opt *
opts_find(const struct opt *tab, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

/* The one-letter row for c, or NULL. */
static const struct opt *
opts_letter(const struct opts *o, char c)
{
	char name[2] = { c, '\0' };

	return opts_find(o->tab, o->n, name);
}

static int
opts_fail(struct opts *o, const char *what, const char *name)
{
	snprintf(o->err, sizeof(o->err), "%s -- %s", what, name);
	o->rest = NULL;
	return OPTS_ERR;
}

/* row is found: refuses it or takes its value (attached, else the next
 * word); returns its id. */
static int
opts_take(struct opts *o, const struct opt *row, const char *attached)
{
	o->row = row;
	o->value = NULL;
	if (row->flags & OPT_REFUSED) {
		snprintf(o->err, sizeof(o->err), "option -%s is not supported%s%s",
		    row->name, row->why ? ": " : "", row->why ? row->why : "");
		o->rest = NULL;
		return OPTS_ERR;
	}
	if (!(row->flags & OPT_VALUE))
		return row->id;
	o->rest = NULL;
	if (attached != NULL && *attached != '\0')
		o->value = attached;
	else if (o->ind < o->argc)
		o->value = o->argv[o->ind++];
	else
		return opts_fail(o, "option requires an argument", row->name);
	return row->id;
}

/* The next letter of a cluster. */
static int
opts_cluster(struct opts *o)
{
	const struct opt *row;
	char name[2] = { *o->rest, '\0' };

	if ((row = opts_letter(o, *o->rest)) == NULL)
		return opts_fail(o, "illegal option", name);
	o->rest++;
	if (*o->rest == '\0' || (row->flags & OPT_VALUE)) {
		const char *attached = o->rest;

		o->rest = NULL;
		return opts_take(o, row, attached);
	}
	return opts_take(o, row, NULL);
}

int
opts_next(struct opts *o)
{
	const struct opt *row;
	const char *w;

	if (o->rest != NULL)
		return opts_cluster(o);
	if (o->ind >= o->argc)
		return OPTS_END;
	w = o->argv[o->ind];
	if (w[0] != '-' || w[1] == '\0')
		return OPTS_END;
	o->ind++;
	if (strcmp(w, "--") == 0)
		return OPTS_END;
	if ((row = opts_find(o->tab, o->n, w + 1)) != NULL)
		return opts_take(o, row, NULL);
	o->rest = w + 1;
	return opts_cluster(o);
}

int
opts_flags(const char *cmd, const char *usage, const struct opt *tab, size_t n,
    int argc, char **argv, bool operands, unsigned *set)
{
	struct opts p;
	int id;

	*set = 0;
	opts_init(&p, tab, n, argc, argv, 1);
	while ((id = opts_next(&p)) >= 0)
		*set |= (unsigned)id;
	if (id == OPTS_END && !operands && p.ind < argc)
		snprintf(p.err, sizeof(p.err), "unexpected argument <%s>", argv[p.ind]);
	else if (id == OPTS_END)
		return p.ind;
	fprintf(stderr, "%s: %s\nUsage: %s %s\n", cmd, p.err, cmd, usage);
	return -1;
}
