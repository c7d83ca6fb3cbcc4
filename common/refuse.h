/*
 * refuse.h - why an agent refused to start a job: the "cause" field of the
 * refused message (proto.h), one table shared by the agent that sends it
 * and the master that acts on it. A host-side cause (the spool cannot be
 * written, no shepherd can be started) would refuse any job there, so the
 * master closes the host for a back-off (hostfault.c); a job-side cause
 * concerns that job alone and leaves the host open.
 */
#ifndef PUMICE_REFUSE_H
#define PUMICE_REFUSE_H

enum refuse_side { REFUSE_JOB, REFUSE_HOST };

enum refuse_cause {
	REFUSE_SPEC,		/* job: its spec does not parse */
	REFUSE_USER,		/* job: an unprivileged agent, another user's job */
	REFUSE_SPOOL,		/* host: the job's spool cannot be written */
	REFUSE_SHEPHERD,	/* host: no shepherd can be forked or exec'd */
	REFUSE_NCAUSES
};

/* The wire name of a cause ("spool"). */
const char *refuse_name(enum refuse_cause c);
/* What a cause means, for logs, pending reasons and bhosts -l. */
const char *refuse_text(enum refuse_cause c);
enum refuse_side refuse_side(enum refuse_cause c);
/* The cause of a wire name; -1 for NULL or an unknown name (an older or
 * newer agent): the master then treats the refusal as the job's. */
int refuse_parse(const char *name);

#endif
