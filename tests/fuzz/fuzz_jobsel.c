/* fuzz_jobsel.c - libFuzzer target: the commands' job id arguments
 * ("123", "123[1-5,7]"). A word that parses is a SEL with a positive id
 * whose idx, when present, is the bracketed text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	json_t *sel, *idx;
	const char *br;

	if ((sel = jobsel_parse(s)) != NULL) {
		if (json_integer_value(json_object_get(sel, "id")) <= 0)
			abort();
		idx = json_object_get(sel, "idx");
		br = strchr(s, '[');
		if ((idx != NULL) != (br != NULL))
			abort();
		if (idx != NULL && strncmp(br + 1, json_string_value(idx),
		    strlen(json_string_value(idx))) != 0)
			abort();
		json_decref(sel);
	}
	free(s);
	return 0;
}
