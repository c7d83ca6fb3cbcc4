/*
 * conf.c - builds struct conf from the LSF file layout (LSF.md section 7):
 * lsf.conf, lsf.shared, lsf.cluster.<name> and, for the master, lsb.params
 * and lsb.queues. Every value is checked here, once, so the programs can
 * trust the structure; errors say "file:line: message".
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "conftab.h"
#include "proto.h"
#include "schedconf.h"
#include "shellwords.h"
#include "util.h"

#define CONF_QUEUE_NAME_MAX 40

/* Loading context: the structure being built and the error buffer. */
struct conf_ctx {
	struct conf *c;
	char *err;
	size_t errlen;
};

static int
conf_err(struct conf_ctx *x, const char *path, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		return errf(x->err, x->errlen, "%s:%d: %s", path, line, msg);
	return errf(x->err, x->errlen, "%s: %s", path, msg);
}

/* The last lsf.conf entry for key, or NULL. */
static const struct cfg_kv *
conf_kv(const struct cfg_file *f, const char *key)
{
	size_t i;

	for (i = f->nkv; i > 0; i--)
		if (strcasecmp(f->kv[i - 1].key, key) == 0)
			return &f->kv[i - 1];
	return NULL;
}

/* A string setting from lsf.conf, else a copy of def (may be NULL). */
static char *
conf_str(struct conf *c, const char *key, const char *def)
{
	const char *v = cfg_get(&c->lsfconf, key);

	if (v != NULL && *v != '\0')
		return xstrdup(v);
	return def ? xstrdup(def) : NULL;
}

/* Parses a whole decimal in [min, max]; -1 when it is not one. */
static int
conf_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* An integer key of a cfg_kv, checked against [min, max]. */
static int
conf_kv_long(struct conf_ctx *x, const char *path, const struct cfg_kv *kv,
    long min, long max, long *out)
{
	if (conf_long(kv->value, min, max, out) < 0)
		return conf_err(x, path, kv->line, "%s must be an integer from %ld "
		    "to %ld, not '%s'", kv->key, min, max, kv->value);
	return 0;
}

/* Space-separated words of s, NULL-terminated; *n their count. */
static char **
conf_words(const char *s, size_t *n)
{
	char **argv;
	int argc = shellwords_split(s, &argv, NULL, 0);

	if (argc < 0) {
		argv = xcalloc(2, sizeof(*argv));
		argv[0] = xstrdup(s);
		argc = 1;
	}
	if (n != NULL)
		*n = (size_t)argc;
	return argv;
}

/* What a peer may cost the master before it proved the cluster key
 * (ranges and defaults from conftab), and who may register at all. */
static int
conf_preauth_values(struct conf_ctx *x)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "PUMICE_AUTH_TIMEOUT", offsetof(struct conf, auth_timeout) },
		{ "PUMICE_UNAUTH_MAX", offsetof(struct conf, unauth_max) },
		{ "PUMICE_UNAUTH_PER_HOST", offsetof(struct conf, unauth_per_host) },
	};
	struct conf *c = x->c;
	const struct cfg_kv *kv;
	size_t i;

	for (i = 0; i < nitems(keys); i++) {
		const struct conftab_key *k = conftab_find(CT_LSF_CONF, keys[i].key);
		long *v = (long *)((char *)c + keys[i].off);

		*v = strtol(k->def, NULL, 10);
		if ((kv = conf_kv(&c->lsfconf, keys[i].key)) != NULL &&
		    conf_kv_long(x, c->lsfconf.path, kv, k->min, k->max, v) < 0)
			return -1;
	}
	c->hosts_allow = conf_words(cfg_get(&c->lsfconf, "PUMICE_HOSTS_ALLOW") ?
	    cfg_get(&c->lsfconf, "PUMICE_HOSTS_ALLOW") : "", &c->nhosts_allow);
	return 0;
}

/*
 * LSF_DYNAMIC_HOST_TIMEOUT: hours, or minutes with m|M, or LSF's newer
 * "EXPIRY[time]" form (its THRESHOLD and INTERVAL are accepted and have no
 * use here: removal costs Pumice no reconfiguration). Pumice adds seconds
 * with s|S, and does not clamp to LSF's 10 minutes to 100 hours.
 */
