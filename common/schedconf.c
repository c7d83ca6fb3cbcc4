/*
 * schedconf.c - loads the scheduler's configuration (schedconf.h) from
 * lsf.cluster.<name>, lsb.hosts, lsb.users, the raw queue keys conf.c kept
 * and lsb.params. Every file is optional; every value is checked here so
 * the scheduler can trust the structure.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "schedconf.h"
#include "shellwords.h"
#include "units.h"
#include "util.h"

#define SCHEDCONF_MAX_GROUP_DEPTH 16

struct sc_ctx {
	const struct conf *c;
	struct schedconf *s;
	const char *path;
	char *err;
	size_t errlen;
};

static int
sc_err(struct sc_ctx *x, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return errf(x->err, x->errlen, "%s:%d: %s", x->path, line, msg);
}

static char **
sc_words(const char *s)
{
	char **argv;

	if (s == NULL || shellwords_split(s, &argv, NULL, 0) < 0) {
		argv = xcalloc(1, sizeof(*argv));
	}
	return argv;
}

/* A table cell: NULL or "!" mean unset. */
static const char *
sc_cell(const struct cfg_section *sec, size_t row, const char *col)
{
	int k = cfg_table_col(sec, col);

	return k < 0 ? NULL : sec->rows[row][k];
}

/* "-" / absent: -1; "!" when bang_ok: SCHEDCONF_MXJ_NCPUS; else n >= 0. */
static int
sc_limit(struct sc_ctx *x, int line, const char *col, const char *v, bool bang_ok,
    int *out)
{
	char *end;
	long n;

	*out = -1;
	if (v == NULL || strcmp(v, "-") == 0)
		return 0;
	if (bang_ok && strcmp(v, "!") == 0) {
		*out = SCHEDCONF_MXJ_NCPUS;
		return 0;
	}
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || n < 0 || n > 1000000)
		return sc_err(x, line, "%s must be a number%s or '-', not '%s'", col,
		    bang_ok ? ", '!'" : "", v);
	*out = (int)n;
	return 0;
}

static int
sc_load(struct sc_ctx *x, char *path, struct cfg_file *f, bool *found)
{
	int rc = 0;

	*found = false;
	x->path = path;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	*found = true;
	rc = cfg_load_sections(path, f, x->err, x->errlen);
	if (rc < 0)
		*found = false;
	return rc;
}

/* ---- lsf.cluster Host table ---- */

static char *
sc_attr(const char *v)
{
	return v == NULL || strcmp(v, "!") == 0 || *v == '\0' ? NULL : xstrdup(v);
}

static void
sc_cluster_hosts(struct sc_ctx *x, const struct cfg_section *sec)
{
	struct schedconf *s = x->s;
	size_t i;

	for (i = 0; i < sec->nrows; i++) {
		struct schedconf_host *h;
		const char *name = sc_cell(sec, i, "HOSTNAME");

		if (name == NULL)
			continue;
		s->hosts = xrealloc(s->hosts, (s->nhosts + 1) * sizeof(*s->hosts));
		h = &s->hosts[s->nhosts++];
		h->name = xstrdup(name);
		h->model = sc_attr(sc_cell(sec, i, "model"));
		h->type = sc_attr(sc_cell(sec, i, "type"));
		h->resources = sc_words(sc_cell(sec, i, "RESOURCES"));
	}
}

static int
sc_cluster(struct sc_ctx *x)
{
	char *path = xasprintf("%s/lsf.cluster.%s", x->c->confdir, x->c->cluster);
	struct cfg_file f;
	bool found;
	size_t i;
	int rc = sc_load(x, path, &f, &found);

	for (i = 0; found && rc == 0 && i < f.nsec; i++)
		if (strcasecmp(f.sec[i].name, "Host") == 0)
			sc_cluster_hosts(x, &f.sec[i]);
	if (found && rc == 0)
		rc = resmap_cluster(&x->s->rmap, &f, x->err, x->errlen);
	if (found)
		cfg_file_free(&f);
	free(path);
	return rc;
}

/* lsf.shared's Resource table (before lsf.cluster's ResourceMap), and
 * lsf.conf's LSB_GPU_REQ. */
