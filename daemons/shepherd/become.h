/*
 * become.h - a child of the shepherd (the job, a pre- or post-exec) takes
 * the identity of the job's owner: one routine for every child, so that
 * each makes the same checks.
 */
#ifndef PUMICE_BECOME_H
#define PUMICE_BECOME_H

#include <pwd.h>
#include <stddef.h>

#include "jobspec.h"

/*
 * Group js->gid, the owner's supplementary groups (initgroups of pw, or
 * the gid alone when the user has no passwd entry), then uid js->uid;
 * checks that the real and effective uid both changed, since a setuid that
 * "succeeded" without doing so would run the job as root. 0, or -1 with
 * err. Call only when the shepherd runs as another user than the job's.
 */
int become_user(const struct jobspec *js, const struct passwd *pw, char *err,
    size_t errlen);

/* A child's signals as a job expects them: HUP, INT, TERM and PIPE at
 * their defaults, none blocked (the shepherd ignores or blocks some). */
void become_child_signals(void);

#endif