static int
conf_dyn_timeout(struct conf_ctx *x)
{
	const struct cfg_kv *kv = conf_kv(&x->c->lsfconf, "LSF_DYNAMIC_HOST_TIMEOUT");
	const char *v;
	char *end;
	long n, unit = 3600;

	x->c->dynamic_host_timeout = 0;
	if (kv == NULL || *kv->value == '\0')
		return 0;
	v = strncasecmp(kv->value, "EXPIRY[", 7) == 0 ? kv->value + 7 : kv->value;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end == 'm' || *end == 'M')
		unit = 60;
	else if (*end == 's' || *end == 'S')
		unit = 1;
	end += unit != 3600;
	if (end == v || errno != 0 || n < 0 || n > LONG_MAX / 3600 ||
	    (*end != '\0' && (v == kv->value || *end != ']')))
		return conf_err(x, x->c->lsfconf.path, kv->line, "LSF_DYNAMIC_HOST_TIMEOUT "
		    "must be hours, or minutes with m, or seconds with s, not '%s'",
		    kv->value);
	x->c->dynamic_host_timeout = n * unit;
	return 0;
}

/* Directories and Pumice's own keys from lsf.conf (cluster known). */
/* LSF's y/Y (and yes): a key that is absent or anything else is no. */
static bool
conf_yes(const struct cfg_file *f, const char *key)
{
	const char *v = cfg_get(f, key);

	return v != NULL && (v[0] == 'y' || v[0] == 'Y');
}

static int
conf_lsf_values(struct conf_ctx *x)
{
	struct conf *c = x->c;
	const char *path = c->lsfconf.path;
	const struct cfg_kv *kv;
	long v;

	c->mbd_port = 6881;
	if ((kv = conf_kv(&c->lsfconf, "LSB_MBD_PORT")) != NULL) {
		if (conf_kv_long(x, path, kv, 1, 65535, &v) < 0)
			return -1;
		c->mbd_port = (int)v;
	}
	c->heartbeat = 5;
	if ((kv = conf_kv(&c->lsfconf, "PUMICE_HEARTBEAT")) != NULL) {
		if (conf_kv_long(x, path, kv, 1, 3600, &v) < 0)
			return -1;
		c->heartbeat = (int)v;
	}
	c->max_reply = PROTO_MAX_FRAME >> 20;
	if ((kv = conf_kv(&c->lsfconf, "PUMICE_MAX_REPLY")) != NULL &&
	    conf_kv_long(x, path, kv, 1, PROTO_MAX_FRAME >> 20, &c->max_reply) < 0)
		return -1;
	c->query_per_user = 4;
	if ((kv = conf_kv(&c->lsfconf, "PUMICE_QUERY_PER_USER")) != NULL &&
	    conf_kv_long(x, path, kv, 1, 1000, &c->query_per_user) < 0)
		return -1;
	if (conf_preauth_values(x) < 0 || conf_dyn_timeout(x) < 0)
		return -1;
	c->job_memlimit = conf_yes(&c->lsfconf, "LSB_JOB_MEMLIMIT");
	c->memlimit_enforce = conf_yes(&c->lsfconf, "LSB_MEMLIMIT_ENFORCE");
	c->unit_for_limits = conf_str(c, "LSF_UNIT_FOR_LIMITS", "MB");
	if (strcspn(c->unit_for_limits, "kKmMgGtTpPeE") != 0 ||
	    (c->unit_for_limits[1] != '\0' && strcasecmp(c->unit_for_limits + 1, "B") != 0)) {
		kv = conf_kv(&c->lsfconf, "LSF_UNIT_FOR_LIMITS");
		return conf_err(x, path, kv->line, "LSF_UNIT_FOR_LIMITS must be KB, MB, "
		    "GB, TB, PB or EB, not '%s'", c->unit_for_limits);
	}
	c->key_file = conf_str(c, "PUMICE_KEY_FILE", NULL);
	if (c->key_file == NULL)
		c->key_file = xasprintf("%s/cluster.key", c->envdir);
	c->socket = conf_str(c, "PUMICE_SOCKET", "/run/pumice/agent.sock");
	c->master_socket = conf_str(c, "PUMICE_MASTER_SOCKET", "/run/pumice/master.sock");
	c->statedir = conf_str(c, "PUMICE_STATEDIR", NULL);
	if (c->statedir == NULL)
		c->statedir = xasprintf("%s/%s", c->sharedir, c->cluster);
	return 0;
}

/* The first word of LSF_MASTER_LIST, if any. */
static void
conf_master_list(struct conf *c)
{
	const char *v = cfg_get(&c->lsfconf, "LSF_MASTER_LIST");
	char **w;
	size_t n;

	if (v == NULL)
		return;
	w = conf_words(v, &n);
	if (n > 0)
		c->master_host = xstrdup(w[0]);
	shellwords_free(w);
}