static int
sc_resources(struct sc_ctx *x)
{
	char *path = xasprintf("%s/lsf.shared", x->c->confdir), e[256];
	const char *gpu = cfg_get(&x->c->lsfconf, "LSB_GPU_REQ");
	struct cfg_file f;
	bool found;
	int rc = sc_load(x, path, &f, &found);

	if (found && rc == 0)
		rc = resmap_shared(&x->s->rmap, &f, x->err, x->errlen);
	if (found)
		cfg_file_free(&f);
	free(path);
	gpureq_init(&x->s->gpu_default);
	if (rc == 0 && gpu != NULL &&
	    gpureq_parse(&x->s->gpu_default, gpu, e, sizeof(e)) < 0)
		rc = errf(x->err, x->errlen, "%s: LSB_GPU_REQ: %s", x->c->lsfconf.path
		    ? x->c->lsfconf.path : "lsf.conf", e);
	return rc;
}

/* ---- groups (lsb.hosts HostGroup, lsb.users UserGroup) ---- */

static int
sc_groups(struct sc_ctx *x, const struct cfg_section *sec,
    struct schedconf_group **gv, size_t *n)
{
	size_t i;

	if (cfg_table_col(sec, "GROUP_NAME") < 0 || cfg_table_col(sec, "GROUP_MEMBER") < 0)
		return sc_err(x, sec->line, "%s needs GROUP_NAME and GROUP_MEMBER "
		    "columns", sec->name);
	for (i = 0; i < sec->nrows; i++) {
		const char *name = sc_cell(sec, i, "GROUP_NAME");
		if (name == NULL)
			return sc_err(x, sec->row_lines[i], "group without a name");
		*gv = xrealloc(*gv, (*n + 1) * sizeof(**gv));
		(*gv)[*n].name = xstrdup(name);
		(*gv)[*n].members = sc_words(sc_cell(sec, i, "GROUP_MEMBER"));
		(*n)++;
	}
	return 0;
}

/* ---- lsb.hosts ---- */

/*
 * A host name or a range "prefix[1-20,25]suffix" (zero-padded bounds such
 * as [01-20] ask for that width): 1 when name is in it, 0 when not, -1
 * when the range is malformed.
 */
static int
sc_range_match(const char *pat, const char *name)
{
	const char *lb = strchr(pat, '['), *rb, *p, *d;
	size_t plen, nd, width;
	long v = -1, a, b;
	int hit = 0;
	char *end;

	if (lb == NULL)
		return strcmp(pat, name) == 0;
	if ((rb = strchr(lb, ']')) == NULL || strchr(rb + 1, '[') != NULL || rb == lb + 1)
		return -1;
	plen = (size_t)(lb - pat);
	d = strlen(name) >= plen ? name + plen : "";	/* never past a short name */
	nd = strspn(d, "0123456789");
	if (strncmp(name, pat, plen) == 0 && nd > 0 && strcmp(d + nd, rb + 1) == 0)
		v = strtol(d, NULL, 10);
	for (p = lb + 1; p < rb; p = end + (*end == ',')) {
		if (!isdigit((unsigned char)*p))
			return -1;
		a = b = strtol(p, &end, 10);
		/* a zero-padded bound asks for its width: [01-20] holds node01 */
		width = *p == '0' && end - p > 1 ? (size_t)(end - p) : 0;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -1;
			b = strtol(end + 1, &end, 10);
		}
		if ((*end != ',' && end != rb) || a > b)
			return -1;
		if (v >= a && v <= b && (width == 0 || width == nd))
			hit = 1;
	}
	return hit;
}

static int
sc_hostlims(struct sc_ctx *x, const struct cfg_section *sec)
{
	struct schedconf *s = x->s;
	size_t i;

	if (cfg_table_col(sec, "HOST_NAME") < 0)
		return sc_err(x, sec->line, "Host section needs a HOST_NAME column");
	for (i = 0; i < sec->nrows; i++) {
		struct schedconf_hostlim *l;
		int line = sec->row_lines[i];

		s->hostlims = xrealloc(s->hostlims, (s->nhostlims + 1) * sizeof(*l));
		l = &s->hostlims[s->nhostlims++];
		l->name = xstrdup(sc_cell(sec, i, "HOST_NAME") ?
		    sc_cell(sec, i, "HOST_NAME") : "default");
		l->jlu = -1;
		if (sc_range_match(l->name, "") < 0)
			return sc_err(x, line, "bad host range '%s' (expected name[1-20,25])",
			    l->name);
		if (sc_limit(x, line, "MXJ", sc_cell(sec, i, "MXJ"), true, &l->mxj) < 0 ||
		    sc_limit(x, line, "JL/U", sc_cell(sec, i, "JL/U"), false, &l->jlu) < 0)
			return -1;
	}
	return 0;
}

