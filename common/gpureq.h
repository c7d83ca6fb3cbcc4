/*
 * gpureq.h - LSF's GPU requirement string (bsub -gpu, lsf.conf
 * LSB_GPU_REQ): "num=2:mode=shared:j_exclusive=yes", or "-" for the
 * defaults. Pumice acts on num, mode and j_exclusive; LSF's other keys
 * (mps, aff, block, gpack, gvendor, gmodel, gtile, gmem, glink, mig) are
 * accepted and ignored, as a cluster without such GPUs would. Keys not
 * given stay unset, so that the job's string merges over LSB_GPU_REQ
 * key by key and then over LSF's default num=1:mode=shared:j_exclusive=no.
 */
#ifndef PUMICE_GPUREQ_H
#define PUMICE_GPUREQ_H

#include <stdbool.h>
#include <stddef.h>

enum gpureq_mode { GPU_MODE_UNSET, GPU_MODE_SHARED, GPU_MODE_EXCL_PROCESS };

struct gpureq {
	int num;		/* GPUs per host; 0 unset */
	bool per_task;		/* "num=2/task" */
	enum gpureq_mode mode;
	int j_exclusive;	/* -1 unset, 0 no, 1 yes */
};

void gpureq_init(struct gpureq *g);	/* everything unset */
/* Parses s ("-" or "key=value:..."); 0, or -1 with the reason in err. */
int gpureq_parse(struct gpureq *g, const char *s, char *err, size_t errlen);
/* Fills what g leaves unset from def, then from LSF's defaults; with
 * mode=exclusive_process j_exclusive defaults to yes, as in LSF. */
void gpureq_merge(struct gpureq *g, const struct gpureq *def);
/* The effective form "num=1:mode=shared:j_exclusive=no" into buf. */
void gpureq_format(const struct gpureq *g, char *buf, size_t len);

#endif
