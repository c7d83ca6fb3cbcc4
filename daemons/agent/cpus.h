/*
 * cpus.h - which cpus a job may use on this node. The node has ncpus slots
 * (pretended or real); a job with n slots here gets n free slot numbers,
 * and slot k runs on the (k mod m)-th of the m cpus the agent itself may
 * use, so a node pretending more cores than it has wraps around.
 */
#ifndef PUMICE_CPUS_H
#define PUMICE_CPUS_H

#include <stddef.h>
#include <jansson.h>

/*
 * Picks n slots of 0..nslots-1 not in used[0..nused), lowest first, into
 * out; returns how many (fewer than n when the node is oversubscribed: the
 * rest reuse the lowest slots).
 */
int cpus_pick(const int *used, size_t nused, int nslots, int n, int *out);
/*
 * Adds "slots" and "cpus" for n slots to spec (a JOBSPEC about to be
 * spooled), given the slots the other jobs in spool/jobs hold.
 */
void cpus_assign(json_t *spec, const char *spool, int nslots, int n);

#endif
