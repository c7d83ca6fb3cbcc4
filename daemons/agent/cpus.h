/*
 * cpus.h - which cpus a job may use on this node. The node has ncpus slots
 * (pretended or real); a job with n slots here gets n free slot numbers,
 * and slot k runs on the (k mod m)-th of the m cpus the agent itself may
 * use, so a node pretending more cores than it has wraps around.
 */
#ifndef PUMICE_CPUS_H
#define PUMICE_CPUS_H

#include <stddef.h>
#include "jobspec.h"

/*
 * Picks n slots of 0..nslots-1 not in used[0..nused), lowest first, into
 * out; returns how many (fewer than n when the node is oversubscribed: the
 * rest reuse the lowest slots).
 */
int cpus_pick(const int *used, size_t nused, int nslots, int n, int *out);
/*
 * Sets l's slots and cpus (malloc'd) for n slots of a job about to be
 * spooled, given the slots used[0..nused) the running jobs hold.
 */
void cpus_assign(struct jobspec_local *l, const int *used, size_t nused, int nslots,
    int n);

#endif
