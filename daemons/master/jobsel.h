/*
 * jobsel.h - job selection (jobsel.c), shared by the queries (query.c)
 * and the job control ops: filters from a request's args and explicit
 * selections with LSF's "not found" texts.
 */
#ifndef PUMICE_JOBSEL_H
#define PUMICE_JOBSEL_H

#include "master.h"

struct schedconf;

/* What -u -J -q -m and the state flags select. */
struct jobsel_filter {
	const char *user;	/* NULL = any */
	const struct schedconf *ugroups;	/* user is a UserGroup of these */
	const char *name;	/* pattern, [idx] already split off */
	long name_idx;		/* -1 = any */
	const char *queue, *host;
	const char *project;	/* -P (job_project), NULL = any */
	const char *group;	/* -g: bsub -g is it or below it; NULL = any */
	struct master *m;	/* for job_project */
	int mask;
};

/* -q and -u name something that exists; -1 with LSF's text if not. */
int jobsel_filter_check(struct master *m, json_t *args, char *err, size_t errlen);
/* f from args (*namebuf to free after use). */
void jobsel_filter_init(struct master *m, struct reqctx *rq, json_t *args,
    struct jobsel_filter *f, char **namebuf);
/* Whether j's user, queue and name pass f. */
bool jobsel_job_match(const struct jobsel_filter *f, struct job *j);
/* Whether element idx of j passes f's state, index and host. */
bool jobsel_elem_match(const struct jobsel_filter *f, struct job *j, long idx);
/* Calls fn for each index of j (in sel when given). */
void jobsel_foreach_idx(struct job *j, const struct arrayspec *sel,
    void (*fn)(struct job *, long, void *), void *arg);
/*
 * Resolves an explicit selection {id, idx}: the job and, for "123[1-5]",
 * the index list in *idx (*has_idx). NULL and a *missing text when it
 * names nothing, worded for bjobs or, with ctl, the job control commands.
 */
struct job *jobsel_resolve(struct master *m, json_t *sel, struct arrayspec *idx,
    bool *has_idx, bool ctl, char **missing);
/* The runs of sel's indices that j lacks, as labels "6[9]", "6[9-12]". */
json_t *jobsel_missing_elems(struct job *j, const struct arrayspec *sel);
/* Appends "Job <label> is not found" (or the ctl wording) for each label;
 * steals labels. */
void jobsel_missing_add(json_t *missing, json_t *labels, bool ctl);

#endif
