/*
 * jobsel.c - job id arguments as the commands take them: "123" (a job, or
 * a whole array), "123[4]" and "123[1-5,7]" (elements; quoted or not, the
 * shell hands us the same word). They become protocol SELs {id, idx}; the
 * index list is checked here and sent as written.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "cli.h"
#include "util.h"

/* Parses the leading job id; -1 when it is not a positive number. */
static long
jobsel_id(const char *s, const char **end)
{
	long id = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (id > (LONG_MAX - 9) / 10)
			return -1;
		id = id * 10 + (*s - '0');
	}
	*end = s;
	return id > 0 ? id : -1;
}

json_t *
jobsel_parse(const char *text)
{
	struct arrayspec a;
	const char *p;
	char err[256], *list;
	json_t *sel;
	size_t n;
	long id;
	int rc;

	if ((id = jobsel_id(text, &p)) < 0)
		return NULL;
	if (*p == '\0')
		return json_pack("{s:I}", "id", (json_int_t)id);
	n = strlen(p);
	if (*p != '[' || n < 3 || p[n - 1] != ']')
		return NULL;
	list = xstrndup(p + 1, n - 2);
	rc = arrayspec_parse_list(list, LONG_MAX, &a, err, sizeof(err));
	if (rc == 0)
		arrayspec_free(&a);
	if (rc < 0) {
		free(list);
		return NULL;
	}
	sel = json_pack("{s:I, s:s}", "id", (json_int_t)id, "idx", list);
	free(list);
	return sel;
}

json_t *
jobsel_parse_args(const char *cmd, int argc, char **argv)
{
	json_t *ids = json_array(), *sel;
	int i;

	for (i = 0; i < argc; i++) {
		if ((sel = jobsel_parse(argv[i])) == NULL) {
			fprintf(stderr, "%s: Illegal job ID.\n", argv[i]);
			json_decref(ids);
			return NULL;
		}
		json_array_append_new(ids, sel);
	}
	return ids;
}
