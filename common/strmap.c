/*
 * strmap.c - chained hash of counters keyed by strings (strmap.h); it
 * doubles when it holds more entries than slots.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

static size_t
strmap_hash(const char *s, size_t size)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a, 64 bits everywhere */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)(h & (size - 1));
}

static void
strmap_grow(struct strmap *m)
{
	size_t nsize = m->size ? m->size * 2 : 64, i, h;
	struct strmap_ent **nt = xcalloc(nsize, sizeof(*nt)), *e, *next;

	for (i = 0; i < m->size; i++)
		for (e = m->tab[i]; e != NULL; e = next) {
			next = e->next;
			h = strmap_hash(e->key, nsize);
			e->next = nt[h];
			nt[h] = e;
		}
	free(m->tab);
	m->tab = nt;
	m->size = nsize;
}

struct strmap_ent *
strmap_get(struct strmap *m, const char *key, int create)
{
	struct strmap_ent *e;
	size_t h;

	if (m->size > 0)
		for (e = m->tab[strmap_hash(key, m->size)]; e != NULL; e = e->next)
			if (strcmp(e->key, key) == 0)
				return e;
	if (!create)
		return NULL;
	if (m->count + 1 > m->size)
		strmap_grow(m);
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	h = strmap_hash(key, m->size);
	e->next = m->tab[h];
	m->tab[h] = e;
	m->count++;
	return e;
}

void
strmap_del(struct strmap *m, const char *key)
{
	struct strmap_ent **pe, *e;

	if (m->size == 0)
		return;
	for (pe = &m->tab[strmap_hash(key, m->size)]; (e = *pe) != NULL; pe = &e->next)
		if (strcmp(e->key, key) == 0) {
			*pe = e->next;
			free(e->key);
			free(e);
			m->count--;
			return;
		}
}

void
strmap_clear(struct strmap *m)
{
	struct strmap_ent *e, *next;
	size_t i;

	for (i = 0; i < m->size; i++)
		for (e = m->tab[i]; e != NULL; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	free(m->tab);
	memset(m, 0, sizeof(*m));
}

void
strmap_foreach(struct strmap *m, void (*fn)(struct strmap_ent *, void *), void *arg)
{
	struct strmap_ent *e;
	size_t i;

	for (i = 0; i < m->size; i++)
		for (e = m->tab[i]; e != NULL; e = e->next)
			fn(e, arg);
}
