/*
 * test_rowtext.c - the row encoding of listing pages (rowtext.c): values
 * with every byte that needs escaping come back as they went in, lines
 * split into their values (empty ones too), lists into their items;
 * malformed text is refused, never read past; a frame's raw tail
 * (proto_decode_tail) and jobrow's reading of a line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../cli/jobrow.h"
#include "proto.h"
#include "rowtext.h"
#include "util.h"

/* Values no escaping may lose: separators, line ends, every control
 * byte, backslashes before escape letters, UTF-8, empty. */
static const char *const tr_values[] = {
	"", "plain", "with space", "tab\there", "nl\nthere", "cr\rthere",
	"\t\n\r", "back\\slash", "\\t not a tab", "\\", "\\\\x41",
	"\x01\x02\x1f\x7f", "unit\x1fsep", "na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac",
	"\xff\xfe raw high bytes", "\"quoted\" 'single'", "x",
};

/* Every value in one line, then each alone; split back, unescaped. */
static void
test_roundtrip(void **state)
{
	size_t n = sizeof(tr_values) / sizeof(tr_values[0]), i;
	struct rowtext_line l;
	struct rowbuf b;
	char *text, *p;

	(void)state;
	rowbuf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			rowbuf_add(&b, "\t", 1);
		rowtext_put_str(&b, tr_values[i]);
	}
	rowbuf_add(&b, "\n", 1);
	for (i = 0; i < n; i++) {	/* a line each */
		rowtext_put_str(&b, tr_values[i]);
		rowbuf_add(&b, "\n", 1);
	}
	for (i = 0; i < b.len; i++)	/* nothing raw but the separators */
		assert_true((unsigned char)b.p[i] >= 0x20 || b.p[i] == '\t' ||
		    b.p[i] == '\n');
	text = xmalloc(b.len);
	memcpy(text, b.p, b.len);
	p = text;
	assert_int_equal(rowtext_next(&p, text + b.len, &l), 1);
	assert_int_equal(l.n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal((l.esc >> i) & 1, strpbrk(tr_values[i],
		    "\\\t\n\r\x01\x02\x1f") != NULL);
		assert_string_equal(rowtext_unescape(l.f[i]), tr_values[i]);
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(rowtext_next(&p, text + b.len, &l), 1);
		assert_int_equal(l.n, 1);
		assert_string_equal(rowtext_unescape(l.f[0]), tr_values[i]);
	}
	assert_int_equal(rowtext_next(&p, text + b.len, &l), 0);
	free(text);
	rowbuf_free(&b);
}

/* A list: escaped items joined by 0x1f, an item's own 0x1f kept. */
static void
test_items(void **state)
{
	char *items[8], *s;
	struct rowbuf b;
	size_t i, n;

	(void)state;
	rowbuf_init(&b);
	for (i = 0; i < 4; i++) {
		if (i > 0)
			rowbuf_add(&b, "\x1f", 1);
		rowtext_put_str(&b, tr_values[i + 10]);	/* \\\\x41, controls, 0x1f */
	}
	rowbuf_add(&b, "", 1);
	s = xstrdup(b.p);
	n = rowtext_items(s, items, 8);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_string_equal(items[i], tr_values[i + 10]);
	free(s);
	s = xstrdup("");
	assert_int_equal(rowtext_items(s, items, 8), 0);
	free(s);
	s = xstrdup("a\x1f\x1f" "b");	/* an empty item between */
	assert_int_equal(rowtext_items(s, items, 2), 2);	/* at most max */
	assert_string_equal(items[0], "a");
	assert_string_equal(items[1], "");
	free(s);
	rowbuf_free(&b);
}

