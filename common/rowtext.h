/*
 * rowtext.h - the row encoding of listing pages (pumice-protocol(7)):
 * one line a record, its values in the order of the page's "cols",
 * separated by a tab. A value is escaped so that no tab, newline or
 * other control byte appears raw in it: "\\" "\t" "\n" "\r", any other
 * byte under 0x20 as "\xHH"; bytes from 0x80 (UTF-8) pass as they are.
 * A list (exec_hosts) is its escaped items joined by a raw 0x1f. An
 * absent member is an empty value. The decoder splits lines in place
 * (no allocation a value) and undoes escapes only in values read.
 */
#ifndef PUMICE_ROWTEXT_H
#define PUMICE_ROWTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROWTEXT_SEP '\t'
#define ROWTEXT_EOL '\n'
#define ROWTEXT_ITEM '\x1f'
#define ROWTEXT_MAXF 64		/* values a line at most */

/* A growable text buffer, on the stack while under 1 KB. */
struct rowbuf {
	char *p;
	size_t len, cap;
	char stack[1024];
};

void rowbuf_init(struct rowbuf *b);
void rowbuf_add(struct rowbuf *b, const char *s, size_t n);
/* The same, inline while it fits (a row's values are a few bytes). */
static inline void
rowbuf_put(struct rowbuf *b, const char *s, size_t n)
{
	size_t i;

	if (b->cap - b->len < n || n > 32) {
		rowbuf_add(b, s, n);
		return;
	}
	for (i = 0; i < n; i++)
		b->p[b->len + i] = s[i];
	b->len += n;
}
void rowbuf_free(struct rowbuf *b);

/* Appends s escaped (a value, or one item of a list). */
void rowtext_put_str(struct rowbuf *b, const char *s);
void rowtext_put_long(struct rowbuf *b, long v);

/* One line split in place: f[k] is value k, NUL-terminated, still
 * escaped where bit k of esc is set (rowtext_value undoes it). */
struct rowtext_line {
	char *f[ROWTEXT_MAXF];
	size_t n;
	uint64_t esc;
};

/*
 * Splits the line at *p (text up to end) and moves *p past it: 1 with
 * the line, 0 at the end of the text, -1 when the text does not end with
 * a newline or a line has more than ROWTEXT_MAXF values.
 */
int rowtext_next(char **p, char *end, struct rowtext_line *l);
/* Undoes the escapes of s in place (the text only shrinks); returns s. */
char *rowtext_unescape(char *s);
/* A list value split in place into at most max items, each unescaped;
 * returns how many. An empty value is an empty list. */
size_t rowtext_items(char *s, char **items, size_t max);

#endif
