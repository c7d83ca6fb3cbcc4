/*
 * shellwords.h - splitting a line into words the way sh does for plain
 * words: blanks separate, '...' and "..." group (backslash escapes in "..."
 * and outside quotes), a word starting with '#' ends the line. No
 * expansion. Used for #BSUB lines and config values.
 */
#ifndef PUMICE_SHELLWORDS_H
#define PUMICE_SHELLWORDS_H

#include <stddef.h>

/* Returns the word count (argv NULL-terminated, malloc'd) or -1 with err
 * (unterminated quote). */
int shellwords_split(const char *line, char ***argv, char *err, size_t errlen);
void shellwords_free(char **argv);
/* s quoted for /bin/sh when it needs it (else a copy); malloc'd. */
char *shellwords_quote(const char *s);
/* argv joined LSF-style: first word verbatim, later words with blanks or
 * shell specials quoted; malloc'd. */
char *shellwords_join(int argc, char **argv);

#endif
