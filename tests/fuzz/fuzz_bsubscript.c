/* fuzz_bsubscript.c - libFuzzer target: bsubscript_parse on any text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "bsubscript.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), err[256];
	struct bsub_script b;
	int i;

	if (bsubscript_parse(s, &b, err, sizeof(err)) == 0) {
		for (i = 0; i < b.argc; i++)
			if (b.argv[i] == NULL || b.lines[i] < 1)
				abort();
		if (b.argv[b.argc] != NULL)
			abort();
		bsubscript_free(&b);
	}
	free(s);
	return 0;
}
