/* fuzz_units.c - libFuzzer target: LSF sizes and run limits. A parsed size
 * is monotonic in its unit (the same text in a larger default unit never
 * gives less), never wraps, and formats; a limit is never negative. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "units.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_units[] = { "KB", "MB", "GB", "TB", "PB", "EB" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), err[256], buf[64];
	uint64_t kb, prev = 0;
	long sec;
	size_t i;
	int ok, prev_ok = 0;

	for (i = 0; i < nitems(fuzz_units); i++) {
		ok = units_parse_size(s, fuzz_units[i], &kb, err, sizeof(err)) == 0;
		if (ok) {
			if (prev_ok && kb < prev)
				abort();
			units_format_kb(kb, buf, sizeof(buf));
			prev = kb;
		}
		prev_ok = ok;
	}
	(void)units_parse_size(s, "bogus", &kb, err, sizeof(err));
	if (units_parse_minutes(s, &sec, err, sizeof(err)) == 0 && sec < 0)
		abort();
	free(s);
	return 0;
}
