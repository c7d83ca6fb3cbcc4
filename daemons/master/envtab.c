/*
 * envtab.c - interned job environments.
 *
 * bsub sends the submitter's whole environment with every job (-env all,
 * the default), so jobs submitted from one shell carry the same 40-odd
 * variables: as a jansson tree that is some 10 KB a job. Here each
 * distinct environment is kept once, refcounted, shared by every job that
 * has it, and stored once (the store's envs table; a submit event names it
 * by its id). The id is the first 128 bits of the SHA-256 of the canonical
 * encoding (compact JSON, keys sorted), in hex, so equal environments get
 * equal ids in memory and on disk, across restarts.
 *
 * Invariants: a shared environment object is never modified (jobs that
 * change theirs would get a new entry); an entry lives while a job holds
 * it or while it waits on the unflushed list for the store to get it.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "envtab.h"
#include "log.h"
#include "util.h"

struct envent {
	struct envtab *tab;
	char id[ENVTAB_ID_LEN + 1];
	json_t *env;
	char *text;		/* canonical text until the store has it */
	long refs;
	struct envent *hnext;	/* hash chain */
	struct envent *unext;	/* unflushed list */
};

struct envtab {
	struct envent **hash;
	size_t size, count;
	struct envent *unflushed;
	struct envent *last;	/* interned or got last: the next job's is
				   often the same */
	envtab_load_fn load;
	void *load_arg;
	struct envstr **strs;	/* interned strings, open hashing */
	size_t nstrs, strs_size;
};

struct envstr {
	struct envstr *next;
	char s[];
};

struct envtab *
envtab_new(envtab_load_fn load, void *arg)
{
	struct envtab *t = xcalloc(1, sizeof(*t));

	t->load = load;
	t->load_arg = arg;
	return t;
}

/* Bucket of an id: its first 16 hex digits are already well spread. */
static size_t
envtab_bucket(const struct envtab *t, const char *id)
{
	char head[17];

	memcpy(head, id, 16);
	head[16] = '\0';
	return (size_t)strtoull(head, NULL, 16) & (t->size - 1);
}

