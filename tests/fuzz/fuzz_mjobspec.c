/* fuzz_mjobspec.c - libFuzzer target: the master's reader of stored job
 * specs (jobspec_head_read, jobspec_find), which scans compact JSON text
 * without jansson. Any text is scanned safely; on a JSON object, encoded
 * as the master stores it, every field read must equal jansson's. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "envtab.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_strs[] = {
	"name", "user", "queue", "from_host", "array", "dep", "env_id",
};
static const char *const fuzz_longs[] = {
	"uid", "gid", "nslots", "limit", "begin_time", "term_time",
};

static void
fuzz_same_str(const char *got, const json_t *want)
{
	if (json_is_string(want) ? got == NULL || strcmp(got, json_string_value(want)) != 0 :
	    got != NULL)
		abort();
}

/* Reads text as the master does and checks it against tree. */
static void
fuzz_compare(const char *text, const json_t *tree)
{
	struct jobspec_head h;
	const char *strs[nitems(fuzz_strs)];
	long longs[nitems(fuzz_longs)];
	size_t i;

	if (jobspec_head_read(text, &h) != 0)
		abort();
	strs[0] = h.name, strs[1] = h.user, strs[2] = h.queue, strs[3] = h.from_host;
	strs[4] = h.array, strs[5] = h.dep, strs[6] = h.env_id;
	longs[0] = h.uid, longs[1] = h.gid, longs[2] = h.nslots, longs[3] = h.limit;
	longs[4] = h.begin_time, longs[5] = h.term_time;
	for (i = 0; i < nitems(fuzz_strs); i++)
		fuzz_same_str(strs[i], json_object_get(tree, fuzz_strs[i]));
	for (i = 0; i < nitems(fuzz_longs); i++)
		if (longs[i] != (long)json_integer_value(json_object_get(tree, fuzz_longs[i])))
			abort();
	if (h.inline_env != json_is_object(json_object_get(tree, "env")))
		abort();
	jobspec_head_free(&h);
}

/* jobspec_find: every top-level key's value is the one jansson holds. */
static void
fuzz_find(const char *text, json_t *tree)
{
	const char *key, *v;
	json_t *val, *got;

	json_object_foreach(tree, key, val) {
		if ((v = jobspec_find(text, key)) == NULL) {
			if (strchr(key, '\\') == NULL && strchr(key, '"') == NULL &&
			    strlen(key) == strcspn(key, "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b"
			    "\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
			    "\x1d\x1e\x1f\x7f"))
				abort();
			continue;
		}
		got = json_loadb(v, strlen(v), JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, NULL);
		if (!json_equal(got, val))
			abort();
		json_decref(got);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), *text;
	struct jobspec_head h;
	json_t *tree;
	size_t i;

	(void)jobspec_head_read(s, &h);
	jobspec_head_free(&h);
	for (i = 0; i < nitems(fuzz_strs); i++)
		(void)jobspec_find(s, fuzz_strs[i]);
	tree = json_loads(s, 0, NULL);
	if (json_is_object(tree) && (text = json_dumps(tree, JSON_COMPACT)) != NULL) {
		fuzz_compare(text, tree);
		fuzz_find(text, tree);
		free(text);
	}
	json_decref(tree);
	free(s);
	return 0;
}
