/*
 * result.h - a job's outcome record (issue 16): a small JSON object the job
 * leaves in $PUMICE_RESULT or sets with bresult(1). One parser for every
 * side (the shepherd reads the file, the master checks bresult's request,
 * the CLI reads paths into it), so the limit and the wording of a refusal
 * are the same everywhere.
 */
#ifndef PUMICE_RESULT_H
#define PUMICE_RESULT_H

#include <stddef.h>
#include <jansson.h>

#define RESULT_MAX (64 * 1024)	/* bytes of JSON text, as written */
#define RESULT_ENV "PUMICE_RESULT"
#define RESULT_FILE "result.json"

/*
 * The object in text (len bytes); NULL with the reason in err: over
 * RESULT_MAX, not JSON ("invalid JSON: ... at line L, column C"), or
 * JSON that is not an object.
 */
json_t *result_parse(const char *text, size_t len, char *err, size_t errlen);
/* The compact text kept and sent for obj (reals as short as round-trips). */
char *result_text(const json_t *obj);
/*
 * The value at a dotted path ("loss", "metrics.acc", "scores.0": a number
 * indexes an array), borrowed from obj; NULL when it has none. An empty
 * path is obj itself.
 */
const json_t *result_path(const json_t *obj, const char *path);
/* A value as one line of text: a string as it is, anything else as compact
 * JSON; NULL for no value. */
char *result_value_text(const json_t *v);
/* The number a value stands for (a number, or a string that is one):
 * 0, or -1 when it is none. */
int result_number(const json_t *v, double *d);

#endif
