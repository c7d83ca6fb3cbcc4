/*
 * test_depexpr.c - dependency expression parsing, canonical text and
 * three-valued evaluation (depexpr.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "depexpr.h"

static const struct {
	const char *in, *canon;
} good[] = {
	{ "done(12)", "done(12)" },
	{ "12", "done(12)" },
	{ "  done ( 12 )  ", "done(12)" },
	{ "done(12) && ended(sort*)", "done(12) && ended(sort*)" },
	{ "done(12)&&ended(sort*)", "done(12) && ended(sort*)" },
	{ "jobA", "done(jobA)" },
	{ "exit(12)", "exit(12)" },
	{ "exit(12, 2)", "exit(12, 2)" },
	{ "exit(12,2)", "exit(12, 2)" },
	{ "exit(12, ==2)", "exit(12, 2)" },
	{ "exit(X, >=2)", "exit(X, >=2)" },
	{ "exit(X, != 0)", "exit(X, !=0)" },
	{ "exit(X,<3)", "exit(X, <3)" },
	{ "started(\"99job\")", "started(\"99job\")" },
	{ "\"99job\"", "done(\"99job\")" },
	{ "done(\"123\")", "done(123)" },
	{ "done(123[4])", "done(123[4])" },
	{ "done(\"123[1-10]\")", "done(123[1-10])" },
	{ "ended(123[*])", "ended(123[*])" },
	{ "done(123[1,3,5-9])", "done(123[1,3,5-9])" },
	{ "done(arr[3])", "done(arr[3])" },
	{ "numdone(123, >= 5)", "numdone(123, >=5)" },
	{ "numdone(123,*)", "numdone(123, *)" },
	{ "numexit(123, 0)", "numexit(123, 0)" },
	{ "numended(1,>1) || numpend(2,<1) || numrun(3,<=2) || numhold(4,>0) || numstart(5,!=3)",
	    "numended(1, >1) || numpend(2, <1) || numrun(3, <=2) || numhold(4, >0) || numstart(5, !=3)" },
	{ "post_done(7) && post_err(8)", "post_done(7) && post_err(8)" },
	{ "external(7, \"ready\")", "external(7, \"ready\")" },
	{ "external(job, \"say \\\"hi\\\"\")", "external(job, \"say \\\"hi\\\"\")" },
	{ "!done(1)", "!done(1)" },
	{ "! ! done(1)", "!!done(1)" },
	{ "!(done(1) || done(2))", "!(done(1) || done(2))" },
	{ "a || b && c", "done(a) || done(b) && done(c)" },
	{ "(a || b) && c", "(done(a) || done(b)) && done(c)" },
	{ "((a))", "done(a)" },
	{ "a && (b && c)", "done(a) && done(b) && done(c)" },
	{ "done(\"job name\")", "done(\"job name\")" },
	{ "done(\"a:b=(1)\")", "done(\"a:b=(1)\")" },
	{ "done(*)", "done(*)" },
	{ "done", "done(done)" },
	{ "done(\"99job[2]\")", "done(\"99job[2]\")" },
};

static void
test_good(void **state)
{
	struct dep_node *n, *m;
	char err[256], *s, *t;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if ((n = dep_parse(good[i].in, err, sizeof(err))) == NULL)
			fail_msg("'%s': %s", good[i].in, err);
		s = dep_format(n);
		assert_string_equal(s, good[i].canon);
		/* The canonical text parses to itself. */
		if ((m = dep_parse(s, err, sizeof(err))) == NULL)
			fail_msg("'%s' (canonical): %s", s, err);
		t = dep_format(m);
		assert_string_equal(t, s);
		free(s);
		free(t);
		dep_free(n);
		dep_free(m);
	}
}

