/*
 * testlib.c - helpers shared by the unit tests (testlib.h); linked into
 * every test binary, and failing the running cmocka test on error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testlib.h"
#include "util.h"

void
tl_put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name), *d = xstrdup(path);
	FILE *fp;

	*strrchr(d, '/') = '\0';
	assert_int_equal(mkdir_p(d, 0755), 0);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	free(path);
	free(d);
}
