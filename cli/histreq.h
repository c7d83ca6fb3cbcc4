/*
 * histreq.h - the command-line and request part bhist and bacct share
 * (histreq.c).
 */
#ifndef PUMICE_HISTREQ_H
#define PUMICE_HISTREQ_H

#include <stdbool.h>
#include <jansson.h>

#include "opts.h"

struct histreq {
	bool flag[256];		/* single-letter flags given */
	const char *val[256];	/* values of the value flags */
	bool json, uf;
	int nids;
	char **ids;
};

/* tab: the command's options; a letter's id is the letter ('l'), its
 * flag or value stored at that index; the long words have these ids. */
enum { HR_JSON = 256, HR_UF, HR_HELP };
int histreq_parse(struct histreq *h, const struct opt *tab, size_t n, int argc,
    char **argv, char *err, size_t errlen);
/* Sends the history op (args stolen); prints the missing ids on stderr.
 * Returns how many were missing, or -1 (message printed). */
int histreq_call(const char *cmd, json_t *args, json_t **data);
/* Drops the element records whose name does not match the -J pattern. */
void histreq_filter_name(json_t *jobs, const char *pattern);

#endif
