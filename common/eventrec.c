/*
 * eventrec.c - one lsb.events line (eventrec.h).
 */
#include <stdio.h>
#include <string.h>

#include "eventrec.h"
#include "util.h"

void
eventrec_put(struct eventrec *b, const char *s, size_t n)
{
	if (b->len + n + 2 > b->cap) {
		b->cap = (b->len + n + 2) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Fields after the first are blank-separated. */
static void
er_sep(struct eventrec *b)
{
	if (b->len > 0)
		eventrec_put(b, " ", 1);
}

void
eventrec_begin(struct eventrec *b, const char *type, long when)
{
	b->len = 0;
	eventrec_str(b, type);
	eventrec_str(b, EVENTREC_VERSION);
	eventrec_long(b, when);
}

void
eventrec_long(struct eventrec *b, long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%ld", v);

	er_sep(b);
	eventrec_put(b, tmp, (size_t)n);
}

void
eventrec_raw(struct eventrec *b, const char *text)
{
	er_sep(b);
	eventrec_put(b, text, strlen(text));
}

void
eventrec_put_quoted(struct eventrec *b, const char *s)
{
	size_t run;

	eventrec_put(b, "\"", 1);
	while (s != NULL && *s != '\0') {
		run = strcspn(s, "\"\n\r");	/* plain text: one copy */
		eventrec_put(b, s, run);
		s += run;
		if (*s == '"')
			eventrec_put(b, "\"\"", 2);
		else if (*s != '\0')
			eventrec_put(b, " ", 1);
		if (*s != '\0')
			s++;
	}
	eventrec_put(b, "\"", 1);
}

void
eventrec_str(struct eventrec *b, const char *s)
{
	er_sep(b);
	eventrec_put_quoted(b, s);
}

char *
eventrec_end(struct eventrec *b)
{
	char *line;

	eventrec_put(b, "\n", 1);
	line = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return line;
}
