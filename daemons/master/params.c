/*
 * params.c - configuration introspection for bparams, badmin showconf mbd,
 * lsadmin showconf lim and lsclusters. The lsb.params rows of the key
 * table (conftab.c) flagged CTF_LISTED are published in the table's order,
 * with their unit and LSF's description; values come from the running
 * struct conf where the row says the master keeps one (what the master
 * uses), else from lsb.params as written, else the row's default. The
 * other keys lsb.params sets (Pumice's own, unknown ones) are published
 * too, as written.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conftab.h"
#include "master.h"
#include "util.h"

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

/* The value the running master uses for a listed row (malloc'd): a long
 * it keeps wins over the file's text (it is that text, parsed), the
 * file's text over a string it derived from it. */
static char *
params_value(const struct conf *c, const struct conftab_key *k)
{
	const char *v = params_file_value(c, k->key);
	char *live = NULL;

	if (k->live == CV_LONG || v == NULL)
		live = conftab_live_value(k, c);
	if (live != NULL)
		return live;
	return xstrdup(v ? v : k->def);
}

static bool
params_listed(const char *key)
{
	const struct conftab_key *k = conftab_find(CT_LSB_PARAMS, key);

	return k != NULL && (k->flags & CTF_LISTED);
}

static void
params_add(json_t *out, const char *key, const char *value, const char *unit,
    bool core, const char *desc)
{
	json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:b, s:s}", "key", key,
	    "value", value, "unit", unit ? unit : "", "core", core, "desc", desc));
}

/* Every lsb.params parameter, plus LSF_UNIT_FOR_LIMITS from lsf.conf. */
json_t *
params_list(const struct conf *c)
{
	const struct conftab_key *k;
	json_t *out = json_array();
	size_t i, j;
	char *v;

	for (i = 0; i < conftab_n; i++) {
		k = &conftab[i];
		if (k->file != CT_LSB_PARAMS || !(k->flags & CTF_LISTED))
			continue;
		v = params_value(c, k);
		params_add(out, k->key, v, k->unit, (k->flags & CTF_CORE) ||
		    params_file_value(c, k->key) != NULL, k->help);
		free(v);
	}
	for (i = 0; i < c->params.nsec; i++)
		for (j = 0; j < c->params.sec[i].nkv; j++) {
			const struct cfg_kv *kv = &c->params.sec[i].kv[j];
			if (params_listed(kv->key))
				continue;
			/* a key bparams does not list unset: its own row's words,
			 * if the table has one (PUMICE_HISTORY_DAYS, ...) */
			k = conftab_find(CT_LSB_PARAMS, kv->key);
			params_add(out, kv->key, kv->value, k != NULL && k->unit != NULL ?
			    k->unit : "", true, k != NULL && k->help != NULL ? k->help :
			    "A parameter Pumice keeps without acting on it");
		}
	k = conftab_find(CT_LSF_CONF, "LSF_UNIT_FOR_LIMITS");
	params_add(out, k->key, c->unit_for_limits, "", true, k->help);
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
