/*
 * auth.c - cluster key handling and HMAC proofs, on libsodium (HMAC-SHA256,
 * its random bytes, constant-time compare, wiping): not on libcrypto,
 * whose start-up alone costs every agent ~3.5 MB of resident pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "util.h"

int
auth_key_load(const char *path, struct auth_key *key, char *err, size_t errlen)
{
	struct stat st;
	size_t len;
	char *buf;
	int n;

	if (stat(path, &st) < 0)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	if (st.st_mode & 077)
		return errf(err, errlen, "%s: key file must not be readable by group or others (mode %03o)",
		    path, st.st_mode & 0777);
	if ((buf = file_read_all(path, &len)) == NULL)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	n = hex_decode(buf, key->data, sizeof(key->data));
	if (n < 0) {
		if (len > sizeof(key->data))
			len = sizeof(key->data);
		memcpy(key->data, buf, len);
		n = (int)len;
	}
	sodium_memzero(buf, len);
	free(buf);
	if (n < 16)
		return errf(err, errlen, "%s: key too short (%d bytes, need 16)", path, n);
	key->len = (size_t)n;
	return 0;
}

/* n random bytes; libsodium is set up on first use (idempotent). */
static int
auth_random(uint8_t *out, size_t n)
{
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(out, n);
	return 0;
}

int
auth_key_create(const char *path, char *err, size_t errlen)
{
	uint8_t raw[32];
	char hex[65];

	if (auth_random(raw, sizeof(raw)) < 0)
		return errf(err, errlen, "no randomness for a cluster key");
	hex_encode(raw, sizeof(raw), hex);
	hex[64] = '\n';
	if (file_write_atomic(path, hex, 65, 0600) < 0)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	return 0;
}

int
auth_nonce(char out[AUTH_NONCE_HEX])
{
	uint8_t raw[32];

	if (auth_random(raw, sizeof(raw)) < 0)
		return -1;
	hex_encode(raw, sizeof(raw), out);
	return 0;
}

void
auth_mac(const struct auth_key *key, const char *role, const char *nonce,
    const char *host, char out[AUTH_MAC_HEX])
{
	crypto_auth_hmacsha256_state st;
	uint8_t md[crypto_auth_hmacsha256_BYTES];
	char *msg = xasprintf("%s|%s|%s", role, nonce, host);

	crypto_auth_hmacsha256_init(&st, key->data, key->len);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, md);
	sodium_memzero(&st, sizeof(st));
	free(msg);
	hex_encode(md, sizeof(md), out);
}

int
auth_mac_ok(const char *expected, const char *got)
{
	size_t n = strlen(expected);

	if (got == NULL || strlen(got) != n)
		return 0;
	return sodium_memcmp(expected, got, n) == 0;
}
