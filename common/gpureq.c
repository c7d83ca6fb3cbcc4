/*
 * gpureq.c - parses and merges GPU requirement strings (gpureq.h). One
 * table row per key LSF documents: the keys Pumice acts on have a
 * handler, the others none (accepted, ignored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gpureq.h"
#include "util.h"

#define GPUREQ_MAX_NUM 64	/* devices per host the ledger tracks */

typedef int (*gpureq_fn)(struct gpureq *g, const char *v, char *err, size_t errlen);

static int
gpureq_num(struct gpureq *g, const char *v, char *err, size_t errlen)
{
	char *end;
	long n = strtol(v, &end, 10);

	g->per_task = false;
	if (strcasecmp(end, "/task") == 0)
		g->per_task = true;
	else if (*end != '\0' && strcasecmp(end, "/host") != 0)
		end = NULL;
	if (end == NULL || end == v || n < 1 || n > GPUREQ_MAX_NUM)
		return errf(err, errlen, "num must be a number of GPUs from 1 to %d "
		    "(optionally /task or /host), not '%s'", GPUREQ_MAX_NUM, v);
	g->num = (int)n;
	return 0;
}

static int
gpureq_mode(struct gpureq *g, const char *v, char *err, size_t errlen)
{
	if (strcasecmp(v, "shared") == 0)
		g->mode = GPU_MODE_SHARED;
	else if (strcasecmp(v, "exclusive_process") == 0)
		g->mode = GPU_MODE_EXCL_PROCESS;
	else
		return errf(err, errlen, "mode must be shared or exclusive_process, "
		    "not '%s'", v);
	return 0;
}

static int
gpureq_jexcl(struct gpureq *g, const char *v, char *err, size_t errlen)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "y") == 0)
		g->j_exclusive = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "n") == 0)
		g->j_exclusive = 0;
	else
		return errf(err, errlen, "j_exclusive must be yes or no, not '%s'", v);
	return 0;
}

static const struct {
	const char *key;
	gpureq_fn fn;		/* NULL: LSF's, accepted and ignored */
} gpureq_keys[] = {
	{ "num", gpureq_num },
	{ "mode", gpureq_mode },
	{ "j_exclusive", gpureq_jexcl },
	{ "mps", NULL }, { "aff", NULL }, { "block", NULL }, { "gpack", NULL },
	{ "gvendor", NULL }, { "gmodel", NULL }, { "gtile", NULL },
	{ "gmem", NULL }, { "glink", NULL }, { "mig", NULL },
};

void
gpureq_init(struct gpureq *g)
{
	memset(g, 0, sizeof(*g));
	g->j_exclusive = -1;
}

static int
gpureq_kv(struct gpureq *g, char *kv, char *err, size_t errlen)
{
	char *eq = strchr(kv, '=');
	size_t i;

	if (eq == NULL || eq == kv || eq[1] == '\0')
		return errf(err, errlen, "expected key=value, not '%s'", kv);
	*eq++ = '\0';
	for (i = 0; i < nitems(gpureq_keys); i++)
		if (strcasecmp(kv, gpureq_keys[i].key) == 0)
			return gpureq_keys[i].fn ? gpureq_keys[i].fn(g, eq, err, errlen) : 0;
	return errf(err, errlen, "unknown GPU requirement '%s'", kv);
}

int
gpureq_parse(struct gpureq *g, const char *s, char *err, size_t errlen)
{
	char *copy, *tok, *save = NULL;
	int rc = 0;

	gpureq_init(g);
	while (*s == ' ' || *s == '\t')
		s++;
	if (strcmp(s, "-") == 0)
		return 0;
	if (*s == '\0')
		return errf(err, errlen, "empty GPU requirement (use '-' for the defaults)");
	copy = xstrdup(s);
	for (tok = strtok_r(copy, ": \t", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ": \t", &save))
		rc = gpureq_kv(g, tok, err, errlen);
	free(copy);
	return rc;
}

void
gpureq_merge(struct gpureq *g, const struct gpureq *def)
{
	if (g->num == 0 && def != NULL) {
		g->num = def->num;
		g->per_task = def->per_task;
	}
	if (g->mode == GPU_MODE_UNSET && def != NULL)
		g->mode = def->mode;
	if (g->j_exclusive < 0 && def != NULL)
		g->j_exclusive = def->j_exclusive;
	if (g->num == 0)
		g->num = 1;
	if (g->mode == GPU_MODE_UNSET)
		g->mode = GPU_MODE_SHARED;
	if (g->j_exclusive < 0)
		g->j_exclusive = g->mode == GPU_MODE_EXCL_PROCESS;
}

void
gpureq_format(const struct gpureq *g, char *buf, size_t len)
{
	snprintf(buf, len, "num=%d%s:mode=%s:j_exclusive=%s", g->num,
	    g->per_task ? "/task" : "",
	    g->mode == GPU_MODE_EXCL_PROCESS ? "exclusive_process" : "shared",
	    g->j_exclusive > 0 ? "yes" : "no");
}
