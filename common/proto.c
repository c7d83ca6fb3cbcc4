/*
 * proto.c - frame encoding and decoding (see proto.h). Pure code: the
 * event loops own the sockets and hand bytes here.
 */
#include <string.h>

#include "proto.h"
#include "util.h"

uint8_t *
proto_encode(const json_t *msg, size_t *len)
{
	size_t n = json_dumpb(msg, NULL, 0, JSON_COMPACT | JSON_REAL_PRECISION(9));
	uint8_t *buf;

	buf = xmalloc(n + 4);
	if (json_dumpb(msg, (char *)buf + 4, n, JSON_COMPACT | JSON_REAL_PRECISION(9)) != n)
		n = 0;
	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	*len = n + 4;
	return buf;
}

int
proto_decode(const uint8_t *buf, size_t len, json_t **msg, size_t *used,
    char *err, size_t errlen)
{
	json_error_t jerr;
	uint32_t n;
	json_t *j;

	if (len < 4)
		return 0;
	n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | buf[3];
	if (n > PROTO_MAX_FRAME)
		return errf(err, errlen, "frame of %u bytes exceeds limit of %u", n,
		    PROTO_MAX_FRAME);
	if (len - 4 < n)
		return 0;
	j = json_loadb((const char *)buf + 4, n, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return errf(err, errlen, "malformed frame: %s at offset %d", jerr.text,
		    jerr.position);
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "t"))) {
		json_decref(j);
		return errf(err, errlen, "malformed frame: not an object with a type");
	}
	*msg = j;
	*used = n + 4;
	return 1;
}

const char *
proto_type(const json_t *msg)
{
	const char *t = json_string_value(json_object_get(msg, "t"));

	return t ? t : "";
}
