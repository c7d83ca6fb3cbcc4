/*
 * host.c - the host table. A host exists from its first registration (or
 * from a replayed start event naming it) and stays; while its agent link is
 * down it is "unavail" and its running jobs show UNKWN (rerunnable ones
 * are requeued once it has been away for the link timeout, requeue.c).
 * A host whose agent refuses starts for a reason of its own is
 * closed_Fault for a back-off (hostfault.c); this file ties that state to
 * the log, the scheduler's snapshot and the host record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consum.h"
#include "log.h"

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
	if (h->status == HOST_OK && h->fault.closed)
		return "closed_Fault";
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

/* Monotonic ms as seconds since the epoch. */
static long
host_wall(uint64_t mono)
{
	uint64_t now = now_mono_ms();

	return (long)now_real() + (mono > now ? (long)((mono - now + 999) / 1000) : 0);
}

static void
host_record_fault(const struct host *h, json_t *r)
{
	json_object_set_new(r, "fault_cause", json_string(h->fault.cause));
	json_object_set_new(r, "fault_retry", json_integer(host_wall(h->fault.until)));
	json_object_set_new(r, "fault_backoff",
	    json_integer((json_int_t)(h->fault.period / 1000)));
	json_object_set_new(r, "fault_refused", json_integer(h->fault.refused));
}

json_t *
host_record(struct master *m, struct host *h)
{
	json_t *r, *cons;

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
	if ((cons = consum_host_json(m, h)) != NULL)
		json_object_set_new(r, "consumables", cons);
	if (h->fault.closed)
		host_record_fault(h, r);
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
	hostfault_clear(&h->fault);
	free(h);
}

void
host_fault_refused(struct master *m, struct host *h, const char *cause)
{
	if (!hostfault_refused(&h->fault, now_mono_ms(), cause))
		return;
	log_warnx("host %s closed_Fault for %llu s (start %ld refused there in a "
	    "row): %s", h->name, (unsigned long long)(h->fault.period / 1000),
	    h->fault.refused, cause);
	snapshot_host_changed(m, h);
}

void
host_fault_reset(struct master *m, struct host *h, const char *why)
{
	if (!hostfault_started(&h->fault))
		return;
	log_info("host %s: fault over, back-off reset: %s", h->name, why);
	snapshot_host_changed(m, h);
}

void
host_fault_tick(struct master *m)
{
	uint64_t now = now_mono_ms();
	struct host *h;

	TAILQ_FOREACH(h, &m->hosts, entry)
		if (hostfault_expire(&h->fault, now)) {
			log_info("host %s: back-off of %llu s over, starts tried again",
			    h->name, (unsigned long long)(h->fault.period / 1000));
			snapshot_host_changed(m, h);
		}
}

void
host_fault_detail(const struct host *h, char *buf, size_t len)
{
	time_t t = (time_t)host_wall(h->fault.until);
	struct tm tm;
	char at[16];

	strftime(at, sizeof(at), "%H:%M:%S", localtime_r(&t, &tm));
	snprintf(buf, len, "%s closed_Fault: %s; tried again at %s", h->name,
	    h->fault.cause != NULL ? h->fault.cause : "?", at);
}

void
host_free_all(struct master *m)
{
	struct host *h;

	strmap_clear(&m->host_names);
	while ((h = TAILQ_FIRST(&m->hosts)) != NULL)
		host_remove(m, h);
}
