/*
 * conftab.h - one table of every configuration key Pumice reads or
 * accepts: its file, name, type, range, default, whether badmin reconfig
 * applies it, and a line of help. badmin ckconfig checks every key of
 * every file against it (unknown keys, types, ranges), bparams-style
 * listings can print it, and a unit test checks that every key has its
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

struct conftab_key {
	enum conftab_file file;
	const char *key;
	enum conftab_type type;
	long min, max;		/* CT_INT */
	const char *def;	/* the default, as text ("" none) */
	int reloadable;		/* badmin reconfig applies it (else restart) */
	const char *help;
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

#endif
