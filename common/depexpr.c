/*
 * depexpr.c - dependency expressions: a recursive-descent parser into a
 * tree (precedence ! over && over ||), its canonical text, and the
 * three-valued evaluation the master runs on every pass. The parser never
 * looks at jobs: checking that targets exist is the caller's (dep_walk).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "depexpr.h"
#include "util.h"

#define DEP_MAX_DEPTH 64	/* nesting of ( and !, so the stack stays small */
#define DEP_MAX_CONDS 1000	/* && / || chains recurse in free, format, eval */

struct dep_parser {
	const char *s;		/* the whole expression */
	const char *p;		/* current position */
	int depth;
	int nconds;
	char *err;
	size_t errlen;
	int failed;
};

static const struct {
	const char *name;
	enum dep_cond cond;
} dep_conds[] = {
	{ "done", DEP_DONE }, { "ended", DEP_ENDED }, { "exit", DEP_EXIT },
	{ "started", DEP_STARTED }, { "post_done", DEP_POST_DONE },
	{ "post_err", DEP_POST_ERR }, { "external", DEP_EXTERNAL },
	{ "numdone", DEP_NUMDONE }, { "numended", DEP_NUMENDED },
	{ "numexit", DEP_NUMEXIT }, { "numpend", DEP_NUMPEND },
	{ "numrun", DEP_NUMRUN }, { "numhold", DEP_NUMHOLD },
	{ "numstart", DEP_NUMSTART },
};

static const char *dep_opnames[] = {
	[DEP_OP_NONE] = "", [DEP_OP_EQ] = "==", [DEP_OP_NE] = "!=",
	[DEP_OP_LT] = "<", [DEP_OP_LE] = "<=", [DEP_OP_GT] = ">",
	[DEP_OP_GE] = ">=", [DEP_OP_ALL] = "*",
};

static struct dep_node *dep_or(struct dep_parser *);

/* Records the first error, with the text where it happened. */
static void *
dep_fail(struct dep_parser *ps, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ps->failed++)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*ps->p == '\0')
		errf(ps->err, ps->errlen, "Dependency condition syntax error: %s at "
		    "end of '%s'", msg, ps->s);
	else
		errf(ps->err, ps->errlen, "Dependency condition syntax error: %s "
		    "near '%.40s'", msg, ps->p);
	return NULL;
}

