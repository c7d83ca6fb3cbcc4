/*
 * test_proto.c - wire framing (proto.c): round trips, partial frames,
 * several frames in one buffer, oversize and malformed frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"

/* A frame around raw payload bytes. */
static uint8_t *
frame(const char *payload, size_t *len)
{
	size_t n = strlen(payload);
	uint8_t *b = malloc(n + 4);

	b[0] = (uint8_t)(n >> 24);
	b[1] = (uint8_t)(n >> 16);
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	memcpy(b + 4, payload, n);
	*len = n + 4;
	return b;
}

static void
test_roundtrip(void **state)
{
	json_t *m = json_pack("{s:s, s:i, s:s}", "t", "hello", "v", 1, "host", "pi1"), *got;
	char err[128];
	size_t len, used;
	uint8_t *b = proto_encode(m, &len);

	assert_true(len > 4);
	assert_int_equal(proto_decode(b, len, &got, &used, err, sizeof(err)), 1);
	assert_int_equal(used, len);
	assert_true(json_equal(m, got));
	assert_string_equal(proto_type(got), "hello");
	json_decref(got);
	json_decref(m);
	free(b);
}

/* Every prefix of a frame asks for more; the whole frame decodes. */
static void
test_partial(void **state)
{
	json_t *m = json_pack("{s:s, s:[i,i,i]}", "t", "hb", "load", 1, 2, 3), *got = NULL;
	size_t len, used = 0, i;
	uint8_t *b = proto_encode(m, &len);

	for (i = 0; i < len; i++)
		assert_int_equal(proto_decode(b, i, &got, &used, NULL, 0), 0);
	assert_null(got);
	assert_int_equal(proto_decode(b, len, &got, &used, NULL, 0), 1);
	json_decref(got);
	json_decref(m);
	free(b);
}

static void
test_two_frames(void **state)
{
	json_t *a = json_pack("{s:s}", "t", "a"), *b = json_pack("{s:s}", "t", "bb"), *got;
	size_t la, lb, used;
	uint8_t *fa = proto_encode(a, &la), *fb = proto_encode(b, &lb);
	uint8_t *buf = malloc(la + lb);

	memcpy(buf, fa, la);
	memcpy(buf + la, fb, lb);
	assert_int_equal(proto_decode(buf, la + lb, &got, &used, NULL, 0), 1);
	assert_int_equal(used, la);
	assert_string_equal(proto_type(got), "a");
	json_decref(got);
	assert_int_equal(proto_decode(buf + used, la + lb - used, &got, &used, NULL, 0), 1);
	assert_int_equal(used, lb);
	assert_string_equal(proto_type(got), "bb");
	json_decref(got);
	json_decref(a);
	json_decref(b);
	free(fa);
	free(fb);
	free(buf);
}

static void
test_oversize(void **state)
{
	uint8_t hdr[8] = { 0x04, 0x00, 0x00, 0x01, '{', '}', 0, 0 };	/* 64 MiB + 1 */
	uint8_t ok[4] = { 0x04, 0x00, 0x00, 0x00 };	/* exactly the limit */
	uint8_t huge[4] = { 0xff, 0xff, 0xff, 0xff };
	json_t *got = NULL;
	char err[128];
	size_t used = 0;

	assert_int_equal(proto_decode(hdr, sizeof(hdr), &got, &used, err, sizeof(err)), -1);
	assert_string_equal(err, "frame of 67108865 bytes exceeds limit of 67108864");
	/* Refused from the header alone, before any payload arrives. */
	assert_int_equal(proto_decode(huge, 4, &got, &used, err, sizeof(err)), -1);
	assert_null(got);
	assert_int_equal(proto_decode(ok, 4, &got, &used, err, sizeof(err)), 0);
}

static const struct {
	const char *payload, *err;
} malformed[] = {
	/* jansson's own wording varies between versions: prefix only. */
	{ "", NULL },
	{ "{", NULL },
	{ "not json", NULL },
	{ "{\"t\":\"a\"", NULL },
	{ "[1,2]", "malformed frame: not an object with a type" },
	{ "{\"x\":1}", "malformed frame: not an object with a type" },
	{ "{\"t\":1}", "malformed frame: not an object with a type" },
	{ "{\"t\":\"a\",\"t\":\"b\"}", NULL },
	{ "{\"t\":\"a\"} trailing", NULL },
	{ "\"t\"", NULL },
};

static void
test_malformed(void **state)
{
	json_t *got = NULL;
	char err[256];
	size_t len, used = 0, i;
	uint8_t *b;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		b = frame(malformed[i].payload, &len);
		err[0] = '\0';
		if (proto_decode(b, len, &got, &used, err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", malformed[i].payload);
		if (malformed[i].err != NULL)
			assert_string_equal(err, malformed[i].err);
		else
			assert_memory_equal(err, "malformed frame: ", 17);
		assert_null(got);
		free(b);
	}
}

static void
test_type(void **state)
{
	json_t *m = json_pack("{s:i}", "x", 1);

	assert_string_equal(proto_type(m), "");
	json_object_set_new(m, "t", json_integer(3));
	assert_string_equal(proto_type(m), "");
	json_object_set_new(m, "t", json_string("req"));
	assert_string_equal(proto_type(m), "req");
	json_decref(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_two_frames),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
