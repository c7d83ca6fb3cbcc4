/*
 * usage.h - a running job's resource usage, as bjobs shows it while the
 * job runs: the shepherd's watcher thread sums its process group from
 * /proc every USAGE_INTERVAL_S seconds into <jobdir>/usage.json (written
 * atomically); the agent reads those files on its heartbeat and sends
 * them to the master. Nothing here is durable: the finish status carries
 * the final figures.
 */
#ifndef PUMICE_USAGE_H
#define PUMICE_USAGE_H

#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#define USAGE_INTERVAL_S 5	/* between samples; the first after one second */
#define USAGE_MAX_PIDS 64	/* listed in bjobs -l; the count is exact */

struct usage {
	uint64_t mem_kb;	/* RSS of the group now */
	uint64_t max_mem_kb;	/* the largest sum seen */
	double cpu;		/* user + system seconds of the live processes */
	int nproc;
	pid_t pids[USAGE_MAX_PIDS];
};

/* pgrp, rss (pages), utime and stime (ticks) of /proc/<pid>/stat text. */
int usage_parse_stat(const char *text, long *pgrp, long *rss_pages, long *utime,
    long *stime);
/* Samples process group pgid into u (max_mem_kb kept across calls). */
void usage_sample(pid_t pgid, struct usage *u);
/* <jobdir>/usage.json; -1 with errno. */
int usage_write(const char *jobdir, const struct usage *u);
/* The last usage.json of a job directory, or NULL. */
json_t *usage_read(const char *jobdir);

#endif
