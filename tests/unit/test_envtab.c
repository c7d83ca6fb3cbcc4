/*
 * test_envtab.c - interned environments (envtab.c) and the compact submit
 * spec (jobspec.c): equal environments share one entry whatever their key
 * order, different ones do not, entries go when their last holder does,
 * a new entry is handed to the store once, a stored one is loaded back by
 * its id; a submit's inline env becomes env_id, one top-level value of
 * the compact text is found without decoding the rest, and the scalars a
 * job keeps (its head) are read from the text alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/master/envtab.h"
#include "../../daemons/master/master.h"

static json_t *
env_of(const char *text)
{
	json_t *e = json_loads(text, 0, NULL);

	assert_non_null(e);
	return e;
}

static void
test_equal_envs_share_one_entry(void **state)
{
	struct envtab *t = envtab_new(NULL, NULL);
	json_t *a = env_of("{\"A\":\"1\",\"B\":\"2\"}");
	json_t *b = env_of("{\"B\":\"2\",\"A\":\"1\"}");	/* other order */
	json_t *c = env_of("{\"A\":\"1\",\"B\":\"3\"}");
	struct envent *ea = envtab_intern(t, a), *eb = envtab_intern(t, b);
	struct envent *ec = envtab_intern(t, c);

	assert_ptr_equal(ea, eb);
	assert_ptr_not_equal(ea, ec);
	assert_int_equal(strlen(envent_id(ea)), ENVTAB_ID_LEN);
	assert_string_not_equal(envent_id(ea), envent_id(ec));
	assert_ptr_equal(envent_env(ea), a);	/* the first one is kept */
	assert_int_equal(envtab_count(t), 2);
	envtab_flush(t, NULL, NULL);
	envent_release(ea);
	assert_int_equal(envtab_count(t), 2);	/* eb still holds it */
	envent_release(eb);
	envent_release(ec);
	assert_int_equal(envtab_count(t), 0);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	envtab_free(t);
}

/* The last entry interned is compared first (a pack's jobs): an equal
 * environment shares it, and once it is gone it is not compared again. */
static void
test_last_entry_shortcut(void **state)
{
	struct envtab *t = envtab_new(NULL, NULL);
	json_t *a = env_of("{\"A\":\"1\",\"B\":\"2\"}");
	json_t *b = env_of("{\"B\":\"2\",\"A\":\"1\"}");
	json_t *c = env_of("{\"A\":\"1\"}");
	struct envent *ea = envtab_intern(t, a), *ec = envtab_intern(t, c);
	struct envent *eb = envtab_intern(t, b);	/* last is c's: hashed */
	char id[ENVTAB_ID_LEN + 1];

	assert_ptr_equal(ea, eb);
	assert_ptr_not_equal(ea, ec);
	assert_ptr_equal(envtab_intern(t, a), ea);	/* last: a's */
	strcpy(id, envent_id(ea));
	envtab_flush(t, NULL, NULL);
	envent_release(ea);
	envent_release(ea);
	envent_release(eb);
	assert_false(envtab_has(t, id));		/* freed, and not last */
	eb = envtab_intern(t, b);
	assert_string_equal(envent_id(eb), id);
	assert_true(envtab_has(t, id));
	envent_release(eb);
	envent_release(ec);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	envtab_free(t);
}

/* A two-slot store for the flush and load callbacks. */
struct fakestore {
	int nput;
	char id[ENVTAB_ID_LEN + 1];
	char *text;
};

static int
fake_put(void *arg, const char *id, const char *text)
{
	struct fakestore *s = arg;

	s->nput++;
	snprintf(s->id, sizeof(s->id), "%s", id);
	free(s->text);
	s->text = strdup(text);
	return 0;
}

static char *
fake_load(void *arg, const char *id)
{
	struct fakestore *s = arg;

	return strcmp(id, s->id) == 0 ? strdup(s->text) : NULL;
}

static void
test_flush_once_then_load_by_id(void **state)
{
	struct fakestore fs = { 0 };
	struct envtab *t = envtab_new(fake_load, &fs), *t2;
	json_t *a = env_of("{\"HOME\":\"/h\",\"PATH\":\"/bin\"}");
	struct envent *e1 = envtab_intern(t, a), *e2, *e3;

	assert_int_equal(envtab_flush(t, fake_put, &fs), 0);
	assert_int_equal(fs.nput, 1);
	e2 = envtab_intern(t, a);
	assert_int_equal(envtab_flush(t, fake_put, &fs), 0);
	assert_int_equal(fs.nput, 1);	/* known: not handed again */
	assert_string_equal(fs.text, "{\"HOME\":\"/h\",\"PATH\":\"/bin\"}");
	/* a restarted master: loaded by id, equal content */
	t2 = envtab_new(fake_load, &fs);
	e3 = envtab_get(t2, envent_id(e1));
	assert_non_null(e3);
	assert_true(json_equal(envent_env(e3), a));
	assert_null(envtab_get(t2, "0123"));
	assert_null(envtab_get(t2, "00000000000000000000000000000000"));
	envent_release(e3);
	envtab_free(t2);
	envent_release(e1);
	envent_release(e2);
	envtab_free(t);
	json_decref(a);
	free(fs.text);
}

