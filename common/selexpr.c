/*
 * selexpr.c - parser and evaluator of select[] expressions (selexpr.h).
 *
 * Recursive descent over a small tokenizer; nesting is bounded so that a
 * hostile string cannot exhaust the stack. Names are resolved at parse
 * time: a numeric index, a string attribute (type, model, hname), or else
 * a boolean resource. A number compared with a memory index takes units.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "selexpr.h"
#include "units.h"
#include "util.h"

#define SEL_MAX_DEPTH 64

enum sel_kind { SN_OR, SN_AND, SN_NOT, SN_NUM, SN_STR, SN_RES, SN_TRUE };
enum sel_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };
enum sel_attr { SA_TYPE, SA_MODEL, SA_NAME };

struct sel_node {
	enum sel_kind kind;
	enum sel_op op;
	int idx;		/* SN_NUM: enum sel_index; SN_STR: enum sel_attr */
	double num;
	char *str;		/* SN_STR value, SN_RES name */
	struct sel_node *l, *r;
};

static const struct {
	const char *name;
	bool increasing, memory;
} sel_indices[SEL_NIDX] = {
	[SEL_R15S] = { "r15s", false, false },
	[SEL_R1M] = { "r1m", false, false },
	[SEL_R15M] = { "r15m", false, false },
	[SEL_UT] = { "ut", false, false },
	[SEL_PG] = { "pg", false, false },
	[SEL_IO] = { "io", false, false },
	[SEL_LS] = { "ls", false, false },
	[SEL_IT] = { "it", true, false },
	[SEL_TMP] = { "tmp", true, true },
	[SEL_SWP] = { "swp", true, true },
	[SEL_MEM] = { "mem", true, true },
	[SEL_NCPUS] = { "ncpus", true, false },
	[SEL_MAXMEM] = { "maxmem", true, true },
	[SEL_MAXSWP] = { "maxswp", true, true },
	[SEL_MAXTMP] = { "maxtmp", true, true },
	[SEL_SLOTS] = { "slots", true, false },
	[SEL_MAXSLOTS] = { "maxslots", true, false },
};

struct sel_parser {
	const char *p;
	const char *unit;
	char *err;
	size_t errlen;
	int depth;
	int failed;
};

int
selexpr_index(const char *name)
{
	int i;

	for (i = 0; i < SEL_NIDX; i++)
		if (strcasecmp(name, sel_indices[i].name) == 0)
			return i;
	if (strcasecmp(name, "ncores") == 0 || strcasecmp(name, "maxcpus") == 0)
		return SEL_NCPUS;
	return -1;
}

const char *
selexpr_index_name(int idx)
{
	return idx >= 0 && idx < SEL_NIDX ? sel_indices[idx].name : "?";
}

bool
selexpr_index_increasing(int idx)
{
	return idx >= 0 && idx < SEL_NIDX && sel_indices[idx].increasing;
}

static int
sel_attr(const char *name)
{
	if (strcasecmp(name, "type") == 0 || strcasecmp(name, "arch") == 0)
		return SA_TYPE;
	if (strcasecmp(name, "model") == 0)
		return SA_MODEL;
	if (strcasecmp(name, "hname") == 0 || strcasecmp(name, "host") == 0 ||
	    strcasecmp(name, "hostname") == 0)
		return SA_NAME;
	return -1;
}

static struct sel_node *
sel_new(enum sel_kind k)
{
	struct sel_node *n = xcalloc(1, sizeof(*n));

	n->kind = k;
	return n;
}

void
selexpr_free(struct sel_node *n)
{
	if (n == NULL)
		return;
	selexpr_free(n->l);
	selexpr_free(n->r);
	free(n->str);
	free(n);
}

static void *sel_fail(struct sel_parser *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void *
sel_fail(struct sel_parser *x, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!x->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		errf(x->err, x->errlen, "%s", msg);
	}
	x->failed = 1;
	return NULL;
}

static void
sel_skip(struct sel_parser *x)
{
	while (isspace((unsigned char)*x->p))
		x->p++;
}

/* Consumes the literal tok (after blanks) when it is next. */
static bool
sel_eat(struct sel_parser *x, const char *tok)
{
	size_t n = strlen(tok);

	sel_skip(x);
	if (strncmp(x->p, tok, n) != 0)
		return false;
	if (isalpha((unsigned char)tok[0]) && (isalnum((unsigned char)x->p[n]) ||
	    x->p[n] == '_'))
		return false;
	x->p += n;
	return true;
}

static bool
sel_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

