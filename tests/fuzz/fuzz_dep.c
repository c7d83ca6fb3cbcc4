/* fuzz_dep.c - libFuzzer target: dep_parse, and the canonical text must
 * parse back to itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "depexpr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dep_value
fuzz_val(void *ctx, const struct dep_node *c)
{
	return (dep_value)((c->value + c->op) % 3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), *f, *g, err[256];
	struct dep_node *n, *m;

	if ((n = dep_parse(s, err, sizeof(err))) != NULL) {
		f = dep_format(n);
		if ((m = dep_parse(f, err, sizeof(err))) == NULL)
			abort();
		g = dep_format(m);
		if (strcmp(f, g) != 0)
			abort();
		if (dep_eval(n, fuzz_val, NULL) != dep_eval(m, fuzz_val, NULL))
			abort();
		free(f);
		free(g);
		dep_free(m);
		dep_free(n);
	} else if (strncmp(err, "Dependency condition syntax error", 33) != 0)
		abort();
	free(s);
	return 0;
}