static int
sc_lsb_hosts(struct sc_ctx *x)
{
	char *path = xasprintf("%s/%s/configdir/lsb.hosts", x->c->lsb_confdir,
	    x->c->cluster);
	struct cfg_file f;
	bool found;
	size_t i;
	int rc = sc_load(x, path, &f, &found);

	for (i = 0; found && rc == 0 && i < f.nsec; i++) {
		if (strcasecmp(f.sec[i].name, "Host") == 0)
			rc = sc_hostlims(x, &f.sec[i]);
		else if (strcasecmp(f.sec[i].name, "HostGroup") == 0)
			rc = sc_groups(x, &f.sec[i], &x->s->hgroups, &x->s->nhgroups);
		else if (strcasecmp(f.sec[i].name, "HostPartition") != 0)
			rc = sc_err(x, f.sec[i].line, "unknown section %s (expected Host "
			    "or HostGroup)", f.sec[i].name);
	}
	if (found)
		cfg_file_free(&f);
	free(path);
	return rc;
}

/* ---- lsb.users ---- */

static int
sc_ulims(struct sc_ctx *x, const struct cfg_section *sec)
{
	struct schedconf *s = x->s;
	size_t i;

	if (cfg_table_col(sec, "USER_NAME") < 0)
		return sc_err(x, sec->line, "User section needs a USER_NAME column");
	for (i = 0; i < sec->nrows; i++) {
		struct schedconf_ulim *u;
		int line = sec->row_lines[i];

		if (sc_cell(sec, i, "USER_NAME") == NULL)
			return sc_err(x, line, "User row without a name");
		s->ulims = xrealloc(s->ulims, (s->nulims + 1) * sizeof(*u));
		u = &s->ulims[s->nulims++];
		u->name = xstrdup(sc_cell(sec, i, "USER_NAME"));
		u->jlp = -1;
		if (sc_limit(x, line, "MAX_JOBS", sc_cell(sec, i, "MAX_JOBS"), false,
		    &u->max_jobs) < 0 ||
		    sc_limit(x, line, "JL/P", sc_cell(sec, i, "JL/P"), false, &u->jlp) < 0)
			return -1;
	}
	return 0;
}

static int
sc_lsb_users(struct sc_ctx *x)
{
	char *path = xasprintf("%s/%s/configdir/lsb.users", x->c->lsb_confdir,
	    x->c->cluster);
	struct cfg_file f;
	bool found;
	size_t i;
	int rc = sc_load(x, path, &f, &found);

	for (i = 0; found && rc == 0 && i < f.nsec; i++) {
		if (strcasecmp(f.sec[i].name, "User") == 0)
			rc = sc_ulims(x, &f.sec[i]);
		else if (strcasecmp(f.sec[i].name, "UserGroup") == 0)
			rc = sc_groups(x, &f.sec[i], &x->s->ugroups, &x->s->nugroups);
		else
			rc = sc_err(x, f.sec[i].line, "unknown section %s (expected User "
			    "or UserGroup)", f.sec[i].name);
	}
	if (found)
		cfg_file_free(&f);
	free(path);
	return rc;
}

/* ---- queue keys ---- */

/* "[default] max" minutes into seconds. */
static int
sc_runlimit(struct sc_ctx *x, const struct cfg_kv *kv, struct schedconf_queue *q)
{
	char **w = sc_words(kv->value), e[128];
	size_t n = 0;
	long v[2];
	int rc = 0;

	while (w[n] != NULL)
		n++;
	if (n < 1 || n > 2)
		rc = sc_err(x, kv->line, "RUNLIMIT takes [default] max, not '%s'", kv->value);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (units_parse_minutes(w[i], &v[i], e, sizeof(e)) < 0)
			rc = sc_err(x, kv->line, "RUNLIMIT: bad time '%s' ([h:]m)", w[i]);
	if (rc == 0) {
		q->runlimit_max = v[n - 1];
		q->runlimit_def = v[0];
	}
	shellwords_free(w);
	return rc;
}

