/*
 * consum.c - the ledger of consumables running jobs hold (consum.h).
 * Pools are keyed as resmap_pool names them ("lic#0", "tpu@node1"); a
 * GPU pool is always its host's ("ngpus_physical@node1") and keeps, per
 * device, how many jobs share it and whether one holds it alone.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consum.h"
#include "master.h"
#include "sched.h"
#include "util.h"

struct consum_gpus {
	unsigned short shared[CONSUM_MAX_GPUS];	/* jobs using the device */
	bool excl[CONSUM_MAX_GPUS];		/* one of them holds it alone */
};

struct consum {
	struct strmap pools;	/* n: units held; p: struct consum_gpus */
	struct strmap reasons;	/* p: pending reason text, by resource */
};

struct consum *
consum_new(void)
{
	return xcalloc(1, sizeof(struct consum));
}

static void
consum_free_one(struct strmap_ent *e, void *arg)
{
	free(e->p);
}

void
consum_free(struct consum *l)
{
	if (l == NULL)
		return;
	strmap_foreach(&l->pools, consum_free_one, NULL);
	strmap_clear(&l->pools);
	strmap_foreach(&l->reasons, consum_free_one, NULL);
	strmap_clear(&l->reasons);
	free(l);
}

struct consum *
consum_of(struct master *m)
{
	if (m->consum == NULL)
		m->consum = consum_new();
	return m->consum;
}

const char *
consum_reason(struct consum *l, const char *name)
{
	struct strmap_ent *e = strmap_get(&l->reasons, name, 1);

	if (e->p == NULL)
		e->p = xasprintf("Job's requirements for reserving resource (%s) not "
		    "satisfied", name);
	return e->p;
}

static char *
consum_gpu_key(const char *host)
{
	return xasprintf("%s@%s", RESMAP_GPU, host);
}

long
consum_total(const struct schedconf *sc, const char *host, int ngpus,
    const char *name)
{
	long total = 0;
	char *key;

	if (strcmp(name, RESMAP_GPU) == 0 && ngpus > 0)
		return ngpus;	/* detected by the agent */
	key = resmap_pool(sc ? &sc->rmap : NULL, name, host, &total);
	free(key);
	if (key == NULL)
		return 0;
	if (strcmp(name, RESMAP_GPU) == 0 && total > CONSUM_MAX_GPUS)
		total = CONSUM_MAX_GPUS;
	return total;
}

static const struct consum_gpus *
consum_gpus_of(const struct consum *l, const char *host)
{
	char *key = consum_gpu_key(host);
	struct strmap_ent *e = strmap_get((struct strmap *)&l->pools, key, 0);

	free(key);
	return e ? e->p : NULL;
}

/* Devices of host free for a job: alone (excl) or shared. */
static int
consum_gpus_free(const struct consum_gpus *g, long total, bool excl)
{
	int n = 0;

	for (long d = 0; d < total; d++)
		if (g == NULL || (!g->excl[d] && (!excl || g->shared[d] == 0)))
			n++;
	return n;
}

static int
consum_fit_gpus(const struct consum *l, const struct schedconf *sc,
    const char *host, int ngpus, const struct jobreq *r, int slots)
{
	long total = consum_total(sc, host, ngpus, RESMAP_GPU);
	int want = jobcons_gpus(r, slots);

	if (total < want)
		return -1;
	return consum_gpus_free(consum_gpus_of(l, host), total,
	    r->gpu.j_exclusive > 0) >= want ? 1 : 0;
}

int
consum_fit(const struct consum *l, const struct schedconf *sc, const char *host,
    int ngpus, const struct jobreq *r, int slots, const char **short_of)
{
	int fit = 1, f;
	long total;
	char *key;

	if (r->gpu.num > 0 && (fit = consum_fit_gpus(l, sc, host, ngpus, r, slots)) < 1)
		*short_of = RESMAP_GPU;
	for (size_t i = 0; i < r->ncons && fit >= 0; i++) {
		key = resmap_pool(sc ? &sc->rmap : NULL, r->cons[i].name, host, &total);
		if (key == NULL || total < r->cons[i].n)
			f = -1;
		else {
			struct strmap_ent *e = strmap_get((struct strmap *)&l->pools, key, 0);
			f = (e ? e->n : 0) + r->cons[i].n <= total ? 1 : 0;
		}
		free(key);
		if (f < fit) {
			fit = f;
			*short_of = r->cons[i].name;
		}
	}
	return fit;
}

/* Device indices for a job: alone, the lowest free ones; shared, the
 * least shared ones (lowest index first among equals). */
static void
consum_pick_gpus(const struct consum_gpus *g, long total, bool excl, int want,
    json_t *dev)
{
	bool taken[CONSUM_MAX_GPUS] = { false };

	for (int k = 0; k < want; k++) {
		long best = -1;
		for (long d = 0; d < total; d++) {
			unsigned sh = g ? g->shared[d] : 0;
			if (taken[d] || (g && g->excl[d]) || (excl && sh > 0))
				continue;
			if (best < 0 || sh < (g ? g->shared[best] : 0))
				best = d;
		}
		if (best < 0)
			return;
		taken[best] = true;
		json_array_append_new(dev, json_integer(best));
	}
}

