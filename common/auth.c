/*
 * auth.c - cluster key handling and HMAC proofs, on Nettle (HMAC-SHA256,
 * constant-time compare) and the kernel's getrandom: not on libcrypto,
 * whose start-up alone costs every agent ~3.5 MB of resident pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/random.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>

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
	explicit_bzero(buf, len);
	free(buf);
	if (n < 16)
		return errf(err, errlen, "%s: key too short (%d bytes, need 16)", path, n);
	key->len = (size_t)n;
	return 0;
}

/* n bytes from the kernel's random pool (blocks only before it is seeded). */
static int
auth_random(uint8_t *out, size_t n)
{
	ssize_t r;
	size_t got = 0;

	while (got < n) {
		if ((r = getrandom(out + got, n - got, 0)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
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
	struct hmac_sha256_ctx ctx;
	uint8_t md[SHA256_DIGEST_SIZE];
	char *msg = xasprintf("%s|%s|%s", role, nonce, host);

	hmac_sha256_set_key(&ctx, key->len, key->data);
	hmac_sha256_update(&ctx, strlen(msg), (const uint8_t *)msg);
	hmac_sha256_digest(&ctx, sizeof(md), md);
	explicit_bzero(&ctx, sizeof(ctx));
	free(msg);
	hex_encode(md, sizeof(md), out);
}

int
auth_mac_ok(const char *expected, const char *got)
{
	size_t n = strlen(expected);

	if (got == NULL || strlen(got) != n)
		return 0;
	return memeql_sec(expected, got, n) != 0;
}