static void
test_find_top_level_values(void **state)
{
	static const struct {
		const char *text, *key, *want;	/* want: the rest from the value */
	} cases[] = {
		{ "{\"a\":1,\"b\":\"x\"}", "b", "\"x\"}" },
		{ "{\"a\":{\"b\":2},\"b\":3}", "b", "3}" },	/* not the nested one */
		{ "{\"s\":\"q\\\"b\\\":\",\"b\":[1,{\"c\":\"]\"}]}", "b",
		  "[1,{\"c\":\"]\"}]}" },
		{ "{\"a\":[{\"x\":[]}],\"opts\":{\"R\":\"y\"}}", "opts", "{\"R\":\"y\"}}" },
		{ "{\"a\":true,\"b\":null}", "b", "null}" },
		{ "{\"a\":1}", "b", NULL },
		{ "{}", "a", NULL },
		{ "[1]", "a", NULL },
		{ "{\"a\":\"unterminated", "b", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *v = jobspec_find(cases[i].text, cases[i].key);
		if (cases[i].want == NULL)
			assert_null(v);
		else {
			assert_non_null(v);
			assert_string_equal(v, cases[i].want);
		}
	}
}

static void
test_head_reads_scalars_without_a_tree(void **state)
{
	struct jobspec_head h;

	assert_int_equal(jobspec_head_read("{\"name\":\"a\\\"b\",\"uid\":-5,"
	    "\"opts\":{\"user\":\"no\",\"R\":\"x\\\\\"},\"nslots\":1.5,"
	    "\"gid\":true,\"xs\":[\"queue\"],\"user\":\"u\\u00e9\",\"queue\":\"q\","
	    "\"limit\":7,\"env_id\":\"ab\",\"dep\":null}", &h), 0);
	assert_string_equal(h.name, "a\"b");	/* escapes decoded */
	assert_string_equal(h.user, "u\xc3\xa9");	/* not the nested "user" */
	assert_string_equal(h.queue, "q");
	assert_string_equal(h.env_id, "ab");
	assert_int_equal(h.uid, -5);
	assert_int_equal(h.limit, 7);
	assert_int_equal(h.nslots, 0);	/* not an integer: 0, as jansson's */
	assert_int_equal(h.gid, 0);
	assert_null(h.dep);		/* not a string */
	assert_null(h.array);		/* absent */
	assert_false(h.inline_env);
	assert_null(h.heap);
	jobspec_head_free(&h);
	assert_int_equal(jobspec_head_read("{}", &h), 0);
	assert_null(h.name);
	jobspec_head_free(&h);
	/* an inline environment (older databases) is noticed */
	assert_int_equal(jobspec_head_read("{\"a\":1,\"env\":{\"X\":\"1\"}}", &h), 0);
	assert_true(h.inline_env);
	jobspec_head_free(&h);
	assert_int_equal(jobspec_head_read("{\"a\":1", &h), -1);
	jobspec_head_free(&h);
	assert_int_equal(jobspec_head_read("[1]", &h), -1);
	jobspec_head_free(&h);
	assert_int_equal(jobspec_head_read("{\"a\":}", &h), -1);
	jobspec_head_free(&h);
}

/* Strings longer than the head's own buffer go to the heap, all of them. */
static void
test_head_long_text(void **state)
{
	struct jobspec_head h;
	char text[5000], name[1500], cmd[1500];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memset(cmd, 'c', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"cmd\":\"%s\",\"name\":\"%s\","
	    "\"user\":\"%s\"}", cmd, name, name);
	assert_int_equal(jobspec_head_read(text, &h), 0);
	assert_non_null(h.heap);
	assert_string_equal(h.name, name);
	assert_string_equal(h.user, name);
	jobspec_head_free(&h);
}

/* jobspec_submit of a live submit (the tree), as job_apply_submit does. */
static int
submit_tree(struct master *m, struct job *j, json_t *data)
{
	struct jevent ev = { .id = 1, .type = "submit", .when = 10, .data = data };
	struct jobspec_head h;
	int rc = jobspec_submit(m, j, &ev, &h);

	jobspec_head_free(&h);
	return rc;
}

static void
test_submit_interns_and_decodes(void **state)
{
	struct master m;
	struct job j1, j2;
	json_t *d1 = env_of("{\"cmd\":\"true\",\"env\":{\"X\":\"1\"},"
	    "\"opts\":{\"R\":\"mem>1\"}}");
	json_t *d2 = env_of("{\"cmd\":\"false\",\"env\":{\"X\":\"1\"}}");
	json_t *t, *v;

	memset(&m, 0, sizeof(m));
	memset(&j1, 0, sizeof(j1));
	memset(&j2, 0, sizeof(j2));
	assert_int_equal(submit_tree(&m, &j1, d1), 0);
	assert_int_equal(submit_tree(&m, &j2, d2), 0);
	assert_ptr_equal(jobspec_env(&j1), jobspec_env(&j2));	/* shared */
	assert_null(json_object_get(d1, "env"));	/* the store gets the id */
	assert_string_equal(json_string_value(json_object_get(d1, "env_id")),
	    envent_id(j1.env));
	t = jobspec_tree(&j1);
	assert_string_equal(json_string_value(json_object_get(t, "cmd")), "true");
	assert_null(json_object_get(t, "env"));
	json_object_set_new(t, "queue", json_string("short"));
	jobspec_replace(&j1, t);
	json_decref(t);
	v = jobspec_get(&j1, "opts");
	assert_string_equal(json_string_value(json_object_get(v, "R")), "mem>1");
	json_decref(v);
	v = jobspec_get(&j1, "queue");
	assert_string_equal(json_string_value(v), "short");
	json_decref(v);
	assert_string_equal(json_string_value(json_object_get(jobspec_env(&j1), "X")),
	    "1");
	jobspec_free(&j1);
	jobspec_free(&j2);
	envtab_free(m.envs);
	json_decref(d1);
	json_decref(d2);
}

/* What job_event does with a submit, without the loop. */
static void
submit_live(struct master *m, long id, json_t *data)
{
	char err[256];

	assert_int_equal(job_apply(m, id, 0, "submit", 10, data, err, sizeof(err)), 0);
	assert_int_equal(jobspec_store_envs(m), 0);
	assert_int_equal(store_append(m->store, id, 0, "submit", 10, data), 0);
}

/* A database of the previous version (inline "env" in each submit) and
 * one of this version (env_id) replay to the same environments. */
static void
test_replay_old_and_new_shapes(void **state)
{
	char dir[64], err[256], cmd[128];
	struct store *s;
	struct master m;
	struct job *j1, *j2, *j3;
	json_t *old = env_of("{\"name\":\"a\",\"cmd\":\"a\",\"user\":\"u\","
	    "\"queue\":\"q\",\"env\":{\"V\":\"old\"}}");
	json_t *nw = env_of("{\"name\":\"b\",\"cmd\":\"b\",\"user\":\"u\","
	    "\"queue\":\"q\",\"env\":{\"V\":\"new\"}}");
	json_t *nw2 = json_deep_copy(nw);

	snprintf(dir, sizeof(dir), "/tmp/pumice-envtab-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_non_null(s = store_open(dir, err, sizeof(err)));
	assert_int_equal(store_append(s, 1, 0, "submit", 10, old), 0);
	/* this version: the apply turns env into env_id, then it is stored */
	memset(&m, 0, sizeof(m));
	master_init(&m);
	m.store = s;
	submit_live(&m, 2, nw);
	submit_live(&m, 3, nw2);
	assert_null(json_object_get(nw, "env"));
	assert_int_equal(store_commit(s), 0);
	job_free_all(&m);
	/* restart */
	memset(&m, 0, sizeof(m));
	master_init(&m);
	m.store = s;
	assert_int_equal(job_replay(&m, err, sizeof(err)), 0);
	assert_non_null(j1 = job_find(&m, 1));
	assert_non_null(j2 = job_find(&m, 2));
	assert_non_null(j3 = job_find(&m, 3));
	assert_string_equal(json_string_value(json_object_get(jobspec_env(j1), "V")),
	    "old");
	assert_string_equal(json_string_value(json_object_get(jobspec_env(j2), "V")),
	    "new");
	assert_ptr_equal(jobspec_env(j2), jobspec_env(j3));
	job_free_all(&m);
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	json_decref(old);
	json_decref(nw);
	json_decref(nw2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_envs_share_one_entry),
		cmocka_unit_test(test_last_entry_shortcut),
		cmocka_unit_test(test_flush_once_then_load_by_id),
		cmocka_unit_test(test_find_top_level_values),
		cmocka_unit_test(test_head_reads_scalars_without_a_tree),
		cmocka_unit_test(test_head_long_text),
		cmocka_unit_test(test_submit_interns_and_decodes),
		cmocka_unit_test(test_replay_old_and_new_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
