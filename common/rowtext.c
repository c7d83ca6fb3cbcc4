/*
 * rowtext.c - the row encoding of listing pages (rowtext.h): escaping
 * on the master, splitting and unescaping in the commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowtext.h"
#include "util.h"

void
rowbuf_init(struct rowbuf *b)
{
	b->p = b->stack;
	b->len = 0;
	b->cap = sizeof(b->stack);
}

void
rowbuf_add(struct rowbuf *b, const char *s, size_t n)
{
	if (b->cap - b->len < n) {
		while (b->cap - b->len < n)
			b->cap *= 2;
		if (b->p == b->stack)
			b->p = memcpy(xmalloc(b->cap), b->stack, b->len);
		else
			b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void
rowbuf_free(struct rowbuf *b)
{
	if (b->p != b->stack)
		free(b->p);
	rowbuf_init(b);
}

/* The escape of byte c, or 0 when it passes as it is. */
static char
rowtext_esc(unsigned char c)
{
	switch (c) {
	case '\\': return '\\';
	case '\t': return 't';
	case '\n': return 'n';
	case '\r': return 'r';
	}
	return c < 0x20 ? 'x' : 0;
}

void
rowtext_put_str(struct rowbuf *b, const char *s)
{
	const char *run = s;
	char esc[5];
	char e;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s > '\\' || ((unsigned char)*s >= 0x20 &&
		    *s != '\\'))
			continue;
		e = rowtext_esc((unsigned char)*s);
		rowbuf_add(b, run, (size_t)(s - run));
		if (e == 'x')
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)*s);
		else {
			esc[0] = '\\';
			esc[1] = e;
			esc[2] = '\0';
		}
		rowbuf_add(b, esc, strlen(esc));
		run = s + 1;
	}
	rowbuf_add(b, run, (size_t)(s - run));
}

void
rowtext_put_long(struct rowbuf *b, long v)
{
	char num[24], *p = num + sizeof(num);
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	rowbuf_add(b, p, (size_t)(num + sizeof(num) - p));
}

int
rowtext_next(char **p, char *end, struct rowtext_line *l)
{
	char *s = *p, *eol;
	size_t n = 0;

	l->n = 0;
	l->esc = 0;
	if (s >= end)
		return 0;
	if ((eol = memchr(s, ROWTEXT_EOL, (size_t)(end - s))) == NULL)
		return -1;
	*eol = '\0';
	l->f[0] = s;
	for (; s < eol; s++) {
		if ((unsigned char)*s > '\\')	/* most bytes: letters */
			continue;
		if (*s == ROWTEXT_SEP) {
			if (++n >= ROWTEXT_MAXF)
				return -1;
			*s = '\0';
			l->f[n] = s + 1;
		} else if (*s == '\\')
			l->esc |= (uint64_t)1 << n;
	}
	l->n = n + 1;
	*p = eol + 1;
	return 1;
}

/* Unescapes s up to stop (a byte that ends the value) into d; returns
 * where the value ended in s. */
static char *
rowtext_undo(char *s, char **dp, char stop)
{
	char *d = *dp;

	for (; *s != '\0' && *s != stop; s++) {
		if (*s != '\\' || s[1] == '\0') {
			*d++ = *s;
			continue;
		}
		switch (*++s) {
		case 't': *d++ = '\t'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 'x':
			if (hex_val(s[1]) >= 0 && hex_val(s[2]) >= 0) {
				*d++ = (char)(hex_val(s[1]) * 16 + hex_val(s[2]));
				s += 2;
			} else
				*d++ = 'x';
			break;
		default: *d++ = *s; break;	/* "\\" and unknown escapes */
		}
	}
	*dp = d;
	return s;
}

char *
rowtext_unescape(char *s)
{
	char *d = s, *end = rowtext_undo(s, &d, '\0');

	(void)end;
	*d = '\0';
	return s;
}

size_t
rowtext_items(char *s, char **items, size_t max)
{
	char *d, *end;
	size_t n = 0;

	if (*s == '\0')
		return 0;
	for (;;) {
		d = s;
		end = rowtext_undo(s, &d, ROWTEXT_ITEM);
		if (n < max)
			items[n++] = s;
		if (*end == '\0') {
			*d = '\0';
			break;
		}
		*d = '\0';
		s = end + 1;
	}
	return n;
}
