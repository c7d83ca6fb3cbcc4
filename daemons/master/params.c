/*
 * params.c - configuration introspection for bparams, badmin showconf mbd,
 * lsadmin showconf lim and lsclusters. The table below names every
 * lsb.params parameter Pumice publishes, with LSF's default and unit;
 * values come from the running struct conf (what the master uses) or, for
 * parameters Pumice accepts without acting on them, from lsb.params as
 * written. Keys in lsb.params that the table does not know are published
 * too, as written.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "master.h"
#include "util.h"

static const struct params_def {
	const char *key;
	const char *def;	/* LSF's default; NULL: taken from struct conf */
	const char *unit;	/* "" when none */
	bool core;		/* shown by bparams -l without -a */
	const char *desc;
} params_defs[] = {
	{ "DEFAULT_QUEUE", NULL, "", true,
	    "System default queues for automatic queue selection" },
	{ "DEFAULT_PROJECT", "default", "", true, "The default project assigned to jobs" },
	{ "MBD_SLEEP_TIME", "10", "seconds", true,
	    "The interval for dispatching jobs by master batch daemon" },
	{ "SBD_SLEEP_TIME", "30", "seconds", true,
	    "The interval for checking jobs by slave batch daemon" },
	{ "JOB_ACCEPT_INTERVAL", "1", "", true,
	    "The interval for a host to accept two batch jobs, in multiples of "
	    "MBD_SLEEP_TIME" },
	{ "JOB_SCHEDULING_INTERVAL", "1", "seconds", false,
	    "The minimum interval between two scheduling sessions" },
	{ "CLEAN_PERIOD", NULL, "seconds", true,
	    "The amount of time during which finished jobs are kept in core" },
	{ "MAX_JOB_NUM", "1000", "", false,
	    "The maximum number of finished jobs that are logged before switching "
	    "the event log" },
	{ "MAX_JOB_ARRAY_SIZE", NULL, "", true, "The maximum number of jobs in a job array" },
	{ "MAX_JOBID", NULL, "", true, "The maximum job ID" },
	{ "JOB_TERMINATE_INTERVAL", NULL, "seconds", true,
	    "The time interval between the signals of a default job kill" },
	{ "MAX_SBD_FAIL", "3", "", false,
	    "The maximum number of retries for reaching a slave batch daemon" },
	{ "MAX_USER_PRIORITY", "-1", "", false, "The maximum user-assigned job priority" },
	{ "MAX_JOB_REQUEUE", "2147483647", "", false,
	    "The maximum number of times a job is requeued by its exit value" },
	{ "JOB_PRIORITY_OVER_TIME", "", "", false,
	    "Automatic job priority escalation" },
	{ "JOB_DEP_LAST_SUB", "0", "", false,
	    "Whether a dependency on a job name refers to the last job submitted" },
	{ "JOB_SPOOL_DIR", "", "", false, "The directory for the job spool" },
	{ "RESOURCE_RESERVE_PER_TASK", "N", "", false,
	    "Whether rusage resources are reserved per task" },
	{ "RESOURCE_RESERVE_PER_SLOT", "N", "", false,
	    "Whether rusage resources are reserved per slot" },
	{ "DEFAULT_BWAIT_TIMEOUT", "525600", "minutes", false,
	    "The default timeout of bwait" },
	{ "ORPHAN_JOB_TERM_GRACE_PERIOD", "0", "seconds", false,
	    "The grace period before an orphaned dependent job is terminated" },
};

/* The value lsb.params gives key, or NULL. */
static const char *
params_file_value(const struct conf *c, const char *key)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < c->params.nsec; i++)
		if (cfg_section_get(&c->params.sec[i], key) != NULL)
			v = cfg_section_get(&c->params.sec[i], key);
	return v;
}

/* The value the running master uses for a table entry (malloc'd). */
static char *
params_value(const struct conf *c, const struct params_def *d)
{
	const char *v = params_file_value(c, d->key);

	if (strcmp(d->key, "DEFAULT_QUEUE") == 0)
		return xstrdup(v ? v : c->default_queue);
	if (strcmp(d->key, "CLEAN_PERIOD") == 0)
		return xasprintf("%ld", c->clean_period);
	if (strcmp(d->key, "MAX_JOB_ARRAY_SIZE") == 0)
		return xasprintf("%ld", c->max_job_array_size);
	if (strcmp(d->key, "MAX_JOBID") == 0)
		return xasprintf("%ld", c->max_jobid);
	if (strcmp(d->key, "JOB_TERMINATE_INTERVAL") == 0)
		return xasprintf("%ld", c->job_terminate_interval);
	return xstrdup(v ? v : d->def);
}

static bool
params_known(const char *key)
{
	size_t i;

	for (i = 0; i < nitems(params_defs); i++)
		if (strcasecmp(params_defs[i].key, key) == 0)
			return true;
	return false;
}

