/*
 * bsubopt.c - the bsub option table, shared by the command line and #BSUB
 * directives so that both accept the same spellings. An option given on
 * the command line wins over a directive (directives fill only unset
 * options; -o/-oo, -e/-eo and -r/-rn count as one option each). Values are
 * kept as given: the master interprets them, the client only checks them
 * so that a typo fails before anything is queued. SUBMIT.opts records
 * every option set, keyed by its name without the dash: {"J":"x",
 * "R":["rusage[mem=1]","span[hosts=1]"], "K":true}.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arrayspec.h"
#include "cli.h"
#include "depexpr.h"
#include "lsftime.h"
#include "units.h"
#include "util.h"

enum bo_kind { BOK_FLAG, BOK_ARG, BOK_MULTI };

static const struct bsubopt_row {
	const char *name;
	enum bsub_opt id;
	enum bo_kind kind;
	enum bsub_opt partner;		/* the other spelling of the same option */
} bsubopt_table[] = {
	{ "J", BO_J, BOK_ARG, BO_COUNT },
	{ "n", BO_n, BOK_ARG, BO_COUNT },
	{ "q", BO_q, BOK_ARG, BO_COUNT },
	{ "o", BO_o, BOK_ARG, BO_oo },
	{ "e", BO_e, BOK_ARG, BO_eo },
	{ "oo", BO_oo, BOK_ARG, BO_o },
	{ "eo", BO_eo, BOK_ARG, BO_e },
	{ "cwd", BO_cwd, BOK_ARG, BO_COUNT },
	{ "w", BO_w, BOK_ARG, BO_COUNT },
	{ "K", BO_K, BOK_FLAG, BO_COUNT },
	{ "R", BO_R, BOK_MULTI, BO_COUNT },
	{ "M", BO_M, BOK_ARG, BO_COUNT },
	{ "W", BO_W, BOK_ARG, BO_COUNT },
	{ "P", BO_P, BOK_ARG, BO_COUNT },
	{ "G", BO_G, BOK_ARG, BO_COUNT },
	{ "g", BO_g, BOK_ARG, BO_COUNT },
	{ "x", BO_x, BOK_FLAG, BO_COUNT },
	{ "m", BO_m, BOK_ARG, BO_COUNT },
	{ "E", BO_E, BOK_ARG, BO_COUNT },
	{ "Ep", BO_Ep, BOK_ARG, BO_COUNT },
	{ "r", BO_r, BOK_FLAG, BO_rn },
	{ "rn", BO_rn, BOK_FLAG, BO_r },
	{ "env", BO_env, BOK_ARG, BO_COUNT },
	{ "outdir", BO_outdir, BOK_ARG, BO_COUNT },
	{ "u", BO_u, BOK_ARG, BO_COUNT },
	{ "B", BO_B, BOK_FLAG, BO_COUNT },
	{ "N", BO_N, BOK_FLAG, BO_COUNT },
	{ "b", BO_b, BOK_ARG, BO_COUNT },
	{ "t", BO_t, BOK_ARG, BO_COUNT },
	{ "sp", BO_sp, BOK_ARG, BO_COUNT },
	{ "H", BO_H, BOK_FLAG, BO_COUNT },
	{ "a", BO_a, BOK_ARG, BO_COUNT },
	{ "i", BO_i, BOK_ARG, BO_COUNT },
	{ "L", BO_L, BOK_ARG, BO_COUNT },
	{ "app", BO_app, BOK_ARG, BO_COUNT },
	{ "c", BO_c, BOK_ARG, BO_COUNT },	/* the limits of bsubopt_rlim_table */
	{ "v", BO_v, BOK_ARG, BO_COUNT },
	{ "C", BO_C, BOK_ARG, BO_COUNT },
	{ "D", BO_D, BOK_ARG, BO_COUNT },
	{ "F", BO_F, BOK_ARG, BO_COUNT },
	{ "S", BO_S, BOK_ARG, BO_COUNT },
	{ "p", BO_p, BOK_ARG, BO_COUNT },
	{ "T", BO_T, BOK_ARG, BO_COUNT },
	{ "k", BO_k, BOK_ARG, BO_COUNT },	/* recorded only: no checkpoints */
	{ "I", BO_I, BOK_FLAG, BO_COUNT },	/* refused: no interactive jobs */
	{ "Ip", BO_Ip, BOK_FLAG, BO_COUNT },
	{ "Is", BO_Is, BOK_FLAG, BO_COUNT },
};

