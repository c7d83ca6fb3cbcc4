/*
 * b64.h - base64 (RFC 4648, with padding) for carrying job output, which
 * may be any bytes, inside JSON strings (bpeek).
 */
#ifndef PUMICE_B64_H
#define PUMICE_B64_H

#include <stddef.h>

/* Encodes n bytes; malloc'd NUL-terminated text. */
char *b64_encode(const void *in, size_t n);
/* Decodes text; malloc'd bytes and *n, or NULL on bad input. */
void *b64_decode(const char *in, size_t *n);

#endif
