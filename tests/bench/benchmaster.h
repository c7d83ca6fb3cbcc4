/*
 * benchmaster.h - a master struct for benchmarks that drive the
 * scheduler's own code (sched_pass) without an event loop, agents or
 * clients: see benchmaster.c.
 */
#ifndef PUMICE_BENCHMASTER_H
#define PUMICE_BENCHMASTER_H

#include <jansson.h>

#include "../../daemons/master/master.h"

struct benchmaster {
	struct master m;
	char dir[64];		/* its configuration and store, removed at close */
};

/* A master with lsb.queues text queues and an empty store in a new
 * directory under $TMPDIR; exits on failure. */
void benchmaster_open(struct benchmaster *b, const char *queues);
/* Registers a reachable host of ncpus slots and mem_kb memory. */
void benchmaster_host(struct benchmaster *b, const char *name, int ncpus, long mem_kb);
/* Records a submit event (data stolen) as the next job; exits when refused. */
long benchmaster_submit(struct benchmaster *b, json_t *data);
/* Commits the store, as the loop does after each turn. */
void benchmaster_commit(struct benchmaster *b);
/* Closes the store and removes the directory; the rest is left to the
 * process's exit (each benchmark runs in its own child). */
void benchmaster_close(struct benchmaster *b);

#endif
