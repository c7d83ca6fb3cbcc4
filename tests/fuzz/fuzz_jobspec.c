/* fuzz_jobspec.c - libFuzzer target: the agent's JOBSPEC decoding (the
 * "run" message's job) and the file name patterns it substitutes in
 * -o, -e, -i and -cwd. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jobspec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_subst(const struct jobspec *js, const char *tmpl)
{
	char *s;

	if (tmpl == NULL)
		return;
	if ((s = jobspec_subst(js, tmpl)) == NULL)
		abort();
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, 0, NULL);
	struct jobspec js;
	char err[256];

	if (j == NULL)
		return 0;
	if (jobspec_parse(j, &js, err, sizeof(err)) == 0) {
		if (js.cmd == NULL || js.user == NULL)
			abort();
		fuzz_subst(&js, js.out);
		fuzz_subst(&js, js.err);
		fuzz_subst(&js, js.cwd);
		fuzz_subst(&js, js.stdin_file);
		fuzz_subst(&js, js.name);
	} else if (err[0] == '\0')
		abort();
	json_decref(j);
	return 0;
}
