/*
 * selexpr.h - LSF select[] expressions: comparisons over host attributes
 * and load indices joined by && || ! (also "and", "or", "not") and
 * parentheses, e.g. "type==linux && mem>=4G && !gpu". A bare name is a
 * boolean resource (the lsf.cluster RESOURCES column). Memory values
 * (mem swp tmp maxmem maxswp maxtmp) are KB inside; written values take
 * unit suffixes, unsuffixed ones use LSF_UNIT_FOR_LIMITS.
 */
#ifndef PUMICE_SELEXPR_H
#define PUMICE_SELEXPR_H

#include <stdbool.h>
#include <stddef.h>

/* Numeric indices a host offers. */
enum sel_index {
	SEL_R15S, SEL_R1M, SEL_R15M, SEL_UT, SEL_PG, SEL_IO, SEL_LS, SEL_IT,
	SEL_TMP, SEL_SWP, SEL_MEM, SEL_NCPUS, SEL_MAXMEM, SEL_MAXSWP, SEL_MAXTMP,
	SEL_SLOTS, SEL_MAXSLOTS, SEL_NIDX
};

/* The host as a select expression sees it. */
struct sel_host {
	const char *name, *type, *model;
	double num[SEL_NIDX];		/* memory in KB, ut as a fraction */
	char **resources;		/* boolean resources, NULL-terminated */
};

struct sel_node;

/* Parses s (memory default unit unit, e.g. "MB"); NULL with err. */
struct sel_node *selexpr_parse(const char *s, const char *unit, char *err,
    size_t errlen);
bool selexpr_eval(const struct sel_node *n, const struct sel_host *h);
/* a && b (either may be NULL; takes both). */
struct sel_node *selexpr_and(struct sel_node *a, struct sel_node *b);
void selexpr_free(struct sel_node *n);
/* c, or '_' where a select[] word cannot hold it (lshosts prints type and
 * model folded so, and comparisons fold both sides). */
int selexpr_word_fold(int c);
/* Index by name ("r1m", "mem", ...), or -1. */
int selexpr_index(const char *name);
const char *selexpr_index_name(int idx);
/* True for indices where a larger value is better (mem, ncpus, ...). */
bool selexpr_index_increasing(int idx);

#endif