const char *
bsubopt_name(enum bsub_opt id)
{
	size_t i;

	for (i = 0; i < nitems(bsubopt_table); i++)
		if (bsubopt_table[i].id == id)
			return bsubopt_table[i].name;
	return "?";
}

/* The row for "-name" exactly, or the longest option taking a value that
 * prefixes it ("-n4", "-Jname"); *attached points at the value then. */
static const struct bsubopt_row *
bsubopt_find(const char *word, const char **attached)
{
	const struct bsubopt_row *best = NULL;
	size_t i, n, bestn = 0;

	*attached = NULL;
	for (i = 0; i < nitems(bsubopt_table); i++)
		if (strcmp(bsubopt_table[i].name, word) == 0)
			return &bsubopt_table[i];
	for (i = 0; i < nitems(bsubopt_table); i++) {
		n = strlen(bsubopt_table[i].name);
		if (bsubopt_table[i].kind != BOK_FLAG && n > bestn &&
		    strncmp(bsubopt_table[i].name, word, n) == 0) {
			best = &bsubopt_table[i];
			bestn = n;
		}
	}
	if (best != NULL)
		*attached = word + bestn;
	return best;
}

/* Stores one option; directives skip what the command line set. */
static void
bsubopt_store(struct bsub_opts *o, const struct bsubopt_row *row,
    const char *value, int cmdline)
{
	enum bsub_opt id = row->id;

	if (!cmdline && (o->from_cmdline[id] ||
	    (row->partner != BO_COUNT && o->from_cmdline[row->partner])))
		return;
	if (row->kind == BOK_MULTI) {
		o->R = xrealloc(o->R, (o->nR + 1) * sizeof(*o->R));
		o->R[o->nR++] = xstrdup(value);
	}
	free(o->val[id]);
	o->val[id] = xstrdup(row->kind == BOK_FLAG ? "" : value);
	if (row->partner != BO_COUNT) {
		free(o->val[row->partner]);
		o->val[row->partner] = NULL;
	}
	if (cmdline)
		o->from_cmdline[id] = 1;
}

int
bsubopt_parse(struct bsub_opts *o, int argc, char **argv, int cmdline,
    char *err, size_t errlen)
{
	const struct bsubopt_row *row;
	const char *value;
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "--") == 0) {
			i++;
			break;
		}
		if (w[0] != '-' || w[1] == '\0')
			break;
		if ((row = bsubopt_find(w + 1, &value)) == NULL)
			return errf(err, errlen, "illegal option -- %s", w + 1);
		if (row->kind != BOK_FLAG && value == NULL) {
			if (i + 1 >= argc)
				return errf(err, errlen,
				    "option requires an argument -- %s", row->name);
			value = argv[++i];
		}
		bsubopt_store(o, row, value ? value : "", cmdline);
	}
	if (!cmdline && i < argc)
		return errf(err, errlen, "unexpected word <%s> in #BSUB line", argv[i]);
	if (cmdline) {
		o->cmd_argc = argc - i;
		o->cmd_argv = argv + i;
	}
	return 0;
}

/* A positive int, whole string. */
static int
bsubopt_posint(const char *s, long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	*v = strtol(s, &end, 10);
	return (*end != '\0' || *v < 1 || *v == LONG_MAX) ? -1 : 0;
}

static int
bsubopt_check_n(const char *s, char *err, size_t errlen)
{
	char *copy = xstrdup(s), *comma = strchr(copy, ',');
	long lo, hi = 0;
	int bad;

	if (comma != NULL)
		*comma++ = '\0';
	bad = bsubopt_posint(copy, &lo) < 0 ||
	    (comma != NULL && (bsubopt_posint(comma, &hi) < 0 || hi < lo));
	free(copy);
	if (bad)
		return errf(err, errlen, "%s: Bad argument for option -n", s);
	return 0;
}