int
selexpr_word_fold(int c)
{
	return sel_word_char((char)c) ? c : '_';
}

/* A name, number or (quoted) string at x->p, malloc'd; NULL if none. */
static char *
sel_word(struct sel_parser *x)
{
	const char *s;

	sel_skip(x);
	if (*x->p == '"' || *x->p == '\'') {
		char q = *x->p++;
		s = x->p;
		while (*x->p && *x->p != q)
			x->p++;
		if (*x->p != q)
			return sel_fail(x, "select: unterminated quote%s", "");
		x->p++;
		return xstrndup(s, (size_t)(x->p - s - 1));
	}
	s = x->p;
	while (sel_word_char(*x->p))
		x->p++;
	if (x->p == s)
		return NULL;
	return xstrndup(s, (size_t)(x->p - s));
}

static int
sel_cmp_op(struct sel_parser *x, enum sel_op *op)
{
	static const struct { const char *t; enum sel_op op; } ops[] = {
		{ "==", OP_EQ }, { "!=", OP_NE }, { ">=", OP_GE }, { "<=", OP_LE },
		{ "=", OP_EQ }, { ">", OP_GT }, { "<", OP_LT },
	};
	size_t i;

	for (i = 0; i < nitems(ops); i++)
		if (sel_eat(x, ops[i].t)) {
			*op = ops[i].op;
			return 1;
		}
	return 0;
}

/* A number for index idx: memory with units into KB, others plain. */
static int
sel_number(struct sel_parser *x, int idx, const char *w, double *v)
{
	char *end, e[128];
	uint64_t kb;

	if (sel_indices[idx].memory) {
		if (units_parse_size(w, x->unit, &kb, e, sizeof(e)) < 0) {
			sel_fail(x, "select: bad memory value '%s'", w);
			return -1;
		}
		*v = (double)kb;
		return 0;
	}
	*v = strtod(w, &end);
	if (end == w || *end != '\0') {
		sel_fail(x, "select: bad number '%s'", w);
		return -1;
	}
	if (idx == SEL_UT && *v > 1)
		*v /= 100;	/* "ut < 50" means 50% */
	return 0;
}

static struct sel_node *
sel_compare(struct sel_parser *x, char *name, enum sel_op op)
{
	struct sel_node *n;
	int idx = selexpr_index(name), attr = sel_attr(name);
	char *w = sel_word(x);

	if (w == NULL)
		return sel_fail(x, "select: a value must follow the comparison "
		    "with '%s'", name);
	if (idx >= 0) {
		n = sel_new(SN_NUM);
		n->idx = idx;
		if (sel_number(x, idx, w, &n->num) < 0) {
			free(n);
			n = NULL;
		}
	} else if (attr >= 0) {
		n = sel_new(SN_STR);
		n->idx = attr;
		n->str = xstrdup(w);
		if (op != OP_EQ && op != OP_NE)
			n = (selexpr_free(n), sel_fail(x, "select: '%s' compares only "
			    "with == or !=", name));
	} else
		n = sel_fail(x, "select: unknown load index or attribute '%s'", name);
	if (n != NULL)
		n->op = op;
	free(w);
	return n;
}

static struct sel_node *sel_or(struct sel_parser *x);

static struct sel_node *
sel_primary(struct sel_parser *x)
{
	struct sel_node *n;
	enum sel_op op;
	char *name;

	if (sel_eat(x, "(")) {
		n = sel_or(x);
		if (n != NULL && !sel_eat(x, ")")) {
			selexpr_free(n);
			return sel_fail(x, "select: missing ')'%s", "");
		}
		return n;
	}
	if ((name = sel_word(x)) == NULL)
		return x->failed ? NULL : sel_fail(x, "select: expected a name at "
		    "'%.20s'", x->p);
	if (strcasecmp(name, "defined") == 0 && sel_eat(x, "(")) {
		/* defined(res): the host has the resource */
		free(name);
		if ((name = sel_word(x)) == NULL || !sel_eat(x, ")")) {
			free(name);
			return x->failed ? NULL : sel_fail(x, "select: defined() needs one "
			    "resource name%s", "");
		}
		n = sel_new(SN_RES);
		n->str = name;
		return n;
	}
	if (sel_cmp_op(x, &op))
		n = sel_compare(x, name, op);
	else if (selexpr_index(name) >= 0 || sel_attr(name) >= 0)
		n = sel_fail(x, "select: '%s' needs a comparison", name);
	else {
		n = sel_new(SN_RES);
		n->str = xstrdup(name);
	}
	free(name);
	return n;
}

