/*
 * token.c - the HTTP API's per-user tokens (btoken, op "token"): a user
 * on the master's host makes one for themself, is shown it once, and
 * hands it to a tool as "Authorization: Bearer TOKEN" (http.c). The
 * master keeps only its SHA-256, recorded as an event of job 0 ("token",
 * "token_revoke") so that tokens survive a restart the way badmin hclose
 * does, and applied through event.c's table live and at replay.
 * A token is 32 random bytes (OpenSSL's RAND_bytes), written "pmt_" and
 * 64 hex digits: a search of its hash is a table lookup, and guessing
 * one is out of reach.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "log.h"
#include "master.h"
#include "proto.h"
#include "util.h"

#define TOKEN_PREFIX "pmt_"
#define TOKEN_MAX 16		/* tokens a user may hold */

static void
token_hash(const char *token, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (!EVP_Digest(token, strlen(token), md, &n, EVP_sha256(), NULL) || n != 32)
		fatalx("SHA-256 failed");
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static json_t *
token_table(struct master *m)
{
	if (m->tokens == NULL)
		m->tokens = json_object();
	return m->tokens;
}

static size_t
token_count(struct master *m, const char *user)
{
	const char *h;
	json_t *v;
	size_t n = 0;

	json_object_foreach(token_table(m), h, v)
		n += strcmp(json_string_value(json_object_get(v, "user")), user) == 0;
	return n;
}

/* Events "token" {user, hash, time} and "token_revoke" {user}. */
int
token_apply(struct master *m, struct job *none, const struct jevent *ev,
    char *err, size_t errlen)
{
	const char *user = proto_str(ev->data, "user"), *hash = proto_str(ev->data, "hash");
	json_t *t = token_table(m);
	const char *h;
	json_t *v;
	void *tmp;

	(void)none;
	if (user == NULL)
		return errf(err, errlen, "%s event without a user", ev->type);
	if (strcmp(ev->type, "token") == 0) {
		if (hash == NULL || strlen(hash) != 64)
			return errf(err, errlen, "token event without a hash");
		json_object_set_new(t, hash, json_pack("{s:s, s:I}", "user", user,
		    "time", (json_int_t)ev->when));
		return 0;
	}
	json_object_foreach_safe(t, tmp, h, v)
		if (strcmp(json_string_value(json_object_get(v, "user")), user) == 0)
			json_object_del(t, h);
	return 0;
}

const char *
token_user(struct master *m, const char *token)
{
	char hash[65];
	json_t *v;

	if (token == NULL || strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0 ||
	    strlen(token) != strlen(TOKEN_PREFIX) + 64)
		return NULL;
	token_hash(token, hash);
	v = json_object_get(token_table(m), hash);
	return v ? json_string_value(json_object_get(v, "user")) : NULL;
}

static void
token_create(struct master *m, struct reqctx *rq)
{
	unsigned char raw[32];
	char token[sizeof(TOKEN_PREFIX) + 64], hash[65];
	size_t i;

	if (token_count(m, rq->user) >= TOKEN_MAX)
		return control_reply(m, rq, false, NULL, "rejected", "%s holds %d "
		    "tokens already; revoke them first (btoken -d)", rq->user, TOKEN_MAX);
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return control_reply(m, rq, false, NULL, "internal", "no random bytes");
	memcpy(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX));
	for (i = 0; i < sizeof(raw); i++)
		snprintf(token + strlen(TOKEN_PREFIX) + 2 * i, 3, "%02x", raw[i]);
	token_hash(token, hash);
	if (job_event(m, 0, 0, "token", json_pack("{s:s, s:s}", "user", rq->user,
	    "hash", hash)) < 0)
		return control_reply(m, rq, false, NULL, "internal", "could not be recorded");
	/* after the commit, as every reply: the token works once it is shown */
	control_reply(m, rq, true, json_pack("{s:s, s:s}", "token", token, "user",
	    rq->user), NULL, NULL);
}

/* op "token" {action: "create" | "revoke" | "count"}: the caller's own. */
void
token_op(struct master *m, struct reqctx *rq, json_t *args)
{
	const char *action = proto_str(args, "action");
	size_t n;

	if (rq->rid >= 0 || rq->reply_fn != NULL)	/* the token must not travel */
		return control_reply(m, rq, false, NULL, "denied", "tokens are made "
		    "on the master host only");
	if (action == NULL || strcmp(action, "create") == 0)
		return token_create(m, rq);
	n = token_count(m, rq->user);
	if (strcmp(action, "count") == 0)
		return control_reply(m, rq, true, json_pack("{s:s, s:I}", "user", rq->user,
		    "tokens", (json_int_t)n), NULL, NULL);
	if (strcmp(action, "revoke") != 0)
		return control_reply(m, rq, false, NULL, "rejected", "unknown action %s",
		    action);
	if (n > 0 && job_event(m, 0, 0, "token_revoke", json_pack("{s:s}", "user",
	    rq->user)) < 0)
		return control_reply(m, rq, false, NULL, "internal", "could not be recorded");
	control_reply(m, rq, true, json_pack("{s:s, s:I}", "user", rq->user,
	    "revoked", (json_int_t)n), NULL, NULL);
}

void
token_free(struct master *m)
{
	json_decref(m->tokens);
	m->tokens = NULL;
}
