/*
 * envtab.h - interned job environments (envtab.c) and the compact submit
 * spec of a job (jobspec.c).
 */
#ifndef PUMICE_ENVTAB_H
#define PUMICE_ENVTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct envtab;
struct envent;
struct master;
struct job;
struct jevent;

/* Length of an environment id: the first 128 bits of the SHA-256 of its
 * canonical encoding, in hex. */
#define ENVTAB_ID_LEN 32

/* Reads the stored text of environment id (malloc'd), NULL if unknown. */
typedef char *(*envtab_load_fn)(void *arg, const char *id);
/* Stores environment id with its canonical text; -1 on error. */
typedef int (*envtab_put_fn)(void *arg, const char *id, const char *text);

struct envtab *envtab_new(envtab_load_fn load, void *arg);
void envtab_free(struct envtab *t);
/* The shared entry equal to env (an object of strings): a new reference. */
struct envent *envtab_intern(struct envtab *t, json_t *env);
/* The entry of id, loaded when not in memory: a new reference, or NULL. */
struct envent *envtab_get(struct envtab *t, const char *id);
/* True when id is in memory (held by a job, or waiting for the store). */
bool envtab_has(const struct envtab *t, const char *id);
void envent_release(struct envent *e);
const char *envent_id(const struct envent *e);
/* The environment, shared by every job that has it: never modify it. */
json_t *envent_env(const struct envent *e);
/* s interned: one copy of each distinct string, kept until envtab_free
 * (user, queue and host names: a few per cluster). */
const char *envtab_str(struct envtab *t, const char *s);
/* Distinct environments in memory. */
size_t envtab_count(const struct envtab *t);
/* Hands entries created by envtab_intern since the last call to put. */
int envtab_flush(struct envtab *t, envtab_put_fn put, void *arg);

/*
 * jobspec.c: a job's submit spec kept as one compact JSON text (no tree of
 * jansson objects) plus its interned environment.
 *
 * The scalars the job table keeps of it (struct jobspec_head) are read
 * from the text without jansson. Strings point into buf (NULL: absent or
 * not a string); integers absent or not integers are 0.
 */
struct jobspec_head {
	const char *name, *user, *queue, *from_host, *array, *dep, *env_id;
	long uid, gid, nslots, limit, begin_time, term_time;
	bool inline_env;	/* an "env" object (databases before envs) */
	size_t used;		/* of buf */
	char *heap;		/* buf when small is too small */
	char *buf;
	char small[512];
};
/* Reads the head of compact JSON object text; -1 if it is not one (h is
 * to be freed either way). Keys with escapes are none of its keys. */
int jobspec_head_read(const char *text, struct jobspec_head *h);
void jobspec_head_free(struct jobspec_head *h);
/*
 * The spec of a new job j from its submit event, and its head. Live (and
 * from history) ev->data is the tree: its inline "env" is interned and
 * becomes "env_id" (the event data is changed, so the store records the
 * id), then it is encoded. Replayed, ev->data is NULL and ev->text, the
 * event as stored, is kept as it is (an inline "env" from a database
 * before the envs table is interned as live); replay gives the text's
 * block (ev->text_own), which becomes the job's. -1: cannot be read.
 */
int jobspec_submit(struct master *m, struct job *j, const struct jevent *ev,
    struct jobspec_head *h);
/* s interned in m's table (envtab_str): never free it. */
const char *jobspec_str(struct master *m, const char *s);
/* The value of one top-level key of the spec (a new reference), or NULL. */
json_t *jobspec_get(const struct job *j, const char *key);
/* The text of one top-level value of j's spec, as it is (*start; its
 * length returned), or 0 and *start NULL. */
size_t jobspec_raw(const struct job *j, const char *key, const char **start);
/* Where the value of top-level key starts in compact JSON text, or NULL. */
const char *jobspec_find(const char *text, const char *key);
/* The spec of j decoded, borrowed until the next call: records of one
 * job (array elements) or of jobs alike decode it once. Never modify it. */
const json_t *jobspec_view(struct master *m, const struct job *j);
/* Frees what jobspec_view keeps. */
void jobspec_view_free(struct master *m);
/* The spec as a new tree, without the environment. */
json_t *jobspec_tree(const struct job *j);
/* Replaces the spec by tree (bmod, bswitch, requeue exclusions); the
 * environment stays. */
void jobspec_replace(struct job *j, json_t *tree);
/* The job's environment (shared, never modify), or NULL. */
json_t *jobspec_env(const struct job *j);
void jobspec_free(struct job *j);
/* Stores the environments interned since the last call (before the submit
 * events that name them). */
int jobspec_store_envs(struct master *m);
/* Deletes the stored environments that no event names any more (store.c's
 * store_envs_collect, with what is in memory): the number, or -1. */
int jobspec_collect_envs(struct master *m);

#endif
