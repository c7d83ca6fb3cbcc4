/*
 * test_auth.c - cluster key files and HMAC proofs (auth.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth.h"

static char tdir[64], kpath[96];

static int
setup(void **state)
{
	strcpy(tdir, "/tmp/test_auth.XXXXXX");
	if (mkdtemp(tdir) == NULL)
		return -1;
	snprintf(kpath, sizeof(kpath), "%s/cluster.key", tdir);
	return 0;
}

static int
teardown(void **state)
{
	unlink(kpath);
	return rmdir(tdir);
}

static void
write_key(const char *text, int mode)
{
	FILE *fp = fopen(kpath, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(kpath, (mode_t)mode), 0);
}

static void
test_create_load(void **state)
{
	struct auth_key k1, k2;
	struct stat st;
	char err[256];

	assert_int_equal(auth_key_create(kpath, err, sizeof(err)), 0);
	assert_int_equal(stat(kpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	if (auth_key_load(kpath, &k1, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(k1.len, 32);
	assert_int_equal(auth_key_load(kpath, &k2, err, sizeof(err)), 0);
	assert_memory_equal(k1.data, k2.data, 32);
	/* A second key differs. */
	assert_int_equal(auth_key_create(kpath, err, sizeof(err)), 0);
	assert_int_equal(auth_key_load(kpath, &k2, err, sizeof(err)), 0);
	assert_memory_not_equal(k1.data, k2.data, 32);
}

static void
test_load_forms(void **state)
{
	struct auth_key k;
	char err[256];

	write_key("00112233445566778899aabbccddeeff\n", 0600);	/* hex */
	assert_int_equal(auth_key_load(kpath, &k, err, sizeof(err)), 0);
	assert_int_equal(k.len, 16);
	assert_int_equal(k.data[15], 0xff);
	write_key("a raw passphrase, not hex", 0400);	/* raw bytes */
	assert_int_equal(auth_key_load(kpath, &k, err, sizeof(err)), 0);
	assert_int_equal(k.len, 25);
	assert_memory_equal(k.data, "a raw passphrase", 16);
}

static void
test_load_bad(void **state)
{
	struct auth_key k;
	char err[256];

	assert_int_equal(auth_key_load(kpath, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	write_key("00112233445566778899aabbccddeeff", 0640);
	assert_int_equal(auth_key_load(kpath, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "must not be readable by group or others (mode 640)"));
	write_key("00112233445566778899aabbccddeeff", 0604);
	assert_int_equal(auth_key_load(kpath, &k, err, sizeof(err)), -1);
	write_key("short", 0600);
	assert_int_equal(auth_key_load(kpath, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key too short (5 bytes, need 16)"));
	write_key("0011223344556677\n", 0600);	/* 8 hex bytes */
	assert_int_equal(auth_key_load(kpath, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key too short (8 bytes, need 16)"));
}

static void
test_mac(void **state)
{
	struct auth_key k = { .len = 16 }, k2 = { .len = 16 };
	char n1[AUTH_NONCE_HEX], n2[AUTH_NONCE_HEX];
	char m1[AUTH_MAC_HEX], m2[AUTH_MAC_HEX];

	memset(k.data, 7, 16);
	memset(k2.data, 8, 16);
	assert_int_equal(auth_nonce(n1), 0);
	assert_int_equal(auth_nonce(n2), 0);
	assert_int_equal(strlen(n1), 64);
	assert_string_not_equal(n1, n2);
	auth_mac(&k, "agent", n1, "pi1", m1);
	assert_int_equal(strlen(m1), 64);
	auth_mac(&k, "agent", n1, "pi1", m2);
	assert_string_equal(m1, m2);
	assert_true(auth_mac_ok(m1, m2));
	auth_mac(&k, "master", n1, "pi1", m2);	/* role matters */
	assert_false(auth_mac_ok(m1, m2));
	auth_mac(&k, "agent", n2, "pi1", m2);	/* nonce matters */
	assert_false(auth_mac_ok(m1, m2));
	auth_mac(&k, "agent", n1, "pi2", m2);	/* host matters */
	assert_false(auth_mac_ok(m1, m2));
	auth_mac(&k2, "agent", n1, "pi1", m2);	/* key matters */
	assert_false(auth_mac_ok(m1, m2));
	assert_false(auth_mac_ok(m1, NULL));
	assert_false(auth_mac_ok(m1, ""));
	memcpy(m2, m1, 63);	/* all but the last hex digit */
	m2[63] = '\0';
	assert_false(auth_mac_ok(m1, m2));	/* a prefix is not enough */
}

/* Matches `printf 'a|b|c' | openssl dgst -sha256 -hmac Jefe`. */
static void
test_mac_vector(void **state)
{
	struct auth_key k = { .len = 4 };
	char mac[AUTH_MAC_HEX];

	memcpy(k.data, "Jefe", 4);
	/* message "a|b|c" */
	auth_mac(&k, "a", "b", "c", mac);
	assert_string_equal(mac,
	    "107893728ee1080530d77483edfdd7f785299c054feadd3ec7748c81a71eff54");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_bad, setup, teardown),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_mac_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
