/*
 * cgroup.h - a job's memory cgroup, made by its shepherd: cgroup v2
 * (memory.max under <cgroup2 mount>/pumice/<host>/<key>) or v1
 * (memory.limit_in_bytes under <memory mount><the shepherd's own memory
 * cgroup>/pumice/<host>/<key>), whichever this node offers, detected at run
 * time from /proc/self/mountinfo and /proc/self/cgroup. No event loop.
 */
#ifndef PUMICE_CGROUP_H
#define PUMICE_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cgroup {
	char *path;		/* the job's cgroup directory, NULL when none */
	int version;		/* 1 or 2 */
};

/*
 * Creates the job's cgroup with a memory limit of kb; -1 with err when no
 * memory controller can be used here (the caller falls back to watching).
 */
int cgroup_create(struct cgroup *cg, const char *host, const char *key,
    uint64_t kb, char *err, size_t errlen);
/* Moves pid into the cgroup. */
int cgroup_attach(const struct cgroup *cg, pid_t pid);
/* How many processes the kernel's OOM killer killed in it (0 if unknown). */
long cgroup_oom_kills(const struct cgroup *cg);
/* Sends sig to every process still in it; the number signalled. */
int cgroup_signal(const struct cgroup *cg, int sig);
/* Kills what is left and removes the directory. */
void cgroup_remove(struct cgroup *cg);
/* N of the "key N" line of memory.events / memory.oom_control text, 0 if none. */
long cgroup_parse_field(const char *text, const char *key);
/* The mount point of a cgroup type ("cgroup2", or "cgroup" with option
 * opt, e.g. "memory") in /proc/self/mountinfo text; malloc'd or NULL. */
char *cgroup_parse_mount(const char *mountinfo, const char *fstype, const char *opt);
/* The path of the hierarchy (v1 controller name, or "" for v2) in
 * /proc/self/cgroup text; malloc'd or NULL. */
char *cgroup_parse_self(const char *text, const char *controller);

#endif
