/*
 * hostfault.h - the back-off of a host whose agent refused a start for a
 * reason of its own (refuse.h: a full spool, no shepherd): the host is
 * closed (bhosts: closed_Fault) for a period that starts at
 * HOSTFAULT_FIRST_MS, doubles at each refusal after it reopened, stops at
 * HOSTFAULT_MAX_MS, and is forgotten at the first start that succeeds, as
 * LSF closes a host that keeps failing jobs. Pure state: every call is
 * given the monotonic time in ms, so tests drive the clock.
 */
#ifndef PUMICE_HOSTFAULT_H
#define PUMICE_HOSTFAULT_H

#include <stdbool.h>
#include <stdint.h>

#define HOSTFAULT_FIRST_MS 1000
#define HOSTFAULT_MAX_MS 60000

struct hostfault {
	bool closed;		/* no job is placed there until `until` */
	uint64_t until;		/* monotonic ms the host is tried again */
	uint64_t period;	/* the last back-off, ms; 0: no fault */
	char *cause;		/* what the agent said, for bhosts -l */
	long refused;		/* refusals since the last start that succeeded */
};

/* A host-side refusal at now: closes the host unless closed already (the
 * runs sent before it closed are refused together; they count once).
 * Returns true when this refusal closed it. */
bool hostfault_refused(struct hostfault *f, uint64_t now, const char *cause);
/* A start that succeeded: the fault and its back-off are forgotten.
 * Returns true when there was one (closed, or reopened on probation). */
bool hostfault_started(struct hostfault *f);
/* Reopens the host once its period is over (the period is kept, so the next
 * refusal doubles it). Returns true when this call reopened it. */
bool hostfault_expire(struct hostfault *f, uint64_t now);
/* Forgets everything (badmin hopen, a new agent link); frees the cause. */
void hostfault_clear(struct hostfault *f);

#endif
