/*
 * proto.c - frame encoding and decoding (see proto.h). Pure code: the
 * event loops own the sockets and hand bytes here.
 */
#include <string.h>

#include "proto.h"
#include "util.h"

/* The frame being written: 4 header bytes, then the JSON text. */
struct proto_buf {
	uint8_t *p;
	size_t len, cap;
};

static int
proto_put(const char *s, size_t n, void *arg)
{
	struct proto_buf *b = arg;

	if (b->cap - b->len < n) {
		while (b->cap - b->len < n)
			b->cap *= 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

/* One serialisation pass (json_dumpb would need a second one to size the
 * buffer first: a large bjobs reply paid for its encoding twice). */
uint8_t *
proto_encode(const json_t *msg, size_t *len)
{
	struct proto_buf b = { xmalloc(4096), 4, 4096 };
	size_t n;

	if (json_dump_callback(msg, proto_put, &b, JSON_COMPACT |
	    JSON_REAL_PRECISION(9)) < 0)
		b.len = 4;
	n = b.len - 4;
	b.p[0] = (uint8_t)(n >> 24);
	b.p[1] = (uint8_t)(n >> 16);
	b.p[2] = (uint8_t)(n >> 8);
	b.p[3] = (uint8_t)n;
	*len = b.len;
	return b.p;
}

/* Decodes the frame at buf; with tail, the frame's JSON may be followed
 * by raw bytes, from *tail on (offset in buf). */
static int
proto_decode_at(const uint8_t *buf, size_t len, json_t **msg, size_t *used,
    size_t *tail, char *err, size_t errlen)
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
	j = json_loadb((const char *)buf + 4, n, JSON_REJECT_DUPLICATES |
	    (tail != NULL ? JSON_DISABLE_EOF_CHECK : 0), &jerr);
	if (j == NULL)
		return errf(err, errlen, "malformed frame: %s at offset %d", jerr.text,
		    jerr.position);
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "t"))) {
		json_decref(j);
		return errf(err, errlen, "malformed frame: not an object with a type");
	}
	if (tail != NULL)	/* the bytes read: where the JSON ended */
		*tail = 4 + (jerr.position > 0 && (size_t)jerr.position <= n ?
		    (size_t)jerr.position : n);
	*msg = j;
	*used = n + 4;
	return 1;
}

int
proto_decode(const uint8_t *buf, size_t len, json_t **msg, size_t *used,
    char *err, size_t errlen)
{
	return proto_decode_at(buf, len, msg, used, NULL, err, errlen);
}

int
proto_decode_tail(const uint8_t *buf, size_t len, json_t **msg, size_t *used,
    size_t *tail, char *err, size_t errlen)
{
	return proto_decode_at(buf, len, msg, used, tail, err, errlen);
}

const char *
proto_type(const json_t *msg)
{
	const char *t = json_string_value(json_object_get(msg, "t"));

	return t ? t : "";
}

const char *
proto_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
proto_link_timeout(int hb)
{
	return 3 * hb + 10;
}
