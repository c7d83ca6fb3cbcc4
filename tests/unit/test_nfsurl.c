/*
 * test_nfsurl.c - nfs:// destinations (nfsurl.c), -outdir joining, %J/%I
 * substitution in them (jobspec_subst), base64 for bpeek (b64.c) and the
 * job report's wording (jobreport.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "b64.h"
#include "../../daemons/shepherd/jobreport.h"
#include "../../daemons/spool/jobspec.h"
#include "nfsurl.h"

static const struct {
	const char *in, *server, *path, *exp, *args;
} good[] = {
	{ "nfs://127.0.0.1/export/a.out?nfsport=2049&mountport=2050", "127.0.0.1",
	  "/export/a.out", NULL, "nfsport=2049&mountport=2050" },
	{ "nfs://srv/data/x/y/%J.%I.out", "srv", "/data/x/y/%J.%I.out", NULL, "" },
	{ "nfs://srv/data/x/f?export=/data&nfsport=1", "srv", "/data/x/f", "/data",
	  "nfsport=1" },
	{ "nfs://srv/data/f?version=3", "srv", "/data/f", NULL, "version=3" },
	{ "nfs://srv/f", "srv", "/f", NULL, "" },
};

static const struct {
	const char *in, *err;
} bad[] = {
	{ "/data/x.out", "not an nfs:// URL" },
	{ "nfs://", "must be nfs://server/path" },
	{ "nfs://srv", "must be nfs://server/path" },
	{ "nfs:///data/x", "must be nfs://server/path" },
	{ "nfs://srv/data/", "must name a file" },
	{ "nfs://srv/data/x?uid=0", "uid= is not allowed" },
	{ "nfs://srv/data/x?autoreconnect=5", "autoreconnect= is not allowed" },
	{ "nfs://srv/data/x?gid=0", "gid= is not allowed" },
	{ "nfs://srv/data/x?version=4", "only NFS version 3" },
	{ "nfs://srv/data/x?timeo=3", "unknown query argument 'timeo'" },
	{ "nfs://srv/data/x?nfsport", "key=value expected" },
	{ "nfs://srv/data/x?export=data", "export= must be one absolute path" },
	{ "nfs://srv/data/x?export=/other", "is not a parent of" },
	{ "nfs://srv/data//x", "must not hold empty" },
	/* found by fuzz_nfsurl: a last . or .. part named a directory */
	{ "nfs://srv/x/.", "must not hold empty" },
	{ "nfs://srv/x/..?nfsport=1", "must not hold empty" },
	{ "nfs://srv/..", "must not hold empty" },
	{ "nfs://srv/data/../x", "must not hold empty" },
};

static void
test_parse_good(void **state)
{
	struct nfsurl u;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(nfsurl_parse(good[i].in, &u, err, sizeof(err)), 0);
		assert_true(nfsurl_is(good[i].in));
		assert_string_equal(u.server, good[i].server);
		assert_string_equal(u.path, good[i].path);
		if (good[i].exp)
			assert_string_equal(u.exp, good[i].exp);
		else
			assert_null(u.exp);
		assert_string_equal(u.args, good[i].args);
		nfsurl_free(&u);
	}
}

static void
test_parse_bad(void **state)
{
	struct nfsurl u;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(nfsurl_parse(bad[i].in, &u, err, sizeof(err)), -1);
		if (strstr(err, bad[i].err) == NULL)
			fail_msg("%s: got '%s', want '%s'", bad[i].in, err, bad[i].err);
	}
}

static void
test_libnfs_url(void **state)
{
	struct nfsurl u;
	char *s;

	(void)state;
	assert_int_equal(nfsurl_parse("nfs://h/e/d/f?nfsport=5&export=/e", &u, NULL, 0), 0);
	s = nfsurl_libnfs(&u, "/e");
	assert_string_equal(s, "nfs://h/e?nfsport=5");
	free(s);
	nfsurl_free(&u);
}