static int
sc_memlimit(struct sc_ctx *x, const struct cfg_kv *kv, struct schedconf_queue *q)
{
	char **w = sc_words(kv->value), e[128];
	uint64_t v[2];
	size_t n = 0;
	int rc = 0;

	while (w[n] != NULL)
		n++;
	if (n < 1 || n > 2)
		rc = sc_err(x, kv->line, "MEMLIMIT takes [default] max, not '%s'", kv->value);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (units_parse_size(w[i], x->c->unit_for_limits, &v[i], e, sizeof(e)) < 0)
			rc = sc_err(x, kv->line, "MEMLIMIT: bad size '%s'", w[i]);
	if (rc == 0) {
		q->memlimit_max = v[n - 1];
		q->memlimit_def = v[0];
	}
	shellwords_free(w);
	return rc;
}

/* USER_SHARES[[u1,3] [default,1]] */
static int
sc_fairshare(struct sc_ctx *x, const struct cfg_kv *kv, struct schedconf_queue *q)
{
	const char *p = kv->value, *open;
	char name[256];
	int shares, used;

	if (strncasecmp(p, "USER_SHARES", 11) != 0 || (open = strchr(p, '[')) == NULL)
		return sc_err(x, kv->line, "FAIRSHARE must be USER_SHARES[[user,shares] "
		    "...], not '%s'", kv->value);
	p = open + 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ']')
			break;
		used = 0;	/* set only when the closing ']' matched too */
		if (sscanf(p, "[%255[^,] , %d ]%n", name, &shares, &used) < 2 || shares < 0 ||
		    used == 0)
			return sc_err(x, kv->line, "FAIRSHARE: expected [user,shares] at "
			    "'%.30s'", p);
		p += used;
		name[strcspn(name, " \t")] = '\0';
		q->shares = xrealloc(q->shares, (q->nshares + 1) * sizeof(*q->shares));
		q->shares[q->nshares].name = xstrdup(name);
		q->shares[q->nshares++].shares = shares;
	}
	return 0;
}

/* One exit code of REQUEUE_EXIT_VALUES: 0 to 255. */
static int
sc_exit_code(struct sc_ctx *x, const struct cfg_kv *kv, const char *w, int *code)
{
	char *end;
	long v = strtol(w, &end, 10);

	if (end == w || *end != '\0' || v < 0 || v > 255)
		return sc_err(x, kv->line, "REQUEUE_EXIT_VALUES: '%s' is not an exit "
		    "code (0-255)", w);
	*code = (int)v;
	return 0;
}

/* REQUEUE_EXIT_VALUES = 3 30 EXCLUDE(20 21) */
static int
sc_requeue_exit(struct sc_ctx *x, const struct cfg_kv *kv, struct schedconf_queue *q)
{
	char *text = xstrdup(kv->value), *w, *save = NULL, *rp;
	int code = 0, mark = SCHEDCONF_REQUEUE, rc = 0;

	memset(q->requeue_exit, 0, sizeof(q->requeue_exit));
	for (w = strtok_r(text, " \t", &save); w != NULL && rc == 0;
	    w = strtok_r(NULL, " \t", &save)) {
		if (strncasecmp(w, "EXCLUDE(", 8) == 0) {
			if (mark == SCHEDCONF_REQUEUE_EXCLUDE)
				rc = sc_err(x, kv->line, "REQUEUE_EXIT_VALUES: EXCLUDE( inside "
				    "EXCLUDE(");
			mark = SCHEDCONF_REQUEUE_EXCLUDE;
			w += 8;
		}
		if ((rp = strchr(w, ')')) != NULL) {
			if (rp[1] != '\0' || mark != SCHEDCONF_REQUEUE_EXCLUDE)
				rc = sc_err(x, kv->line, "REQUEUE_EXIT_VALUES: unexpected ')' "
				    "in '%s'", w);
			*rp = '\0';
		}
		if (rc == 0 && *w != '\0' && (rc = sc_exit_code(x, kv, w, &code)) == 0)
			q->requeue_exit[code] = (unsigned char)mark;
		if (rp != NULL)
			mark = SCHEDCONF_REQUEUE;
	}
	if (rc == 0 && mark == SCHEDCONF_REQUEUE_EXCLUDE)
		rc = sc_err(x, kv->line, "REQUEUE_EXIT_VALUES: EXCLUDE( without ')'");
	free(text);
	return rc;
}

