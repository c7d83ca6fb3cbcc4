/*
 * hostfault.c - a host's start-failure back-off (hostfault.h). Invariant:
 * closed implies period > 0 and cause != NULL; the period only doubles
 * when a refusal comes after the host reopened, never for the burst of
 * refusals of the runs that were already on their way.
 */
#include <stdlib.h>

#include "hostfault.h"
#include "util.h"

static uint64_t
hostfault_next(uint64_t period)
{
	if (period == 0)
		return HOSTFAULT_FIRST_MS;
	return period >= HOSTFAULT_MAX_MS / 2 ? HOSTFAULT_MAX_MS : 2 * period;
}

bool
hostfault_refused(struct hostfault *f, uint64_t now, const char *cause)
{
	f->refused++;
	free(f->cause);
	f->cause = xstrdup(cause != NULL ? cause : "?");
	if (f->closed)
		return false;
	f->period = hostfault_next(f->period);
	f->until = now + f->period;
	f->closed = true;
	return true;
}

bool
hostfault_started(struct hostfault *f)
{
	bool was = f->period != 0;

	hostfault_clear(f);
	return was;
}

bool
hostfault_expire(struct hostfault *f, uint64_t now)
{
	if (!f->closed || now < f->until)
		return false;
	f->closed = false;
	return true;
}

void
hostfault_clear(struct hostfault *f)
{
	free(f->cause);
	f->cause = NULL;
	f->closed = false;
	f->until = f->period = 0;
	f->refused = 0;
}
