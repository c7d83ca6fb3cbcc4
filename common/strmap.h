/*
 * strmap.h - a small string-keyed hash of counters, for tallies the
 * scheduler rebuilds every pass (slots per queue/user/host, fairshare).
 */
#ifndef PUMICE_STRMAP_H
#define PUMICE_STRMAP_H

#include <stddef.h>

struct strmap_ent {
	char *key;
	long n;
	double d, d2;
	void *p;		/* the owner's, never freed here */
	struct strmap_ent *next;
};

struct strmap {
	struct strmap_ent **tab;
	size_t size, count;
};

/* The entry for key; created (zeroed) when create, else NULL if absent. */
struct strmap_ent *strmap_get(struct strmap *m, const char *key, int create);
/* Removes key's entry, if any (its p is the owner's to free). */
void strmap_del(struct strmap *m, const char *key);
void strmap_clear(struct strmap *m);
/* Calls fn on every entry. */
void strmap_foreach(struct strmap *m, void (*fn)(struct strmap_ent *, void *),
    void *arg);

#endif