static const struct {
	const char *dir, *name, *want;
} joins[] = {
	{ "/data/out", "x.out", "/data/out/x.out" },
	{ "/data/out/", "x.out", "/data/out/x.out" },
	{ "/data/out", "/abs/x.out", "/abs/x.out" },
	{ "nfs://h/e/d?nfsport=1&mountport=2", "%J.%I.out", "nfs://h/e/d/%J.%I.out?nfsport=1&mountport=2" },
	{ "nfs://h/e/d/", "a/b.out", "nfs://h/e/d/a/b.out" },
	{ "/data", "nfs://h/e/f", "nfs://h/e/f" },
};

static void
test_join_and_subst(void **state)
{
	struct jobspec js = { .id = 123, .idx = 7 };
	size_t i;
	char *s, *t;

	(void)state;
	for (i = 0; i < sizeof(joins) / sizeof(joins[0]); i++) {
		s = nfsurl_join(joins[i].dir, joins[i].name);
		assert_string_equal(s, joins[i].want);
		free(s);
	}
	s = nfsurl_join("nfs://h/e/%J?nfsport=1", "%J.%I.out");
	t = jobspec_subst(&js, s);
	assert_string_equal(t, "nfs://h/e/123/123.7.out?nfsport=1");
	free(s);
	free(t);
}

static void
test_b64(void **state)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
		"Zm9vYmFy" };
	unsigned char bin[256];
	size_t i, n;
	char *e, *d;

	(void)state;
	for (i = 0; i < 7; i++) {
		e = b64_encode(plain[i], strlen(plain[i]));
		assert_string_equal(e, coded[i]);
		d = b64_decode(e, &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(d, plain[i], n);
		free(e);
		free(d);
	}
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)i;
	e = b64_encode(bin, sizeof(bin));
	d = b64_decode(e, &n);
	assert_int_equal(n, sizeof(bin));
	assert_memory_equal(d, bin, n);
	free(e);
	free(d);
	assert_null(b64_decode("Zm9", &n));
	assert_null(b64_decode("Zm9v!A==", &n));
	assert_null(b64_decode("Z=9v", &n));
}

static void
test_report(void **state)
{
	struct jobspec js = { .id = 12, .idx = 3, .name = "arr", .user = "ann",
		.queue = "short", .cmd = "echo hi", .subhost = "pi0" };
	struct jobreport r = { .host = "pi1", .home = "/home/ann", .cwd = "/data",
		.start = 100, .end = 105, .cpu = 1.5, .maxrss = 3000 };
	char *t;

	(void)state;
	t = jobreport_text(&js, &r);
	assert_non_null(strstr(t, "\nSender: LSF System <ann@pi1>\n"));
	assert_non_null(strstr(t, "\nSubject: Job 12[3]: <arr> Done\n"));
	assert_non_null(strstr(t, "\nYour job looked like:\n"));
	assert_non_null(strstr(t, "\n# LSBATCH: User input\necho hi\n---"));
	assert_non_null(strstr(t, "\nSuccessfully completed.\n"));
	assert_non_null(strstr(t, "CPU time :                                   1.50 sec.\n"));
	assert_non_null(strstr(t, "Max Memory :                                 3 MB\n"));
	assert_non_null(strstr(t, "\nThe output (if any) is above this job summary.\n"));
	free(t);
	js.idx = 0;
	r.exit_code = 3;
	t = jobreport_text(&js, &r);
	assert_non_null(strstr(t, "\nSubject: Job 12: <arr> Exited\n"));
	assert_non_null(strstr(t, "\nExited with exit code 3.\n"));
	free(t);
	r.exit_code = 0;
	r.reason = "TERM_NFS: output server unreachable for 6 s";
	t = jobreport_text(&js, &r);
	assert_non_null(strstr(t, "Exited with exit code 0.\nTERM_NFS: output server"));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_libnfs_url),
		cmocka_unit_test(test_join_and_subst),
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
