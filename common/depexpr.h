/*
 * depexpr.h - LSF dependency expressions (bsub -w, bwait -w):
 *   done(X) ended(X) exit(X[,[op]n]) started(X) post_done(X) post_err(X)
 *   external(X, "text") numdone(ID, op n|*) numended numexit numpend numrun
 *   numhold numstart; a bare X means done(X); && || ! and parentheses.
 * X: a job id "123", an element or range "123[4]" / "123[1-10]", or a job
 * name (a trailing * is a prefix wildcard; a name starting with a digit
 * must be double-quoted, and any X may be quoted).
 */
#ifndef PUMICE_DEPEXPR_H
#define PUMICE_DEPEXPR_H

#include <stddef.h>

enum dep_kind { DEP_AND, DEP_OR, DEP_NOT, DEP_COND };

enum dep_cond {
	DEP_DONE, DEP_ENDED, DEP_EXIT, DEP_STARTED, DEP_POST_DONE,
	DEP_POST_ERR, DEP_EXTERNAL, DEP_NUMDONE, DEP_NUMENDED, DEP_NUMEXIT,
	DEP_NUMPEND, DEP_NUMRUN, DEP_NUMHOLD, DEP_NUMSTART,
};

enum dep_op { DEP_OP_NONE, DEP_OP_EQ, DEP_OP_NE, DEP_OP_LT, DEP_OP_LE,
	DEP_OP_GT, DEP_OP_GE, DEP_OP_ALL /* "*" in num*() */ };

struct dep_target {
	long id;		/* > 0 when X is a job id */
	char *idx;		/* index list inside [...] ("4", "1-10", "*"), or NULL */
	char *name;		/* when X is a name (may end in '*'), else NULL */
};

struct dep_node {	/* the enums together: a pending job keeps one */
	enum dep_kind kind;
	enum dep_cond cond;		/* COND */
	enum dep_op op;			/* exit() code test, num*() count test */
	struct dep_node *left, *right;	/* AND, OR; NOT uses left */
	struct dep_target target;
	long value;
	char *text;			/* external() text */
};

/* Parses an expression; NULL with "Dependency condition syntax error: ..." */
struct dep_node *dep_parse(const char *s, char *err, size_t errlen);
void dep_free(struct dep_node *n);
/* Nodes from alloc (zeroed blocks) and back to release, with their size,
 * instead of malloc: set once, before any expression is parsed (the
 * master keeps a job's among its jobs' blocks). */
void dep_set_allocator(void *(*alloc)(size_t), void (*release)(void *, size_t));
/* Canonical text, e.g. "done(12) && ended(sort*)"; malloc'd. */
char *dep_format(const struct dep_node *n);

typedef enum { DEP_FALSE = 0, DEP_TRUE = 1, DEP_NEVER = 2 } dep_value;
typedef dep_value (*dep_cond_fn)(void *ctx, const struct dep_node *cond);
/*
 * Three-valued evaluation: a && b is NEVER if either is NEVER, TRUE if both
 * are TRUE; a || b is TRUE if either is, NEVER if both are; !a is TRUE for
 * FALSE or NEVER (as in OpenLava), FALSE for TRUE.
 */
dep_value dep_eval(const struct dep_node *n, dep_cond_fn fn, void *ctx);
/* Calls fn on every COND node (e.g. to check that referenced jobs exist);
 * stops and returns fn's value when it is non-zero. */
int dep_walk(const struct dep_node *n, int (*fn)(void *ctx, const struct dep_node *cond),
    void *ctx);
/* Tests an exit code or a count against op/value (DEP_OP_NONE: true). */
int dep_op_test(enum dep_op op, long value, long actual);

#endif