static const struct {
	const char *in, *err;
} bad[] = {
	{ "", "Dependency condition syntax error: empty expression at end of ''" },
	{ "   ", "Dependency condition syntax error: empty expression at end of '   '" },
	{ "done(", "Dependency condition syntax error: expected a job id or name at end of 'done('" },
	{ "done(12", "Dependency condition syntax error: expected ')' at end of 'done(12'" },
	{ "done(12))", "Dependency condition syntax error: unexpected text near ')'" },
	{ "done(12) & done(3)", "Dependency condition syntax error: expected '&&' or '||' near '& done(3)'" },
	{ "done(12) |", "Dependency condition syntax error: expected '&&' or '||' near '|'" },
	{ "done(12) &&", "Dependency condition syntax error: expected a job id or name at end of 'done(12) &&'" },
	{ "finished(12)", "Dependency condition syntax error: unknown condition 'finished' near 'finished(12)'" },
	{ "done(99job)", "Dependency condition syntax error: a job name starting with a digit must be quoted near ')'" },
	{ "done(0)", "Dependency condition syntax error: bad job id '0' near ')'" },
	{ "done(12, 3)", "Dependency condition syntax error: done() takes one job near ' 3)'" },
	{ "exit(12, >=)", "Dependency condition syntax error: expected a number near ')'" },
	{ "exit(12, -1)", "Dependency condition syntax error: bad number near '-1)'" },
	{ "exit(12, 99999999999999999999)", "Dependency condition syntax error: bad number near '99999999999999999999)'" },
	{ "exit(12, *)", "Dependency condition syntax error: expected a number near '*)'" },
	{ "numdone(123)", "Dependency condition syntax error: numdone() needs a second argument near ')'" },
	{ "numdone(jobA, 3)", "Dependency condition syntax error: numdone() needs an array job id near ', 3)'" },
	{ "numdone(123[1], 3)", "Dependency condition syntax error: numdone() needs an array job id near ', 3)'" },
	{ "external(7)", "Dependency condition syntax error: external() needs a second argument near ')'" },
	{ "done(\"abc)", "Dependency condition syntax error: unterminated quote at end of 'done(\"abc)'" },
	{ "done(123[1-x])", "Dependency condition syntax error: bad array index list '1-x' near ')'" },
	{ "done(123[5,5])", "Dependency condition syntax error: bad array index list '5,5': index 5 appears twice near ')'" },
	{ "done(123[])", "Dependency condition syntax error: bad array index list '' near ')'" },
	{ "done(a*b)", "Dependency condition syntax error: '*' may only end a job name near ')'" },
	{ "done(\"\")", "Dependency condition syntax error: empty job name near ')'" },
	{ "done([3])", "Dependency condition syntax error: bad job '[3]' near ')'" },
	{ "done(a]b)", "Dependency condition syntax error: bad job 'a]b' near ')'" },
	{ "(done(1)", "Dependency condition syntax error: expected ')' at end of '(done(1)'" },
	{ "done(1) done(2)", "Dependency condition syntax error: unexpected text near 'done(2)'" },
	{ "!", "Dependency condition syntax error: expected a job id or name at end of '!'" },
};

static void
test_bad(void **state)
{
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (dep_parse(bad[i].in, err, sizeof(err)) != NULL)
			fail_msg("'%s' was accepted", bad[i].in);
		assert_string_equal(err, bad[i].err);
	}
}

static void
test_deep(void **state)
{
	char buf[1000], err[256], *big;
	struct dep_node *n;
	int i;

	for (i = 0; i < 300; i++)
		buf[i] = '(';
	strcpy(buf + 300, "a");
	assert_null(dep_parse(buf, err, sizeof(err)));
	assert_non_null(strstr(err, "nested too deeply"));
	memset(buf, '!', 50);
	strcpy(buf + 50, "a");
	assert_non_null(n = dep_parse(buf, err, sizeof(err)));
	dep_free(n);
	/* Long chains are bounded: free/format/eval recurse along them. */
	big = malloc(5 * 1001 + 1);
	for (i = 0, big[0] = '\0'; i < 1001; i++)
		strcat(big, i ? "&&a12" : "a12");
	assert_null(dep_parse(big, err, sizeof(err)));
	assert_non_null(strstr(err, "more than 1000 conditions"));
	big[5 * 999 + 3] = '\0';	/* 1000 conditions are fine */
	assert_non_null(n = dep_parse(big, err, sizeof(err)));
	dep_free(n);
	free(big);
}

