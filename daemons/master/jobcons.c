/*
 * jobcons.c - the consumables a job asks for (consum.h), part of its
 * jobreq: -gpu (merged over lsf.conf's LSB_GPU_REQ and LSF's default
 * num=1:mode=shared:j_exclusive=no), rusage[ngpus_physical=n] (the same
 * as -gpu num=n; -gpu wins when both are given), and rusage[name=n] of a
 * resource lsf.shared declares consumable. Other rusage names (load
 * indices, undeclared ones) are accepted and not counted, as before.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consum.h"
#include "sched.h"
#include "util.h"

static int
jobcons_gpu(struct jobreq *r, const struct schedconf *sc, const json_t *spec,
    char *err, size_t errlen)
{
	const char *g = json_string_value(json_object_get(json_object_get(spec,
	    "opts"), "gpu"));
	char e[256];
	size_t i;

	gpureq_init(&r->gpu);
	if (g != NULL && gpureq_parse(&r->gpu, g, e, sizeof(e)) < 0)
		return errf(err, errlen, "%s: Bad argument for option -gpu (%s)", g, e);
	for (i = 0; g == NULL && i < r->rr.nuse; i++)
		if (strcmp(r->rr.use[i].name, RESMAP_GPU) == 0 &&
		    r->rr.use[i].value > 0) {
			if (r->rr.use[i].value > CONSUM_MAX_GPUS)
				return errf(err, errlen, "rusage[%s]: at most %d GPUs",
				    RESMAP_GPU, CONSUM_MAX_GPUS);
			r->gpu.num = (int)ceil(r->rr.use[i].value);
		}
	if (g == NULL && r->gpu.num == 0)
		return 0;	/* no GPUs */
	gpureq_merge(&r->gpu, sc ? &sc->gpu_default : NULL);
	return 0;
}

int
jobcons_build(struct jobreq *r, const struct schedconf *sc, const json_t *spec,
    char *err, size_t errlen)
{
	const struct resmap_res *res;
	size_t i;

	if (jobcons_gpu(r, sc, spec, err, errlen) < 0)
		return -1;
	for (i = 0; i < r->rr.nuse; i++) {
		const struct resreq_use *u = &r->rr.use[i];
		if (strcmp(u->name, RESMAP_GPU) == 0 || u->value <= 0 ||
		    (res = resmap_find(sc ? &sc->rmap : NULL, u->name)) == NULL ||
		    !res->consumable)
			continue;
		r->cons = xrealloc(r->cons, (r->ncons + 1) * sizeof(*r->cons));
		r->cons[r->ncons].name = xstrdup(u->name);
		r->cons[r->ncons++].n = (long)ceil(u->value);
	}
	return 0;
}

void
jobcons_free(struct jobreq *r)
{
	for (size_t i = 0; i < r->ncons; i++)
		free(r->cons[i].name);
	free(r->cons);
	r->cons = NULL;
	r->ncons = 0;
}

bool
jobcons_any(const struct jobreq *r)
{
	return r->gpu.num > 0 || r->ncons > 0;
}

int
jobcons_gpus(const struct jobreq *r, int slots)
{
	return r->gpu.per_task ? r->gpu.num * slots : r->gpu.num;
}

char *
jobcons_shape(const struct jobreq *r)
{
	char *s = r->gpu.num > 0 ? xasprintf("g%d%s%s", r->gpu.num,
	    r->gpu.per_task ? "t" : "", r->gpu.j_exclusive > 0 ? "x" : "") : xstrdup(""), *t;

	for (size_t i = 0; i < r->ncons; i++) {
		t = xasprintf("%s|%s=%ld", s, r->cons[i].name, r->cons[i].n);
		free(s);
		s = t;
	}
	return s;
}
