/*
 * msgcheck.c - strict checking of a message's fields (msgcheck.h).
 */
#include <stdio.h>
#include <string.h>

#include "msgcheck.h"
#include "util.h"

/* The names of types, in the order of their MF_* bits. */
static const char *const msgcheck_type_names[] = {
	"a string", "an integer", "true or false", "a list", "an object", "null",
	"a number",
};

static int
msgcheck_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return MF_STR;
	case JSON_INTEGER:
		return MF_INT;
	case JSON_TRUE:
	case JSON_FALSE:
		return MF_BOOL;
	case JSON_ARRAY:
		return MF_ARR;
	case JSON_OBJECT:
		return MF_OBJ;
	case JSON_NULL:
		return MF_NULL;
	case JSON_REAL:
		return MF_REAL;
	default:
		return 0;
	}
}

static const struct msgfield *
msgcheck_find(const struct msgfield *const *tabs, size_t ntab, const char *key)
{
	for (size_t t = 0; t < ntab; t++)
		for (const struct msgfield *f = tabs[t]; f->name != NULL; f++)
			if (strcmp(f->name, key) == 0)
				return f;
	return NULL;
}

/* "a string or an integer" for a mask. */
static void
msgcheck_describe(int types, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(msgcheck_type_names) / sizeof(msgcheck_type_names[0]); i++)
		if (types & (1 << i))
			n += (size_t)snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,
			    "%s%s", n > 0 ? " or " : "", msgcheck_type_names[i]);
}

int
msgcheck(const json_t *obj, const struct msgfield *const *tabs, size_t ntab,
    char *err, size_t errlen)
{
	const struct msgfield *f;
	const char *key;
	json_t *v;
	char want[128];

	if (!json_is_object(obj))
		return errf(err, errlen, "arguments must be an object");
	json_object_foreach((json_t *)obj, key, v) {
		if ((f = msgcheck_find(tabs, ntab, key)) == NULL)
			return errf(err, errlen, "unknown field '%s'", key);
		if ((msgcheck_type(v) & f->types) == 0) {
			msgcheck_describe(f->types, want, sizeof(want));
			return errf(err, errlen, "field '%s' must be %s", key, want);
		}
	}
	return 0;
}
