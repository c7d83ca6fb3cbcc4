/*
 * jsonout.c - the -json output of the query commands other than bjobs
 * (beyond LSF: our own structured output for scripts): the reply's data
 * object with "COMMAND" added, indented, keys in a stable order.
 */
#include <stdio.h>

#include "cli.h"

void
cli_print_json(FILE *fp, const char *cmd, const json_t *data)
{
	json_t *out = json_deep_copy(data);

	if (!json_is_object(out)) {
		json_decref(out);
		out = json_object();
	}
	json_object_set_new(out, "COMMAND", json_string(cmd));
	json_dumpf(out, fp, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', fp);
	json_decref(out);
}