static struct sel_node *
sel_unary(struct sel_parser *x)
{
	struct sel_node *n;

	if (++x->depth > SEL_MAX_DEPTH)
		return sel_fail(x, "select: expression nested too deeply%s", "");
	if (sel_eat(x, "!") || sel_eat(x, "not")) {
		n = sel_new(SN_NOT);
		if ((n->l = sel_unary(x)) == NULL) {
			free(n);
			n = NULL;
		}
	} else
		n = sel_primary(x);
	x->depth--;
	return n;
}

/* One level of a binary operator: kind over sub. */
static struct sel_node *
sel_binary(struct sel_parser *x, enum sel_kind kind, const char *tok,
    const char *word, struct sel_node *(*sub)(struct sel_parser *))
{
	struct sel_node *l = sub(x), *n;

	while (l != NULL && (sel_eat(x, tok) || sel_eat(x, word))) {
		n = sel_new(kind);
		n->l = l;
		if ((n->r = sub(x)) == NULL) {
			selexpr_free(n);
			return NULL;
		}
		l = n;
	}
	return l;
}

static struct sel_node *
sel_and(struct sel_parser *x)
{
	return sel_binary(x, SN_AND, "&&", "and", sel_unary);
}

static struct sel_node *
sel_or(struct sel_parser *x)
{
	struct sel_node *n;

	if (++x->depth > SEL_MAX_DEPTH)
		return sel_fail(x, "select: expression nested too deeply%s", "");
	n = sel_binary(x, SN_OR, "||", "or", sel_and);
	x->depth--;
	return n;
}

struct sel_node *
selexpr_parse(const char *s, const char *unit, char *err, size_t errlen)
{
	struct sel_parser x = { s, unit ? unit : "MB", err, errlen, 0, 0 };
	struct sel_node *n;

	sel_skip(&x);
	if (*x.p == '\0')
		return sel_new(SN_TRUE);
	if ((n = sel_or(&x)) == NULL)
		return NULL;
	sel_skip(&x);
	if (*x.p != '\0') {
		selexpr_free(n);
		return sel_fail(&x, "select: unexpected text at '%.20s'", x.p);
	}
	return n;
}

struct sel_node *
selexpr_and(struct sel_node *a, struct sel_node *b)
{
	struct sel_node *n;

	if (a == NULL || a->kind == SN_TRUE)
		return (selexpr_free(a), b);
	if (b == NULL || b->kind == SN_TRUE)
		return (selexpr_free(b), a);
	n = sel_new(SN_AND);
	n->l = a;
	n->r = b;
	return n;
}

static bool
sel_test(enum sel_op op, int c)
{
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

static bool
sel_has_res(const struct sel_host *h, const char *name)
{
	char **r;

	for (r = h->resources; r != NULL && *r != NULL; r++)
		if (strcmp(*r, name) == 0)
			return true;
	return false;
}

/*
 * Host attributes as lshosts shows them (X86_64, AMD_EPYC, Intel_R__Xeon)
 * match what the host reported (x86_64, "AMD EPYC", "Intel(R) Xeon"):
 * case does not count, and a character a word cannot hold (a blank, a
 * parenthesis) matches '_'; "any" matches every type and model.
 */
static int
sel_str_differ(int attr, const char *v, const char *want)
{
	if (attr != SA_NAME && strcasecmp(want, "any") == 0)
		return 0;
	for (; *v != '\0' && *want != '\0'; v++, want++) {
		int a = tolower(selexpr_word_fold((unsigned char)*v));
		int b = tolower(selexpr_word_fold((unsigned char)*want));
		if (a != b)
			return 1;
	}
	return *v != *want;
}

bool
selexpr_eval(const struct sel_node *n, const struct sel_host *h)
{
	const char *v;
	double d;

	switch (n->kind) {
	case SN_OR: return selexpr_eval(n->l, h) || selexpr_eval(n->r, h);
	case SN_AND: return selexpr_eval(n->l, h) && selexpr_eval(n->r, h);
	case SN_NOT: return !selexpr_eval(n->l, h);
	case SN_RES: return sel_has_res(h, n->str);
	case SN_TRUE: return true;
	case SN_NUM:
		d = h->num[n->idx];
		return sel_test(n->op, d < n->num ? -1 : d > n->num);
	default:
		v = n->idx == SA_TYPE ? h->type : n->idx == SA_MODEL ? h->model : h->name;
		return sel_test(n->op, sel_str_differ(n->idx, v ? v : "", n->str));
	}
}
