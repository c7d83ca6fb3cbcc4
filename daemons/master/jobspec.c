/*
 * jobspec.c - a job's submit spec, kept compact.
 *
 * The submit event's data (cmd, cwd, out, opts, rlimits, ...) is needed
 * whole only when the job is sent to run, when its requirements are first
 * parsed and when a command asks for its record: it is kept as its compact
 * JSON text (a few hundred bytes) and decoded on demand, instead of a tree
 * of jansson objects (some 3 KB). Its environment, the bulk of it, is
 * interned (envtab.c) and shared by every job that has the same one.
 *
 * The text keeps "env_id", which names the environment in the store: the
 * text equals the submit event as stored (replay takes the stored text as
 * it is instead of encoding the tree again), and a tree given back to
 * jobspec_replace keeps naming the same environment. One top-level value
 * is read without decoding the rest (jobspec_get: the scheduler's
 * requirement key reads "opts" of every pending job at its first pass).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "envtab.h"
#include "log.h"
#include "master.h"
#include "util.h"

static char *
jobspec_load_env(void *arg, const char *id)
{
	return store_env_text(arg, id);
}

static int
jobspec_put_env(void *arg, const char *id, const char *text)
{
	return store_put_env(arg, id, text);
}

int
jobspec_store_envs(struct master *m)
{
	if (m->envs == NULL || m->store == NULL)
		return 0;
	return envtab_flush(m->envs, jobspec_put_env, m->store);
}

static bool
jobspec_env_live(void *arg, const char *id)
{
	return envtab_has(arg, id);
}

int
jobspec_collect_envs(struct master *m)
{
	if (m->store == NULL)
		return 0;
	return store_envs_collect(m->store, jobspec_env_live, m->envs);
}

static struct envtab *
jobspec_envtab(struct master *m)
{
	if (m->envs == NULL)
		m->envs = envtab_new(m->store ? jobspec_load_env : NULL, m->store);
	return m->envs;
}

const char *
jobspec_str(struct master *m, const char *s)
{
	return envtab_str(jobspec_envtab(m), s);
}

/* The environment an "env_id" names (replay: the text keeps the id). */
static struct envent *
jobspec_env_by_id(struct master *m, long id, const char *eid)
{
	struct envent *e;

	if (eid == NULL)
		return NULL;
	if ((e = envtab_get(jobspec_envtab(m), eid)) == NULL && m->store)
		log_warnx("job %ld: environment %s is not stored", id, eid);
	return e;
}

/* The environment of a submit event: an inline object is interned and
 * replaced by its id in data; an id is looked up. */
static struct envent *
jobspec_env_of(struct master *m, long id, json_t *data)
{
	json_t *env = json_object_get(data, "env");
	const char *eid = json_string_value(json_object_get(data, "env_id"));
	struct envent *e = NULL;

	if (json_is_object(env)) {
		e = envtab_intern(jobspec_envtab(m), env);
		json_object_del(data, "env");
		if (e != NULL)
			json_object_set_new(data, "env_id", json_string(envent_id(e)));
	} else
		e = jobspec_env_by_id(m, id, eid);
	return e;
}

/* Compact text in a block of its own size (json_dumps's buffer grows by
 * doubling, up to twice the text), among the jobs' blocks (jobslab.c). */
static char *
jobspec_encode(json_t *tree)
{
	char *text = json_dumps(tree, JSON_COMPACT), *fit;

	if (text == NULL)
		return NULL;
	fit = jobslab_strdup(text);
	free(text);
	return fit;
}

/* The spec's text as j's, from jobslab or (slab false) malloc's. */
static void
jobspec_set_text(struct job *j, char *text, bool slab)
{
	if (j->spec_slab)
		jobslab_free_str(j->spec_enc);
	else
		free(j->spec_enc);
	j->spec_enc = text;
	j->spec_slab = slab;
}

/* A submit as a tree (live, history, older databases): its environment
 * interned, then encoded; the scalars read back from the text, so that
 * every submit is read by the same code. */
static int
jobspec_submit_tree(struct master *m, struct job *j, json_t *tree,
    struct jobspec_head *h)
{
	char *text;

	j->env = jobspec_env_of(m, j->id, tree);
	if ((text = jobspec_encode(tree)) == NULL)
		return -1;
	jobspec_set_text(j, text, true);
	return jobspec_head_read(j->spec_enc, h);
}

/* A replayed submit's text, kept as it is: the event's own block when
 * replay gives it (a block of its size already), else a copy. */
