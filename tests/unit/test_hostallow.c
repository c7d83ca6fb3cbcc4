/*
 * test_hostallow.c - who may register: anyone without PUMICE_HOSTS_ALLOW;
 * with it, lsf.cluster's hosts, names matching a glob, addresses in a
 * listed address or network (IPv4 and IPv6), nothing for a bad prefix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/hostallow.h"
#include "schedconf.h"

static const struct {
	const char *allow[3];
	const char *name, *peer;
	bool ok;
} cases[] = {
	{ { NULL }, "anyone", "192.0.2.9:4000", true },
	{ { "node*" }, "node3", "192.0.2.9:4000", true },
	{ { "node*" }, "NODE4", "192.0.2.9:4000", true },
	{ { "node*" }, "intruder", "192.0.2.9:4000", false },
	{ { "10.1.2.0/24" }, "x", "10.1.2.7:5555", true },
	{ { "10.1.2.0/24" }, "x", "10.1.3.7:5555", false },
	{ { "127.0.0.1" }, "x", "127.0.0.1:1", true },
	{ { "127.0.0.1" }, "x", "127.0.0.2:1", false },
	{ { "fd00::/8" }, "x", "[fd12::1]:80", true },
	{ { "fd00::/8" }, "x", "[fe80::1]:80", false },
	{ { "fd00::/8" }, "x", "10.0.0.1:80", false },
	{ { "10.0.0.0/33" }, "x", "10.0.0.1:80", false },
	{ { "10.0.0.0/8", "pi?" }, "pi1", "192.0.2.1:80", true },
	{ { "10.0.0.0/8", "pi?" }, "pi12", "192.0.2.1:80", false },
	{ { "pi*" }, "head", "192.0.2.1:80", true },	/* in lsf.cluster */
};

static void
test_cases(void **state)
{
	struct schedconf_host configured = { .name = "head" };
	struct schedconf sc = { .hosts = &configured, .nhosts = 1 };
	char why[256];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (n = 0; n < 3 && cases[i].allow[n] != NULL; n++)
			;
		why[0] = '\0';
		if (hostallow_ok((char *const *)cases[i].allow, n, &sc, cases[i].name,
		    cases[i].peer, why, sizeof(why)) != cases[i].ok)
			fail_msg("case %zu (%s from %s): %s", i, cases[i].name, cases[i].peer,
			    cases[i].ok ? "refused" : "allowed");
		if (!cases[i].ok && strstr(why, "PUMICE_HOSTS_ALLOW") == NULL)
			fail_msg("case %zu: no reason: '%s'", i, why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