static void
params_add(json_t *out, const char *key, const char *value, const char *unit,
    bool core, const char *desc)
{
	json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:b, s:s}", "key", key,
	    "value", value, "unit", unit, "core", core, "desc", desc));
}

/* Every lsb.params parameter, plus LSF_UNIT_FOR_LIMITS from lsf.conf. */
json_t *
params_list(const struct conf *c)
{
	json_t *out = json_array();
	size_t i, k, j;

	for (i = 0; i < nitems(params_defs); i++) {
		const struct params_def *d = &params_defs[i];
		char *v = params_value(c, d);
		params_add(out, d->key, v, d->unit, d->core || params_file_value(c,
		    d->key) != NULL, d->desc);
		free(v);
	}
	for (k = 0; k < c->params.nsec; k++)
		for (j = 0; j < c->params.sec[k].nkv; j++) {
			const struct cfg_kv *kv = &c->params.sec[k].kv[j];
			if (!params_known(kv->key))
				params_add(out, kv->key, kv->value, "", true,
				    "A parameter Pumice keeps without acting on it");
		}
	params_add(out, "LSF_UNIT_FOR_LIMITS", c->unit_for_limits, "", true,
	    "The unit of memory limits and resource values without a unit");
	return out;
}

void
params_op(struct master *m, struct reqctx *rq, json_t *args)
{
	control_reply(m, rq, true, json_pack("{s:o}", "params", params_list(m->conf)),
	    NULL, NULL);
}

/* ---- showconf ---- */

static void
showconf_add(json_t *out, const char *key, const char *value)
{
	size_t i;
	json_t *v;

	json_array_foreach(out, i, v)
		if (strcmp(json_string_value(json_object_get(v, "key")), key) == 0)
			return;
	json_array_append_new(out, json_pack("{s:s, s:s}", "key", key, "value",
	    value ? value : ""));
}

/* The lsf.conf keys: effective directories first, then the file's keys. */
static json_t *
showconf_lsf(const struct conf *c)
{
	json_t *out = json_array();
	char port[16];
	size_t i;

	snprintf(port, sizeof(port), "%d", c->mbd_port);
	showconf_add(out, "LSF_ENVDIR", c->envdir);
	showconf_add(out, "LSF_CONFDIR", c->confdir);
	showconf_add(out, "LSB_CONFDIR", c->lsb_confdir);
	showconf_add(out, "LSB_SHAREDIR", c->sharedir);
	showconf_add(out, "LSF_UNIT_FOR_LIMITS", c->unit_for_limits);
	showconf_add(out, "LSB_MBD_PORT", port);
	showconf_add(out, "LSF_CLUSTER_NAME", c->cluster);
	if (c->master_host != NULL)
		showconf_add(out, "LSF_MASTER_LIST", cfg_get(&c->lsfconf,
		    "LSF_MASTER_LIST") ? cfg_get(&c->lsfconf, "LSF_MASTER_LIST") :
		    c->master_host);
	for (i = 0; i < c->lsfconf.nkv; i++)
		showconf_add(out, c->lsfconf.kv[i].key, cfg_get(&c->lsfconf,
		    c->lsfconf.kv[i].key));
	return out;
}

/* args {what: "mbd"|"lim"} -> {header, conf:[{key, value}]} */
void
showconf_op(struct master *m, struct reqctx *rq, json_t *args)
{
	const char *what = json_string_value(json_object_get(args, "what"));
	json_t *out, *params, *p;
	char date[64];
	time_t now = time(NULL);
	size_t i;

	if (what == NULL || (strcmp(what, "mbd") != 0 && strcmp(what, "lim") != 0))
		return control_reply(m, rq, false, NULL, "rejected",
		    "%s: unknown daemon (mbd or lim)", what ? what : "");
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Z %Y", localtime(&now));
	out = showconf_lsf(m->conf);
	if (strcmp(what, "mbd") == 0) {
		params = params_list(m->conf);
		json_array_foreach(params, i, p)
			showconf_add(out, json_string_value(json_object_get(p, "key")),
			    json_string_value(json_object_get(p, "value")));
		json_decref(params);
	}
	control_reply(m, rq, true, json_pack("{s:s+, s:o}", "header",
	    strcmp(what, "mbd") == 0 ? "MBD configuration at " :
	    "LIM configuration at ", date, "conf", out), NULL, NULL);
}

/* ---- lsclusters ---- */

void
clusters_op(struct master *m, struct reqctx *rq, json_t *args)
{
	const struct conf *c = m->conf;
	struct host *h;
	int nhosts = 0;

	TAILQ_FOREACH(h, &m->hosts, entry)
		nhosts++;
	control_reply(m, rq, true, json_pack("{s:[{s:s, s:s, s:s, s:s, s:i, s:i}]}",
	    "clusters", "name", c->cluster, "status", "ok", "master", m->hostname,
	    "admin", c->nadmins > 0 ? c->admins[0] : "root", "hosts", nhosts,
	    "servers", nhosts), NULL, NULL);
}
