/*
 * fairshow.c - a FAIRSHARE queue's accounts as bqueues -l shows them
 * (LSF's SHARE_INFO_FOR block): every account the queue's USER_SHARES
 * names, and every user with usage or running jobs there, each with its
 * shares, dynamic priority, running slots and decayed usage. A user whose
 * jobs count in a [group,N] account is shown as the group. Highest
 * priority first, as the scheduler goes.
 */
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "sched.h"
#include "strmap.h"
#include "util.h"

struct fs_list {
	struct master *m;
	const struct schedconf_queue *sq;
	const char *queue;
	size_t qlen;
	struct strmap names;	/* account key ("user" or "@group"): shares in n */
};

static void
fairshow_add(struct fs_list *l, const char *account, int shares)
{
	strmap_get(&l->names, account, 1)->n = shares;
}

/* The USER_SHARES rows naming one user or one group account. */
static void
fairshow_config(struct fs_list *l)
{
	const struct schedconf *sc = l->m->conf->sched;
	char buf[300];

	for (size_t i = 0; i < l->sq->nshares; i++) {
		const char *name = l->sq->shares[i].name;
		size_t n = strlen(name);

		if (strcmp(name, "default") == 0 || (n > 0 && name[n - 1] == '@'))
			continue;	/* no account of its own */
		if (schedconf_ugroup(sc, name) != NULL) {
			snprintf(buf, sizeof(buf), "@%s", name);
			fairshow_add(l, buf, l->sq->shares[i].shares);
		} else
			fairshow_add(l, name, l->sq->shares[i].shares);
	}
}

/* Users with usage or running slots in the queue, under their account. */
static void
fairshow_used(struct strmap_ent *e, void *arg)
{
	struct fs_list *l = arg;
	const char *name = e->key + l->qlen + 1;
	char buf[300];
	int shares;

	if (strncmp(e->key, l->queue, l->qlen) != 0 || e->key[l->qlen] != '|' ||
	    (e->d < 0.5 && e->n == 0) || *name == '@')
		return;
	if (fairshare_group(l->m->conf->sched, l->sq, name, &shares, buf,
	    sizeof(buf)) != NULL)
		name = buf;
	if (shares > 0)
		fairshow_add(l, name, shares);
}

struct fs_row {
	json_t *o;
	double prio;
};

static int
fairshow_cmp(const void *a, const void *b)
{
	const struct fs_row *x = a, *y = b;

	return x->prio < y->prio ? 1 : x->prio > y->prio ? -1 :
	    strcmp(json_string_value(json_object_get(x->o, "user")),
	    json_string_value(json_object_get(y->o, "user")));
}

struct fs_rows {
	struct fs_list *l;
	struct fs_row *v;
	size_t n;
};

static void
fairshow_row(struct strmap_ent *a, void *arg)
{
	struct fs_rows *r = arg;
	struct fairshare *f = sched_state(r->l->m)->fs;
	const char *q = r->l->queue;
	double prio = fairshare_priority(f, q, a->key, (int)a->n);

	r->v[r->n].prio = prio;
	r->v[r->n++].o = json_pack("{s:s, s:I, s:f, s:I, s:i, s:f, s:I}",
	    "user", a->key[0] == '@' ? a->key + 1 : a->key,
	    "shares", (json_int_t)a->n, "priority", prio,
	    "started", (json_int_t)fairshare_running_slots(f, q, a->key),
	    "reserved", 0, "cpu_time", 0.0,
	    "run_time", (json_int_t)(fairshare_usage(f, q, a->key) + 0.5));
}

json_t *
fairshare_queue_json(struct master *m, const char *queue)
{
	const struct schedconf_queue *sq = schedconf_queue_of(m->conf, queue);
	struct fs_list l = { m, sq, queue, strlen(queue), { NULL, 0, 0 } };
	struct fs_rows r = { &l, NULL, 0 };
	json_t *out;

	if (sq == NULL || sq->shares == NULL)
		return NULL;
	fairshow_config(&l);
	fairshare_each(sched_state(m)->fs, fairshow_used, &l);
	out = json_array();
	r.v = xcalloc(l.names.count + 1, sizeof(*r.v));
	strmap_foreach(&l.names, fairshow_row, &r);
	qsort(r.v, r.n, sizeof(*r.v), fairshow_cmp);
	for (size_t i = 0; i < r.n; i++)
		json_array_append_new(out, r.v[i].o);
	free(r.v);
	strmap_clear(&l.names);
	return out;
}
