/*
 * arrayspec.h - LSF job array specs: "name[1-100]", "name[1-100:2]",
 * "name[1,3,5-9]", "name[1-100]%10". An index list is a comma list of
 * start[-end[:step]], positive integers, no index twice. The array stays
 * a list of ranges: nothing here is proportional to the element count.
 */
#ifndef PUMICE_ARRAYSPEC_H
#define PUMICE_ARRAYSPEC_H

#include <stddef.h>

struct arr_range {
	long start, end, step;	/* end >= start, step >= 1 */
};

struct arrayspec {
	char *name;		/* job name without the [...] and %N */
	struct arr_range *r;
	size_t nr;		/* 0: the name had no [...] (not an array) */
	long limit;		/* %N, 0 when none */
	long count;		/* number of indices */
};

/*
 * Parses a -J value. A plain name gives nr == 0. Indices above max_index
 * are refused with "Job array index too large". Returns 0 or -1 with err.
 */
int arrayspec_parse(const char *jname, long max_index, struct arrayspec *out,
    char *err, size_t errlen);
/* Parses a bare index list "1-5,7:2" (no name, no %N), e.g. from "123[1-5]". */
int arrayspec_parse_list(const char *list, long max_index, struct arrayspec *out,
    char *err, size_t errlen);
/* The pos-th index (0-based, in spec order), or -1. */
long arrayspec_at(const struct arrayspec *a, long pos);
/* The position of index idx, or -1 when not in the spec. */
long arrayspec_pos(const struct arrayspec *a, long idx);
/* Whether idx is in the spec. */
int arrayspec_has(const struct arrayspec *a, long idx);
/* The end and step of the range holding idx (for LSB_JOBINDEX_END/STEP). */
int arrayspec_range_of(const struct arrayspec *a, long idx, long *end, long *step);
/* The index list as text, "1-100:2,105"; malloc'd. */
char *arrayspec_format(const struct arrayspec *a);
void arrayspec_free(struct arrayspec *a);

#endif
