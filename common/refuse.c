/*
 * refuse.c - the table of refusal causes (refuse.h).
 */
#include <stddef.h>
#include <string.h>

#include "refuse.h"
#include "util.h"

static const struct {
	const char *name;
	enum refuse_side side;
	const char *text;
} refuse_tab[REFUSE_NCAUSES] = {
	[REFUSE_SPEC] = { "spec", REFUSE_JOB, "the job's spec is not valid" },
	[REFUSE_USER] = { "user", REFUSE_JOB,
	    "the agent cannot run jobs of this user" },
	[REFUSE_SPOOL] = { "spool", REFUSE_HOST,
	    "the agent cannot write the job's spool" },
	[REFUSE_SHEPHERD] = { "shepherd", REFUSE_HOST,
	    "the agent cannot start a shepherd" },
};

const char *
refuse_name(enum refuse_cause c)
{
	return refuse_tab[c].name;
}

const char *
refuse_text(enum refuse_cause c)
{
	return refuse_tab[c].text;
}

enum refuse_side
refuse_side(enum refuse_cause c)
{
	return refuse_tab[c].side;
}

int
refuse_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < nitems(refuse_tab); i++)
		if (strcmp(refuse_tab[i].name, name) == 0)
			return (int)i;
	return -1;
}
