/*
 * bsubscript.c - collects the #BSUB directives of a job script (anywhere
 * in it, as OpenLava does) into one argv, remembering each word's line for
 * error messages, and the "#!" interpreter of the first line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bsubscript.h"
#include "shellwords.h"
#include "util.h"

/* Length of "#[blanks]BSUB" at s when followed by a blank or the end;
 * 0 when s is not a directive. */
static size_t
bs_prefix(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i++] != '#')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 4 || strncmp(s + i, "BSUB", 4) != 0)
		return 0;
	i += 4;
	if (i < n && s[i] != ' ' && s[i] != '\t')
		return 0;
	return i;
}

/* The next physical line of text at *pos, without its newline or \r. */
static const char *
bs_line(const char *text, size_t *pos, size_t *len)
{
	const char *s = text + *pos, *nl;
	size_t n;

	if (*s == '\0')
		return NULL;
	nl = strchr(s, '\n');
	n = nl ? (size_t)(nl - s) : strlen(s);
	*pos += n + (nl != NULL);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	*len = n;
	return s;
}

/* Whether the line ends in a backslash; if so, drops it from *len. */
static int
bs_continues(const char *s, size_t *len)
{
	if (*len > 0 && s[*len - 1] == '\\') {
		(*len)--;
		return 1;
	}
	return 0;
}

static void
bs_add(struct bsub_script *out, char **words, int n, int lineno)
{
	int i;

	out->argv = xrealloc(out->argv, (size_t)(out->argc + n + 1) * sizeof(char *));
	out->lines = xrealloc(out->lines, (size_t)(out->argc + n + 1) * sizeof(int));
	for (i = 0; i < n; i++) {
		out->argv[out->argc] = words[i];
		out->lines[out->argc++] = lineno;
	}
	out->argv[out->argc] = NULL;
	free(words);
}

/* Splits one directive (continuations joined) into out. */
static int
bs_directive(struct bsub_script *out, const char *d, int lineno, char *err,
    size_t errlen)
{
	char **words, e[128];
	int n;

	if ((n = shellwords_split(d, &words, e, sizeof(e))) < 0)
		return errf(err, errlen, "line %d: %s in #BSUB directive", lineno, e);
	bs_add(out, words, n, lineno);
	return 0;
}

/* Appends a continuation line, dropping a repeated "#BSUB" or '#'. */
static void
bs_append(char **d, const char *s, size_t n)
{
	size_t skip = bs_prefix(s, n), old = strlen(*d);

	if (skip == 0 && n > 0 && s[0] == '#')
		skip = 1;
	*d = xrealloc(*d, old + 1 + (n - skip) + 1);
	(*d)[old] = ' ';
	memcpy(*d + old + 1, s + skip, n - skip);
	(*d)[old + 1 + n - skip] = '\0';
}

int
bsubscript_parse(const char *text, struct bsub_script *out, char *err,
    size_t errlen)
{
	size_t pos = 0, len, skip;
	const char *s;
	char *d;
	int lineno = 0, start, more;

	memset(out, 0, sizeof(*out));
	out->argv = xcalloc(1, sizeof(char *));
	while ((s = bs_line(text, &pos, &len)) != NULL) {
		lineno++;
		if (lineno == 1 && len >= 2 && s[0] == '#' && s[1] == '!') {
			size_t b = 2, e = len;
			while (b < e && isspace((unsigned char)s[b]))
				b++;
			while (e > b && isspace((unsigned char)s[e - 1]))
				e--;
			out->interp = e > b ? xstrndup(s + b, e - b) : NULL;
			continue;
		}
		if ((skip = bs_prefix(s, len)) == 0)
			continue;
		start = lineno;
		more = bs_continues(s, &len);
		d = xstrndup(s + skip, len - skip);
		while (more && (s = bs_line(text, &pos, &len)) != NULL) {
			lineno++;
			more = bs_continues(s, &len);
			bs_append(&d, s, len);
		}
		if (bs_directive(out, d, start, err, errlen) < 0) {
			free(d);
			bsubscript_free(out);
			return -1;
		}
		free(d);
	}
	return 0;
}

void
bsubscript_free(struct bsub_script *s)
{
	if (s == NULL)
		return;
	free(s->interp);
	shellwords_free(s->argv);
	free(s->lines);
	memset(s, 0, sizeof(*s));
}
