/*
 * auth.h - the cluster key and the HMAC challenge-response that proves an
 * agent (and the master) hold it. mac = HMAC-SHA256(key, role "|" nonce "|"
 * host), hex. Nonces are 32 random bytes, hex; no timestamps.
 */
#ifndef PUMICE_AUTH_H
#define PUMICE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_KEY_MAX 256
#define AUTH_NONCE_HEX 65
#define AUTH_MAC_HEX 65

struct auth_key {
	uint8_t data[AUTH_KEY_MAX];
	size_t len;
};

/* Loads a key file (raw or hex bytes, 16..256); refuses group/other access. */
int auth_key_load(const char *path, struct auth_key *key, char *err, size_t errlen);
/* Makes a new random key file (hex, mode 0600). */
int auth_key_create(const char *path, char *err, size_t errlen);
int auth_nonce(char out[AUTH_NONCE_HEX]);
void auth_mac(const struct auth_key *key, const char *role, const char *nonce,
    const char *host, char out[AUTH_MAC_HEX]);
/* Constant-time comparison of an expected mac with a received one. */
int auth_mac_ok(const char *expected, const char *got);

#endif
