/*
 * confcheck.c - the checks behind badmin ckconfig. Unlike conf_load,
 * which stops at the first error, this goes on: every file is read raw
 * (a NUL byte is reported at its own line, then read as a blank), parsed,
 * and every key of lsf.conf, lsb.params and lsb.queues is checked against
 * the key table: unknown keys, types, ranges. Then the references: a
 * queue's HOSTS naming a host no Host table or host group defines, a
 * DEFAULT_QUEUE naming no queue. Last, conf_load itself runs, and its
 * error is added unless one of the checks above said the same.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "confcheck.h"
#include "conftab.h"
#include "lsfconf.h"
#include "shellwords.h"
#include "util.h"

struct cc {
	json_t *errors, *warnings;
	char **hosts;		/* Host table rows and host group names */
	size_t nhosts;
	char **queues;		/* QUEUE_NAME values */
	size_t nqueues;
};

static void
cc_add(json_t *to, const char *path, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t i;
	json_t *v, *s;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s = line > 0 ? json_sprintf("%s:%d: %s", path, line, msg) :
	    json_sprintf("%s: %s", path, msg);
	json_array_foreach(to, i, v)
		if (json_equal(v, s)) {
			json_decref(s);
			return;
		}
	json_array_append_new(to, s);
}

static void
cc_push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static int
cc_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* Reads path, reports each NUL byte at its line and blanks it, parses.
 * -1 when the file is missing (not an error: every file is optional
 * here, conf_load says which are not) or does not parse. */
static int
cc_read(struct cc *cc, const char *path, int lsfconf, struct cfg_file *f)
{
	char *text, err[1024];
	size_t len, i;
	int line = 1, rc;

	if ((text = file_read_all(path, &len)) == NULL) {
		if (errno != ENOENT)
			cc_add(cc->errors, path, 0, "%s", strerror(errno));
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (text[i] == '\n')
			line++;
		else if (text[i] == '\0') {
			cc_add(cc->errors, path, line, "NUL byte in the file");
			text[i] = ' ';
		}
	}
	rc = (lsfconf ? cfg_parse_lsfconf : cfg_parse_sections)(path, text, f, err,
	    sizeof(err));
	free(text);
	if (rc < 0)
		json_array_append_new(cc->errors, json_string(err));
	return rc;
}

/* One key against the table. */
static void
cc_key(struct cc *cc, enum conftab_file file, const char *path, const struct cfg_kv *kv)
{
	const struct conftab_key *k = conftab_find(file, kv->key);
	char err[512];

	if (k == NULL && file == CT_LSB_QUEUES)
		cc_add(cc->errors, path, kv->line, "unknown queue parameter %s", kv->key);
	else if (k == NULL)
		cc_add(cc->warnings, path, kv->line, "unknown key %s in %s (ignored)",
		    kv->key, conftab_file_name(file));
	else if (conftab_check(k, kv->value, err, sizeof(err)) < 0)
		cc_add(cc->errors, path, kv->line, "%s", err);
}

/* Host names from a Host table (column col) or group names. */
static void
cc_collect(struct cc *cc, const struct cfg_file *f, const char *sec, const char *col)
{
	size_t i, r;
	int c;

	for (i = 0; i < f->nsec; i++) {
		if (strcasecmp(f->sec[i].name, sec) != 0 ||
		    (c = cfg_table_col(&f->sec[i], col)) < 0)
			continue;
		for (r = 0; r < f->sec[i].nrows; r++)
			if (f->sec[i].rows[r][c] != NULL)
				cc_push(&cc->hosts, &cc->nhosts, f->sec[i].rows[r][c]);
	}
}

/* "~h", "h+2", "h@cluster": the host name inside. */
static void
cc_host_word(const char *w, char *out, size_t outlen)
{
	size_t n;

	if (*w == '~')
		w++;
	n = strcspn(w, "+@");
	snprintf(out, outlen, "%.*s", (int)n, w);
}

/* A queue's HOSTS: every name must be a known host or host group. */
static void
cc_queue_hosts(struct cc *cc, const char *path, const char *q, const struct cfg_kv *kv)
{
	static const char *const words[] = { "all", "others", "none", "allremote" };
	char **w, name[256];
	size_t n, i, k;

	if (cc->nhosts == 0)	/* no Host table: every host is dynamic */
		return;
	if (shellwords_split(kv->value, &w, NULL, 0) < 0)
		return;
	for (i = 0; w[i] != NULL; i++) {
		cc_host_word(w[i], name, sizeof(name));
		for (k = 0, n = nitems(words); k < n && strcasecmp(name, words[k]); k++)
			;
		if (k == n && name[0] != '\0' && !cc_has(cc->hosts, cc->nhosts, name))
			cc_add(cc->warnings, path, kv->line, "queue %s: HOSTS names "
			    "unknown host %s (not in lsf.cluster or lsb.hosts)", q, name);
	}
	shellwords_free(w);
}

