/*
 * shep.h - the shepherd's work for one job (pumice-shepherd's main calls
 * it): run the job of a spool directory and record how it ended.
 */
#ifndef PUMICE_SHEP_H
#define PUMICE_SHEP_H

#include <stddef.h>

/* Runs the job in jobdir to its end; 0 once its status is recorded. */
int shep_run(const char *jobdir, char *err, size_t errlen);

#endif