static void
jobspec_submit_text(struct master *m, struct job *j, const struct jevent *ev,
    const struct jobspec_head *h)
{
	if (ev->text_own != NULL && *ev->text_own == ev->text) {
		jobspec_set_text(j, *ev->text_own, false);
		*ev->text_own = NULL;
	} else
		jobspec_set_text(j, jobslab_strdup(ev->text), true);
	j->env = jobspec_env_by_id(m, j->id, h->env_id);
}

int
jobspec_submit(struct master *m, struct job *j, const struct jevent *ev,
    struct jobspec_head *h)
{
	json_t *tree;
	int rc;

	h->heap = NULL;		/* freeable whatever fails */
	if (ev->data != NULL)
		return jobspec_submit_tree(m, j, ev->data, h);
	/* replay: the stored text is what encoding would give; it is kept as
	 * it is, and read without a tree */
	if (ev->text == NULL)
		return -1;
	if (jobspec_head_read(ev->text, h) == 0 && !h->inline_env) {
		jobspec_submit_text(m, j, ev, h);
		return 0;
	}
	jobspec_head_free(h);
	/* a database from before the envs table: the environment is inline */
	if ((tree = json_loads(ev->text, 0, NULL)) == NULL)
		return -1;
	rc = jobspec_submit_tree(m, j, tree, h);
	json_decref(tree);
	return rc;
}

/* End of the JSON string that starts at start (its opening quote): past
 * its closing quote, or at the text's end. A byte loop, not strchr: the
 * strings of a spec are short, and a restart reads millions of them. */
static const char *
jobspec_skip_string(const char *start)
{
	const char *p = start + 1;

	for (;;) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\' && p[1] != '\0')
			p++;	/* the escaped character is no quote */
		else if (*p == '\0')
			return p;
		p++;
	}
}

/* End of the JSON value that starts at p, in compact text. */
static const char *
jobspec_skip_value(const char *p)
{
	int depth = 0;

	while (*p != '\0') {
		if (*p == '"') {
			p = jobspec_skip_string(p);
			if (depth == 0)
				return p;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (depth == 0)		/* the enclosing object ends */
				return p;
			if (--depth == 0)
				return p + 1;
		} else if (*p == ',' && depth == 0)
			return p;
		p++;
	}
	return p;
}

/* Where the value of top-level key starts in compact JSON text, or NULL. */
const char *
jobspec_find(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text, *k, *end;

	if (p == NULL || *p++ != '{')
		return NULL;
	while (*p == '"') {
		k = p + 1;
		end = jobspec_skip_string(p);
		if (*end != ':')
			return NULL;
		if ((size_t)(end - 1 - k) == klen && memcmp(k, key, klen) == 0)
			return end + 1;
		p = jobspec_skip_value(end + 1);
		if (*p != ',')
			return NULL;
		p++;
	}
	return NULL;
}

/*
 * The scalars a job keeps of its submit spec, read from the text without
 * jansson: a restart reads a million of them. Strings are copied into
 * h->buf (an unescaped string is never longer than its JSON text, so the
 * text's length is enough for all of them).
 */
enum head_kind { HEAD_STR, HEAD_LONG, HEAD_ENV };

static const struct head_key {
	const char *key;
	size_t len;
	enum head_kind kind;
	size_t off;
} head_keys[] = {
#define HK(k, kind, f) { k, sizeof(k) - 1, kind, offsetof(struct jobspec_head, f) }
	HK("name", HEAD_STR, name),
	HK("user", HEAD_STR, user),
	HK("queue", HEAD_STR, queue),
	HK("from_host", HEAD_STR, from_host),
	HK("array", HEAD_STR, array),
	HK("dep", HEAD_STR, dep),
	HK("env_id", HEAD_STR, env_id),
	HK("uid", HEAD_LONG, uid),
	HK("gid", HEAD_LONG, gid),
	HK("nslots", HEAD_LONG, nslots),
	HK("limit", HEAD_LONG, limit),
	HK("begin_time", HEAD_LONG, begin_time),
	HK("term_time", HEAD_LONG, term_time),
	HK("env", HEAD_ENV, inline_env),
#undef HK
};

/* A string value (v .. end, quotes included) copied into h->buf, or NULL
 * when it is not a string; escapes are rare and left to jansson. */
