/*
 * resreq.c - splits a -R string into its sections and parses each one
 * (resreq.h). Section bodies may hold brackets of their own, so a section
 * ends at its matching ']'. Unknown section names are errors; "cu" and
 * "affinity" are accepted and ignored, as a cluster without them would.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resreq.h"
#include "units.h"
#include "util.h"

static const char *resreq_sections[] = {
	"select", "order", "rusage", "span", "same", "cu", "affinity",
};

void
resreq_init(struct resreq *rr)
{
	memset(rr, 0, sizeof(*rr));
}

void
resreq_free(struct resreq *rr)
{
	selexpr_free(rr->select);
	free(rr->select_text);
	free(rr->rusage_alt);
	free(rr->same);
	for (size_t i = 0; i < rr->nuse; i++)
		free(rr->use[i].name);
	free(rr->use);
	resreq_init(rr);
}

/* Length of the section keyword starting at s followed by '[', or 0. */
static size_t
resreq_keyword(const char *s)
{
	size_t i, n;
	const char *p;

	for (i = 0; i < nitems(resreq_sections); i++) {
		n = strlen(resreq_sections[i]);
		if (strncasecmp(s, resreq_sections[i], n) != 0)
			continue;
		for (p = s + n; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '[')
			return n;
	}
	return 0;
}

/* Where the first section keyword starts in s (or its end). */
static const char *
resreq_first_section(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((p == s || !isalnum((unsigned char)p[-1])) && resreq_keyword(p) > 0)
			return p;
	return p;
}

static int
resreq_add_select(struct resreq *rr, const char *text, const char *unit, char *err,
    size_t errlen)
{
	struct sel_node *n;
	char *old;

	if ((n = selexpr_parse(text, unit, err, errlen)) == NULL)
		return -1;
	rr->select = selexpr_and(rr->select, n);
	old = rr->select_text;
	rr->select_text = old ? xasprintf("(%s) && (%s)", old, text) : xstrdup(text);
	free(old);
	return 0;
}

static int
resreq_order(struct resreq *rr, const char *body, char *err, size_t errlen)
{
	char *copy = xstrdup(body), *tok, *save = NULL;
	int rc = 0, idx;
	bool rev;

	rr->norder = 0;
	for (tok = strtok_r(copy, ": \t", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ": \t", &save)) {
		rev = tok[0] == '-';
		if ((idx = selexpr_index(tok + rev)) < 0)
			rc = errf(err, errlen, "order: unknown load index '%s'", tok + rev);
		else if (rr->norder >= RESREQ_MAX_ORDER)
			rc = errf(err, errlen, "order: at most %d indices", RESREQ_MAX_ORDER);
		else {
			rr->order[rr->norder].idx = idx;
			rr->order[rr->norder++].reverse = rev;
		}
	}
	free(copy);
	return rc;
}

/* "1h", "30m", "90s", "10" (minutes) into seconds. */
static int
resreq_duration(const char *v, long *secs)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || n < 0 || n > 100000000L)
		return -1;
	if (*end == '\0' || strcasecmp(end, "m") == 0)
		*secs = n * 60;
	else if (strcasecmp(end, "h") == 0)
		*secs = n * 3600;
	else if (strcasecmp(end, "s") == 0)
		*secs = n;
	else
		return -1;
	return 0;
}

/* rusage of a resource resreq does not know itself: a later value of
 * one name replaces an earlier (a -R over the queue's RES_REQ). */
static int
resreq_use(struct resreq *rr, const char *name, const char *v, char *err,
    size_t errlen)
{
	char *end;
	double d = strtod(v, &end);
	size_t i;

	if (d < 0 || d > 1e9)
		return errf(err, errlen, "rusage: bad value '%s' for %s", v, name);
	if (end == v || *end != '\0' || strcasecmp(name, "decay") == 0)
		return 0;	/* "2G" of a load index: accepted as before, not counted */
	for (i = 0; i < rr->nuse; i++)
		if (strcmp(rr->use[i].name, name) == 0)
			break;
	if (i == rr->nuse) {
		rr->use = xrealloc(rr->use, (rr->nuse + 1) * sizeof(*rr->use));
		rr->use[rr->nuse++].name = xstrdup(name);
	}
	rr->use[i].value = d;
	return 0;
}

/* One "name=value" of rusage. */
static int
resreq_rusage_kv(struct resreq *rr, char *kv, const char *unit, char *err,
    size_t errlen)
{
	char *eq = strchr(kv, '='), e[128];
	uint64_t *dst = NULL;

	if (eq == NULL || eq == kv || eq[1] == '\0')
		return errf(err, errlen, "rusage: expected name=value, not '%s'", kv);
	*eq++ = '\0';
	if (strcasecmp(kv, "mem") == 0)
		dst = &rr->mem_kb;
	else if (strcasecmp(kv, "swp") == 0 || strcasecmp(kv, "swap") == 0)
		dst = &rr->swp_kb;
	else if (strcasecmp(kv, "tmp") == 0)
		dst = &rr->tmp_kb;
	else if (strcasecmp(kv, "duration") == 0) {
		if (resreq_duration(eq, &rr->duration) < 0)
			return errf(err, errlen, "rusage: bad duration '%s'", eq);
		return 0;
	} else if (isalpha((unsigned char)kv[0]))
		return resreq_use(rr, kv, eq, err, errlen);
	if (dst == NULL || units_parse_size(eq, unit, dst, e, sizeof(e)) < 0)
		return errf(err, errlen, "rusage: bad value '%s' for %s", eq, kv);
	return 0;
}

