/*
 * bsubrlim.h - what bsub records of the submitter's process for the job:
 * the umask and the soft resource limits (SUBMIT umask, rlimits in
 * proto.h), which the shepherd applies before the job starts.
 */
#ifndef PUMICE_BSUBRLIM_H
#define PUMICE_BSUBRLIM_H

#include <jansson.h>

/* Sets "umask" and "rlimits" in the SUBMIT object sub. */
void bsubrlim_add(json_t *sub);

#endif
