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
	} else if (eid != NULL) {
		if ((e = envtab_get(jobspec_envtab(m), eid)) == NULL && m->store)
			log_warnx("job %ld: environment %s is not stored", id, eid);
	}
	return e;
}

/* Compact text in a block of its own size: json_dumps's buffer grows by
 * doubling, up to twice the text, for as long as the job lives. */
static char *
jobspec_encode(json_t *tree)
{
	char *text = json_dumps(tree, JSON_COMPACT), *fit;

	if (text == NULL)
		return NULL;
	fit = xstrdup(text);
	free(text);
	return fit;
}

int
jobspec_submit(struct master *m, struct job *j, json_t *data)
{
	bool inline_env = json_object_get(data, "env") != NULL;

	j->env = jobspec_env_of(m, j->id, data);
	if (m->replay_text != NULL && !inline_env)
		j->spec_enc = xstrdup(m->replay_text);	/* what dumps would give */
	else
		j->spec_enc = jobspec_encode(data);
	return j->spec_enc != NULL ? 0 : -1;
}

/* End of the JSON string that starts at p (its opening quote). */
static const char *
jobspec_skip_string(const char *p)
{
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p != '\0' ? p + 1 : p;
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

/* One scalar at p (ending at end): a plain string or an integer directly,
 * anything else (escapes, reals) through jansson. */
static json_t *
jobspec_scalar(const char *p, const char *end)
{
	char *e;
	long long v;

	if (*p == '"' && memchr(p + 1, '\\', (size_t)(end - p - 1)) == NULL)
		return json_stringn(p + 1, (size_t)(end - p - 2));
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		v = strtoll(p, &e, 10);
		if (e == end)
			return json_integer(v);
	}
	return json_loadb(p, (size_t)(end - p), JSON_DECODE_ANY, NULL);
}

json_t *
jobspec_scalars(const char *text)
{
	const char *p = text, *k, *end, *v;
	json_t *o = json_object(), *x;

	if (*p++ != '{')
		goto fail;
	while (*p == '"') {
		k = p + 1;
		end = jobspec_skip_string(p);
		if (*end != ':' || memchr(k, '\\', (size_t)(end - 1 - k)) != NULL)
			goto fail;
		v = end + 1;
		p = jobspec_skip_value(v);
		if (*v == '{' && end - 1 - k == 3 && memcmp(k, "env", 3) == 0)
			goto fail;	/* an inline environment: decode it whole */
		if (*v != '{' && *v != '[') {
			if ((x = jobspec_scalar(v, p)) == NULL)
				goto fail;
			json_object_setn_new_nocheck(o, k, (size_t)(end - 1 - k), x);
		}
		if (*p == '}')
			return o;
		if (*p++ != ',')
			goto fail;
	}
	if (*p == '}')
		return o;
fail:
	json_decref(o);
	return NULL;
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
	free(j->spec_enc);
	j->spec_enc = text;
}

json_t *
jobspec_env(const struct job *j)
{
	return j->env ? envent_env(j->env) : NULL;
}

void
jobspec_free(struct job *j)
{
	free(j->spec_enc);
	j->spec_enc = NULL;
	envent_release(j->env);
	j->env = NULL;
}
