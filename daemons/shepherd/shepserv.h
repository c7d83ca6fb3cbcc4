/*
 * shepserv.h - pumice-shepherd -s: the agent's long-lived shepherd, which
 * forks a shepherd (shep_run) for each job the agent sends on fd 0.
 */
#ifndef PUMICE_SHEPSERV_H
#define PUMICE_SHEPSERV_H

#include <stddef.h>

/* Serves the agent on fd 0 until it is gone and every shepherd ended. */
int shepserv_run(const char *spool, char *err, size_t errlen);

#endif
