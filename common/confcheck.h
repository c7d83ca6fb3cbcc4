/*
 * confcheck.h - badmin ckconfig's check of a whole configuration: every
 * error and warning in one run, each "file:line: message". Reads the same
 * files as conf_load and checks them against the key table (conftab.h).
 */
#ifndef PUMICE_CONFCHECK_H
#define PUMICE_CONFCHECK_H

#include <jansson.h>

/* Appends to errors and warnings (JSON arrays of strings) everything
 * found under envdir; an error means conf_load or reconfig would refuse. */
void confcheck(const char *envdir, json_t *errors, json_t *warnings);

#endif
