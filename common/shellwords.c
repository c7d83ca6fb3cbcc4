/*
 * shellwords.c - sh-style word splitting without expansion (for #BSUB
 * lines and config values) and the reverse: quoting words so that
 * /bin/sh gives them back unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "shellwords.h"
#include "util.h"

struct sw_buf {
	char *s;
	size_t len, cap;
};

static void
sw_put(struct sw_buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->s = xrealloc(b->s, b->cap);
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

static void
sw_puts(struct sw_buf *b, const char *s)
{
	while (*s)
		sw_put(b, *s++);
}

static int
sw_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Inside "...": backslash escapes only $ ` " \ and newline, as in sh. */
static const char *
sw_dquote(const char *p, struct sw_buf *w)
{
	for (; *p != '"'; p++) {
		if (*p == '\0')
			return NULL;
		if (*p == '\\' && p[1] != '\0' && strchr("$`\"\\\n", p[1])) {
			if (*++p == '\n')
				continue;
		}
		sw_put(w, *p);
	}
	return p + 1;
}

/* Reads one word at p into w; returns the position after it or NULL. */
static const char *
sw_word(const char *p, struct sw_buf *w, char *err, size_t errlen)
{
	const char *q;

	sw_put(w, '\0');
	w->len = 0;
	while (*p != '\0' && !sw_blank(*p)) {
		if (*p == '\'') {
			if ((q = strchr(p + 1, '\'')) == NULL) {
				errf(err, errlen, "unterminated single quote");
				return NULL;
			}
			while (++p < q)
				sw_put(w, *p);
			p++;
		} else if (*p == '"') {
			if ((p = sw_dquote(p + 1, w)) == NULL) {
				errf(err, errlen, "unterminated double quote");
				return NULL;
			}
		} else if (*p == '\\' && p[1] != '\0') {
			if (p[1] != '\n')
				sw_put(w, p[1]);
			p += 2;
		} else
			sw_put(w, *p++);
	}
	return p;
}

int
shellwords_split(const char *line, char ***argvp, char *err, size_t errlen)
{
	struct sw_buf w = { NULL, 0, 0 };
	char **argv = xcalloc(1, sizeof(*argv));
	const char *p = line;
	int argc = 0;

	for (;;) {
		while (sw_blank(*p))
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if ((p = sw_word(p, &w, err, errlen)) == NULL) {
			free(w.s);
			shellwords_free(argv);
			*argvp = NULL;
			return -1;
		}
		argv = xrealloc(argv, (size_t)(argc + 2) * sizeof(*argv));
		argv[argc++] = xstrdup(w.s);
		argv[argc] = NULL;
	}
	free(w.s);
	*argvp = argv;
	return argc;
}

void
shellwords_free(char **argv)
{
	char **p;

	if (argv == NULL)
		return;
	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

/* Characters that never need quoting for sh. */
static int
sw_safe(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("@%+=:,./-_", c));
}

char *
shellwords_quote(const char *s)
{
	struct sw_buf b = { NULL, 0, 0 };
	const char *p;

	for (p = s; *p != '\0' && sw_safe(*p); p++)
		;
	if (*p == '\0' && *s != '\0')
		return xstrdup(s);
	sw_put(&b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			sw_puts(&b, "'\\''");
		else
			sw_put(&b, *p);
	}
	sw_put(&b, '\'');
	return b.s;
}

char *
shellwords_join(int argc, char **argv)
{
	struct sw_buf b = { NULL, 0, 0 };
	char *q;
	int i;

	sw_put(&b, '\0');
	b.len = 0;
	for (i = 0; i < argc; i++) {
		if (i == 0) {
			sw_puts(&b, argv[0]);
			continue;
		}
		sw_put(&b, ' ');
		q = shellwords_quote(argv[i]);
		sw_puts(&b, q);
		free(q);
	}
	return b.s;
}
