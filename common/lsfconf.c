/*
 * lsfconf.c - the two LSF configuration syntaxes (see lsfconf.h). Both
 * read "logical lines": continuations joined, comments dropped, blanks
 * trimmed, each with the number of its first physical line, so that every
 * error can say "file:line: what was expected". Nothing here knows what a
 * key means; conf.c gives them meaning.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsfconf.h"
#include "util.h"

struct cfg_reader {
	const char *path;
	const char *p;		/* next unread character */
	int next;		/* number of the next physical line */
	int line;		/* first line of the current logical line */
	char *err;
	size_t errlen;
};

static const char *cfg_tables[] = {
	"Cluster", "HostType", "HostModel", "Resource", "ResourceMap",
	"Host", "HostGroup", "UserGroup", "User", "ExternalResourceMap",
};

int
cfg_section_is_table(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(cfg_tables); i++)
		if (strcasecmp(name, cfg_tables[i]) == 0)
			return 1;
	return 0;
}

static int
cfg_error(struct cfg_reader *rd, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return errf(rd->err, rd->errlen, "%s:%d: %s", rd->path, line, msg);
}

/* Cuts a comment ('#' outside quotes) and trailing blanks off s. */
static void
cfg_uncomment(char *s)
{
	char q = 0, *p;
	size_t n;

	for (p = s; *p; p++) {
		if (q != 0) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'')
			q = *p;
		else if (*p == '#') {
			*p = '\0';
			break;
		}
	}
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Appends one physical line to *buf; returns 1 when it ends in '\'. */
static int
cfg_physical(struct cfg_reader *rd, char **buf, size_t *len)
{
	const char *nl = strchr(rd->p, '\n');
	size_t n = nl ? (size_t)(nl - rd->p) : strlen(rd->p);
	int more = 0;

	*buf = xrealloc(*buf, *len + n + 2);
	memcpy(*buf + *len, rd->p, n);
	rd->p += n + (nl != NULL);
	rd->next++;
	while (n > 0 && isspace((unsigned char)(*buf)[*len + n - 1]))
		n--;
	if (n > 0 && (*buf)[*len + n - 1] == '\\') {
		(*buf)[*len + n - 1] = ' ';
		more = 1;
	}
	*len += n;
	(*buf)[*len] = '\0';
	return more;
}

/* The next non-empty logical line (malloc'd, trimmed), or NULL at EOF. */
static char *
cfg_next(struct cfg_reader *rd)
{
	char *buf, *s;
	size_t len;

	while (*rd->p != '\0') {
		buf = NULL;
		len = 0;
		rd->line = rd->next;
		while (cfg_physical(rd, &buf, &len) && *rd->p != '\0')
			;
		cfg_uncomment(buf);
		for (s = buf; isspace((unsigned char)*s); s++)
			;
		if (*s != '\0') {
			memmove(buf, s, strlen(s) + 1);
			return buf;
		}
		free(buf);
	}
	return NULL;
}

static void
cfg_kv_add(struct cfg_kv **kv, size_t *n, const char *key, char *value, int line)
{
	*kv = xrealloc(*kv, (*n + 1) * sizeof(**kv));
	(*kv)[*n].key = xstrdup(key);
	(*kv)[*n].value = value;
	(*kv)[(*n)++].line = line;
}

