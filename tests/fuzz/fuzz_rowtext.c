/* fuzz_rowtext.c - libFuzzer target: a page of the row encoding as bjobs
 * decodes it from the master (jobpages_rows_text: lines split in place,
 * escapes undone, hosts split, opts decoded, range lines expanded) and
 * prints it in the default table, -w, and every -o field as text and
 * -json. The first line of the input names the columns (tab-separated),
 * the rest is the page. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jobrow.h"
#include "rowtext.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_out {
	FILE *null;
	struct jobfmt_cols *cols;
	json_t *records;
	size_t rows;
};

static int
fuzz_rows(struct jobrow *rows, size_t n, void *arg)
{
	struct fuzz_out *o = arg;
	struct jobfmt f = { false, false, true, false };

	jobfmt_table_rows(o->null, rows, n, &f);
	f.wide = f.short_hosts = true;
	jobfmt_table_rows(o->null, rows, n, &f);
	jobfmt_cols_print_rows(o->null, o->cols, rows, n, false);
	jobfmt_cols_records_rows(o->cols, rows, n, o->records);
	json_array_clear(o->records);
	o->rows += n;
	return o->rows >= 20000;	/* a range of a billion stops here */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_out o;
	char *text = xmalloc(size + 1), *nl, *p, *name, err[256];
	json_t *cols = json_array();

	if (o.null == NULL) {
		o.null = fopen("/dev/null", "w");
		o.cols = jobfmt_cols_all();
		o.records = json_array();
		if (o.null == NULL)
			abort();
	}
	o.rows = 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = memchr(text, '\n', size);
	if (nl != NULL) {
		*nl = '\0';
		for (p = text; (name = strsep(&p, "\t")) != NULL;) {
			json_t *v = json_string(name);	/* NULL: not UTF-8 */

			json_array_append_new(cols, v ? v : json_string("?"));
		}
		err[0] = '\0';
		if (jobpages_rows_text(nl + 1, size - (size_t)(nl + 1 - text), cols,
		    fuzz_rows, &o, err, sizeof(err)) < 0 && err[0] == '\0')
			abort();
	}
	json_decref(cols);
	free(text);
	return 0;
}
