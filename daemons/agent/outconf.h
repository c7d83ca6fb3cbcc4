/*
 * outconf.h - the lsf.conf keys about job output, added by the agent to
 * the JOBSPEC it spools so that the shepherd (which reads only the spool)
 * sees them: PUMICE_OUTPUT_DIR, PUMICE_NFS_SPOOL_MAX, PUMICE_NFS_TIMEOUT,
 * PUMICE_NFS_DEADLINE.
 */
#ifndef PUMICE_OUTCONF_H
#define PUMICE_OUTCONF_H

#include "jobspec.h"

struct conf;

/*
 * Sets l's nfs_spool_max (bytes), nfs_timeout and nfs_deadline (seconds)
 * from lsf.conf (0: not set); returns "<PUMICE_OUTPUT_DIR>/%J.%I.out"
 * (malloc'd; l->out_default for a job without -o) or NULL when that key
 * is not set.
 */
char *outconf_local(const struct conf *c, struct jobspec_local *l);

#endif
