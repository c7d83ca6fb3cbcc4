/*
 * b64.c - base64 encoding and strict decoding (b64.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "util.h"

static const char b64_abc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
b64_encode(const void *in, size_t n)
{
	const uint8_t *p = in;
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	uint32_t v;
	size_t i;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = b64_abc[v >> 18 & 63];
		*o++ = b64_abc[v >> 12 & 63];
		*o++ = i + 1 < n ? b64_abc[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? b64_abc[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static int
b64_val(char c)
{
	const char *p = c ? strchr(b64_abc, c) : NULL;

	return p ? (int)(p - b64_abc) : -1;
}

void *
b64_decode(const char *in, size_t *n)
{
	size_t len = strlen(in), i, pad = 0;
	uint8_t *out, *o;
	int v[4], k;

	if (len % 4 != 0)
		return NULL;
	if (len > 0 && in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	out = o = xmalloc(len / 4 * 3 + 1);
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			v[k] = in[i + k] == '=' && i + 4 == len && k >= 4 - (int)pad ? 0 :
			    b64_val(in[i + k]);
			if (v[k] < 0) {
				free(out);
				return NULL;
			}
		}
		*o++ = (uint8_t)(v[0] << 2 | v[1] >> 4);
		*o++ = (uint8_t)(v[1] << 4 | v[2] >> 2);
		*o++ = (uint8_t)(v[2] << 6 | v[3]);
	}
	*n = (size_t)(o - out) - pad;
	return out;
}
