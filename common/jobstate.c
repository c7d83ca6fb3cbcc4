/*
 * jobstate.c - state words (see jobstate.h).
 */
#include <string.h>

#include "jobstate.h"
#include "util.h"

static const struct {
	int state;
	const char *name;
} jobstate_names[] = {
	{ JS_PEND, "PEND" }, { JS_PSUSP, "PSUSP" }, { JS_RUN, "RUN" },
	{ JS_SSUSP, "SSUSP" }, { JS_USUSP, "USUSP" }, { JS_EXIT, "EXIT" },
	{ JS_DONE, "DONE" }, { JS_WAIT, "WAIT" }, { JS_UNKWN, "UNKWN" },
	{ JS_ZOMBI, "ZOMBI" },
};

const char *
jobstate_name(int state)
{
	size_t i;

	for (i = 0; i < nitems(jobstate_names); i++)
		if (jobstate_names[i].state == state)
			return jobstate_names[i].name;
	return "UNKWN";
}

int
jobstate_parse(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(jobstate_names); i++)
		if (strcmp(jobstate_names[i].name, name) == 0)
			return jobstate_names[i].state;
	return 0;
}
