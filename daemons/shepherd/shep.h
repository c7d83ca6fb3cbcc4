/*
 * shep.h - the shepherd's work for one job (pumice-shepherd's main calls
 * it): run the job of a spool directory and record how it ended.
 */
#ifndef PUMICE_SHEP_H
#define PUMICE_SHEP_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Runs the job in jobdir to its end; 0 once its status is recorded.
 * server: the long-lived shepherd that forked this one and tells the
 * agent of its end (shepserv.c), or 0. The done marker that wakes the
 * agent is made only when no server will tell: 0, or the server died
 * (this shepherd was reparented).
 */
int shep_run(const char *jobdir, pid_t server, char *err, size_t errlen);

#endif