/* Cluster name: the first ClusterName row of lsf.shared, or, without
 * lsf.shared, LSF_CLUSTER_NAME from lsf.conf. */
static int
conf_cluster_name(struct conf_ctx *x)
{
	struct conf *c = x->c;
	char *path = xasprintf("%s/lsf.shared", c->confdir);
	struct cfg_file f;
	size_t i;
	int col = -1, rc = -1;

	if (access(path, F_OK) < 0 && errno == ENOENT) {
		if ((c->cluster = conf_str(c, "LSF_CLUSTER_NAME", NULL)) != NULL)
			rc = 0;
		else
			conf_err(x, path, 0, "no such file, and %s sets no "
			    "LSF_CLUSTER_NAME", c->lsfconf.path);
		free(path);
		return rc;
	}
	if (cfg_load_sections(path, &f, x->err, x->errlen) < 0) {
		free(path);
		return -1;
	}
	for (i = 0; i < f.nsec && c->cluster == NULL; i++) {
		if (strcasecmp(f.sec[i].name, "Cluster") != 0)
			continue;
		if ((col = cfg_table_col(&f.sec[i], "ClusterName")) < 0)
			conf_err(x, path, f.sec[i].line, "Cluster section has no "
			    "ClusterName column");
		else if (f.sec[i].nrows > 0 && f.sec[i].rows[0][col] != NULL)
			c->cluster = xstrdup(f.sec[i].rows[0][col]);
		break;
	}
	if (c->cluster != NULL && (strchr(c->cluster, '/') || c->cluster[0] == '.'))
		conf_err(x, path, f.sec[i].line, "bad cluster name '%s'", c->cluster);
	else if (c->cluster != NULL)
		rc = 0;
	else if (i == f.nsec)
		conf_err(x, path, 0, "no Cluster section naming the cluster");
	else if (col >= 0)
		conf_err(x, path, f.sec[i].line, "Cluster section names no cluster");
	cfg_file_free(&f);
	free(path);
	return rc;
}

/* ClusterAdmins (legacy: ClusterManager) "Administrators = a b". */
static int
conf_admins(struct conf_ctx *x, const char *path, const struct cfg_section *s)
{
	struct conf *c = x->c;
	size_t i;

	for (i = 0; i < s->nkv; i++) {
		if (strcasecmp(s->kv[i].key, "Administrators") != 0 &&
		    strcasecmp(s->kv[i].key, "Manager") != 0)
			return conf_err(x, path, s->kv[i].line, "unknown key %s in "
			    "section %s", s->kv[i].key, s->name);
		shellwords_free(c->admins);
		c->admins = conf_words(s->kv[i].value, &c->nadmins);
	}
	return 0;
}

/* Without LSF_MASTER_LIST the first server host of the Host table is the
 * master, as LSF's first listed host becomes master LIM. */
static void
conf_host_master(struct conf *c, const struct cfg_section *s)
{
	int hcol = cfg_table_col(s, "HOSTNAME"), scol = cfg_table_col(s, "server");
	size_t i;

	if (c->master_host != NULL || hcol < 0)
		return;
	for (i = 0; i < s->nrows; i++) {
		if (s->rows[i][hcol] == NULL)
			continue;
		if (scol >= 0 && s->rows[i][scol] != NULL &&
		    strcmp(s->rows[i][scol], "0") == 0)
			continue;
		c->master_host = xstrdup(s->rows[i][hcol]);
		return;
	}
}

