/* fuzz_cfg.c - libFuzzer target: cfg_parse_sections (and lsf.conf syntax)
 * on any text; errors must name the file and a line. A file that parses is
 * also read as lsf.shared's Resource and lsf.cluster's ResourceMap
 * tables (resmap.c), whose pools are then looked up. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsfconf.h"
#include "resmap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_resmap(const struct cfg_file *f)
{
	struct resmap rm;
	char err[256] = "";
	long total;

	resmap_init(&rm);
	if (resmap_shared(&rm, f, err, sizeof(err)) == 0 &&
	    resmap_cluster(&rm, f, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < rm.nres; i++)
			free(resmap_pool(&rm, rm.res[i].name, "node1", &total));
	} else if (strncmp(err, "f:", 2) != 0)
		abort();
	resmap_free(&rm);
}

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
		fuzz_resmap(&f);
		cfg_file_free(&f);
	} else if (strncmp(err, "f:", 2) != 0)
		abort();
	if (cfg_parse_lsfconf("f", s, &f, err, sizeof(err)) == 0)
		cfg_file_free(&f);
	free(s);
	return 0;
}
