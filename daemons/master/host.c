/*
 * host.c - the host table. A host exists from its first registration (or
 * from a replayed start event naming it) and stays; while its agent link is
 * down it is "unavail" and its running jobs show UNKWN (rerunnable ones
 * are requeued once it has been away for the link timeout, requeue.c).
 */
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "schedconf.h"
#include "util.h"

/* By name through m->host_names: each start looks its host up, and a
 * walk of the list cost ~10 us a start at 10,000 hosts. */
struct host *
host_find(struct master *m, const char *name)
{
	struct strmap_ent *e = strmap_get(&m->host_names, name, 0);

	return e != NULL ? e->p : NULL;
}

struct host *
host_get(struct master *m, const char *name)
{
	struct host *h = host_find(m, name), *k;

	if (h != NULL)
		return h;
	h = xcalloc(1, sizeof(*h));
	h->name = xstrdup(name);
	h->status = HOST_UNAVAIL;
	h->lost_ms = now_mono_ms();	/* away until its agent registers */
	TAILQ_INIT(&h->running);
	strmap_get(&m->host_names, name, 1)->p = h;
	/* keep the table sorted by name, as bhosts shows it */
	TAILQ_FOREACH(k, &m->hosts, entry)
		if (strcmp(k->name, name) > 0)
			break;
	if (k == NULL)
		TAILQ_INSERT_TAIL(&m->hosts, h, entry);
	else
		TAILQ_INSERT_BEFORE(k, h, entry);
	snapshot_hosts_changed(m);
	return h;
}

static const char *
host_status_word(const struct host *h, int max)
{
	if (h->status != HOST_UNAVAIL && h->adm_closed)
		return "closed_Adm";
	switch (h->status) {
	case HOST_OK:
		if (h->excl)
			return "closed_Excl";	/* a bsub -x job runs here */
		return h->used >= max ? "closed_Full" : "ok";
	case HOST_CLOSED:
		return "closed_Adm";
	default:
		return "unavail";
	}
}

/* The lsf.cluster Host row: type, model (unless "!") and RESOURCES. */
static void
host_record_conf(struct master *m, struct host *h, json_t *r)
{
	const struct schedconf_host *ch = m->conf->sched == NULL ? NULL :
	    schedconf_host(m->conf->sched, h->name);
	json_t *res = json_array();
	size_t i;

	if (ch != NULL && ch->type != NULL)
		json_object_set_new(r, "type", json_string(ch->type));
	if (ch != NULL && ch->model != NULL)
		json_object_set_new(r, "model", json_string(ch->model));
	for (i = 0; ch != NULL && ch->resources != NULL && ch->resources[i]; i++)
		json_array_append_new(res, json_string(ch->resources[i]));
	json_object_set_new(r, "resources", res);
}

json_t *
host_record(struct master *m, struct host *h)
{
	json_t *r;

	r = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
	    "name", h->name, "status", host_status_word(h, snapshot_max_slots(m, h)),
	    "max", snapshot_max_slots(m, h), "jl_u", snapshot_jlu(m, h),
	    "njobs", h->used, "run", h->used, "ssusp", 0, "ususp", 0, "rsv", h->rsv,
	    "ncpus", h->ncpus);
	json_object_set_new(r, "mem_total", json_integer(h->mem_total));
	json_object_set_new(r, "mem_free", json_integer(h->mem_free));
	json_object_set_new(r, "swap_total", json_integer(h->swap_total));
	json_object_set_new(r, "swap_free", json_integer(h->swap_free));
	json_object_set_new(r, "load", json_pack("[f,f,f]", h->load[0], h->load[1],
	    h->load[2]));
	json_object_set_new(r, "ut", json_real(h->ut));
	json_object_set_new(r, "pg", json_real(h->pg));
	json_object_set_new(r, "io", json_real(h->io));
	json_object_set_new(r, "it", json_real(h->it));
	json_object_set_new(r, "ls", json_integer(h->ls));
	json_object_set_new(r, "tmp", json_integer(h->tmp_free));
	json_object_set_new(r, "tmp_total", json_integer(h->tmp_total));
	json_object_set_new(r, "arch", json_string(h->arch ? h->arch : ""));
	json_object_set_new(r, "model", json_string(h->model ? h->model : ""));
	json_object_set_new(r, "comment", json_string(h->adm_comment ? h->adm_comment : ""));
	host_record_conf(m, h, r);
	return r;
}

/* Takes h out of the table and frees it (no job or link may point to it). */
void
host_remove(struct master *m, struct host *h)
{
	struct strmap_ent *e = strmap_get(&m->host_names, h->name, 0);

	if (e != NULL)
		e->p = NULL;	/* the name may come back: host_find says NULL */
	TAILQ_REMOVE(&m->hosts, h, entry);
	free(h->name);
	free(h->arch);
	free(h->model);
	free(h->version);
	free(h->adm_comment);
	free(h);
}

void
host_free_all(struct master *m)
{
	struct host *h;

	strmap_clear(&m->host_names);
	while ((h = TAILQ_FIRST(&m->hosts)) != NULL)
		host_remove(m, h);
}
