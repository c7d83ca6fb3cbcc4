/*
 * result.c - parsing, encoding and reading paths of a job's outcome record
 * (result.h). The record is kept as compact JSON text: jansson prints a
 * real with 17 digits (0.93 as 0.93000000000000005), so the text is made
 * with 15 and kept only when it reads back equal, else with 17.
 */
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "util.h"

json_t *
result_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *v;

	if (len > RESULT_MAX) {
		errf(err, errlen, "result of %zu bytes is over the limit of %d bytes",
		    len, RESULT_MAX);
		return NULL;
	}
	if ((v = json_loadb(text, len, JSON_DECODE_ANY, &jerr)) == NULL) {
		errf(err, errlen, "invalid JSON: %s at line %d, column %d", jerr.text,
		    jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		errf(err, errlen, "invalid result: a JSON object {...} is expected");
		return NULL;
	}
	return v;
}

char *
result_text(const json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_t *back = text ? json_loads(text, 0, NULL) : NULL;

	if (back == NULL || !json_equal(back, (json_t *)obj)) {
		free(text);
		text = json_dumps(obj, JSON_COMPACT);
	}
	json_decref(back);
	return text;
}

/* Item k of array v when word is a decimal index, else NULL. */
static const json_t *
result_item(const json_t *v, const char *word, size_t n)
{
	size_t i, k = 0;

	if (n == 0 || n > 9)
		return NULL;
	for (i = 0; i < n; i++) {
		if (word[i] < '0' || word[i] > '9')
			return NULL;
		k = k * 10 + (size_t)(word[i] - '0');
	}
	return json_array_get(v, k);
}

const json_t *
result_path(const json_t *obj, const char *path)
{
	const json_t *v = obj;
	const char *dot;
	size_t n;

	while (v != NULL && *path != '\0') {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (json_is_object(v))
			v = json_object_getn(v, path, n);
		else if (json_is_array(v))
			v = result_item(v, path, n);
		else
			v = NULL;
		path += n + (dot != NULL);
	}
	return v;
}

char *
result_value_text(const json_t *v)
{
	if (v == NULL)
		return NULL;
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_object(v))
		return result_text(v);
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
}

int
result_number(const json_t *v, double *d)
{
	const char *s;
	char *end;

	if (json_is_number(v)) {
		*d = json_number_value(v);
		return 0;
	}
	if ((s = json_string_value(v)) == NULL || *s == '\0')
		return -1;
	*d = strtod(s, &end);
	return *end == '\0' ? 0 : -1;
}
