/*
 * resmap.c - reads the Resource and ResourceMap tables (resmap.h) into
 * pools the master's ledger (daemons/master/consum.c) counts. Host words
 * are matched at lookup time, so a host that registers later finds its
 * instance without a reload.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resmap.h"
#include "shellwords.h"
#include "util.h"

void
resmap_init(struct resmap *rm)
{
	memset(rm, 0, sizeof(*rm));
	rm->res = xcalloc(1, sizeof(*rm->res));
	rm->res[0] = (struct resmap_res){ xstrdup(RESMAP_GPU), true, true, true,
	    xstrdup("Number of physical GPUs") };
	rm->nres = 1;
}

void
resmap_free(struct resmap *rm)
{
	size_t i;

	for (i = 0; i < rm->nres; i++) {
		free(rm->res[i].name);
		free(rm->res[i].desc);
	}
	for (i = 0; i < rm->ninst; i++)
		shellwords_free(rm->inst[i].hosts);
	free(rm->res);
	free(rm->inst);
	memset(rm, 0, sizeof(*rm));
}

static ssize_t
resmap_index(const struct resmap *rm, const char *name)
{
	for (size_t i = 0; i < rm->nres; i++)
		if (strcmp(rm->res[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

const struct resmap_res *
resmap_find(const struct resmap *rm, const char *name)
{
	ssize_t i = rm ? resmap_index(rm, name) : -1;

	return i < 0 ? NULL : &rm->res[i];
}

static const char *
resmap_cell(const struct cfg_section *s, size_t row, const char *col)
{
	int k = cfg_table_col(s, col);

	return k < 0 ? NULL : s->rows[row][k];
}

/* "Y"/"N" column, def when empty. */
static int
resmap_yn(const char *v, bool def, bool *out)
{
	*out = def;
	if (v == NULL)
		return 0;
	if (strcasecmp(v, "y") == 0 || strcasecmp(v, "yes") == 0)
		*out = true;
	else if (strcasecmp(v, "n") == 0 || strcasecmp(v, "no") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static int
resmap_res_row(struct resmap *rm, const char *path, const struct cfg_section *s,
    size_t i, char *err, size_t errlen)
{
	const char *name = resmap_cell(s, i, "RESOURCENAME");
	const char *type = resmap_cell(s, i, "TYPE");
	struct resmap_res r = { 0 };
	int line = s->row_lines[i];

	if (name == NULL)
		return errf(err, errlen, "%s:%d: Resource row without RESOURCENAME",
		    path, line);
	if (resmap_index(rm, name) >= 0)
		return errf(err, errlen, "%s:%d: resource %s declared twice%s", path,
		    line, name, strcmp(name, RESMAP_GPU) == 0 ? " (it is built in)" : "");
	r.numeric = type != NULL && strcasecmp(type, "Numeric") == 0;
	if (resmap_yn(resmap_cell(s, i, "CONSUMABLE"), r.numeric, &r.consumable) < 0 ||
	    resmap_yn(resmap_cell(s, i, "RELEASE"), true, &r.release) < 0)
		return errf(err, errlen, "%s:%d: CONSUMABLE and RELEASE must be Y or N",
		    path, line);
	if (r.consumable && !r.numeric)
		return errf(err, errlen, "%s:%d: %s: only a Numeric resource can be "
		    "consumable", path, line, name);
	r.name = xstrdup(name);
	r.desc = resmap_cell(s, i, "DESCRIPTION") ?
	    xstrdup(resmap_cell(s, i, "DESCRIPTION")) : NULL;
	rm->res = xrealloc(rm->res, (rm->nres + 1) * sizeof(*rm->res));
	rm->res[rm->nres++] = r;
	return 0;
}

int
resmap_shared(struct resmap *rm, const struct cfg_file *f, char *err, size_t errlen)
{
	for (size_t k = 0; k < f->nsec; k++) {
		const struct cfg_section *s = &f->sec[k];
		if (strcasecmp(s->name, "Resource") != 0)
			continue;
		for (size_t i = 0; i < s->nrows; i++)
			if (resmap_res_row(rm, f->path, s, i, err, errlen) < 0)
				return -1;
	}
	return 0;
}

/* One "v@[h1 h2]" or "[default]" word run starting at *p. */
static int
resmap_inst(struct resmap *rm, size_t res, const char **p, int line, char *err,
    size_t errlen)
{
	const char *s = *p, *open, *close;
	struct resmap_inst in = { res, 0, NULL, false, line };
	char *end, *words;

	open = strchr(s, '[');
	close = open ? strchr(open, ']') : NULL;
	if (open == NULL || close == NULL)
		return errf(err, errlen, "expected value@[hosts], not '%s'", s);
	if (open > s) {
		in.value = strtol(s, &end, 10);
		if (end == s || *end != '@' || end + 1 != open || in.value < 0)
			return errf(err, errlen, "expected value@[hosts], not '%.*s'",
			    (int)(close - s + 1), s);
	} else if (rm->res[res].consumable)
		return errf(err, errlen, "%s is consumable: give a value (N@[hosts])",
		    rm->res[res].name);
	words = xstrndup(open + 1, (size_t)(close - open - 1));
	if (shellwords_split(words, &in.hosts, NULL, 0) < 0 || in.hosts[0] == NULL) {
		free(words);
		shellwords_free(in.hosts);
		return errf(err, errlen, "no host in '%.*s'", (int)(close - s + 1), s);
	}
	free(words);
	in.per_host = strcmp(rm->res[res].name, RESMAP_GPU) == 0 ||
	    (in.hosts[1] == NULL && strcmp(in.hosts[0], "default") == 0);
	rm->inst = xrealloc(rm->inst, (rm->ninst + 1) * sizeof(*rm->inst));
	rm->inst[rm->ninst++] = in;
	*p = close + 1;
	return 0;
}

static int
resmap_map_row(struct resmap *rm, const char *path, const struct cfg_section *s,
    size_t i, char *err, size_t errlen)
{
	const char *name = resmap_cell(s, i, "RESOURCENAME");
	const char *loc = resmap_cell(s, i, "LOCATION");
	ssize_t res = name ? resmap_index(rm, name) : -1;
	int line = s->row_lines[i];
	char e[256];

	if (name == NULL || loc == NULL)
		return errf(err, errlen, "%s:%d: ResourceMap needs RESOURCENAME and "
		    "LOCATION", path, line);
	if (res < 0)
		return errf(err, errlen, "%s:%d: resource %s is not in lsf.shared's "
		    "Resource section", path, line, name);
	while (*loc != '\0') {
		while (isspace((unsigned char)*loc))
			loc++;
		if (*loc == '\0')
			break;
		if (resmap_inst(rm, (size_t)res, &loc, line, e, sizeof(e)) < 0)
			return errf(err, errlen, "%s:%d: %s: %s", path, line, name, e);
	}
	return 0;
}

int
resmap_cluster(struct resmap *rm, const struct cfg_file *f, char *err, size_t errlen)
{
	for (size_t k = 0; k < f->nsec; k++) {
		const struct cfg_section *s = &f->sec[k];
		if (strcasecmp(s->name, "ResourceMap") != 0)
			continue;
		for (size_t i = 0; i < s->nrows; i++)
			if (resmap_map_row(rm, f->path, s, i, err, errlen) < 0)
				return -1;
	}
	return 0;
}

/* 2: host named; 1: by "all" or "default"; 0: not in; -1: excluded. */
static int
resmap_host_in(char **words, const char *host)
{
	int hit = 0;

	for (char **w = words; *w != NULL; w++) {
		if (**w == '~' && strcmp(*w + 1, host) == 0)
			return -1;
		if (strcmp(*w, host) == 0)
			hit = 2;
		else if (hit == 0 && (strcmp(*w, "all") == 0 || strcmp(*w, "default") == 0))
			hit = 1;
	}
	return hit;
}

char *
resmap_pool(const struct resmap *rm, const char *name, const char *host, long *total)
{
	ssize_t res = rm ? resmap_index(rm, name) : -1, best = -1;
	int best_hit = 0, hit;

	for (size_t i = 0; res >= 0 && i < rm->ninst; i++) {
		if (rm->inst[i].res != (size_t)res)
			continue;
		if ((hit = resmap_host_in(rm->inst[i].hosts, host)) > best_hit) {
			best_hit = hit;
			best = (ssize_t)i;
		}
	}
	if (best < 0)
		return NULL;
	*total = rm->inst[best].value;
	if (rm->inst[best].per_host)
		return xasprintf("%s@%s", name, host);
	return xasprintf("%s#%zd", name, best);
}