static void
test_tree(void **state)
{
	struct dep_node *n = dep_parse("exit(\"9x[2]\", >= 3) || !numdone(55, *)", NULL, 0);

	assert_non_null(n);
	assert_int_equal(n->kind, DEP_OR);
	assert_int_equal(n->left->kind, DEP_COND);
	assert_int_equal(n->left->cond, DEP_EXIT);
	assert_string_equal(n->left->target.name, "9x");
	assert_string_equal(n->left->target.idx, "2");
	assert_int_equal(n->left->op, DEP_OP_GE);
	assert_int_equal(n->left->value, 3);
	assert_int_equal(n->right->kind, DEP_NOT);
	assert_int_equal(n->right->left->cond, DEP_NUMDONE);
	assert_int_equal(n->right->left->target.id, 55);
	assert_null(n->right->left->target.name);
	assert_int_equal(n->right->left->op, DEP_OP_ALL);
	dep_free(n);
}

/* Each condition's value is taken from the target name's first letter. */
static dep_value
val_of(void *ctx, const struct dep_node *c)
{
	(*(int *)ctx)++;
	switch (c->target.name[0]) {
	case 't':
		return DEP_TRUE;
	case 'n':
		return DEP_NEVER;
	}
	return DEP_FALSE;
}

static const struct {
	const char *in;
	dep_value v;
} evals[] = {
	{ "t", DEP_TRUE }, { "f", DEP_FALSE }, { "n", DEP_NEVER },
	{ "t && t", DEP_TRUE }, { "t && f", DEP_FALSE }, { "f && n", DEP_NEVER },
	{ "t && n", DEP_NEVER }, { "t || f", DEP_TRUE }, { "f || f", DEP_FALSE },
	{ "n || f", DEP_FALSE }, { "n || n", DEP_NEVER }, { "n || t", DEP_TRUE },
	{ "!t", DEP_FALSE }, { "!f", DEP_TRUE }, { "!n", DEP_TRUE },
	{ "!(t && n) && t", DEP_TRUE }, { "(f || n) && t", DEP_FALSE },
};

static void
test_eval(void **state)
{
	struct dep_node *n;
	size_t i;
	int calls = 0;

	for (i = 0; i < sizeof(evals) / sizeof(evals[0]); i++) {
		assert_non_null(n = dep_parse(evals[i].in, NULL, 0));
		if (dep_eval(n, val_of, &calls) != evals[i].v)
			fail_msg("'%s' evaluated wrong", evals[i].in);
		dep_free(n);
	}
	assert_true(calls > 0);
}

static int
count_or_stop(void *ctx, const struct dep_node *c)
{
	int *k = ctx;

	if (c->target.name != NULL && strcmp(c->target.name, "stop") == 0)
		return 42;
	(*k)++;
	return 0;
}

static void
test_walk_and_ops(void **state)
{
	struct dep_node *n = dep_parse("a && (b || !c) && d", NULL, 0);
	int k = 0;

	assert_int_equal(dep_walk(n, count_or_stop, &k), 0);
	assert_int_equal(k, 4);
	dep_free(n);
	n = dep_parse("a || stop || c", NULL, 0);
	k = 0;
	assert_int_equal(dep_walk(n, count_or_stop, &k), 42);
	assert_int_equal(k, 1);
	dep_free(n);
	assert_true(dep_op_test(DEP_OP_NONE, 0, 5));
	assert_true(dep_op_test(DEP_OP_EQ, 5, 5));
	assert_false(dep_op_test(DEP_OP_EQ, 5, 4));
	assert_true(dep_op_test(DEP_OP_NE, 5, 4));
	assert_true(dep_op_test(DEP_OP_LT, 5, 4));
	assert_false(dep_op_test(DEP_OP_LT, 5, 5));
	assert_true(dep_op_test(DEP_OP_LE, 5, 5));
	assert_true(dep_op_test(DEP_OP_GT, 5, 6));
	assert_false(dep_op_test(DEP_OP_GE, 5, 4));
	assert_true(dep_op_test(DEP_OP_ALL, 10, 10));
	dep_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_walk_and_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
