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
 * text equals the submit event as stored, and a tree given back to
 * jobspec_replace keeps naming the same environment.
 */
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

int
jobspec_submit(struct master *m, struct job *j, json_t *data)
{
	j->env = jobspec_env_of(m, j->id, data);
	j->spec_enc = json_dumps(data, JSON_COMPACT);
	return j->spec_enc != NULL ? 0 : -1;
}

json_t *
jobspec_tree(const struct job *j)
{
	json_t *t = j->spec_enc ? json_loads(j->spec_enc, 0, NULL) : NULL;

	return t != NULL ? t : json_object();
}

void
jobspec_replace(struct job *j, json_t *tree)
{
	char *text;

	json_object_del(tree, "env");	/* stays the interned one */
	if ((text = json_dumps(tree, JSON_COMPACT)) == NULL)
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
