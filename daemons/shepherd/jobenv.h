/*
 * jobenv.h - the environment a job runs with: the submitter's, then the
 * LSB_* variables of LSF.md section 2 on top.
 */
#ifndef PUMICE_JOBENV_H
#define PUMICE_JOBENV_H

#include <pwd.h>

#include "jobspec.h"

struct jobenv {
	char **v;		/* "K=V", NULL-terminated */
	size_t n, cap;
};

/* Sets K=V, replacing an earlier K. */
void jobenv_set(struct jobenv *e, const char *key, const char *value);
const char *jobenv_get(const struct jobenv *e, const char *key);
/*
 * Builds the job's environment. pw: the owner's passwd entry (sets USER,
 * LOGNAME, HOME, and SHELL unless the submitter's is kept), or NULL when
 * it has none (USER and LOGNAME are then the job's user name). jobfile:
 * the spooled script or NULL.
 */
void jobenv_build(struct jobenv *e, const struct jobspec *js,
    const struct passwd *pw, const char *jobfile);
void jobenv_free(struct jobenv *e);

#endif
