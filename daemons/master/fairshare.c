/*
 * fairshare.c - queue-level fairshare (FAIRSHARE = USER_SHARES[...]):
 * each user's usage in a queue is slot-seconds decayed with a half-life
 * (lsb.params HIST_HOURS, default 5 hours); the dynamic priority is
 * shares / (1 + running slots + usage in slot-hours), so a user who ran
 * less recently, or holds more shares, goes first. Usage lives in memory
 * only: a restarted master starts everyone even.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "master.h"
#include "sched.h"
#include "strmap.h"
#include "util.h"

/* Per entry: d = usage (slot-seconds), n = running slots. */
struct fairshare {
	struct strmap map;
	long last;
};

struct fairshare *
fairshare_new(void)
{
	return xcalloc(1, sizeof(struct fairshare));
}

void
fairshare_free(struct fairshare *f)
{
	if (f == NULL)
		return;
	strmap_clear(&f->map);
	free(f);
}

static struct strmap_ent *
fairshare_ent(struct fairshare *f, const char *queue, const char *user)
{
	char key[512];

	snprintf(key, sizeof(key), "%s|%s", queue, user);
	return strmap_get(&f->map, key, 1);
}

struct fs_age {
	double factor, dt;
};

static void
fairshare_age_one(struct strmap_ent *e, void *arg)
{
	struct fs_age *a = arg;

	e->d = e->d * a->factor + (double)e->n * a->dt;
	e->n = 0;
}

void
fairshare_age(struct fairshare *f, long now, double half_life_hours)
{
	struct fs_age a = { 1, 0 };

	if (f->last > 0 && now > f->last) {
		a.dt = (double)(now - f->last);
		if (half_life_hours > 0)
			a.factor = pow(0.5, a.dt / (half_life_hours * 3600));
	}
	strmap_foreach(&f->map, fairshare_age_one, &a);
	f->last = now;
}

void
fairshare_charge(struct fairshare *f, const char *queue, const char *user,
    double slot_seconds)
{
	fairshare_ent(f, queue, user)->d += slot_seconds;
}

void
fairshare_set_running(struct fairshare *f, const char *queue, const char *user,
    int slots)
{
	fairshare_ent(f, queue, user)->n += slots;
}

void
fairshare_started(struct fairshare *f, const char *queue, const char *user,
    int slots)
{
	fairshare_ent(f, queue, user)->n += slots;
}

double
fairshare_priority(struct fairshare *f, const char *queue, const char *user,
    int shares)
{
	struct strmap_ent *e = fairshare_ent(f, queue, user);

	return (double)shares / (1.0 + (double)e->n + e->d / 3600.0);
}
