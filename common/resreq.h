/*
 * resreq.h - LSF resource requirement strings (bsub -R, queue RES_REQ):
 * "select[...] order[...] rusage[...] span[...] same[...]", sections with
 * or without blanks between them, leading text without a keyword being
 * the select string. Several strings merge into one struct resreq: select
 * expressions are joined with &&, rusage values override per resource,
 * and a later order, span or same replaces an earlier one.
 */
#ifndef PUMICE_RESREQ_H
#define PUMICE_RESREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selexpr.h"

#define RESREQ_MAX_ORDER 8

struct resreq_order {
	int idx;		/* enum sel_index */
	bool reverse;		/* "-r1m": the other way round */
};

/* rusage[name=value] of any other resource (a consumable, ngpus_physical);
 * the master decides what each name means (resmap.h). */
struct resreq_use {
	char *name;
	double value;
};

struct resreq {
	struct sel_node *select;	/* NULL: every host */
	char *select_text;		/* as written, joined with " && " */
	struct resreq_order order[RESREQ_MAX_ORDER];
	int norder;
	uint64_t mem_kb, swp_kb, tmp_kb;	/* rusage; 0 = none */
	long duration;			/* rusage duration, seconds; 0 = job life */
	struct resreq_use *use;		/* other rusage names, each once */
	size_t nuse;
	char *rusage_alt;		/* "||" alternatives not honoured, as written */
	int span_hosts;			/* 0 unset, 1 one host, -1 off */
	int ptile;			/* 0 unset */
	char *same;			/* recorded only */
};

void resreq_init(struct resreq *rr);
/* Parses s and merges it into rr (memory default unit unit). */
int resreq_parse(struct resreq *rr, const char *s, const char *unit, char *err,
    size_t errlen);
void resreq_free(struct resreq *rr);

#endif
