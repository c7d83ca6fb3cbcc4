/*
 * resmap.h - consumable resources as an LSF administrator declares them:
 * the Resource table of lsf.shared (RESOURCENAME TYPE INTERVAL INCREASING
 * CONSUMABLE RELEASE DESCRIPTION) names them, the ResourceMap table of
 * lsf.cluster.<name> (RESOURCENAME LOCATION) says how many each host has:
 *
 *   licence  (10@[all])            one pool of 10 shared by every host
 *   tpu      (1@[node1] 2@[node2]) node1 has 1, node2 has 2
 *   camera   (1@[default])         every host has its own 1
 *   seat     (4@[node1 node2])     one pool of 4 shared by node1 and node2
 *
 * Each v@[...] is an instance: a pool the scheduler counts. "default"
 * gives every host an instance of its own; "all" (less "~host" words) and
 * host lists make one instance shared by those hosts. ngpus_physical is
 * built in (LSF's GPU count): it needs no Resource row, and its
 * instances are always per host, each host its own GPUs.
 */
#ifndef PUMICE_RESMAP_H
#define PUMICE_RESMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "lsfconf.h"

#define RESMAP_GPU "ngpus_physical"

struct resmap_res {
	char *name;
	bool numeric;		/* TYPE Numeric */
	bool consumable;	/* CONSUMABLE (default Y for Numeric) */
	bool release;		/* RELEASE (recorded; default Y) */
	char *desc;
};

struct resmap_inst {
	size_t res;		/* index into res */
	long value;
	char **hosts;		/* NULL-terminated words as written */
	bool per_host;		/* [default], or ngpus_physical */
	int line;
};

struct resmap {
	struct resmap_res *res;
	size_t nres;
	struct resmap_inst *inst;
	size_t ninst;
};

void resmap_init(struct resmap *rm);	/* only ngpus_physical */
void resmap_free(struct resmap *rm);
/* The Resource sections of lsf.shared f. 0, or -1 with "file:line: why". */
int resmap_shared(struct resmap *rm, const struct cfg_file *f, char *err,
    size_t errlen);
/* The ResourceMap sections of lsf.cluster f (after resmap_shared). */
int resmap_cluster(struct resmap *rm, const struct cfg_file *f, char *err,
    size_t errlen);
/* A declared resource by name, or NULL. */
const struct resmap_res *resmap_find(const struct resmap *rm, const char *name);
/* The pool host draws resource name from: its key ("lic#0", or
 * "camera@node1" for a per-host instance; malloc'd) and *total, or NULL
 * when host has none. */
char *resmap_pool(const struct resmap *rm, const char *name, const char *host,
    long *total);

#endif