void
consum_pick(const struct consum *l, const struct schedconf *sc, const char *host,
    int ngpus, const struct jobreq *r, int slots, json_t *alloc)
{
	long total;
	char *key;

	if (r->gpu.num > 0) {
		json_t *dev = json_array();
		bool excl = r->gpu.j_exclusive > 0;
		consum_pick_gpus(consum_gpus_of(l, host),
		    consum_total(sc, host, ngpus, RESMAP_GPU), excl,
		    jobcons_gpus(r, slots), dev);
		key = consum_gpu_key(host);
		json_array_append_new(alloc, json_pack("{s:s, s:s, s:s, s:I, s:o, s:b}",
		    "h", host, "r", RESMAP_GPU, "p", key,
		    "n", (json_int_t)json_array_size(dev), "dev", dev, "x", excl));
		free(key);
	}
	for (size_t i = 0; i < r->ncons; i++) {
		if ((key = resmap_pool(sc ? &sc->rmap : NULL, r->cons[i].name, host,
		    &total)) == NULL)
			continue;
		json_array_append_new(alloc, json_pack("{s:s, s:s, s:s, s:I}", "h", host,
		    "r", r->cons[i].name, "p", key, "n", (json_int_t)r->cons[i].n));
		free(key);
	}
}

/* Applies one record: sign +1 takes, -1 gives back. */
static void
consum_apply(struct consum *l, const json_t *rec, int sign)
{
	const char *pool = json_string_value(json_object_get(rec, "p"));
	json_int_t n = json_integer_value(json_object_get(rec, "n"));
	bool excl = json_is_true(json_object_get(rec, "x"));
	const json_t *dev = json_object_get(rec, "dev"), *v;
	struct strmap_ent *e;
	struct consum_gpus *g;
	size_t i;

	if (pool == NULL || (e = strmap_get(&l->pools, pool, 1)) == NULL)
		return;
	e->n += sign * (long)n;
	if (e->n < 0)
		e->n = 0;
	if (!json_is_array(dev))
		return;
	if (e->p == NULL)
		e->p = xcalloc(1, sizeof(struct consum_gpus));
	g = e->p;
	json_array_foreach(dev, i, v) {
		json_int_t d = json_integer_value(v);
		if (d < 0 || d >= CONSUM_MAX_GPUS)
			continue;
		if (sign > 0 || g->shared[d] > 0)
			g->shared[d] = (unsigned short)(g->shared[d] + sign);
		if (excl)
			g->excl[d] = sign > 0;
	}
}

void
consum_started(struct master *m, struct elem *e, const json_t *data)
{
	const json_t *alloc = json_object_get(data, "alloc"), *rec;
	size_t i;

	json_decref(e->alloc);
	e->alloc = NULL;
	if (!json_is_array(alloc) || json_array_size(alloc) == 0)
		return;
	e->alloc = json_deep_copy(alloc);
	json_array_foreach(e->alloc, i, rec)
		consum_apply(consum_of(m), rec, 1);
}

void
consum_released(struct master *m, struct elem *e)
{
	const json_t *rec;
	size_t i;

	if (e->alloc == NULL)
		return;
	json_array_foreach(e->alloc, i, rec)
		consum_apply(consum_of(m), rec, -1);
	json_decref(e->alloc);
	e->alloc = NULL;
}

static json_t *
consum_gpu_json(struct consum *l, const char *host, long total)
{
	const struct consum_gpus *g = consum_gpus_of(l, host);
	json_t *a = json_array();

	for (long d = 0; d < total; d++)
		json_array_append_new(a, json_pack("{s:I, s:i, s:b}", "id", (json_int_t)d,
		    "jobs", g ? g->shared[d] : 0, "excl", g ? g->excl[d] : false));
	return a;
}

json_t *
consum_host_json(struct master *m, const struct host *h)
{
	const struct schedconf *sc = m->conf->sched;
	struct consum *l = consum_of(m);
	json_t *a = json_array(), *o;
	long total;
	char *key;

	for (size_t i = 0; sc != NULL && i < sc->rmap.nres; i++) {
		const char *name = sc->rmap.res[i].name;
		bool gpu = strcmp(name, RESMAP_GPU) == 0;
		if (!sc->rmap.res[i].consumable ||
		    (total = consum_total(sc, h->name, h->ngpus, name)) <= 0)
			continue;
		key = gpu ? consum_gpu_key(h->name) : resmap_pool(&sc->rmap, name,
		    h->name, &total);
		struct strmap_ent *e = key ? strmap_get(&l->pools, key, 0) : NULL;
		o = json_pack("{s:s, s:I, s:I, s:b}", "name", name, "total",
		    (json_int_t)total, "used", (json_int_t)(e ? e->n : 0), "shared",
		    key != NULL && strchr(key, '#') != NULL);
		if (gpu)
			json_object_set_new(o, "gpus", consum_gpu_json(l, h->name, total));
		json_array_append_new(a, o);
		free(key);
	}
	if (json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* LSB_RES_<NAME>: the name upper-cased, other than [A-Z0-9_] as '_'. */
static char *
consum_env_name(const char *res)
{
	char *s = xasprintf("LSB_RES_%s", res);

	for (char *p = s + 8; *p; p++)
		*p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
	return s;
}

void
consum_env(const json_t *alloc, const char *host, json_t *env)
{
	const json_t *rec, *v;
	size_t i, k;
	char *name;

	json_array_foreach(alloc, i, rec) {
		const char *h = json_string_value(json_object_get(rec, "h"));
		const char *r = json_string_value(json_object_get(rec, "r"));
		if (h == NULL || r == NULL || strcmp(h, host) != 0)
			continue;
		if (json_is_array(json_object_get(rec, "dev"))) {
			char buf[CONSUM_MAX_GPUS * 4] = "";
			size_t len = 0;
			json_array_foreach(json_object_get(rec, "dev"), k, v)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%lld",
				    k ? "," : "", (long long)json_integer_value(v));
			json_object_set_new(env, "CUDA_VISIBLE_DEVICES", json_string(buf));
		}
		name = consum_env_name(r);
		json_object_set_new(env, name, json_sprintf("%lld", (long long)
		    json_integer_value(json_object_get(rec, "n"))));
		free(name);
	}
}