/* -b and -t: LSF's [[[YYYY:]MM:]DD:]hh:mm (lsftime.h), and -t after -b. */
static int
bsubopt_check_times(const struct bsub_opts *o, char *err, size_t errlen)
{
	time_t now = time(NULL), tb = 0, tt = 0;
	char e[256];

	if (o->val[BO_b] != NULL &&
	    lsftime_parse(o->val[BO_b], now, &tb, e, sizeof(e)) < 0)
		return errf(err, errlen, "%s: Bad time specification for option -b",
		    o->val[BO_b]);
	if (o->val[BO_t] == NULL)
		return 0;
	if (lsftime_parse(o->val[BO_t], now, &tt, e, sizeof(e)) < 0)
		return errf(err, errlen, "%s: Bad time specification for option -t",
		    o->val[BO_t]);
	if (tt < now - now % 60)
		return errf(err, errlen, "%s: The termination time is in the past",
		    o->val[BO_t]);
	if (o->val[BO_b] != NULL && tt <= tb)
		return errf(err, errlen, "%s: The termination time is not after the "
		    "begin time", o->val[BO_t]);
	return 0;
}

/* The limits the job gets as rlimits (the master converts them). */
static const struct {
	enum bsub_opt id;
	enum { BRL_MINUTES, BRL_SIZE, BRL_COUNT } kind;
} bsubopt_rlim_table[] = {
	{ BO_c, BRL_MINUTES }, { BO_v, BRL_SIZE }, { BO_C, BRL_SIZE },
	{ BO_D, BRL_SIZE }, { BO_F, BRL_SIZE }, { BO_S, BRL_SIZE },
	{ BO_p, BRL_COUNT }, { BO_T, BRL_COUNT },
};

static int
bsubopt_check_rlims(const struct bsub_opts *o, char *err, size_t errlen)
{
	char e[256], *copy, *p;
	uint64_t kb;
	long v;
	size_t i;
	int bad;

	for (i = 0; i < nitems(bsubopt_rlim_table); i++) {
		const char *s = o->val[bsubopt_rlim_table[i].id];
		if (s == NULL)
			continue;
		copy = xstrdup(s);
		if (bsubopt_rlim_table[i].kind == BRL_MINUTES) {
			if ((p = strchr(copy, '/')) != NULL)	/* /host_model: ignored */
				*p = '\0';
			bad = units_parse_minutes(copy, &v, e, sizeof(e)) < 0;
		} else if (bsubopt_rlim_table[i].kind == BRL_SIZE)
			bad = units_parse_size(copy, "KB", &kb, e, sizeof(e)) < 0;
		else
			bad = bsubopt_posint(copy, &v) < 0;
		free(copy);
		if (bad)
			return errf(err, errlen, "%s: Bad argument for option -%s", s,
			    bsubopt_name(bsubopt_rlim_table[i].id));
	}
	return 0;
}

static int
bsubopt_check_limits(const struct bsub_opts *o, char *err, size_t errlen)
{
	char e[256], *copy, *p;
	uint64_t kb;
	long secs;
	int rc = 0;

	if (o->val[BO_M] != NULL) {
		copy = xstrdup(o->val[BO_M]);
		if ((p = strchr(copy, '!')) != NULL && p[1] == '\0')
			*p = '\0';
		if (units_parse_size(copy, "KB", &kb, e, sizeof(e)) < 0)
			rc = errf(err, errlen, "%s: Bad argument for option -M", o->val[BO_M]);
		free(copy);
	}
	if (rc == 0 && o->val[BO_W] != NULL) {
		copy = xstrdup(o->val[BO_W]);
		if ((p = strchr(copy, '/')) != NULL)
			*p = '\0';
		if (units_parse_minutes(copy, &secs, e, sizeof(e)) < 0)
			rc = errf(err, errlen, "%s: Bad argument for option -W", o->val[BO_W]);
		free(copy);
	}
	return rc;
}