static int
sc_yes_no(struct sc_ctx *x, const struct cfg_kv *kv, bool *v)
{
	if (strcasecmp(kv->value, "y") == 0 || strcasecmp(kv->value, "yes") == 0)
		*v = true;
	else if (strcasecmp(kv->value, "n") == 0 || strcasecmp(kv->value, "no") == 0)
		*v = false;
	else
		return sc_err(x, kv->line, "%s must be yes or no, not '%s'", kv->key,
		    kv->value);
	return 0;
}

/* MAX_JOB_REQUEUE: how many requeues by exit value a job may have. */
static int
sc_max_requeue(struct sc_ctx *x, const struct cfg_kv *kv, int *out)
{
	char *end;
	long v = strtol(kv->value, &end, 10);

	if (end == kv->value || *end != '\0' || v < 0 || v > INT_MAX)
		return sc_err(x, kv->line, "MAX_JOB_REQUEUE must be an integer from 0 "
		    "to %d, not '%s'", INT_MAX, kv->value);
	*out = (int)v;
	return 0;
}

static int
sc_queue_key(struct sc_ctx *x, const struct cfg_kv *kv, struct schedconf_queue *q)
{
	struct resreq rr;
	char e[256];

	if (strcasecmp(kv->key, "RUNLIMIT") == 0)
		return sc_runlimit(x, kv, q);
	if (strcasecmp(kv->key, "MEMLIMIT") == 0)
		return sc_memlimit(x, kv, q);
	if (strcasecmp(kv->key, "FAIRSHARE") == 0)
		return sc_fairshare(x, kv, q);
	if (strcasecmp(kv->key, "REQUEUE_EXIT_VALUES") == 0)
		return sc_requeue_exit(x, kv, q);
	if (strcasecmp(kv->key, "MAX_JOB_REQUEUE") == 0)
		return sc_max_requeue(x, kv, &q->max_requeue);
	if (strcasecmp(kv->key, "RERUNNABLE") == 0)
		return sc_yes_no(x, kv, &q->rerunnable);
	if (strcasecmp(kv->key, "EXCLUSIVE") == 0)
		q->exclusive = strchr("yY", kv->value[0]) != NULL && kv->value[0] != '\0';
	if (strcasecmp(kv->key, "RES_REQ") == 0) {
		resreq_init(&rr);
		if (resreq_parse(&rr, kv->value, x->c->unit_for_limits, e, sizeof(e)) < 0) {
			resreq_free(&rr);
			return sc_err(x, kv->line, "RES_REQ: %s", e);
		}
		resreq_free(&rr);
		free(q->res_req);
		q->res_req = xstrdup(kv->value);
	}
	return 0;
}

static int
sc_queues(struct sc_ctx *x)
{
	const struct conf *c = x->c;
	char *path = xasprintf("%s/%s/configdir/lsb.queues", c->lsb_confdir, c->cluster);
	size_t i, k;
	int rc = 0;

	x->path = path;
	x->s->queues = xcalloc(c->nqueues + 1, sizeof(*x->s->queues));
	for (i = 0; i < c->nqueues && rc == 0; i++) {
		struct schedconf_queue *q = &x->s->queues[i];
		q->runlimit_def = q->runlimit_max = -1;
		q->max_requeue = -1;
		for (k = 0; k < c->queues[i].nextra && rc == 0; k++)
			rc = sc_queue_key(x, &c->queues[i].extra[k], q);
	}
	free(path);
	return rc;
}

/* ---- lsb.params ---- */

static const struct cfg_kv *
sc_param(const struct conf *c, const char *key)
{
	const struct cfg_kv *kv = NULL;
	size_t i, j;

	for (i = 0; i < c->params.nsec; i++)
		for (j = 0; j < c->params.sec[i].nkv; j++)
			if (strcasecmp(c->params.sec[i].kv[j].key, key) == 0)
				kv = &c->params.sec[i].kv[j];
	return kv;
}