/* lsf.cluster.<name>: administrators and the Host table (optional file). */
static int
conf_cluster_file(struct conf_ctx *x)
{
	struct conf *c = x->c;
	char *path = xasprintf("%s/lsf.cluster.%s", c->confdir, c->cluster);
	struct cfg_file f;
	size_t i;
	int rc = 0;

	if (access(path, F_OK) < 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if (cfg_load_sections(path, &f, x->err, x->errlen) < 0) {
		free(path);
		return -1;
	}
	for (i = 0; i < f.nsec && rc == 0; i++) {
		if (strcasecmp(f.sec[i].name, "ClusterAdmins") == 0 ||
		    strcasecmp(f.sec[i].name, "ClusterManager") == 0)
			rc = conf_admins(x, path, &f.sec[i]);
		else if (strcasecmp(f.sec[i].name, "Host") == 0)
			conf_host_master(c, &f.sec[i]);
	}
	cfg_file_free(&f);
	free(path);
	return rc;
}

/* lsb.params numbers: the key table says which keys the master keeps in
 * a long of struct conf, where, and their range; other keys are kept in
 * c->params untouched. */
static int
conf_params_kv(struct conf_ctx *x, const char *path, const struct cfg_kv *kv)
{
	const struct conftab_key *k = conftab_find(CT_LSB_PARAMS, kv->key);

	if (k == NULL || k->live != CV_LONG)
		return 0;
	return conf_kv_long(x, path, kv, k->min, k->max, conftab_live_long(k, x->c));
}

/* LSB_CONFDIR/<cluster>/configdir/lsb.params (optional). */
static int
conf_params(struct conf_ctx *x, int *dq_line)
{
	struct conf *c = x->c;
	char *path = xasprintf("%s/%s/configdir/lsb.params", c->lsb_confdir, c->cluster);
	struct cfg_section *s;
	const char *dq;
	size_t i, j;
	int rc = 0;

	if (access(path, F_OK) < 0 && errno == ENOENT) {
		c->params.path = path;
		return 0;
	}
	rc = cfg_load_sections(path, &c->params, x->err, x->errlen);
	free(path);
	if (rc < 0)
		return -1;
	for (i = 0; i < c->params.nsec; i++) {
		s = &c->params.sec[i];
		if (strcasecmp(s->name, "Parameters") != 0)
			return conf_err(x, c->params.path, s->line, "unknown section %s "
			    "(expected Parameters)", s->name);
		for (j = 0; j < s->nkv; j++) {
			if (conf_params_kv(x, c->params.path, &s->kv[j]) < 0)
				return -1;
			if (strcasecmp(s->kv[j].key, "DEFAULT_QUEUE") == 0)
				*dq_line = s->kv[j].line;
		}
		if ((dq = cfg_section_get(s, "DEFAULT_QUEUE")) != NULL) {
			free(c->default_queue);
			c->default_queue = xstrdup(dq);
		}
	}
	return 0;
}

/* Queue keys the table knows and conf_queue_kv does not handle itself
 * (LSF's keys kept raw, the scheduler's, load thresholds "r1m = 0.7/2.0")
 * go to q->extra. */
static int
conf_is_raw_key(const char *key)
{
	return conftab_find(CT_LSB_QUEUES, key) != NULL;
}

static void
conf_queue_init(struct conf_queue *q, const char *name, int line)
{
	memset(q, 0, sizeof(*q));
	q->name = xstrdup(name);
	q->priority = 1;
	q->description = xstrdup("");
	q->qjob_limit = q->ujob_limit = q->pjob_limit = q->hjob_limit =
	    CONF_UNLIMITED;
	q->line = line;
}

/* USERS / HOSTS: "all" (or empty) is NULL, else the words. */
static char **
conf_queue_list(const char *v)
{
	char **w;
	size_t n, i;

	w = conf_words(v, &n);
	for (i = 0; i < n; i++)
		if (strcmp(w[i], "all") == 0)
			break;
	if (n == 0 || i < n) {
		shellwords_free(w);
		return NULL;
	}
	return w;
}

/* One key of a Queue section (QUEUE_NAME is handled by the caller). */
static int
conf_queue_kv(struct conf_ctx *x, const char *path, struct conf_queue *q,
    const struct cfg_kv *kv)
{
	int *lim = NULL;
	long v;

	if (strcasecmp(kv->key, "PRIORITY") == 0) {
		if (conf_kv_long(x, path, kv, 0, INT_MAX, &v) < 0)
			return -1;
		q->priority = (int)v;
	} else if (strcasecmp(kv->key, "DESCRIPTION") == 0) {
		free(q->description);
		q->description = xstrdup(kv->value);
	} else if (strcasecmp(kv->key, "USERS") == 0) {
		shellwords_free(q->users);
		q->users = conf_queue_list(kv->value);
	} else if (strcasecmp(kv->key, "HOSTS") == 0) {
		shellwords_free(q->hosts);
		q->hosts = conf_queue_list(kv->value);
	} else if (strcasecmp(kv->key, "QJOB_LIMIT") == 0)
		lim = &q->qjob_limit;
	else if (strcasecmp(kv->key, "UJOB_LIMIT") == 0)
		lim = &q->ujob_limit;
	else if (strcasecmp(kv->key, "PJOB_LIMIT") == 0)
		lim = &q->pjob_limit;
	else if (strcasecmp(kv->key, "HJOB_LIMIT") == 0)
		lim = &q->hjob_limit;
	else if (conf_is_raw_key(kv->key)) {
		q->extra = xrealloc(q->extra, (q->nextra + 1) * sizeof(*q->extra));
		q->extra[q->nextra].key = xstrdup(kv->key);
		q->extra[q->nextra].value = xstrdup(kv->value);
		q->extra[q->nextra++].line = kv->line;
	} else
		return conf_err(x, path, kv->line, "unknown queue parameter %s", kv->key);
	if (lim != NULL) {
		if (conf_kv_long(x, path, kv, 0, INT_MAX, &v) < 0)
			return -1;
		*lim = (int)v;
	}
	return 0;
}

/* Checks a QUEUE_NAME value against the queues defined so far. */
static int
conf_queue_name(struct conf_ctx *x, const char *path, const struct cfg_section *s,
    const char **name)
{
	const struct cfg_kv *kv = NULL;
	size_t i;

	for (i = 0; i < s->nkv; i++)
		if (strcasecmp(s->kv[i].key, "QUEUE_NAME") == 0)
			kv = &s->kv[i];
	if (kv == NULL)
		return conf_err(x, path, s->line, "Queue section without QUEUE_NAME");
	if (kv->value[0] == '\0' || strlen(kv->value) > CONF_QUEUE_NAME_MAX ||
	    strpbrk(kv->value, " \t/") != NULL)
		return conf_err(x, path, kv->line, "bad queue name '%s' (at most %d "
		    "characters, no blanks)", kv->value, CONF_QUEUE_NAME_MAX);
	if (conf_queue(x->c, kv->value) != NULL)
		return conf_err(x, path, kv->line, "queue %s is defined twice", kv->value);
	*name = kv->value;
	return 0;
}

/* One Queue section into c->queues. */
static int
conf_queue_section(struct conf_ctx *x, const char *path, const struct cfg_section *s)
{
	struct conf *c = x->c;
	struct conf_queue *q;
	const char *name = NULL;
	size_t i;

	if (strcasecmp(s->name, "Queue") != 0)
		return conf_err(x, path, s->line, "unknown section %s (expected Queue)",
		    s->name);
	if (conf_queue_name(x, path, s, &name) < 0)
		return -1;
	c->queues = xrealloc(c->queues, (c->nqueues + 1) * sizeof(*c->queues));
	q = &c->queues[c->nqueues++];
	conf_queue_init(q, name, s->line);
	for (i = 0; i < s->nkv; i++)
		if (strcasecmp(s->kv[i].key, "QUEUE_NAME") != 0 &&
		    conf_queue_kv(x, path, q, &s->kv[i]) < 0)
			return -1;
	return 0;
}

/* LSB_CONFDIR/<cluster>/configdir/lsb.queues (optional). */
static int
conf_queues(struct conf_ctx *x)
{
	struct conf *c = x->c;
	char *path = xasprintf("%s/%s/configdir/lsb.queues", c->lsb_confdir, c->cluster);
	struct cfg_file f;
	size_t i;
	int rc = 0;

	if (access(path, F_OK) < 0 && errno == ENOENT) {
		free(path);
		c->queues = xcalloc(1, sizeof(*c->queues));
		conf_queue_init(&c->queues[c->nqueues++], "default", 0);
		return 0;
	}
	rc = cfg_load_sections(path, &f, x->err, x->errlen);
	for (i = 0; rc == 0 && i < f.nsec; i++)
		rc = conf_queue_section(x, path, &f.sec[i]);
	if (f.path != NULL)
		cfg_file_free(&f);
	free(path);
	return rc;
}

/* DEFAULT_QUEUE: every listed queue must exist; unset means "default",
 * created when lsb.queues does not define it. */
static int
conf_default_queue(struct conf_ctx *x, int dq_line)
{
	struct conf *c = x->c;
	char **w;
	size_t n, i;

	if (c->default_queue == NULL || c->default_queue[0] == '\0') {
		free(c->default_queue);
		c->default_queue = xstrdup("default");
		if (conf_queue(c, "default") == NULL) {
			c->queues = xrealloc(c->queues, (c->nqueues + 1) * sizeof(*c->queues));
			conf_queue_init(&c->queues[c->nqueues++], "default", 0);
		}
		return 0;
	}
	w = conf_words(c->default_queue, &n);
	for (i = 0; i < n; i++)
		if (conf_queue(c, w[i]) == NULL) {
			conf_err(x, c->params.path, dq_line, "DEFAULT_QUEUE names "
			    "undefined queue %s", w[i]);
			shellwords_free(w);
			return -1;
		}
	free(c->default_queue);
	c->default_queue = xstrdup(w[0]);
	shellwords_free(w);
	return 0;
}

/* lsf.conf and the directories it names. */
static int
conf_lsf(struct conf_ctx *x, const char *envdir)
{
	struct conf *c = x->c;
	char *path;
	int rc;

	c->envdir = xstrdup(envdir);
	path = xasprintf("%s/lsf.conf", envdir);
	rc = cfg_load_lsfconf(path, &c->lsfconf, x->err, x->errlen);
	free(path);
	if (rc < 0)
		return -1;
	c->confdir = conf_str(c, "LSF_CONFDIR", envdir);
	c->lsb_confdir = conf_str(c, "LSB_CONFDIR", NULL);
	if (c->lsb_confdir == NULL)
		c->lsb_confdir = xasprintf("%s/lsbatch", c->confdir);
	c->sharedir = conf_str(c, "LSB_SHAREDIR", "/var/lib/pumice");
	conf_master_list(c);
	return 0;
}

/* The master's part: lsb.params and lsb.queues. */
static int
conf_lsb(struct conf_ctx *x)
{
	int dq_line = 0;

	if (conf_params(x, &dq_line) < 0 || conf_queues(x) < 0 ||
	    conf_default_queue(x, dq_line) < 0)
		return -1;
	/* lsf.cluster hosts, lsb.hosts, lsb.users, scheduling queue keys */
	x->c->sched = schedconf_load(x->c, x->err, x->errlen);
	return x->c->sched != NULL ? 0 : -1;
}

struct conf *
conf_load(const char *envdir, int need_lsb, char *err, size_t errlen)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	struct conf_ctx x = { c, err, errlen };

	if (envdir == NULL && (envdir = getenv("LSF_ENVDIR")) == NULL)
		envdir = "/etc/pumice";
	c->clean_period = 3600;
	c->history_days = 7;
	c->max_job_array_size = 1000;
	c->max_jobid = 999999;
	c->job_terminate_interval = 10;
	if (conf_lsf(&x, envdir) < 0 || conf_cluster_name(&x) < 0 ||
	    conf_cluster_file(&x) < 0 || conf_lsf_values(&x) < 0 ||
	    (need_lsb && conf_lsb(&x) < 0)) {
		conf_free(c);
		return NULL;
	}
	if (c->master_addr == NULL)
		c->master_addr = conf_str(c, "PUMICE_MASTER_ADDR", c->master_host);
	return c;
}