/* Shell-style unquoting of an lsf.conf value; NULL when a quote is open. */
static char *
cfg_unquote(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out, q = 0;

	for (; *s; s++) {
		if (q == 0 && (*s == '"' || *s == '\''))
			q = *s;
		else if (q != 0 && *s == q)
			q = 0;
		else if (q != '\'' && *s == '\\' && s[1] != '\0' &&
		    (q == 0 || strchr("\"\\$`", s[1])))
			*o++ = *++s;
		else
			*o++ = *s;
	}
	*o = '\0';
	if (q != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* One "NAME=VALUE" line of lsf.conf; a repeated NAME replaces the value. */
static int
cfg_conf_line(struct cfg_reader *rd, char *s, struct cfg_file *out)
{
	char *eq, *v, *value;
	size_t i, n;

	if (strncmp(s, "export ", 7) == 0)
		s += 7;
	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	for (eq = s + n; *eq == ' ' || *eq == '\t'; eq++)
		;
	if (n == 0 || isdigit((unsigned char)s[0]) || *eq != '=')
		return cfg_error(rd, rd->line, "expected NAME=VALUE");
	for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
		;
	if ((value = cfg_unquote(v)) == NULL)
		return cfg_error(rd, rd->line, "unterminated quote");
	s[n] = '\0';
	for (i = 0; i < out->nkv; i++)
		if (strcmp(out->kv[i].key, s) == 0) {
			free(out->kv[i].value);
			out->kv[i].value = value;
			out->kv[i].line = rd->line;
			return 0;
		}
	cfg_kv_add(&out->kv, &out->nkv, s, value, rd->line);
	return 0;
}

int
cfg_parse_lsfconf(const char *path, const char *text, struct cfg_file *out,
    char *err, size_t errlen)
{
	struct cfg_reader rd = { path, text, 1, 1, err, errlen };
	char *s;
	int rc;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	while ((s = cfg_next(&rd)) != NULL) {
		rc = cfg_conf_line(&rd, s, out);
		free(s);
		if (rc < 0) {
			cfg_file_free(out);
			return -1;
		}
	}
	return 0;
}

/* The next word of s at *sp (blank-separated), malloc'd; NULL at the end. */
static char *
cfg_word(const char **sp)
{
	const char *s = *sp, *b;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return NULL;
	for (b = s; *s && !isspace((unsigned char)*s); s++)
		;
	*sp = s;
	return xstrndup(b, (size_t)(s - b));
}

/* "Begin Name" / "End Name": the name (malloc'd) when line starts with kw. */
static char *
cfg_marker(const char *line, const char *kw)
{
	const char *p = line;
	char *w = cfg_word(&p), *name;

	if (w == NULL || strcasecmp(w, kw) != 0) {
		free(w);
		return NULL;
	}
	free(w);
	name = cfg_word(&p);
	return name ? name : xstrdup("");
}

/* One table cell at *sp: a word, "quoted text" or "(group)"; "-" and "()"
 * give *cell NULL. Returns 1, 0 at the end of the line, -1 on error. */
static int
cfg_cell(struct cfg_reader *rd, const char **sp, char **cell)
{
	const char *s = *sp, *b, *e;
	char close;
	int depth = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return 0;
	if (*s == '(' || *s == '"') {
		close = *s == '(' ? ')' : '"';
		for (e = s + 1; *e && (*e != close || depth > 0); e++)
			if (close == ')' && (*e == '(' || *e == ')'))
				depth += *e == '(' ? 1 : -1;
		if (*e == '\0')
			return cfg_error(rd, rd->line, "unterminated '%c'", *s);
		for (b = s + 1; b < e && isspace((unsigned char)*b); b++)
			;
		*sp = e + 1;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		*cell = e > b || close == '"' ? xstrndup(b, (size_t)(e - b)) : NULL;
		return 1;
	}
	*cell = cfg_word(&s);
	*sp = s;
	if (strcmp(*cell, "-") == 0) {
		free(*cell);
		*cell = NULL;
	}
	return 1;
}

/* A table line: the column names first, then one row per line. */
static int
cfg_table_line(struct cfg_reader *rd, const char *s, struct cfg_section *sec)
{
	char **row, *w = NULL;
	size_t n = 0;
	int rc;

	if (sec->cols == NULL) {
		while ((w = cfg_word(&s)) != NULL) {
			sec->cols = xrealloc(sec->cols, (sec->ncols + 1) * sizeof(char *));
			sec->cols[sec->ncols++] = w;
		}
		return 0;
	}
	row = xcalloc(sec->ncols, sizeof(char *));
	while ((rc = cfg_cell(rd, &s, &w)) > 0) {
		if (n == sec->ncols) {
			free(w);
			rc = cfg_error(rd, rd->line, "more entries than the %zu columns "
			    "of section %s", sec->ncols, sec->name);
			break;
		}
		row[n++] = w;
	}
	if (rc < 0) {
		while (n > 0)
			free(row[--n]);
		free(row);
		return -1;
	}
	sec->rows = xrealloc(sec->rows, (sec->nrows + 1) * sizeof(char **));
	sec->row_lines = xrealloc(sec->row_lines, (sec->nrows + 1) * sizeof(int));
	sec->row_lines[sec->nrows] = rd->line;
	sec->rows[sec->nrows++] = row;
	return 0;
}

/* A "KEY = value" line; a value that is one "quoted string" is unquoted. */
static int
cfg_kv_line(struct cfg_reader *rd, const char *s, struct cfg_section *sec)
{
	const char *eq = strchr(s, '='), *v, *e;
	size_t klen;
	char *key;

	if (eq == NULL)
		return cfg_error(rd, rd->line, "expected KEY = value in section %s",
		    sec->name);
	for (klen = (size_t)(eq - s); klen > 0 && isspace((unsigned char)s[klen - 1]);
	    klen--)
		;
	if (klen == 0 || strcspn(s, " \t") < klen)
		return cfg_error(rd, rd->line, "bad key before '=' in section %s",
		    sec->name);
	for (v = eq + 1; isspace((unsigned char)*v); v++)
		;
	e = v + strlen(v);
	if (e - v >= 2 && *v == '"' && e[-1] == '"' && !memchr(v + 1, '"', (size_t)(e - v - 2))) {
		v++;
		e--;
	}
	key = xstrndup(s, klen);
	cfg_kv_add(&sec->kv, &sec->nkv, key, xstrndup(v, (size_t)(e - v)), rd->line);
	free(key);
	return 0;
}

static void
cfg_section_free(struct cfg_section *s)
{
	size_t i, j;

	free(s->name);
	for (i = 0; i < s->nkv; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
	}
	free(s->kv);
	for (i = 0; i < s->nrows; i++) {
		for (j = 0; j < s->ncols; j++)
			free(s->rows[i][j]);
		free(s->rows[i]);
	}
	free(s->rows);
	free(s->row_lines);
	for (i = 0; i < s->ncols; i++)
		free(s->cols[i]);
	free(s->cols);
}

/* Handles one logical line; *cur is the open section or NULL. */
static int
cfg_section_line(struct cfg_reader *rd, const char *s, struct cfg_file *out,
    struct cfg_section **cur)
{
	char *name;
	int rc = 0;

	if ((name = cfg_marker(s, "Begin")) != NULL) {
		if (*cur != NULL)
			rc = cfg_error(rd, rd->line, "Begin %s inside section %s "
			    "(begun at line %d)", name, (*cur)->name, (*cur)->line);
		else if (*name == '\0')
			rc = cfg_error(rd, rd->line, "Begin without a section name");
		if (rc < 0) {
			free(name);
			return -1;
		}
		out->sec = xrealloc(out->sec, (out->nsec + 1) * sizeof(*out->sec));
		*cur = &out->sec[out->nsec++];
		memset(*cur, 0, sizeof(**cur));
		(*cur)->name = name;
		(*cur)->line = rd->line;
		(*cur)->is_table = cfg_section_is_table(name);
		return 0;
	}
	if ((name = cfg_marker(s, "End")) != NULL) {
		if (*cur == NULL)
			rc = cfg_error(rd, rd->line, "End %s without Begin", name);
		else if (strcasecmp(name, (*cur)->name) != 0)
			rc = cfg_error(rd, rd->line, "End %s does not match Begin %s "
			    "at line %d", name, (*cur)->name, (*cur)->line);
		free(name);
		*cur = NULL;
		return rc;
	}
	if (*cur == NULL)
		return cfg_error(rd, rd->line, "expected Begin <section>");
	if ((*cur)->is_table)
		return cfg_table_line(rd, s, *cur);
	return cfg_kv_line(rd, s, *cur);
}

int
cfg_parse_sections(const char *path, const char *text, struct cfg_file *out,
    char *err, size_t errlen)
{
	struct cfg_reader rd = { path, text, 1, 1, err, errlen };
	struct cfg_section *cur = NULL;
	char *s;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	while (rc == 0 && (s = cfg_next(&rd)) != NULL) {
		rc = cfg_section_line(&rd, s, out, &cur);
		free(s);
	}
	if (rc == 0 && cur != NULL)
		rc = cfg_error(&rd, cur->line, "Begin %s without End %s", cur->name,
		    cur->name);
	if (rc < 0)
		cfg_file_free(out);
	return rc;
}

/* Reads path and runs parse on its text. */
static int
cfg_load(const char *path, struct cfg_file *out, char *err, size_t errlen,
    int (*parse)(const char *, const char *, struct cfg_file *, char *, size_t))
{
	char *text;
	size_t len, nul;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((text = file_read_all(path, &len)) == NULL)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	if ((nul = strlen(text)) < len) {	/* the text would end there unseen */
		for (rc = 1; nul > 0; nul--)
			rc += text[nul - 1] == '\n';
		free(text);
		return errf(err, errlen, "%s:%d: NUL byte in the file", path, rc);
	}
	rc = parse(path, text, out, err, errlen);
	free(text);
	return rc;
}

int
cfg_load_lsfconf(const char *path, struct cfg_file *out, char *err, size_t errlen)
{
	return cfg_load(path, out, err, errlen, cfg_parse_lsfconf);
}

int
cfg_load_sections(const char *path, struct cfg_file *out, char *err, size_t errlen)
{
	return cfg_load(path, out, err, errlen, cfg_parse_sections);
}

void
cfg_file_free(struct cfg_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	free(f->path);
	for (i = 0; i < f->nkv; i++) {
		free(f->kv[i].key);
		free(f->kv[i].value);
	}
	free(f->kv);
	for (i = 0; i < f->nsec; i++)
		cfg_section_free(&f->sec[i]);
	free(f->sec);
	memset(f, 0, sizeof(*f));
}

const char *
cfg_get(const struct cfg_file *f, const char *key)
{
	size_t i;

	for (i = f->nkv; i > 0; i--)
		if (strcasecmp(f->kv[i - 1].key, key) == 0)
			return f->kv[i - 1].value;
	return NULL;
}

/* The last value given for key in the section. */
const char *
cfg_section_get(const struct cfg_section *s, const char *key)
{
	size_t i;

	for (i = s->nkv; i > 0; i--)
		if (strcasecmp(s->kv[i - 1].key, key) == 0)
			return s->kv[i - 1].value;
	return NULL;
}

int
cfg_table_col(const struct cfg_section *s, const char *col)
{
	size_t i;

	for (i = 0; i < s->ncols; i++)
		if (strcasecmp(s->cols[i], col) == 0)
			return (int)i;
	return -1;
}
