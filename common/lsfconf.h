/*
 * lsfconf.h - the LSF configuration syntaxes, read into plain structures:
 *  - lsf.conf: shell-like NAME=VALUE lines (quotes stripped, # comments);
 *  - the Begin/End section files (lsf.shared, lsf.cluster.<c>, lsb.*):
 *    key=value sections (Parameters, Queue, ...) and table sections (first
 *    line the column names; "(...)" groups a multi-word entry; "-" or "()"
 *    is empty). Comments start with # outside quotes; a trailing backslash
 *    joins lines; keywords are case-insensitive.
 * Errors are "file:line: what was expected".
 */
#ifndef PUMICE_LSFCONF_H
#define PUMICE_LSFCONF_H

#include <stddef.h>

struct cfg_kv {
	char *key;		/* as written */
	char *value;		/* unquoted */
	int line;
};

struct cfg_section {
	char *name;		/* "Queue", "Host", ... as written */
	int line;		/* of the Begin line */
	int is_table;		/* 1 for table sections */
	struct cfg_kv *kv;	/* key=value sections */
	size_t nkv;
	char **cols;		/* table: column names */
	size_t ncols;
	char ***rows;		/* table: rows[i][j], NULL for "-"/"()" */
	int *row_lines;
	size_t nrows;
};

struct cfg_file {
	char *path;
	struct cfg_kv *kv;		/* lsf.conf style files */
	size_t nkv;
	struct cfg_section *sec;	/* section files */
	size_t nsec;
};

/* Which sections are tables, by name (case-insensitive). */
int cfg_section_is_table(const char *name);

int cfg_parse_lsfconf(const char *path, const char *text, struct cfg_file *out,
    char *err, size_t errlen);
int cfg_parse_sections(const char *path, const char *text, struct cfg_file *out,
    char *err, size_t errlen);
/* Reads and parses a file. */
int cfg_load_lsfconf(const char *path, struct cfg_file *out, char *err, size_t errlen);
int cfg_load_sections(const char *path, struct cfg_file *out, char *err, size_t errlen);
void cfg_file_free(struct cfg_file *f);

/* Case-insensitive lookups; NULL when absent. */
const char *cfg_get(const struct cfg_file *f, const char *key);
const char *cfg_section_get(const struct cfg_section *s, const char *key);
int cfg_table_col(const struct cfg_section *s, const char *col);	/* -1 absent */

#endif
