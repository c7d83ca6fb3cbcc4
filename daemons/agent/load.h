/*
 * load.h - the load indices lsload shows beyond what hostinfo.h reads:
 * pg (paging rate), io (disk KB/s), ls (login users), it (interactive idle
 * minutes), tmp (free KB in /tmp). Rates come from counter deltas between
 * samples. The parsers take /proc text so that unit tests can feed them
 * canned files; load_sample() does the reading.
 */
#ifndef PUMICE_LOAD_H
#define PUMICE_LOAD_H

#include <stdint.h>

struct load_sampler {
	uint64_t pages, sectors;	/* previous counters */
	uint64_t when_ms;		/* monotonic time of the previous sample */
	int primed;
	double pg, io;			/* the last rates */
};

struct load_idx {
	double pg, io, it;
	int ls;
	uint64_t tmp_free, tmp_total;	/* KB */
};

/* Pages swapped in and out (pswpin + pswpout) from /proc/vmstat text. */
uint64_t load_parse_vmstat(const char *text);
/* Sectors read + written over whole disks of /proc/diskstats text;
 * is_disk (may be NULL: every line counts) decides which names are disks. */
uint64_t load_parse_diskstats(const char *text, int (*is_disk)(const char *name));
/* Busy and total jiffies of the "cpu" line of /proc/stat text; -1 if none. */
int load_parse_cpustat(const char *text, uint64_t *busy, uint64_t *total);
/* The rate of a counter between two samples, per second (0 if unknown). */
double load_rate(uint64_t before, uint64_t after, uint64_t ms);

/* Takes one sample of the counters; call about once a second. */
void load_sample(struct load_sampler *s);
/* Fills li from the sampler and the current state of the node. */
void load_read(struct load_idx *li, const struct load_sampler *s);

#endif