static void
dep_skip(struct dep_parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static int
dep_accept(struct dep_parser *ps, const char *tok)
{
	size_t n = strlen(tok);

	dep_skip(ps);
	if (strncmp(ps->p, tok, n) != 0)
		return 0;
	ps->p += n;
	return 1;
}

/* Where nodes come from (dep_set_allocator): malloc's unless set. */
static void *(*dep_node_alloc)(size_t);
static void (*dep_node_release)(void *, size_t);

void
dep_set_allocator(void *(*alloc)(size_t), void (*release)(void *, size_t))
{
	dep_node_alloc = alloc;
	dep_node_release = release;
}

static struct dep_node *
dep_new(enum dep_kind kind)
{
	struct dep_node *n = dep_node_alloc ? dep_node_alloc(sizeof(*n)) :
	    xcalloc(1, sizeof(*n));

	n->kind = kind;
	return n;
}

/* An unquoted name stops at blanks and at the expression's own syntax;
 * a [...] suffix may hold commas. */
static int
dep_wordchar(char c)
{
	return c != '\0' && !isspace((unsigned char)c) && !strchr("()&|!,\"", c);
}

/* A quoted string (backslash escapes " and \) or a bare word; malloc'd. */
static char *
dep_token(struct dep_parser *ps, int *quoted)
{
	const char *start;
	char *out, *o;

	dep_skip(ps);
	*quoted = *ps->p == '"';
	if (*quoted) {
		o = out = xmalloc(strlen(ps->p) + 1);
		for (ps->p++; *ps->p != '"'; ps->p++) {
			if (*ps->p == '\0') {
				free(out);
				return dep_fail(ps, "unterminated quote");
			}
			if (*ps->p == '\\' && (ps->p[1] == '"' || ps->p[1] == '\\'))
				ps->p++;
			*o++ = *ps->p;
		}
		ps->p++;
		*o = '\0';
		return out;
	}
	for (start = ps->p; dep_wordchar(*ps->p); ps->p++)
		if (*ps->p == '[')
			while (ps->p[1] != '\0' && ps->p[1] != ']')
				ps->p++;
	if (ps->p == start)
		return dep_fail(ps, "expected a job id or name");
	return xstrndup(start, (size_t)(ps->p - start));
}

/* Splits a trailing "[list]" off tok into t->idx (checked). */
static int
dep_index(struct dep_parser *ps, char *tok, struct dep_target *t)
{
	char *open = strchr(tok, '['), err[200];
	size_t n = strlen(tok);
	struct arrayspec a;

	if (open == NULL)
		return strchr(tok, ']') ? (dep_fail(ps, "bad job '%s'", tok), -1) : 0;
	if (tok[n - 1] != ']' || strchr(open + 1, '[') || open == tok) {
		dep_fail(ps, "bad job '%s'", tok);
		return -1;
	}
	tok[n - 1] = '\0';
	*open = '\0';
	if (strcmp(open + 1, "*") != 0) {
		if (arrayspec_parse_list(open + 1, 0, &a, err, sizeof(err)) < 0) {
			dep_fail(ps, "%s", err);
			return -1;
		}
		arrayspec_free(&a);
	}
	t->idx = xstrdup(open + 1);
	return 0;
}

/* Job id, element(s) or name: "123", "123[4]", jobA*, "99job". */
static int
dep_target(struct dep_parser *ps, struct dep_target *t)
{
	int quoted;
	char *tok = dep_token(ps, &quoted), *end;
	size_t n;

	if (tok == NULL)
		return -1;
	if (dep_index(ps, tok, t) < 0)
		goto bad;
	n = strspn(tok, "0123456789");
	if (tok[0] != '\0' && tok[n] == '\0') {
		t->id = strtol(tok, &end, 10);
		if (t->id <= 0 || n > 18) {
			dep_fail(ps, "bad job id '%s'", tok);
			goto bad;
		}
		free(tok);
		return 0;
	}
	if (tok[0] == '\0' || (n > 0 && !quoted) ||
	    (strchr(tok, '*') && strchr(tok, '*') != tok + strlen(tok) - 1)) {
		dep_fail(ps, tok[0] == '\0' ? "empty job name" : n > 0 ?
		    "a job name starting with a digit must be quoted" :
		    "'*' may only end a job name");
		goto bad;
	}
	t->name = tok;
	return 0;
bad:
	free(tok);
	free(t->idx);
	t->idx = NULL;
	return -1;
}

/* "[op] n" or "*" (num* only); a bare number means ==. */
static int
dep_optest(struct dep_parser *ps, struct dep_node *n, int allow_all)
{
	static const enum dep_op order[] = { DEP_OP_EQ, DEP_OP_NE, DEP_OP_LE,
	    DEP_OP_GE, DEP_OP_LT, DEP_OP_GT };
	size_t i;
	char *end;

	dep_skip(ps);
	if (allow_all && dep_accept(ps, "*")) {
		n->op = DEP_OP_ALL;
		return 0;
	}
	n->op = DEP_OP_EQ;
	for (i = 0; i < nitems(order); i++)
		if (dep_accept(ps, dep_opnames[order[i]])) {
			n->op = order[i];
			break;
		}
	dep_skip(ps);
	if (!isdigit((unsigned char)*ps->p) && *ps->p != '-')
		return dep_fail(ps, "expected a number"), -1;
	n->value = strtol(ps->p, &end, 10);
	if (end == ps->p || end - ps->p > 18 || n->value < 0)
		return dep_fail(ps, "bad number"), -1;
	ps->p = end;
	return 0;
}

/* The arguments after "name(" up to and including ")". */
static int
dep_args(struct dep_parser *ps, struct dep_node *n, const char *cname)
{
	int isnum = n->cond >= DEP_NUMDONE, quoted;

	if (dep_target(ps, &n->target) < 0)
		return -1;
	if (isnum && (n->target.id <= 0 || n->target.idx != NULL))
		return dep_fail(ps, "%s() needs an array job id", cname), -1;
	if (dep_accept(ps, ",")) {
		if (n->cond == DEP_EXTERNAL) {
			if ((n->text = dep_token(ps, &quoted)) == NULL)
				return -1;
		} else if (n->cond == DEP_EXIT || isnum) {
			if (dep_optest(ps, n, isnum) < 0)
				return -1;
		} else
			return dep_fail(ps, "%s() takes one job", cname), -1;
	} else if (isnum || n->cond == DEP_EXTERNAL)
		return dep_fail(ps, "%s() needs a second argument", cname), -1;
	if (!dep_accept(ps, ")"))
		return dep_fail(ps, "expected ')'"), -1;
	return 0;
}

/* A condition "name(args)" or a bare job meaning done(job). */
static struct dep_node *
dep_cond(struct dep_parser *ps)
{
	struct dep_node *n = dep_new(DEP_COND);
	const char *w;
	size_t i, len;

	if (++ps->nconds > DEP_MAX_CONDS) {
		dep_free(n);
		return dep_fail(ps, "more than %d conditions", DEP_MAX_CONDS);
	}
	dep_skip(ps);
	for (w = ps->p; isalnum((unsigned char)*w) || *w == '_'; w++)
		;
	len = (size_t)(w - ps->p);
	while (isspace((unsigned char)*w))
		w++;
	if (len > 0 && *w == '(') {
		for (i = 0; i < nitems(dep_conds); i++)
			if (strlen(dep_conds[i].name) == len &&
			    strncmp(ps->p, dep_conds[i].name, len) == 0)
				break;
		if (i == nitems(dep_conds)) {
			dep_fail(ps, "unknown condition '%.*s'", (int)len, ps->p);
			goto bad;
		}
		n->cond = dep_conds[i].cond;
		ps->p = w + 1;
		if (dep_args(ps, n, dep_conds[i].name) < 0)
			goto bad;
		return n;
	}
	n->cond = DEP_DONE;
	if (dep_target(ps, &n->target) == 0)
		return n;
bad:
	dep_free(n);
	return NULL;
}

static struct dep_node *
dep_unary(struct dep_parser *ps)
{
	struct dep_node *n = NULL;

	if (++ps->depth > DEP_MAX_DEPTH)
		return dep_fail(ps, "expression nested too deeply");
	if (dep_accept(ps, "!")) {
		n = dep_new(DEP_NOT);
		if ((n->left = dep_unary(ps)) == NULL) {
			dep_free(n);
			n = NULL;
		}
	} else if (dep_accept(ps, "(")) {
		if ((n = dep_or(ps)) != NULL && !dep_accept(ps, ")")) {
			dep_free(n);
			n = dep_fail(ps, "expected ')'");
		}
	} else
		n = dep_cond(ps);
	ps->depth--;
	return n;
}

/* A chain of sub-expressions joined by op ("&&" or "||"), left-assoc. */
static struct dep_node *
dep_chain(struct dep_parser *ps, const char *op, enum dep_kind kind,
    struct dep_node *(*sub)(struct dep_parser *))
{
	struct dep_node *n = sub(ps), *b;

	while (n != NULL && dep_accept(ps, op)) {
		b = dep_new(kind);
		b->left = n;
		if ((b->right = sub(ps)) == NULL) {
			dep_free(b);
			return NULL;
		}
		n = b;
	}
	return n;
}

static struct dep_node *
dep_and(struct dep_parser *ps)
{
	return dep_chain(ps, "&&", DEP_AND, dep_unary);
}

static struct dep_node *
dep_or(struct dep_parser *ps)
{
	return dep_chain(ps, "||", DEP_OR, dep_and);
}

struct dep_node *
dep_parse(const char *s, char *err, size_t errlen)
{
	struct dep_parser ps = { s, s, 0, 0, err, errlen, 0 };
	struct dep_node *n;

	dep_skip(&ps);
	if (*ps.p == '\0')
		return dep_fail(&ps, "empty expression");
	if ((n = dep_or(&ps)) == NULL)
		return NULL;
	dep_skip(&ps);
	if (*ps.p != '\0') {
		dep_free(n);
		return dep_fail(&ps, *ps.p == '&' || *ps.p == '|' ?
		    "expected '&&' or '||'" : "unexpected text");
	}
	return n;
}

void
dep_free(struct dep_node *n)
{
	if (n == NULL)
		return;
	dep_free(n->left);
	dep_free(n->right);
	free(n->target.idx);
	free(n->target.name);
	free(n->text);
	if (dep_node_release)
		dep_node_release(n, sizeof(*n));
	else
		free(n);
}

/* Whether a name must be quoted to parse back as the same name. */
static int
dep_needs_quote(const char *name)
{
	const char *p;

	if (isdigit((unsigned char)name[0]))
		return 1;
	for (p = name; *p; p++)
		if (!dep_wordchar(*p) || *p == '[' || *p == ']')
			return 1;
	return 0;
}

static void
dep_put_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
dep_put_target(FILE *fp, const struct dep_target *t)
{
	if (t->name != NULL && dep_needs_quote(t->name)) {
		/* The index goes inside the quotes: "99job[2]". */
		char *s = t->idx ? xasprintf("%s[%s]", t->name, t->idx) :
		    xstrdup(t->name);
		dep_put_quoted(fp, s);
		free(s);
		return;
	}
	if (t->name != NULL)
		fputs(t->name, fp);
	else
		fprintf(fp, "%ld", t->id);
	if (t->idx != NULL)
		fprintf(fp, "[%s]", t->idx);
}

static void
dep_put_cond(FILE *fp, const struct dep_node *n)
{
	size_t i;

	for (i = 0; i < nitems(dep_conds); i++)
		if (dep_conds[i].cond == n->cond)
			break;
	fprintf(fp, "%s(", i < nitems(dep_conds) ? dep_conds[i].name : "?");
	dep_put_target(fp, &n->target);
	if (n->cond == DEP_EXTERNAL) {
		fputs(", ", fp);
		dep_put_quoted(fp, n->text ? n->text : "");
	} else if (n->op == DEP_OP_ALL)
		fputs(", *", fp);
	else if (n->op != DEP_OP_NONE)
		fprintf(fp, ", %s%ld", n->op == DEP_OP_EQ ? "" : dep_opnames[n->op],
		    n->value);
	fputc(')', fp);
}

/* prec: 0 top or under ||, 1 under &&, 2 under !. */
static void
dep_put(FILE *fp, const struct dep_node *n, int prec)
{
	int mine = n->kind == DEP_OR ? 0 : n->kind == DEP_AND ? 1 : 2;

	if (mine < prec)
		fputc('(', fp);
	switch (n->kind) {
	case DEP_AND:
	case DEP_OR:
		dep_put(fp, n->left, mine);
		fputs(n->kind == DEP_AND ? " && " : " || ", fp);
		dep_put(fp, n->right, mine);
		break;
	case DEP_NOT:
		fputc('!', fp);
		dep_put(fp, n->left, 2);
		break;
	case DEP_COND:
		dep_put_cond(fp, n);
		break;
	}
	if (mine < prec)
		fputc(')', fp);
}

char *
dep_format(const struct dep_node *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	if (n != NULL)
		dep_put(fp, n, 0);
	fclose(fp);
	return buf;
}

dep_value
dep_eval(const struct dep_node *n, dep_cond_fn fn, void *ctx)
{
	dep_value a, b;

	switch (n->kind) {
	case DEP_NOT:
		return dep_eval(n->left, fn, ctx) == DEP_TRUE ? DEP_FALSE : DEP_TRUE;
	case DEP_AND:
	case DEP_OR:
		a = dep_eval(n->left, fn, ctx);
		b = dep_eval(n->right, fn, ctx);
		if (n->kind == DEP_AND)
			return a == DEP_NEVER || b == DEP_NEVER ? DEP_NEVER :
			    a == DEP_TRUE && b == DEP_TRUE ? DEP_TRUE : DEP_FALSE;
		return a == DEP_TRUE || b == DEP_TRUE ? DEP_TRUE :
		    a == DEP_NEVER && b == DEP_NEVER ? DEP_NEVER : DEP_FALSE;
	case DEP_COND:
		break;
	}
	return fn(ctx, n);
}

int
dep_walk(const struct dep_node *n, int (*fn)(void *ctx, const struct dep_node *cond),
    void *ctx)
{
	int rc;

	if (n == NULL)
		return 0;
	if (n->kind == DEP_COND)
		return fn(ctx, n);
	if ((rc = dep_walk(n->left, fn, ctx)) != 0)
		return rc;
	return dep_walk(n->right, fn, ctx);
}

/*
 * DEP_OP_ALL ("all elements") needs the array size, which only the caller
 * knows: it is tested here like DEP_OP_EQ, so pass the size as value.
 */
int
dep_op_test(enum dep_op op, long value, long actual)
{
	switch (op) {
	case DEP_OP_NONE:
		return 1;
	case DEP_OP_EQ:
	case DEP_OP_ALL:
		return actual == value;
	case DEP_OP_NE:
		return actual != value;
	case DEP_OP_LT:
		return actual < value;
	case DEP_OP_LE:
		return actual <= value;
	case DEP_OP_GT:
		return actual > value;
	case DEP_OP_GE:
		return actual >= value;
	}
	return 0;
}