/* "mem = 20" to "mem=20", in place. */
static void
resreq_squeeze_eq(char *s)
{
	char *w = s, *r;

	for (r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			const char *n = r;
			while (isspace((unsigned char)*n))
				n++;
			if (*n == '=' || (w > s && w[-1] == '='))
				continue;
		}
		*w++ = *r;
	}
	*w = '\0';
}

static int
resreq_rusage(struct resreq *rr, const char *body, const char *unit, char *err,
    size_t errlen)
{
	const char *alt = strstr(body, "||");
	char *first = alt ? xstrndup(body, (size_t)(alt - body)) : xstrdup(body);
	char *tok, *save = NULL;
	int rc = 0;

	resreq_squeeze_eq(first);
	if (alt != NULL) {
		free(rr->rusage_alt);
		rr->rusage_alt = xstrdup(alt + 2);
	}
	for (tok = strtok_r(first, ":, \t", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ":, \t", &save))
		rc = resreq_rusage_kv(rr, tok, unit, err, errlen);
	free(first);
	return rc;
}

static int
resreq_span(struct resreq *rr, const char *body, char *err, size_t errlen)
{
	char *end;
	long v;

	if (strncasecmp(body, "hosts=", 6) == 0) {
		v = strtol(body + 6, &end, 10);
		if (end == body + 6 || *end != '\0' || (v != 1 && v != -1))
			return errf(err, errlen, "span: hosts must be 1 or -1, not '%s'",
			    body + 6);
		rr->span_hosts = (int)v;
		rr->ptile = 0;
		return 0;
	}
	if (strncasecmp(body, "ptile=", 6) == 0) {
		v = strtol(body + 6, &end, 10);
		if (end == body + 6 || *end != '\0' || v < 1 || v > 100000)
			return errf(err, errlen, "span: ptile must be a positive number, "
			    "not '%s'", body + 6);
		rr->ptile = (int)v;
		rr->span_hosts = 0;
		return 0;
	}
	return errf(err, errlen, "span: expected hosts=1, hosts=-1 or ptile=N, not '%s'",
	    body);
}

/* Trims blanks of a copy of [s, s+n). */
static char *
resreq_trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static int
resreq_section(struct resreq *rr, const char *name, const char *body,
    const char *unit, char *err, size_t errlen)
{
	if (strcasecmp(name, "select") == 0)
		return resreq_add_select(rr, body, unit, err, errlen);
	if (strcasecmp(name, "order") == 0)
		return resreq_order(rr, body, err, errlen);
	if (strcasecmp(name, "rusage") == 0)
		return resreq_rusage(rr, body, unit, err, errlen);
	if (strcasecmp(name, "span") == 0)
		return resreq_span(rr, body, err, errlen);
	if (strcasecmp(name, "same") == 0) {
		free(rr->same);
		rr->same = xstrdup(body);
	}
	return 0;
}

/* The ']' closing the '[' at open, or NULL. */
static const char *
resreq_close(const char *open)
{
	const char *p;
	int depth = 0;

	for (p = open; *p; p++)
		if (*p == '[')
			depth++;
		else if (*p == ']' && --depth == 0)
			return p;
	return NULL;
}

/* Parses the sections from p on (p at a keyword or the end). */
static int
resreq_sections_at(struct resreq *rr, const char *p, const char *unit, char *err,
    size_t errlen)
{
	size_t kw;
	const char *open, *close;
	char *name, *body;
	int rc;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		if ((kw = resreq_keyword(p)) == 0)
			return errf(err, errlen, "unexpected text at '%.30s'", p);
		open = strchr(p, '[');
		if ((close = resreq_close(open)) == NULL)
			return errf(err, errlen, "missing ']' after '%.*s['", (int)kw, p);
		name = xstrndup(p, kw);
		body = resreq_trimmed(open + 1, (size_t)(close - open - 1));
		rc = resreq_section(rr, name, body, unit, err, errlen);
		free(name);
		free(body);
		if (rc < 0)
			return -1;
		p = close + 1;
	}
}

int
resreq_parse(struct resreq *rr, const char *s, const char *unit, char *err,
    size_t errlen)
{
	const char *first = resreq_first_section(s);
	char *lead = resreq_trimmed(s, (size_t)(first - s));
	int rc = 0;

	if (lead[0] != '\0')
		rc = resreq_add_select(rr, lead, unit, err, errlen);
	free(lead);
	if (rc < 0)
		return -1;
	return resreq_sections_at(rr, first, unit, err, errlen);
}
