/*
 * prepost.h - pre- and post-execution commands (bsub -E/-Ep, lsb.queues
 * PRE_EXEC/POST_EXEC), run by the shepherd with /bin/sh -c as the job's
 * user, in the job's directory, with the job's environment and stdio on
 * /dev/null. Order: the queue's pre-exec, then the job's; after the job,
 * the job's post-exec, then the queue's (LSF's order).
 */
#ifndef PUMICE_PREPOST_H
#define PUMICE_PREPOST_H

#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

#include "jobenv.h"
#include "jobspec.h"

#define PREPOST_PEND_REASON "The job's pre-exec command exited with non-zero status"

struct prepost {
	const struct jobspec *js;
	const struct passwd *pw;	/* owner's entry when running as another user */
	int as_other;
	const char *cwd;
	struct jobenv *env;
	const char *jobdir;	/* spool: the command's group goes into pgid */
};

/*
 * Runs the pre-exec commands: 0 when all succeeded (or none), 1 when one
 * failed and the job should go back to PEND, 3 when one was killed by a
 * signal (bkill: no point waiting to retry), 2 when it exited with
 * LSB_EXIT_PRE_ABORT (the job ends EXIT); reason says which.
 */
int prepost_pre(const struct prepost *p, char *reason, size_t reasonlen);
/* Runs the post-exec commands with LSB_JOBEXIT_STAT=wstatus. */
void prepost_post(const struct prepost *p, int wstatus);

#endif
