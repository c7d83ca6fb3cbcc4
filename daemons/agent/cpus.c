/*
 * cpus.c - cpu slots for jobs (see cpus.h). The slots held are the agent's
 * job table's (jobs.c), which reads them back from each job.json at
 * start-up, so an agent restart forgets nothing and a start reads no file.
 */
#include <sched.h>
#include <stdlib.h>

#include "cpus.h"
#include "util.h"

int
cpus_pick(const int *used, size_t nused, int nslots, int n, int *out)
{
	int k, got = 0;
	size_t i;

	for (k = 0; k < nslots && got < n; k++) {
		for (i = 0; i < nused; i++)
			if (used[i] == k)
				break;
		if (i == nused)
			out[got++] = k;
	}
	for (k = got; k < n; k++)
		out[k] = nslots > 0 ? (k - got) % nslots : 0;
	return got;
}

/* The cpus the agent may run on, in order. */
static int
cpus_allowed(int *out, int max)
{
	cpu_set_t set;
	int c, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	for (c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			out[n++] = c;
	return n;
}

void
cpus_assign(struct jobspec_local *l, const int *used, size_t nused, int nslots, int n)
{
	int allowed[CPU_SETSIZE], nallowed, i;

	if (n < 1)
		n = 1;
	l->slots = xcalloc((size_t)n, sizeof(int));
	l->cpus = xcalloc((size_t)n, sizeof(int));
	l->nslots = n;
	l->ncpus = 0;
	cpus_pick(used, nused, nslots, n, l->slots);
	nallowed = cpus_allowed(allowed, CPU_SETSIZE);
	for (i = 0; i < n && nallowed > 0; i++)
		l->cpus[l->ncpus++] = allowed[l->slots[i] % nallowed];
}