static int
sc_params(struct sc_ctx *x)
{
	const struct cfg_kv *kv;
	char *end;
	double d;
	long v;

	x->path = x->c->params.path ? x->c->params.path : "lsb.params";
	x->s->hist_hours = 5;
	x->s->max_job_requeue = -1;
	if ((kv = sc_param(x->c, "MAX_JOB_REQUEUE")) != NULL &&
	    sc_max_requeue(x, kv, &x->s->max_job_requeue) < 0)
		return -1;
	if ((kv = sc_param(x->c, "MAX_USER_PRIORITY")) != NULL) {
		v = strtol(kv->value, &end, 10);
		if (end == kv->value || *end != '\0' || v < 1 || v > 1000000)
			return sc_err(x, kv->line, "MAX_USER_PRIORITY must be a positive "
			    "integer, not '%s'", kv->value);
		x->s->max_user_priority = (int)v;
	}
	if ((kv = sc_param(x->c, "RESOURCE_RESERVE_PER_TASK")) != NULL)
		x->s->reserve_per_task = strchr("yY", kv->value[0]) && kv->value[0];
	if ((kv = sc_param(x->c, "HIST_HOURS")) != NULL) {
		d = strtod(kv->value, &end);
		if (end == kv->value || *end != '\0' || d < 0 || d > 100000)
			return sc_err(x, kv->line, "HIST_HOURS must be a number of hours, "
			    "not '%s'", kv->value);
		x->s->hist_hours = d;
	}
	return 0;
}

struct schedconf *
schedconf_load(const struct conf *c, char *err, size_t errlen)
{
	struct sc_ctx x = { c, xcalloc(1, sizeof(*x.s)), NULL, err, errlen };

	resmap_init(&x.s->rmap);
	if (sc_resources(&x) < 0 || sc_cluster(&x) < 0 || sc_lsb_hosts(&x) < 0 || sc_lsb_users(&x) < 0 ||
	    sc_queues(&x) < 0 || sc_params(&x) < 0) {
		schedconf_free(x.s, c->nqueues);
		return NULL;
	}
	return x.s;
}

static void
sc_groups_free(struct schedconf_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].name);
		shellwords_free(g[i].members);
	}
	free(g);
}

void
schedconf_free(struct schedconf *s, size_t nqueues)
{
	size_t i, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->nhosts; i++) {
		free(s->hosts[i].name);
		free(s->hosts[i].model);
		free(s->hosts[i].type);
		shellwords_free(s->hosts[i].resources);
	}
	free(s->hosts);
	for (i = 0; i < s->nhostlims; i++)
		free(s->hostlims[i].name);
	free(s->hostlims);
	sc_groups_free(s->hgroups, s->nhgroups);
	sc_groups_free(s->ugroups, s->nugroups);
	for (i = 0; i < s->nulims; i++)
		free(s->ulims[i].name);
	free(s->ulims);
	for (i = 0; s->queues != NULL && i < nqueues; i++) {
		free(s->queues[i].res_req);
		for (k = 0; k < s->queues[i].nshares; k++)
			free(s->queues[i].shares[k].name);
		free(s->queues[i].shares);
	}
	free(s->queues);
	resmap_free(&s->rmap);
	free(s);
}

/* ---- lookups ---- */

const struct schedconf_host *
schedconf_host(const struct schedconf *s, const char *name)
{
	for (size_t i = 0; s != NULL && i < s->nhosts; i++)
		if (s->hosts[i].name != NULL && strcmp(s->hosts[i].name, name) == 0)
			return &s->hosts[i];
	return NULL;
}

static bool
sc_str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

void
schedconf_host_limits(const struct schedconf *s, const char *name,
    const char *model, const char *type, int *mxj, int *jlu)
{
	const struct schedconf_hostlim *best = NULL;
	int rank = 0, r;

	for (size_t i = 0; s != NULL && i < s->nhostlims; i++) {
		const struct schedconf_hostlim *l = &s->hostlims[i];
		r = strcmp(l->name, name) == 0 ? 5 : sc_range_match(l->name, name) > 0 ? 4 :
		    schedconf_hgroup_has(s, l->name, name) ? 3 :
		    sc_str_eq(l->name, model) || sc_str_eq(l->name, type) ? 2 :
		    strcmp(l->name, "default") == 0 ? 1 : 0;
		if (r > rank) {
			rank = r;
			best = l;
		}
	}
	*mxj = best ? best->mxj : -1;
	*jlu = best ? best->jlu : -1;
}

