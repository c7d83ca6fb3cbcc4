/*
 * conftab.h - one table of every configuration key Pumice reads or
 * accepts: its file, name, type, range, default, whether badmin reconfig
 * applies it, and a line of help. badmin ckconfig checks every key of
 * every file against it (unknown keys, types, ranges), bparams and
 * badmin showconf mbd list the lsb.params rows (unit, flags, where the
 * master keeps the value), and a unit test checks that every key has its
 * entry in the file's section-5 manual page.
 */
#ifndef PUMICE_CONFTAB_H
#define PUMICE_CONFTAB_H

#include <stddef.h>

enum conftab_file { CT_LSF_CONF, CT_LSB_PARAMS, CT_LSB_QUEUES };

enum conftab_type {
	CT_STR,		/* any text */
	CT_WORDS,	/* blank-separated words */
	CT_INT,		/* a whole number in [min, max] */
	CT_UNIT,	/* KB, MB, GB, TB, PB or EB */
	CT_LOADIDX,	/* a load threshold "loadSched[/loadStop]" */
	CT_RAW,		/* LSF's key, accepted and kept, not (yet) used */
};

/* bparams (lsb.params rows) */
#define CTF_LISTED 1	/* listed even when lsb.params does not set it */
#define CTF_CORE 2	/* shown by bparams -l without -a */

/* Where the value the master uses lives in struct conf (conf.h), so that
 * listings show it: CV_LONG a long the loader parses the key into (and
 * that holds the default when the file is silent); CV_STR a string the
 * loader derives from the key (DEFAULT_QUEUE: its first word), shown
 * only when the file does not set the key. */
enum conftab_live { CV_NONE, CV_LONG, CV_STR };

struct conftab_key {
	enum conftab_file file;
	const char *key;
	enum conftab_type type;
	long min, max;		/* CT_INT */
	const char *def;	/* the default, as text ("" none) */
	int reloadable;		/* badmin reconfig applies it (else restart) */
	const char *help;	/* lsb.params: LSF's description (bparams -l) */
	const char *unit;	/* lsb.params: "seconds" etc., NULL or "" none */
	unsigned flags;		/* CTF_* */
	enum conftab_live live;
	size_t off;		/* offsetof(struct conf, field) when live */
};

extern const struct conftab_key conftab[];
extern const size_t conftab_n;

/* The file's name ("lsf.conf", "lsb.params", "lsb.queues"). */
const char *conftab_file_name(enum conftab_file f);
/* The entry for key in file (case-insensitive), or NULL. */
const struct conftab_key *conftab_find(enum conftab_file f, const char *key);
/* Checks value against the entry's type and range: 0, or -1 with the
 * reason in err ("must be an integer from 1 to 3600, not 'x'"). */
int conftab_check(const struct conftab_key *k, const char *value, char *err, size_t errlen);
struct conf;
/* The value c keeps for the key as text (malloc'd), or NULL when the
 * entry has none (CV_NONE) or c holds no string. */
char *conftab_live_value(const struct conftab_key *k, const struct conf *c);
/* The long c keeps for a CV_LONG entry. */
long *conftab_live_long(const struct conftab_key *k, struct conf *c);

#endif
