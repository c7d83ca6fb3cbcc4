/* fuzz_arrayspec.c - libFuzzer target: arrayspec_parse; position and index
 * lookups must agree, and the formatted list must parse to the same spec. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct arrayspec *a)
{
	struct arrayspec b;
	char *f = arrayspec_format(a);
	long i, step = a->count > 64 ? a->count / 64 : 1;

	if (a->nr > 0) {
		if (arrayspec_parse_list(f, 0, &b, NULL, 0) != 0 || b.count != a->count)
			abort();
		arrayspec_free(&b);
	}
	for (i = 0; i < a->count; i += step)
		if (arrayspec_pos(a, arrayspec_at(a, i)) != i)
			abort();
	free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), err[256];
	struct arrayspec a;

	if (arrayspec_parse(s, size > 0 && data[0] & 1 ? 1000 : 0, &a, err,
	    sizeof(err)) == 0) {
		fuzz_check(&a);
		arrayspec_free(&a);
	}
	free(s);
	return 0;
}