static void
cc_queues(struct cc *cc, const char *path)
{
	struct cfg_file f;
	const char *name;
	size_t i, j;

	if (cc_read(cc, path, 0, &f) < 0)
		return;
	for (i = 0; i < f.nsec; i++) {
		name = cfg_section_get(&f.sec[i], "QUEUE_NAME");
		if (name != NULL)
			cc_push(&cc->queues, &cc->nqueues, name);
		for (j = 0; j < f.sec[i].nkv; j++) {
			cc_key(cc, CT_LSB_QUEUES, path, &f.sec[i].kv[j]);
			if (strcasecmp(f.sec[i].kv[j].key, "HOSTS") == 0)
				cc_queue_hosts(cc, path, name ? name : "?", &f.sec[i].kv[j]);
		}
	}
	cfg_file_free(&f);
}

static void
cc_params(struct cc *cc, const char *path)
{
	struct cfg_file f;
	const struct cfg_kv *kv;
	char **w;
	size_t i, j, k;

	if (cc_read(cc, path, 0, &f) < 0)
		return;
	for (i = 0; i < f.nsec; i++)
		for (j = 0; j < f.sec[i].nkv; j++) {
			kv = &f.sec[i].kv[j];
			cc_key(cc, CT_LSB_PARAMS, path, kv);
			if (strcasecmp(kv->key, "DEFAULT_QUEUE") != 0 ||
			    shellwords_split(kv->value, &w, NULL, 0) < 0)
				continue;
			for (k = 0; w[k] != NULL; k++)
				if (!cc_has(cc->queues, cc->nqueues, w[k]))
					cc_add(cc->errors, path, kv->line, "DEFAULT_QUEUE "
					    "names undefined queue %s", w[k]);
			shellwords_free(w);
		}
	cfg_file_free(&f);
}

/* A section file checked for NUL bytes and syntax; hosts collected. */
static void
cc_sections(struct cc *cc, const char *path, const char *sec, const char *col)
{
	struct cfg_file f;

	if (cc_read(cc, path, 0, &f) < 0)
		return;
	if (sec != NULL)
		cc_collect(cc, &f, sec, col);
	cc_collect(cc, &f, "HostGroup", "GROUP_NAME");
	cfg_file_free(&f);
}

static void
cc_lsfconf(struct cc *cc, const char *envdir)
{
	char *path = xasprintf("%s/lsf.conf", envdir);
	struct cfg_file f;
	size_t i;

	if (cc_read(cc, path, 1, &f) == 0) {
		for (i = 0; i < f.nkv; i++)
			cc_key(cc, CT_LSF_CONF, path, &f.kv[i]);
		cfg_file_free(&f);
	}
	free(path);
}

/* The lsb.* files, once lsf.conf named their directory. */
static void
cc_lsb(struct cc *cc, const struct conf *c)
{
	char *dir = xasprintf("%s/%s/configdir", c->lsb_confdir, c->cluster);
	char *p;

	p = xasprintf("%s/lsf.shared", c->confdir);
	cc_sections(cc, p, NULL, NULL);
	free(p);
	p = xasprintf("%s/lsf.cluster.%s", c->confdir, c->cluster);
	cc_sections(cc, p, "Host", "HOSTNAME");
	free(p);
	p = xasprintf("%s/lsb.hosts", dir);
	cc_sections(cc, p, "Host", "HOST_NAME");
	free(p);
	p = xasprintf("%s/lsb.users", dir);
	cc_sections(cc, p, NULL, NULL);
	free(p);
	p = xasprintf("%s/lsb.queues", dir);
	cc_queues(cc, p);
	free(p);
	p = xasprintf("%s/lsb.params", dir);
	cc_params(cc, p);
	free(p);
	free(dir);
}

static void
cc_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* conf_load's own error, unless a check above already reported one at
 * the same file:line (in its own words). */
static void
cc_loader_error(json_t *errors, const char *err)
{
	const char *colon = strstr(err, ": ");
	size_t n = colon ? (size_t)(colon - err) + 2 : strlen(err), i;
	json_t *v;

	json_array_foreach(errors, i, v)
		if (strncmp(json_string_value(v), err, n) == 0)
			return;
	json_array_append_new(errors, json_string(err));
}

void
confcheck(const char *envdir, json_t *errors, json_t *warnings)
{
	struct cc cc = { errors, warnings, NULL, 0, NULL, 0 };
	struct conf *c;
	char err[1024];

	if (envdir == NULL && (envdir = getenv("LSF_ENVDIR")) == NULL)
		envdir = "/etc/pumice";
	cc_lsfconf(&cc, envdir);
	if ((c = conf_load_paths(envdir, err, sizeof(err))) != NULL) {
		cc_lsb(&cc, c);
		conf_free(c);
		c = conf_load(envdir, 1, err, sizeof(err));
	}
	if (c == NULL)
		cc_loader_error(errors, err);
	conf_free(c);
	cc_free(cc.hosts, cc.nhosts);
	cc_free(cc.queues, cc.nqueues);
}
