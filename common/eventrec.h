/*
 * eventrec.h - building one line of LSF's lsb.events (lsb.events(5)):
 * blank-separated fields, the record type and version first, then the
 * event time; strings in double quotes with '"' doubled and line breaks
 * as spaces (one record a line), numbers as they are. The master's
 * lsbevents.c says which fields a record has and in which order. Pure
 * code: no I/O.
 */
#ifndef PUMICE_EVENTREC_H
#define PUMICE_EVENTREC_H

#include <stddef.h>

#define EVENTREC_VERSION "10.1"	/* as lsb.acct's records */

struct eventrec {
	char *s;
	size_t len, cap;
};

/* Starts b (zeroed by the caller) with "TYPE" "10.1" when. */
void eventrec_begin(struct eventrec *b, const char *type, long when);
void eventrec_long(struct eventrec *b, long v);
/* s quoted; NULL is written "" as LSF writes an absent string. */
void eventrec_str(struct eventrec *b, const char *s);
/* Text as is (a constant such as the host factor "1.00"). */
void eventrec_raw(struct eventrec *b, const char *text);
/* Bytes as they are, and a string quoted as above, with no blank before
 * them (lsb.acct's writer, acctrec.c, builds its lines with these too). */
void eventrec_put(struct eventrec *b, const char *s, size_t n);
void eventrec_put_quoted(struct eventrec *b, const char *s);
/* The line, ending in '\n' (the caller frees it); b is empty again. */
char *eventrec_end(struct eventrec *b);

#endif
