/*
 * jobstate.h - LSF job states as bits (so queries filter by mask) and their
 * STAT words.
 */
#ifndef PUMICE_JOBSTATE_H
#define PUMICE_JOBSTATE_H

enum job_state {
	JS_PEND = 0x01,
	JS_PSUSP = 0x02,
	JS_RUN = 0x04,
	JS_SSUSP = 0x08,
	JS_USUSP = 0x10,
	JS_EXIT = 0x20,
	JS_DONE = 0x40,
	JS_WAIT = 0x200,
	JS_UNKWN = 0x1000,
	JS_ZOMBI = 0x2000,
};

#define JS_FINISHED (JS_DONE | JS_EXIT)
#define JS_PENDING (JS_PEND | JS_PSUSP)
#define JS_STARTED (JS_RUN | JS_SSUSP | JS_USUSP | JS_UNKWN | JS_ZOMBI)
#define JS_SUSPENDED (JS_PSUSP | JS_SSUSP | JS_USUSP)
#define JS_UNFINISHED (JS_PENDING | JS_STARTED | JS_WAIT)

const char *jobstate_name(int state);
int jobstate_parse(const char *name);	/* 0 when unknown */

#endif