static const struct schedconf_group *
sc_group(const struct schedconf_group *g, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].name, name) == 0)
			return &g[i];
	return NULL;
}

const struct schedconf_group *
schedconf_hgroup(const struct schedconf *s, const char *name)
{
	return s ? sc_group(s->hgroups, s->nhgroups, name) : NULL;
}

const struct schedconf_group *
schedconf_ugroup(const struct schedconf *s, const char *name)
{
	return s ? sc_group(s->ugroups, s->nugroups, name) : NULL;
}

const struct schedconf_queue *
schedconf_queue_of(const struct conf *c, const char *name)
{
	const struct conf_queue *q = conf_queue(c, name);

	return q != NULL && c->sched != NULL ? &c->sched->queues[q - c->queues] : NULL;
}

static bool
sc_group_has(const struct schedconf_group *g, size_t n, const char *group,
    const char *who, int depth)
{
	const struct schedconf_group *grp = sc_group(g, n, group);
	char **m;

	if (grp == NULL || depth > SCHEDCONF_MAX_GROUP_DEPTH)
		return false;
	for (m = grp->members; *m != NULL; m++) {
		if (strcmp(*m, who) == 0 || strcmp(*m, "all") == 0 || sc_range_match(*m, who) > 0)
			return true;
		if (strcmp(*m, group) != 0 && sc_group_has(g, n, *m, who, depth + 1))
			return true;
	}
	return false;
}

bool
schedconf_hgroup_has(const struct schedconf *s, const char *group, const char *host)
{
	return s != NULL && sc_group_has(s->hgroups, s->nhgroups, group, host, 0);
}

bool
schedconf_ugroup_has(const struct schedconf *s, const char *group, const char *user)
{
	return s != NULL && sc_group_has(s->ugroups, s->nugroups, group, user, 0);
}

const struct schedconf_ulim *
schedconf_user_limit(const struct schedconf *s, const char *user, bool *group_total)
{
	const struct schedconf_ulim *def = NULL;
	char gname[256];
	size_t i, n;

	*group_total = false;
	for (i = 0; s != NULL && i < s->nulims; i++)
		if (strcmp(s->ulims[i].name, user) == 0)
			return &s->ulims[i];
	for (i = 0; s != NULL && i < s->nulims; i++) {
		const char *name = s->ulims[i].name;
		n = strlen(name);
		if (n > 0 && name[n - 1] == '@' && n < sizeof(gname)) {
			memcpy(gname, name, n - 1);
			gname[n - 1] = '\0';
			if (schedconf_ugroup_has(s, gname, user))
				return &s->ulims[i];
		} else if (strcmp(name, "default") == 0)
			def = &s->ulims[i];
		else if (schedconf_ugroup_has(s, name, user)) {
			*group_total = true;
			return &s->ulims[i];
		}
	}
	return def;
}

const char *
schedconf_share_account(const struct schedconf *s, const struct schedconf_queue *q,
    const char *user, int *shares)
{
	char gname[256];
	size_t n;

	*shares = 0;
	for (size_t i = 0; q != NULL && i < q->nshares; i++) {
		const char *name = q->shares[i].name;
		n = strlen(name);
		if (strcmp(name, user) == 0) {
			*shares = q->shares[i].shares;
			return NULL;
		}
		if (n > 1 && name[n - 1] == '@' && n < sizeof(gname)) {	/* each member */
			memcpy(gname, name, n - 1);
			gname[n - 1] = '\0';
			if (schedconf_ugroup_has(s, gname, user)) {
				*shares = q->shares[i].shares;
				return NULL;
			}
		} else if (strcmp(name, "default") == 0)
			*shares = q->shares[i].shares;	/* unless a later row names it */
		else if (schedconf_ugroup_has(s, name, user)) {
			*shares = q->shares[i].shares;
			return name;	/* the group as one account */
		}
	}
	return NULL;
}

int
schedconf_shares(const struct schedconf *s, const struct schedconf_queue *q,
    const char *user)
{
	int shares;

	schedconf_share_account(s, q, user, &shares);
	return shares;
}