/* Integers and long values; a line of empty values; malformed text. */
static void
test_edges(void **state)
{
	char big[5000], text[] = "\t\t\n" "a\tb", over[ROWTEXT_MAXF * 2 + 2], *p, *end;
	long nums[] = { 0, 7, -1, 2147483647L, -9223372036854775807L - 1 };
	struct rowtext_line l;
	struct rowbuf b;
	size_t i;

	(void)state;
	rowbuf_init(&b);
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char want[32];

		b.len = 0;
		rowtext_put_long(&b, nums[i]);
		snprintf(want, sizeof(want), "%ld", nums[i]);
		assert_int_equal(b.len, strlen(want));
		assert_memory_equal(b.p, want, b.len);
	}
	memset(big, 'z', sizeof(big) - 1);	/* past the stack buffer */
	big[sizeof(big) - 1] = '\0';
	big[100] = '\t';
	b.len = 0;
	rowtext_put_str(&b, big);
	rowbuf_add(&b, "", 1);
	assert_int_equal(strlen(b.p), sizeof(big));
	assert_string_equal(rowtext_unescape(b.p), big);
	rowbuf_free(&b);
	p = text;
	end = text + strlen(text);
	assert_int_equal(rowtext_next(&p, end, &l), 1);
	assert_int_equal(l.n, 3);
	for (i = 0; i < 3; i++)
		assert_string_equal(l.f[i], "");
	assert_int_equal(rowtext_next(&p, end, &l), -1);	/* no \n */
	for (i = 0; i < sizeof(over) - 2; i++)
		over[i] = i % 2 ? '\t' : 'v';
	over[sizeof(over) - 2] = '\n';
	over[sizeof(over) - 1] = '\0';
	p = over;
	assert_int_equal(rowtext_next(&p, over + strlen(over), &l), -1);
	p = xstrdup("\\x4");	/* a cut escape stays as it is */
	assert_string_equal(rowtext_unescape(p), "x4");
	free(p);
	p = xstrdup("end\\");
	assert_string_equal(rowtext_unescape(p), "end\\");
	free(p);
}

/* A frame's JSON and the raw bytes after it. */
static void
test_tail(void **state)
{
	const char *payload = "{\"t\":\"rep\",\"data\":{\"rows\":7}}1\tPEND\n";
	size_t n = strlen(payload), used, tail;
	uint8_t *f = xmalloc(n + 4);
	json_t *msg;

	(void)state;
	f[0] = f[1] = f[2] = 0;
	f[3] = (uint8_t)n;
	memcpy(f + 4, payload, n);
	assert_int_equal(proto_decode_tail(f, n + 4, &msg, &used, &tail, NULL, 0), 1);
	assert_int_equal(used, n + 4);
	assert_int_equal(used - tail, 7);
	assert_memory_equal(f + tail, "1\tPEND\n", 7);
	json_decref(msg);
	assert_int_equal(proto_decode(f, n + 4, &msg, &used, NULL, 0), -1);
	free(f);
}

/* jobrow reads a line's values: strings unescaped once, integers,
 * reals, hosts, opts; what the line lacks is absent. */
static void
test_jobrow(void **state)
{
	char line[] = "42\t3\tn\\tm[3]\tnode1\x1fno\\x1f" "de2\t12.5\t{\"W\":\"10\"}\t\t-\n";
	struct rowtext_line l;
	struct jobrow r;
	char *p = line;
	bool has;

	(void)state;
	assert_int_equal(rowtext_next(&p, line + strlen(line), &l), 1);
	assert_int_equal(l.n, 8);
	memset(&r, 0, sizeof(r));
	r.v[JR_ID] = l.f[0];
	r.v[JR_IDX] = l.f[1];
	r.v[JR_NAME] = l.f[2];
	r.v[JR_EXEC_HOSTS] = l.f[3];
	r.v[JR_CPU] = l.f[4];
	r.v[JR_OPTS] = l.f[5];
	r.v[JR_NPOS] = l.f[6];
	r.v[JR_SUBMIT_TIME] = l.f[7];
	r.esc = (uint64_t)1 << JR_NAME | (uint64_t)1 << JR_EXEC_HOSTS;
	assert_int_equal(jobrow_int(&r, JR_ID, &has), 42);
	assert_true(has);
	assert_int_equal(jobrow_int(&r, JR_NPOS, &has), 0);
	assert_false(has);
	assert_int_equal(jobrow_int(&r, JR_SUBMIT_TIME, &has), 0);	/* "-" */
	assert_false(has);
	assert_int_equal(jobrow_int(&r, JR_START_TIME, &has), 0);
	assert_false(has);
	assert_string_equal(jobrow_str(&r, JR_NAME), "n\tm[3]");
	assert_string_equal(jobrow_str(&r, JR_NAME), "n\tm[3]");	/* once */
	assert_null(jobrow_str(&r, JR_USER));
	assert_null(jobrow_str(&r, -1));
	assert_true(jobrow_real(&r, JR_CPU, &has) == 12.5 && has);
	assert_int_equal(jobrow_nhosts(&r), 2);
	assert_string_equal(jobrow_host(&r, 1), "no\x1f" "de2");
	assert_null(jobrow_host(&r, 2));
	assert_string_equal(jobrow_opt(&r, "W"), "10");
	assert_null(jobrow_opt(&r, "M"));
	jobrow_clear(&r);
	assert_int_equal(jobrow_key("exec_hosts"), JR_EXEC_HOSTS);
	assert_int_equal(jobrow_key("nosuch"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_jobrow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
