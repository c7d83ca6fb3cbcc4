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
	char *p = xasprintf("%s/jobs/%s/status", spool, key);
	json_t *spec, *slots;
	size_t i;

	if (access(p, F_OK) == 0) {	/* ended */
		free(p);
		return;
	}
	free(p);
	p = xasprintf("%s/jobs/%s/job.json", spool, key);
	spec = json_load_file(p, 0, NULL);
	free(p);
	slots = json_object_get(spec, "slots");
	for (i = 0; i < json_array_size(slots); i++) {
		*used = xrealloc(*used, (*nused + 1) * sizeof(int));
		(*used)[(*nused)++] = (int)json_integer_value(json_array_get(slots, i));
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
cpus_assign(json_t *spec, const char *spool, int nslots, int n)
{
	int *used, *picked, allowed[CPU_SETSIZE], nallowed, i;
	json_t *slots = json_array(), *cpus = json_array();
	size_t nused = cpus_used(spool, &used);

	if (n < 1)
		n = 1;
	picked = xcalloc((size_t)n, sizeof(int));
	cpus_pick(used, nused, nslots, n, picked);
	nallowed = cpus_allowed(allowed, CPU_SETSIZE);
	for (i = 0; i < n; i++) {
		json_array_append_new(slots, json_integer(picked[i]));
		if (nallowed > 0)
			json_array_append_new(cpus, json_integer(allowed[picked[i] % nallowed]));
	}
	json_object_set_new(spec, "slots", slots);
	json_object_set_new(spec, "cpus", cpus);
	free(picked);
	free(used);
}