static int
bsubopt_check_name_dep(const struct bsub_opts *o, char *err, size_t errlen)
{
	struct arrayspec a;
	struct dep_node *d;
	char e[256];

	if (o->val[BO_J] != NULL) {
		if (arrayspec_parse(o->val[BO_J], LONG_MAX, &a, e, sizeof(e)) < 0)
			return errf(err, errlen, "%s: %s", o->val[BO_J], e);
		arrayspec_free(&a);
	}
	if (o->val[BO_w] != NULL) {
		if ((d = dep_parse(o->val[BO_w], e, sizeof(e))) == NULL)
			return errf(err, errlen, "Dependency condition syntax error");
		dep_free(d);
	}
	return 0;
}

static bool
bsubopt_utf8(const char *s)
{
	json_t *j = json_string(s);	/* NULL for bytes that are not UTF-8 */

	json_decref(j);
	return j != NULL;
}

/*
 * The protocol is JSON, whose strings are UTF-8: a value that is not would
 * vanish on the way (a -J name became the command's), so it is refused.
 */
static int
bsubopt_check_utf8(const struct bsub_opts *o, char *err, size_t errlen)
{
	size_t i, k;

	for (i = 0; i < nitems(bsubopt_table); i++) {
		const struct bsubopt_row *row = &bsubopt_table[i];
		const char *v = o->val[row->id];

		if (row->kind == BOK_MULTI) {
			for (k = 0; k < o->nR; k++)
				if (!bsubopt_utf8(o->R[k]))
					return errf(err, errlen, "-%s: not valid UTF-8 text", row->name);
		} else if (v != NULL && !bsubopt_utf8(v))
			return errf(err, errlen, "-%s: not valid UTF-8 text", row->name);
	}
	return 0;
}

int
bsubopt_check(const struct bsub_opts *o, char *err, size_t errlen)
{
	long v;

	if (bsubopt_check_utf8(o, err, errlen) < 0)
		return -1;
	if (o->val[BO_n] != NULL && bsubopt_check_n(o->val[BO_n], err, errlen) < 0)
		return -1;
	if (o->val[BO_sp] != NULL && bsubopt_posint(o->val[BO_sp], &v) < 0)
		return errf(err, errlen, "%s: Bad argument for option -sp", o->val[BO_sp]);
	if (o->val[BO_I] != NULL || o->val[BO_Ip] != NULL || o->val[BO_Is] != NULL)
		return errf(err, errlen, "Interactive jobs are not supported");
	if (o->val[BO_k] != NULL && o->val[BO_k][strspn(o->val[BO_k], " \t")] == '\0')
		return errf(err, errlen, "Bad argument for option -k");
	if (bsubopt_check_times(o, err, errlen) < 0 ||
	    bsubopt_check_limits(o, err, errlen) < 0 ||
	    bsubopt_check_rlims(o, err, errlen) < 0)
		return -1;
	return bsubopt_check_name_dep(o, err, errlen);
}

json_t *
bsubopt_json(const struct bsub_opts *o)
{
	json_t *j = json_object(), *r;
	size_t i, k;

	for (i = 0; i < nitems(bsubopt_table); i++) {
		const struct bsubopt_row *row = &bsubopt_table[i];

		if (o->val[row->id] == NULL)
			continue;
		if (row->kind == BOK_FLAG) {
			json_object_set_new(j, row->name, json_true());
		} else if (row->kind == BOK_MULTI) {
			r = json_array();
			for (k = 0; k < o->nR; k++)
				json_array_append_new(r, json_string(o->R[k]));
			json_object_set_new(j, row->name, r);
		} else {
			json_object_set_new(j, row->name, json_string(o->val[row->id]));
		}
	}
	return j;
}

void
bsubopt_free(struct bsub_opts *o)
{
	size_t i;

	for (i = 0; i < BO_COUNT; i++)
		free(o->val[i]);
	for (i = 0; i < o->nR; i++)
		free(o->R[i]);
	free(o->R);
	memset(o, 0, sizeof(*o));
}