static const char *
jobspec_head_str(struct jobspec_head *h, const char *v, const char *end)
{
	char *out = h->buf + h->used;
	size_t n = (size_t)(end - v) - 2;
	json_t *s;

	if (*v != '"' || end - v < 2 || end[-1] != '"')
		return NULL;
	if (memchr(v + 1, '\\', n) == NULL)
		memcpy(out, v + 1, n);
	else {
		s = json_loadb(v, (size_t)(end - v), JSON_DECODE_ANY, NULL);
		if (!json_is_string(s) || (n = json_string_length(s)) > (size_t)(end - v) - 2) {
			json_decref(s);
			return NULL;
		}
		memcpy(out, json_string_value(s), n);
		json_decref(s);
	}
	out[n] = '\0';
	h->used += n + 1;
	return out;
}

/* An integer value, 0 for anything else (as json_integer_value). */
static long
jobspec_head_long(const char *v, const char *end)
{
	char *e;
	long long x;

	if (*v != '-' && (*v < '0' || *v > '9'))
		return 0;
	x = strtoll(v, &e, 10);
	return e == end ? (long)x : 0;
}

static void
jobspec_head_set(struct jobspec_head *h, const char *k, size_t klen, const char *v,
    const char *end)
{
	size_t i;

	for (i = 0; i < nitems(head_keys); i++) {
		const struct head_key *hk = &head_keys[i];
		char *f = (char *)h + hk->off;

		if (hk->len != klen || hk->key[0] != k[0] || memcmp(hk->key, k, klen) != 0)
			continue;
		if (hk->kind == HEAD_STR)
			*(const char **)f = jobspec_head_str(h, v, end);
		else if (hk->kind == HEAD_LONG)
			*(long *)f = jobspec_head_long(v, end);
		else
			*(bool *)f = *v == '{';
		return;
	}
}

int
jobspec_head_read(const char *text, struct jobspec_head *h)
{
	size_t len = strlen(text);
	const char *p = text, *k, *end, *v;

	memset(h, 0, offsetof(struct jobspec_head, small));
	h->buf = len < sizeof(h->small) ? h->small : (h->heap = xmalloc(len + 1));
	if (*p++ != '{')
		return -1;
	while (*p == '"') {
		k = p + 1;
		end = jobspec_skip_string(p);
		if (*end != ':')
			return -1;
		v = end + 1;
		if ((p = jobspec_skip_value(v)) == v)
			return -1;
		/* compared as bytes: a key written with escapes is none of ours
		 * (ours have no backslash, and jansson escapes no letter) */
		jobspec_head_set(h, k, (size_t)(end - 1 - k), v, p);
		if (*p == '}')
			return 0;
		if (*p++ != ',')
			return -1;
	}
	return *p == '}' ? 0 : -1;
}

void
jobspec_head_free(struct jobspec_head *h)
{
	free(h->heap);
	h->heap = NULL;
	h->buf = h->small;
}

size_t
jobspec_raw(const struct job *j, const char *key, const char **start)
{
	const char *v = jobspec_find(j->spec_enc, key);

	*start = v;
	return v != NULL ? (size_t)(jobspec_skip_value(v) - v) : 0;
}

json_t *
jobspec_get(const struct job *j, const char *key)
{
	const char *v = jobspec_find(j->spec_enc, key);

	if (v == NULL)
		return NULL;
	return json_loadb(v, strlen(v), JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, NULL);
}

json_t *
jobspec_tree(const struct job *j)
{
	json_t *t = j->spec_enc ? json_loads(j->spec_enc, 0, NULL) : NULL;

	return t != NULL ? t : json_object();
}

const json_t *
jobspec_view(struct master *m, const struct job *j)
{
	const char *text = j->spec_enc ? j->spec_enc : "";

	if (m->spec_memo_text == NULL || strcmp(m->spec_memo_text, text) != 0) {
		jobspec_view_free(m);
		m->spec_memo = jobspec_tree(j);
		m->spec_memo_text = xstrdup(text);
	}
	return m->spec_memo;
}

void
jobspec_view_free(struct master *m)
{
	json_decref(m->spec_memo);
	m->spec_memo = NULL;
	free(m->spec_memo_text);
	m->spec_memo_text = NULL;
}

void
jobspec_replace(struct job *j, json_t *tree)
{
	char *text;

	json_object_del(tree, "env");	/* stays the interned one */
	if ((text = jobspec_encode(tree)) == NULL)
		return;
	jobspec_set_text(j, text, true);
}

json_t *
jobspec_env(const struct job *j)
{
	return j->env ? envent_env(j->env) : NULL;
}

void
jobspec_free(struct job *j)
{
	jobspec_set_text(j, NULL, false);
	envent_release(j->env);
	j->env = NULL;
}
