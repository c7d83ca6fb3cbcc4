/*
 * jobreport.h - the LSF job report appended to a job's -o file when it
 * ends (LSB_STDOUT_DIRECT=Y semantics: the output was written live above
 * it). Pure text building, so the unit tests can check it.
 */
#ifndef PUMICE_JOBREPORT_H
#define PUMICE_JOBREPORT_H

#include <jansson.h>

struct jobspec;

struct jobreport {
	const char *host;	/* execution host */
	const char *home;	/* the owner's home, or NULL */
	const char *cwd;	/* where the job ran */
	long start, end, submit;
	int exit_code, signal;
	const char *reason;	/* set: the job failed for this reason */
	double cpu;		/* seconds */
	long maxrss;		/* KB */
};

/* The report text, starting with a separator line; malloc'd. */
char *jobreport_text(const struct jobspec *js, const struct jobreport *r);

#endif
