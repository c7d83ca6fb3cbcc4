/*
 * bsubscript.h - a job script's #BSUB directives. A directive line is '#',
 * optional blanks, "BSUB", blanks, then options split like shell words; a
 * trailing backslash continues it on the next line. Directives are read
 * from the whole script (as OpenLava does). The first line's "#!" names the
 * interpreter.
 */
#ifndef PUMICE_BSUBSCRIPT_H
#define PUMICE_BSUBSCRIPT_H

#include <stddef.h>

struct bsub_script {
	char *interp;		/* "/bin/bash" from "#!/bin/bash", or NULL */
	char **argv;		/* directive words in order, NULL-terminated */
	int argc;
	int *lines;		/* line number of each word, for errors */
};

int bsubscript_parse(const char *text, struct bsub_script *out, char *err,
    size_t errlen);
void bsubscript_free(struct bsub_script *s);

#endif
