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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arrayspec.h"
#include "cli.h"
#include "depexpr.h"
#include "gpureq.h"
#include "lsftime.h"
#include "opts.h"
#include "units.h"
#include "util.h"

/* Every bsub option, LSF's spelling; -R may repeat (o->R). */
static const struct opt bsubopt_table[] = {
	{ "J", BO_J, OPT_VALUE, NULL },
	{ "n", BO_n, OPT_VALUE, NULL },
	{ "q", BO_q, OPT_VALUE, NULL },
	{ "o", BO_o, OPT_VALUE, NULL },
	{ "e", BO_e, OPT_VALUE, NULL },
	{ "oo", BO_oo, OPT_VALUE, NULL },
	{ "eo", BO_eo, OPT_VALUE, NULL },
	{ "cwd", BO_cwd, OPT_VALUE, NULL },
	{ "w", BO_w, OPT_VALUE, NULL },
	{ "K", BO_K, 0, NULL },
	{ "R", BO_R, OPT_VALUE, NULL },
	{ "M", BO_M, OPT_VALUE, NULL },
	{ "W", BO_W, OPT_VALUE, NULL },
	{ "P", BO_P, OPT_VALUE, NULL },
	{ "G", BO_G, OPT_VALUE, NULL },
	{ "g", BO_g, OPT_VALUE, NULL },
	{ "x", BO_x, 0, NULL },
	{ "m", BO_m, OPT_VALUE, NULL },
	{ "E", BO_E, OPT_VALUE, NULL },
	{ "Ep", BO_Ep, OPT_VALUE, NULL },
	{ "r", BO_r, 0, NULL },
	{ "rn", BO_rn, 0, NULL },
	{ "env", BO_env, OPT_VALUE, NULL },
	{ "outdir", BO_outdir, OPT_VALUE, NULL },
	{ "u", BO_u, OPT_VALUE, NULL },
	{ "B", BO_B, 0, NULL },
	{ "N", BO_N, 0, NULL },
	{ "b", BO_b, OPT_VALUE, NULL },
	{ "t", BO_t, OPT_VALUE, NULL },
	{ "sp", BO_sp, OPT_VALUE, NULL },
	{ "H", BO_H, 0, NULL },
	{ "a", BO_a, OPT_VALUE, NULL },
	{ "i", BO_i, OPT_VALUE, NULL },
	{ "L", BO_L, OPT_VALUE, NULL },
	{ "app", BO_app, OPT_VALUE, NULL },
	{ "c", BO_c, OPT_VALUE, NULL },	/* the limits of bsubopt_rlim_table */
	{ "v", BO_v, OPT_VALUE, NULL },
	{ "C", BO_C, OPT_VALUE, NULL },
	{ "D", BO_D, OPT_VALUE, NULL },
	{ "F", BO_F, OPT_VALUE, NULL },
	{ "S", BO_S, OPT_VALUE, NULL },
	{ "p", BO_p, OPT_VALUE, NULL },
	{ "T", BO_T, OPT_VALUE, NULL },
	{ "k", BO_k, OPT_VALUE, NULL },	/* recorded only: no checkpoints */
	{ "I", BO_I, 0, NULL },	/* interactive: bsubio.c */
	{ "Ip", BO_Ip, 0, NULL },
	{ "Is", BO_Is, 0, NULL },
	{ "IS", BO_IS, 0, NULL },	/* under ssh in LSF: here as -I */
	{ "ISp", BO_ISp, 0, NULL },
	{ "ISs", BO_ISs, 0, NULL },
	{ "Jd", BO_Jd, OPT_VALUE, NULL },
	{ "gpu", BO_gpu, OPT_VALUE, NULL },	/* gpureq.h */
	/* LSF options Pumice does not implement: refused by name, so that
	 * "-wa" is never read as "-w a" */
	{ "wa", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no warning actions" },
	{ "wt", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no warning actions" },
	{ "We", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no run time estimates" },
	{ "s", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no termination signal" },
	{ "f", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no file transfer" },
	{ "Q", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no requeue exit values per job" },
	{ "U", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no advance reservations" },
	{ "sla", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no service classes" },
	{ "ul", BO_COUNT, 0 | OPT_REFUSED, "no user limits pass-through" },
	{ "hl", BO_COUNT, 0 | OPT_REFUSED, "no host-based memory limits" },
	{ "data", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no data staging" },
	{ "stage", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no data staging" },
	{ "network", BO_COUNT, OPT_VALUE | OPT_REFUSED, "no network resources" },
	{ "IX", BO_COUNT, 0 | OPT_REFUSED, "no X11 forwarding" },
	{ "tty", BO_COUNT, 0 | OPT_REFUSED, "interactive output goes to bsub or to -o, not both" },
	{ "XF", BO_COUNT, 0 | OPT_REFUSED, "no X11 forwarding" },
	{ "pack", BO_COUNT, OPT_VALUE | OPT_REFUSED,
	    "-pack must be bsub's only option" },
};

/* The two spellings of one option: setting one unsets the other. */
static const struct { enum bsub_opt a, b; } bsubopt_partners[] = {
	{ BO_o, BO_oo }, { BO_e, BO_eo }, { BO_r, BO_rn },
};

static enum bsub_opt
bsubopt_partner(enum bsub_opt id)
{
	size_t i;

	for (i = 0; i < nitems(bsubopt_partners); i++)
		if (bsubopt_partners[i].a == id || bsubopt_partners[i].b == id)
			return bsubopt_partners[i].a == id ? bsubopt_partners[i].b :
			    bsubopt_partners[i].a;
	return BO_COUNT;
}

const char *
bsubopt_name(enum bsub_opt id)
{
	size_t i;

	for (i = 0; i < nitems(bsubopt_table); i++)
		if (bsubopt_table[i].id == (int)id)
			return bsubopt_table[i].name;
	return "?";
}

/* Stores one option; directives skip what the command line set. */
static void
bsubopt_store(struct bsub_opts *o, const struct opt *row, const char *value,
    int cmdline)
{
	enum bsub_opt id = (enum bsub_opt)row->id, partner = bsubopt_partner(id);

	if (!cmdline && (o->from_cmdline[id] ||
	    (partner != BO_COUNT && o->from_cmdline[partner])))
		return;
	if (id == BO_R) {
		o->R = xrealloc(o->R, (o->nR + 1) * sizeof(*o->R));
		o->R[o->nR++] = xstrdup(value);
	}
	free(o->val[id]);
	o->val[id] = xstrdup(row->flags & OPT_VALUE ? value : "");
	if (partner != BO_COUNT) {
		free(o->val[partner]);
		o->val[partner] = NULL;
	}
	if (cmdline)
		o->from_cmdline[id] = 1;
}

/*
 * bmod's table: bsub's rows, "-Xn" (unset option X) for each bsub option
 * whose Xn is not itself an option (-rn keeps bsub's meaning), and -json.
 * Built once, from bsubopt_table.
 */
enum { BMOD_UNSET = 1000, BMOD_JSON = 2000 };

static const struct opt *
bsubopt_bmod_table(size_t *n)
{
	static struct opt tab[2 * nitems(bsubopt_table) + 1];
	static char names[nitems(bsubopt_table)][16];
	static size_t len;
	size_t i;

	if (len > 0) {
		*n = len;
		return tab;
	}
	for (i = 0; i < nitems(bsubopt_table); i++)
		tab[len++] = bsubopt_table[i];
	for (i = 0; i < nitems(bsubopt_table); i++) {
		const struct opt *row = &bsubopt_table[i];

		snprintf(names[i], sizeof(names[i]), "%sn", row->name);
		if (row->id == BO_COUNT || opts_find(bsubopt_table,
		    nitems(bsubopt_table), names[i]) != NULL)
			continue;
		tab[len++] = (struct opt){ names[i], BMOD_UNSET + row->id, 0, NULL };
	}
	tab[len++] = (struct opt){ "json", BMOD_JSON, 0, NULL };
	*n = len;
	return tab;
}

int
bsubopt_parse(struct bsub_opts *o, int argc, char **argv, int cmdline,
    char *err, size_t errlen)
{
	const struct opt *tab = bsubopt_table;
	size_t n = nitems(bsubopt_table);
	struct opts p;
	int id;

	if (cmdline == BSUBOPT_BMOD)
		tab = bsubopt_bmod_table(&n);
	opts_init(&p, tab, n, argc, argv, 0);
	while ((id = opts_next(&p)) >= 0) {
		if (id == BMOD_JSON)
			o->json = true;
		else if (id >= BMOD_UNSET)
			o->unset[id - BMOD_UNSET] = 1;
		else
			bsubopt_store(o, p.row, p.value, cmdline != 0);
	}
	if (id == OPTS_ERR)
		return errf(err, errlen, "%s", p.err);
	if (!cmdline && p.ind < argc)
		return errf(err, errlen, "unexpected word <%s> in #BSUB line",
		    argv[p.ind]);
	if (cmdline) {
		o->cmd_argc = argc - p.ind;
		o->cmd_argv = argv + p.ind;
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
		const struct opt *row = &bsubopt_table[i];
		const char *v;

		if (row->id == BO_COUNT)	/* refused: never stored */
			continue;
		v = o->val[row->id];
		if (row->id == BO_R) {
			for (k = 0; k < o->nR; k++)
				if (!bsubopt_utf8(o->R[k]))
					return errf(err, errlen, "-%s: not valid UTF-8 text", row->name);
		} else if (v != NULL && !bsubopt_utf8(v))
			return errf(err, errlen, "-%s: not valid UTF-8 text", row->name);
	}
	return 0;
}

/* The interactive options, and how each wants the job's I/O. */
static const struct { enum bsub_opt id; int mode; } bsubopt_io[] = {
	{ BO_I, BSUBOPT_IO_PIPE }, { BO_IS, BSUBOPT_IO_PIPE },
	{ BO_Ip, BSUBOPT_IO_PTY }, { BO_Is, BSUBOPT_IO_PTY },
	{ BO_ISp, BSUBOPT_IO_PTY }, { BO_ISs, BSUBOPT_IO_PTY },
};

int
bsubopt_interactive(const struct bsub_opts *o)
{
	size_t i;

	for (i = 0; i < nitems(bsubopt_io); i++)
		if (o->val[bsubopt_io[i].id] != NULL)
			return bsubopt_io[i].mode;
	return BSUBOPT_IO_NONE;
}

/* One of -I -Ip -Is -IS -ISp -ISs at most, never with -K nor an array. */
static int
bsubopt_check_interactive(const struct bsub_opts *o, char *err, size_t errlen)
{
	const char *first = NULL;
	size_t i;

	for (i = 0; i < nitems(bsubopt_io); i++) {
		if (o->val[bsubopt_io[i].id] == NULL)
			continue;
		if (first != NULL)
			return errf(err, errlen, "-%s and -%s cannot be used together", first,
			    bsubopt_name(bsubopt_io[i].id));
		first = bsubopt_name(bsubopt_io[i].id);
	}
	if (first != NULL && o->val[BO_K] != NULL)
		return errf(err, errlen, "-%s and -K cannot be used together", first);
	if (first != NULL && o->val[BO_J] != NULL && strchr(o->val[BO_J], '[') != NULL)
		return errf(err, errlen, "-%s: an interactive job cannot be a job array",
		    first);
	return 0;
}

int
bsubopt_check(const struct bsub_opts *o, char *err, size_t errlen)
{
	struct gpureq gpu;
	char e[256];
	long v;

	if (bsubopt_check_utf8(o, err, errlen) < 0)
		return -1;
	if (o->val[BO_n] != NULL && bsubopt_check_n(o->val[BO_n], err, errlen) < 0)
		return -1;
	if (o->val[BO_sp] != NULL && bsubopt_posint(o->val[BO_sp], &v) < 0)
		return errf(err, errlen, "%s: Bad argument for option -sp", o->val[BO_sp]);
	if (bsubopt_check_interactive(o, err, errlen) < 0)
		return -1;
	if (o->val[BO_k] != NULL && o->val[BO_k][strspn(o->val[BO_k], " \t")] == '\0')
		return errf(err, errlen, "Bad argument for option -k");
	if (o->val[BO_gpu] != NULL && gpureq_parse(&gpu, o->val[BO_gpu], e, sizeof(e)) < 0)
		return errf(err, errlen, "%s: Bad argument for option -gpu (%s)",
		    o->val[BO_gpu], e);
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
		const struct opt *row = &bsubopt_table[i];

		if (row->id == BO_COUNT || o->val[row->id] == NULL)
			continue;
		if (!(row->flags & OPT_VALUE)) {
			json_object_set_new(j, row->name, json_true());
		} else if (row->id == BO_R) {
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
