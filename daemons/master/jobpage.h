/*
 * jobpage.h - one page of a "jobs" reply (jobpage.c), built by query.c
 * and by the unit tests.
 */
#ifndef PUMICE_JOBPAGE_H
#define PUMICE_JOBPAGE_H

#include <stdint.h>

#include "jobsel.h"

/* Records per page when the request names no limit, and the most. */
#define JOBPAGE_LIMIT 1000
#define JOBPAGE_LIMIT_MAX 5000
/* Loop time a page may take to build: encoding it comes on top, and a
 * page should cost the loop under 5 ms in all. */
#define JOBPAGE_BUDGET_US 2500
/* Bytes a page aims to stay under (guessed per record: jobpage.c). */
#define JOBPAGE_BYTES (256 * 1024)
/* The same for a page of the row encoding, which the client splits
 * without a parser: fewer, larger pages (the time budget still holds). */
#define JOBPAGE_ROWS_LIMIT 20000
#define JOBPAGE_ROWS_BYTES (2048 * 1024)

/* A page's compact rows (jobrec.c): the columns of a field mask. */
#define JOBREC_MAXCOLS 64
struct jobrec_row {
	uint64_t mask;
	int col[JOBREC_MAXCOLS];	/* the column of member k of the mask */
	size_t ncols;
	bool tsv;			/* lines of the row encoding (rowtext.h),
					 * npos last; else JSON arrays */
	json_t *names;			/* the reply's "cols" */
};

struct evbuffer;

struct jobpage {
	struct master *m;
	const struct jobsel_filter *f;
	json_t *out;		/* the records (or -A rows) so far */
	long limit;		/* records per page */
	uint64_t deadline;	/* now_mono_us() past which the page ends */
	bool ranges;		/* unstarted runs as range records */
	bool summary;		/* -A rows instead of records */
	size_t bytes;		/* guessed size of out */
	uint64_t fields;	/* JOBREC members (jobrec_mask); 0: all */
	struct jobrec_row *rows;	/* compact rows with these columns; NULL: objects */
	struct evbuffer *text;	/* with rows: the records as JSON text, comma
				 * separated, instead of in out */
	long nrec;		/* records in text */
	size_t maxbytes;	/* JOBPAGE_BYTES, or _ROWS_BYTES */
	unsigned nfull;		/* calls of jobpage_full (the clock: every 8th) */
};

/* jobrec.c: JOBRECs whole or with only some members (besides id, idx). */
#define JOBREC_ALL UINT64_MAX
/* The mask bit of one JOBREC member; 0 if there is none of that name. */
uint64_t jobrec_bit(const char *name);
/* The mask of a request's "fields" list; JOBREC_ALL when it has none. */
uint64_t jobrec_mask(const json_t *fields);
/* Element idx of j with the members of mask. */
json_t *jobrec_build(struct master *m, struct job *j, long idx, uint64_t mask);
/* Compact rows: the columns of mask (tsv: the row encoding, with name,
 * array and a last npos column); a row of element idx of j. */
void jobrec_row_init(struct jobrec_row *rw, uint64_t mask, bool tsv);
void jobrec_row_free(struct jobrec_row *rw);
/* Writes the row of element idx of j as JSON text ("[4,0,\"PEND\"]"),
 * or as a line of the row encoding with npos (> 0: a range line standing
 * for npos unstarted elements from idx on), straight from the job: no
 * jansson value a cell. */
void jobrec_write_row(struct master *m, struct job *j, long idx,
    const struct jobrec_row *rw, long npos, struct evbuffer *out);

/* Whether the page holds its records or spent its time. */
bool jobpage_full(struct jobpage *pg);
/* Adds j's records from position pos of sel (j's own list when NULL);
 * -1 when j is done, else the position to resume at. */
long jobpage_job(struct jobpage *pg, struct job *j, const struct arrayspec *sel,
    long pos);
/* Adds j's -A row (arrays only): counts by state of the selected elements. */
void jobpage_summary(struct jobpage *pg, struct job *j, const struct arrayspec *sel);

#endif