static struct envent *
envtab_find(const struct envtab *t, const char *id)
{
	struct envent *e;

	if (t->size == 0 || strlen(id) != ENVTAB_ID_LEN)
		return NULL;
	for (e = t->hash[envtab_bucket(t, id)]; e != NULL; e = e->hnext)
		if (strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

static void
envtab_grow(struct envtab *t)
{
	struct envent **old = t->hash, *e, *next;
	size_t osize = t->size, i, h;

	t->size = osize ? osize * 2 : 64;
	t->hash = xcalloc(t->size, sizeof(*t->hash));
	for (i = 0; i < osize; i++)
		for (e = old[i]; e != NULL; e = next) {
			next = e->hnext;
			h = envtab_bucket(t, e->id);
			e->hnext = t->hash[h];
			t->hash[h] = e;
		}
	free(old);
}

/* A new entry of env (stolen) with one reference. */
static struct envent *
envtab_add(struct envtab *t, const char *id, json_t *env)
{
	struct envent *e = xcalloc(1, sizeof(*e));
	size_t h;

	if (t->count + 1 > t->size)
		envtab_grow(t);
	e->tab = t;
	memcpy(e->id, id, ENVTAB_ID_LEN + 1);
	e->env = env;
	e->refs = 1;
	h = envtab_bucket(t, id);
	e->hnext = t->hash[h];
	t->hash[h] = e;
	t->count++;
	return e;
}

static void
envtab_hex_sha256(const char *text, char out[ENVTAB_ID_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL) || n != 32)
		fatalx("envtab: SHA-256 failed");
	for (unsigned int i = 0; i < ENVTAB_ID_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[ENVTAB_ID_LEN] = '\0';
}

/* The jobs of a pack, or of a loop from one shell, have equal environments:
 * compared with the last one, they cost neither an encoding nor a hash
 * (whose transient blocks, one a job, would leave holes between the
 * blocks the jobs keep). */
struct envent *
envtab_intern(struct envtab *t, json_t *env)
{
	char *text;
	char id[ENVTAB_ID_LEN + 1];
	struct envent *e;

	if (t->last != NULL && json_equal(t->last->env, env)) {
		t->last->refs++;
		return t->last;
	}
	if ((text = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return NULL;
	envtab_hex_sha256(text, id);
	if ((e = envtab_find(t, id)) != NULL) {
		free(text);
		e->refs++;
		t->last = e;
		return e;
	}
	e = envtab_add(t, id, json_incref(env));
	e->text = text;
	e->refs++;		/* the unflushed list's */
	e->unext = t->unflushed;
	t->unflushed = e;
	t->last = e;
	return e;
}

bool
envtab_has(const struct envtab *t, const char *id)
{
	return t != NULL && envtab_find(t, id) != NULL;
}

struct envent *
envtab_get(struct envtab *t, const char *id)
{
	struct envent *e;
	char *text;
	json_t *env;

	/* replay: consecutive jobs mostly name the same one */
	if (t->last != NULL && strcmp(t->last->id, id) == 0)
		e = t->last;
	else
		e = envtab_find(t, id);
	if (e != NULL) {
		e->refs++;
		t->last = e;
		return e;
	}
	if (t->load == NULL || strlen(id) != ENVTAB_ID_LEN ||
	    (text = t->load(t->load_arg, id)) == NULL)
		return NULL;
	env = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_object(env)) {
		log_warnx("environment %s: stored text is not an object", id);
		json_decref(env);
		return NULL;
	}
	return t->last = envtab_add(t, id, env);
}

static void
envtab_unlink(struct envtab *t, struct envent *e)
{
	struct envent **pp = &t->hash[envtab_bucket(t, e->id)];

	if (t->last == e)
		t->last = NULL;
	for (; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			t->count--;
			return;
		}
}

void
envent_release(struct envent *e)
{
	if (e == NULL || --e->refs > 0)
		return;
	envtab_unlink(e->tab, e);
	json_decref(e->env);
	free(e->text);
	free(e);
}

const char *
envent_id(const struct envent *e)
{
	return e->id;
}

json_t *
envent_env(const struct envent *e)
{
	return e->env;
}

static size_t
envtab_str_hash(const char *s, size_t size)
{
	size_t h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h & (size - 1);
}

static void
envtab_str_grow(struct envtab *t)
{
	size_t nsize = t->strs_size ? t->strs_size * 2 : 64, i;
	struct envstr **nh = xcalloc(nsize, sizeof(*nh)), *e, *next;

	for (i = 0; i < t->strs_size; i++)
		for (e = t->strs[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nh[envtab_str_hash(e->s, nsize)];
			nh[envtab_str_hash(e->s, nsize)] = e;
		}
	free(t->strs);
	t->strs = nh;
	t->strs_size = nsize;
}

const char *
envtab_str(struct envtab *t, const char *s)
{
	struct envstr *e;
	size_t h, len = strlen(s);

	if (t->strs_size > 0)
		for (e = t->strs[envtab_str_hash(s, t->strs_size)]; e; e = e->next)
			if (strcmp(e->s, s) == 0)
				return e->s;
	if (t->nstrs + 1 > t->strs_size)
		envtab_str_grow(t);
	e = xmalloc(sizeof(*e) + len + 1);
	memcpy(e->s, s, len + 1);
	h = envtab_str_hash(s, t->strs_size);
	e->next = t->strs[h];
	t->strs[h] = e;
	t->nstrs++;
	return e->s;
}

size_t
envtab_count(const struct envtab *t)
{
	return t->count;
}

int
envtab_flush(struct envtab *t, envtab_put_fn put, void *arg)
{
	struct envent *e;
	int rc = 0;

	while ((e = t->unflushed) != NULL) {
		if (put != NULL && put(arg, e->id, e->text) < 0)
			rc = -1;
		t->unflushed = e->unext;
		free(e->text);
		e->text = NULL;
		envent_release(e);
	}
	return rc;
}

void
envtab_free(struct envtab *t)
{
	size_t i;

	if (t == NULL)
		return;
	envtab_flush(t, NULL, NULL);
	for (i = 0; i < t->size; i++) {
		struct envent *e, *next;
		for (e = t->hash[i]; e != NULL; e = next) {
			next = e->hnext;
			json_decref(e->env);
			free(e->text);
			free(e);
		}
	}
	free(t->hash);
	for (i = 0; i < t->strs_size; i++) {
		struct envstr *s, *next;
		for (s = t->strs[i]; s != NULL; s = next) {
			next = s->next;
			free(s);
		}
	}
	free(t->strs);
	free(t);
}
