/*
 * opts.h - the one option parser of the commands (opts.c). Each command
 * declares a table of its options as LSF spells them (single dash, names
 * of one letter or more: "l", "Jd", "gpu", "noheader") and reads them one
 * at a time with opts_next, LSF's conventions applied the same way for
 * every command:
 *   - a word that is exactly "-name" of a row is that option, whatever
 *     its length ("-Jd" is -Jd, "-gpu" is -gpu: never -J d or -g pu);
 *   - otherwise the word is a cluster of one-letter options ("-aw" is -a
 *     -w); a one-letter option that takes a value takes the rest of the
 *     word ("-n4", "-oout.%J", "-aJname") or else the next word;
 *   - "--" ends the options, and so does the first word that does not
 *     start with '-' (or is "-" alone): the operands start there;
 *   - an unknown option is refused ("illegal option -- x"), an option
 *     that takes a value refuses a missing one, and a row marked
 *     OPT_REFUSED (an LSF option Pumice does not implement) is refused
 *     with its reason, never misread as something else.
 */
#ifndef PUMICE_OPTS_H
#define PUMICE_OPTS_H

#include <stdbool.h>
#include <stddef.h>

enum {
	OPT_VALUE = 1,		/* takes a value */
	OPT_REFUSED = 2,	/* known to LSF, not implemented: refused */
};

struct opt {
	const char *name;	/* without the dash */
	int id;			/* what opts_next returns for it */
	unsigned flags;		/* OPT_VALUE, OPT_REFUSED */
	const char *why;	/* OPT_REFUSED: the reason, for the message */
};

enum { OPTS_END = -1, OPTS_ERR = -2 };

struct opts {
	const struct opt *tab;
	size_t n;
	int argc;
	char **argv;
	int ind;		/* the next word; after OPTS_END the first operand */
	const char *rest;	/* the rest of a cluster, or NULL */
	const struct opt *row;	/* the option opts_next returned */
	const char *value;	/* its value (OPT_VALUE), else NULL */
	char err[256];		/* why OPTS_ERR */
};

/* Reads argv[first..argc). */
void opts_init(struct opts *o, const struct opt *tab, size_t n, int argc,
    char **argv, int first);
/* The next option's id; OPTS_END when the options end (o->ind is then
 * the first operand), OPTS_ERR with o->err ("illegal option -- Z"). */
int opts_next(struct opts *o);
/* The row named name exactly, or NULL. */
const struct opt *opts_find(const struct opt *tab, size_t n, const char *name);

/*
 * For the commands whose options are all flags: each row's id is a bit,
 * or'ed into *set. Returns the first operand's index; -1 after printing
 * "cmd: why" and "Usage: cmd usage" (also for an operand when operands
 * is false).
 */
int opts_flags(const char *cmd, const char *usage, const struct opt *tab,
    size_t n, int argc, char **argv, bool operands, unsigned *set);

#endif
