/*
 * test_opts.c - the shared option parser (cli/opts.c): clusters, attached
 * values, long names matched whole before any clustering, refused rows,
 * unknown options, missing values, "--" and the first operand; then the
 * tables of bsub and bjobs through their parsers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/cli.h"
#include "../../cli/opts.h"
#include "util.h"

enum { A, W, J, JD, GPU, N, NOHEADER, G };

static const struct opt tab[] = {
	{ "a", A, 0, NULL }, { "w", W, 0, NULL }, { "J", J, OPT_VALUE, NULL },
	{ "Jd", JD, OPT_VALUE, NULL }, { "n", N, OPT_VALUE, NULL },
	{ "noheader", NOHEADER, 0, NULL }, { "g", G, OPT_VALUE, NULL },
	{ "gpu", GPU, OPT_VALUE | OPT_REFUSED, "no GPUs" },
};

static const struct {
	const char *args[6];
	const char *want;	/* "id=value ..." then "|ind", or "!err" */
} cases[] = {
	{ { "-aw", "1" }, "0= 1= |1" },
	{ { "-a", "-w" }, "0= 1= |2" },
	{ { "-n4", "x" }, "5=4 |1" },
	{ { "-n", "4", "x" }, "5=4 |2" },
	{ { "-awJname" }, "0= 1= 2=name |1" },
	{ { "-aJ", "name", "7" }, "0= 2=name |2" },
	{ { "-Jd", "desc", "cmd" }, "3=desc |2" },
	{ { "-Jdesc", "cmd" }, "2=desc |1" },	/* -J with "desc" attached */
	{ { "-noheader" }, "6= |1" },
	{ { "-gpux", "cmd" }, "7=pux |1" },	/* not -gpu: a cluster */
	{ { "-gpu", "num=1", "cmd" }, "!option -gpu is not supported: no GPUs" },
	{ { "-Z" }, "!illegal option -- Z" },
	{ { "-aZ" }, "0= !illegal option -- Z" },
	{ { "-nohead" }, "5=ohead |1" },
	{ { "-x", "-a" }, "!illegal option -- x" },
	{ { "-J" }, "!option requires an argument -- J" },
	{ { "-aJ" }, "0= !option requires an argument -- J" },
	{ { "-Jd" }, "!option requires an argument -- Jd" },
	{ { "-a", "--", "-w" }, "0= |2" },
	{ { "-a", "-", "-w" }, "0= |1" },
	{ { "7", "-a" }, "|0" },
	{ { NULL }, "|0" },
	{ { "-J", "-a" }, "2=-a |2" },	/* a value may start with '-' */
};

static void
test_parse(void **state)
{
	struct opts p;
	size_t i;
	int argc, id;
	char got[512];

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		for (argc = 0; argc < 6 && cases[i].args[argc] != NULL; argc++)
			;
		opts_init(&p, tab, nitems(tab), argc, (char **)cases[i].args, 0);
		got[0] = '\0';
		while ((id = opts_next(&p)) >= 0)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%d=%s ",
			    id, p.value ? p.value : "");
		if (id == OPTS_ERR)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "!%s", p.err);
		else
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "|%d", p.ind);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu (%s): got <%s>, want <%s>", i,
			    cases[i].args[0] ? cases[i].args[0] : "", got, cases[i].want);
	}
}

/* bsub: -gpu its own option, -Jd its own option, -oout.%J is -o. */
static void
test_bsub(void **state)
{
	char *a1[] = { "-Jd", "mydesc", "-oout.%J", "-n4", "true", NULL };
	char *a2[] = { "-gpu", "num=1", "true", NULL };
	char *a3[] = { "-Kx", "-Jname", "-rn", "-r", "true", NULL };
	struct bsub_opts o;
	char err[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(bsubopt_parse(&o, 5, a1, 1, err, sizeof(err)), 0);
	assert_string_equal(o.val[BO_Jd], "mydesc");
	assert_null(o.val[BO_J]);
	assert_string_equal(o.val[BO_o], "out.%J");
	assert_string_equal(o.val[BO_n], "4");
	assert_int_equal(o.cmd_argc, 1);
	assert_string_equal(o.cmd_argv[0], "true");
	bsubopt_free(&o);
	assert_int_equal(bsubopt_parse(&o, 3, a2, 1, err, sizeof(err)), 0);
	assert_string_equal(o.val[BO_gpu], "num=1");
	assert_null(o.val[BO_g]);
	assert_int_equal(bsubopt_check(&o, err, sizeof(err)), 0);
	free(o.val[BO_gpu]);
	o.val[BO_gpu] = strdup("num=1:mode=whatever");
	assert_int_equal(bsubopt_check(&o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Bad argument for option -gpu"));
	bsubopt_free(&o);
	assert_int_equal(bsubopt_parse(&o, 5, a3, 1, err, sizeof(err)), 0);
	assert_non_null(o.val[BO_K]);
	assert_non_null(o.val[BO_x]);
	assert_string_equal(o.val[BO_J], "name");
	assert_non_null(o.val[BO_r]);	/* -r after -rn: the last one wins */
	assert_null(o.val[BO_rn]);
	bsubopt_free(&o);
}

/* bjobs: clusters and long words from one table. */
static void
test_bjobs(void **state)
{
	char *a1[] = { "bjobs", "-aw", "-noheader", "-JTx", "-UF", "12", NULL };
	char *a2[] = { "bjobs", "-r", "-Jd", "d*", "--", "-5", NULL };
	struct bjobs_args a;

	(void)state;
	assert_int_equal(bjobs_parse(&a, 6, a1), 0);
	assert_true(a.a && a.w && a.noheader && a.UF && a.l);
	assert_string_equal(a.name, "Tx");
	assert_int_equal(a.nids, 1);
	assert_int_equal(bjobs_parse(&a, 6, a2), 0);
	assert_true(a.r);
	assert_string_equal(a.desc, "d*");	/* -Jd, not -J "d" */
	assert_null(a.name);
	assert_int_equal(a.nids, 1);
	assert_string_equal(a.ids[0], "-5");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bsub),
		cmocka_unit_test(test_bjobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
