/* fuzz_cfg.c - libFuzzer target: cfg_parse_sections (and lsf.conf syntax)
 * on any text; errors must name the file and a line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsfconf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), err[256];
	struct cfg_file f;
	size_t i, j;

	if (cfg_parse_sections("f", s, &f, err, sizeof(err)) == 0) {
		for (i = 0; i < f.nsec; i++) {
			for (j = 0; j < f.sec[i].nkv; j++)
				(void)cfg_section_get(&f.sec[i], f.sec[i].kv[j].key);
			for (j = 0; j < f.sec[i].ncols; j++)
				if (cfg_table_col(&f.sec[i], f.sec[i].cols[j]) < 0)
					abort();
		}
		cfg_file_free(&f);
	} else if (strncmp(err, "f:", 2) != 0)
		abort();
	if (cfg_parse_lsfconf("f", s, &f, err, sizeof(err)) == 0)
		cfg_file_free(&f);
	free(s);
	return 0;
}
