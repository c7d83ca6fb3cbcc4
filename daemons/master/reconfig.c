/*
 * reconfig.c - badmin ckconfig, reconfig and mbdrestart: the configuration is
 * read again into a new struct conf; ckconfig only reports, reconfig swaps
 * the new structure in when it has no error and keeps the old one
 * otherwise. Jobs are never touched: they name their queue by string, so a
 * queue that disappears keeps its jobs (running ones run on, pending ones
 * stay pending, with a reason saying so, until the queue comes back).
 *
 * Invariant: nothing may keep a pointer into struct conf across loop
 * turns, since reconfig frees the old one. Settings that the master uses
 * only at start-up (ports, sockets, state directory, key file, cluster
 * name) keep their running values and are reported as needing a restart.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confcheck.h"
#include "log.h"
#include "lsfconf.h"
#include "master.h"
#include "util.h"

/* Syntax of the lsb.* files conf_load does not read (yet): file:line. */
static void
reconfig_syntax(const char *dir, const char *file, json_t *errors)
{
	char *path = xasprintf("%s/%s", dir, file);
	struct cfg_file f;
	char err[1024];

	if (access(path, F_OK) < 0 && errno == ENOENT) {
		free(path);
		return;
	}
	if (cfg_load_sections(path, &f, err, sizeof(err)) < 0)
		json_array_append_new(errors, json_string(err));
	else
		cfg_file_free(&f);
	free(path);
}

/* Loads the configuration afresh; NULL when errors holds anything. */
static struct conf *
reconfig_load(struct master *m, json_t *errors)
{
	struct conf *c;
	char err[1024], *dir;

	c = conf_load(m->conf->envdir, 1, err, sizeof(err));
	if (c == NULL)
		json_array_append_new(errors, json_string(err));
	dir = xasprintf("%s/%s/configdir", c ? c->lsb_confdir : m->conf->lsb_confdir,
	    c ? c->cluster : m->conf->cluster);
	reconfig_syntax(dir, "lsb.hosts", errors);
	reconfig_syntax(dir, "lsb.users", errors);
	free(dir);
	if (json_array_size(errors) > 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* Keeps a start-up-only string setting at its running value. */
static void
reconfig_keep_str(char **newv, char **oldv, const char *key, json_t *warnings)
{
	char *t;

	if ((*newv == NULL) != (*oldv == NULL) ||
	    (*newv != NULL && strcmp(*newv, *oldv) != 0))
		json_array_append_new(warnings, json_sprintf("%s changed: it takes "
		    "effect when the master restarts", key));
	t = *newv;
	*newv = *oldv;
	*oldv = t;
}

static void
reconfig_keep(struct conf *nc, struct conf *oc, json_t *warnings)
{
	int port = nc->mbd_port;

	reconfig_keep_str(&nc->cluster, &oc->cluster, "cluster name", warnings);
	reconfig_keep_str(&nc->master_addr, &oc->master_addr, "PUMICE_MASTER_ADDR",
	    warnings);
	reconfig_keep_str(&nc->master_socket, &oc->master_socket,
	    "PUMICE_MASTER_SOCKET", warnings);
	reconfig_keep_str(&nc->statedir, &oc->statedir, "PUMICE_STATEDIR", warnings);
	reconfig_keep_str(&nc->key_file, &oc->key_file, "PUMICE_KEY_FILE", warnings);
	if (port != oc->mbd_port)
		json_array_append_new(warnings, json_string("LSB_MBD_PORT changed: it "
		    "takes effect when the master restarts"));
	nc->mbd_port = oc->mbd_port;
}

/* Queues that have jobs but are no longer configured, for the log. */
static void
reconfig_note_gone(struct master *m, struct conf *nc, json_t *warnings)
{
	size_t i;

	for (i = 0; i < m->conf->nqueues; i++)
		if (conf_queue(nc, m->conf->queues[i].name) == NULL)
			json_array_append_new(warnings, json_sprintf("queue %s was "
			    "removed; its jobs stay, pending ones are not dispatched",
			    m->conf->queues[i].name));
}

/* The errors, one a line. */
static char *
reconfig_join(const json_t *errors)
{
	char *text = xstrdup(""), *t;
	json_t *v;
	size_t i;

	json_array_foreach(errors, i, v) {
		t = xasprintf("%s%s%s", text, i ? "\n" : "", json_string_value(v));
		free(text);
		text = t;
	}
	return text;
}

void
reconfig_ckconfig_op(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *errors = json_array(), *warnings = json_array();

	/* every error and warning, not just the first (confcheck.c) */
	confcheck(m->conf->envdir, errors, warnings);
	control_reply(m, rq, true, json_pack("{s:o,s:o}", "errors", errors,
	    "warnings", warnings), NULL, NULL);
}

void
reconfig_op(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *errors = json_array(), *warnings = json_array();
	struct conf *nc, *oc = m->conf;

	if ((nc = reconfig_load(m, errors)) == NULL) {
		char *text = reconfig_join(errors);
		json_decref(warnings);
		json_decref(errors);
		log_warnx("reconfig by %s refused: %s", rq->user, text);
		control_reply(m, rq, false, NULL, "rejected", "%s", text);
		free(text);
		return;
	}
	json_decref(errors);
	reconfig_keep(nc, oc, warnings);
	reconfig_note_gone(m, nc, warnings);
	m->conf = nc;
	conf_free(oc);
	snapshot_hosts_changed(m);
	log_info("reconfig by %s: %zu queues, default queue %s", rq->user,
	    nc->nqueues, nc->default_queue);
	loop_want_sched(m);
	control_reply(m, rq, true, json_pack("{s:o}", "warnings", warnings), NULL, NULL);
}

/*
 * badmin mbdrestart: refused, as reconfig, when the configuration does not
 * load; otherwise answered, and the loop ends a moment later (the answer
 * must reach the caller first). main() then re-executes the master with
 * the same arguments in the same process: the configuration is read anew,
 * the state comes back from the store as after any restart, and agents
 * and clients dial again. Running jobs are the agents' and go on.
 */
void
reconfig_mbdrestart_op(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *errors = json_array();
	struct conf *nc;
	char *text;

	(void)args;
	if ((nc = reconfig_load(m, errors)) == NULL) {
		text = reconfig_join(errors);
		json_decref(errors);
		log_warnx("mbdrestart by %s refused: %s", rq->user, text);
		control_reply(m, rq, false, NULL, "rejected", "%s", text);
		free(text);
		return;
	}
	conf_free(nc);
	json_decref(errors);
	log_info("mbdrestart by %s: the master re-executes itself", rq->user);
	m->restart = true;
	loop_exit_soon(m);
	control_reply(m, rq, true, NULL, NULL, NULL);
}
