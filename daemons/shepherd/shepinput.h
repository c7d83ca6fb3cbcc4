/*
 * shepinput.h - a workflow step's input (bflow(1)): the results of the
 * steps it waited on, which the master puts in the run order
 * ("flow_input", JSON text), written to a file of the job's whose path
 * the job finds in $PUMICE_FLOW_INPUT.
 */
#ifndef PUMICE_SHEPINPUT_H
#define PUMICE_SHEPINPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#define SHEPINPUT_ENV "PUMICE_FLOW_INPUT"
#define SHEPINPUT_FILE "input.json"

/* Writes spec's flow_input to jobdir/input.json, the job user's (mode
 * 0400); the path, or NULL: no input (err ""), or err says why. */
char *shepinput_write(const char *jobdir, const json_t *spec, uid_t uid,
    gid_t gid, bool as_other, char *err, size_t errlen);

#endif
