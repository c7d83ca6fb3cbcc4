/*
 * cpus.c - cpu slots for jobs (see cpus.h). The slots held are read back
 * from the spooled job.json of every job without a status, so an agent
 * restart forgets nothing; a node holds a handful of jobs, so this is cheap.
 */
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "spool.h"
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

/* Appends the slots of a running job's spooled spec to used. */
static void
cpus_used_of(const char *spool, const char *key, int **used, size_t *nused)
{
	char *p = xasprintf("%s/jobs/%s/status", spool, key), err[256];
	struct jobspec js;
	json_t *spec;
	size_t i;

	if (access(p, F_OK) == 0) {	/* ended */
		free(p);
		return;
	}
	free(p);
	p = xasprintf("%s/jobs/%s/job.json", spool, key);
	spec = jobspec_load(p, &js, err, sizeof(err));
	free(p);
	for (i = 0; spec != NULL && i < json_array_size(js.slots); i++) {
		*used = xrealloc(*used, (*nused + 1) * sizeof(int));
		(*used)[(*nused)++] = (int)json_integer_value(json_array_get(js.slots, i));
	}
	json_decref(spec);
}

static size_t
cpus_used(const char *spool, int **used)
{
	char *dir = xasprintf("%s/jobs", spool);
	long long id, idx;
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(dir);

	*used = NULL;
	free(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (spool_key_parse(de->d_name, &id, &idx) == 0)
			cpus_used_of(spool, de->d_name, used, &n);
	closedir(d);
	return n;
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
cpus_assign(struct jobspec_local *l, const char *spool, int nslots, int n)
{
	int *used, allowed[CPU_SETSIZE], nallowed, i;
	size_t nused = cpus_used(spool, &used);

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
	free(used);
}