struct conf *
conf_load_paths(const char *envdir, char *err, size_t errlen)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	struct conf_ctx x = { c, err, errlen };

	if (conf_lsf(&x, envdir) < 0 || conf_cluster_name(&x) < 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

static void
conf_queue_free(struct conf_queue *q)
{
	size_t i;

	free(q->name);
	free(q->description);
	shellwords_free(q->users);
	shellwords_free(q->hosts);
	for (i = 0; i < q->nextra; i++) {
		free(q->extra[i].key);
		free(q->extra[i].value);
	}
	free(q->extra);
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->envdir);
	free(c->confdir);
	free(c->lsb_confdir);
	free(c->sharedir);
	free(c->cluster);
	free(c->master_host);
	free(c->master_addr);
	free(c->key_file);
	free(c->socket);
	free(c->master_socket);
	free(c->statedir);
	free(c->unit_for_limits);
	shellwords_free(c->admins);
	shellwords_free(c->hosts_allow);
	for (i = 0; i < c->nqueues; i++)
		conf_queue_free(&c->queues[i]);
	free(c->queues);
	free(c->default_queue);
	cfg_file_free(&c->lsfconf);
	cfg_file_free(&c->params);
	schedconf_free(c->sched, c->nqueues);
	free(c);
}

/* The queue called name (exact), or NULL. */
const struct conf_queue *
conf_queue(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nqueues; i++)
		if (strcmp(c->queues[i].name, name) == 0)
			return &c->queues[i];
	return NULL;
}

/* Cluster administrators from lsf.cluster, and root. */
int
conf_is_admin(const struct conf *c, const char *user)
{
	size_t i;

	if (strcmp(user, "root") == 0)
		return 1;
	for (i = 0; i < c->nadmins; i++)
		if (strcmp(c->admins[i], user) == 0)
			return 1;
	return 0;
}
