/*
 * outconf.h - the lsf.conf keys about job output, added by the agent to
 * the JOBSPEC it spools so that the shepherd (which reads only the spool)
 * sees them: PUMICE_OUTPUT_DIR, PUMICE_NFS_SPOOL_MAX, PUMICE_NFS_TIMEOUT,
 * PUMICE_NFS_DEADLINE.
 */
#ifndef PUMICE_OUTCONF_H
#define PUMICE_OUTCONF_H

#include <jansson.h>

struct conf;

/*
 * A copy of spec with "pumice": {nfs_spool_max (bytes), nfs_timeout,
 * nfs_deadline (seconds)} and, when the job has no -o and
 * PUMICE_OUTPUT_DIR is set, out = "<dir>/%J.%I.out".
 */
json_t *outconf_spec(const struct conf *c, const json_t *spec);

#endif
