/*
 * hostinfo.h - what the agent reports about its node: cores, memory, swap
 * (KB, from /proc/meminfo), load (/proc/loadavg), utilisation (/proc/stat),
 * arch (uname) and model (device tree, else /proc/cpuinfo). Pure reads of
 * /proc; no event loop.
 */
#ifndef PUMICE_HOSTINFO_H
#define PUMICE_HOSTINFO_H

#include <stdint.h>

#include "load.h"

struct hostinfo {
	int ncpus;
	uint64_t mem_total, mem_free, swap_total, swap_free;	/* KB */
	double load[3];		/* r15s, r1m, r15m */
	double ut;		/* 0..1 cpu busy since the previous sample */
	struct load_idx li;	/* pg io ls it tmp (load.h) */
	char arch[80];
	char model[128];
};

/*
 * Smooths what /proc does not provide: r15s (an exponential average of
 * runnable tasks) and ut (cpu busy between samples).
 */
struct hostinfo_sampler {
	double r15s;
	double ut;
	uint64_t busy, total;	/* previous /proc/stat totals */
	int primed;
	struct load_sampler load;
};

/* Takes one sample; call about once a second. */
void hostinfo_sample(struct hostinfo_sampler *s);
/* Fills hi; ncpus/mem_kb > 0 pretend a smaller or larger node. */
void hostinfo_read(struct hostinfo *hi, const struct hostinfo_sampler *s,
    int ncpus, uint64_t mem_kb);

#endif
