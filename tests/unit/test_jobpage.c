/*
 * test_jobpage.c - the page builder of op "jobs" (jobpage.c) on a real
 * job table: walked page by page from each page's cursor, with any page
 * limit and even with no time at all, a listing yields exactly the
 * elements and states of one walk, range records standing for runs of
 * unstarted elements; a pending 1M-element array is one record; the -A
 * rows count every state. Jobs change through job_apply as at replay; no
 * loop, store or agent is involved.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <event2/buffer.h>

#include "../../daemons/master/jobpage.h"
#include "jobstate.h"
#include "rowtext.h"
#include "testlib.h"
#include "util.h"

struct tpage {
	struct master m;
	char dir[64];
};

static void
tp_apply(struct tpage *t, long id, long idx, const char *type, json_t *data)
{
	char err[256];

	if (job_apply(&t->m, id, idx, type, 1000, data, err, sizeof(err)) < 0)
		fail_msg("%s of %ld[%ld]: %s", type, id, idx, err);
	json_decref(data);
}

static void
tp_submit(struct tpage *t, long id, const char *array)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:i, s:s}", "name", "j", "user", "u",
	    "queue", "normal", "nslots", 1, "cmd", "true");

	if (array != NULL)
		json_object_set_new(d, "array", json_string(array));
	tp_apply(t, id, 0, "submit", d);
}

/*
 * Jobs 1 (plain, pending), 2 (a[1-10]: 3 runs, 4 done, 5 and 6 killed
 * while pending, 8 stopped), 3 (a[1-1000000] untouched), 4 (plain).
 */
static int
tp_setup(void **state)
{
	struct tpage *t = xcalloc(1, sizeof(*t));
	char err[512];

	strcpy(t->dir, "/tmp/test_jobpage.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	tl_put(t->dir, "lsf.conf", "LSF_CLUSTER_NAME=demo\n");
	if ((t->m.conf = conf_load(t->dir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	master_init(&t->m);
	t->m.replaying = true;
	tp_submit(t, 1, NULL);
	tp_submit(t, 2, "1-10");
	host_get(&t->m, "h1")->status = HOST_OK;	/* else its jobs are UNKWN */
	tp_apply(t, 2, 3, "start", json_pack("{s:[s]}", "hosts", "h1"));
	tp_apply(t, 2, 4, "start", json_pack("{s:[s]}", "hosts", "h1"));
	tp_apply(t, 2, 4, "finish", json_pack("{s:s}", "state", "DONE"));
	tp_apply(t, 2, 5, "kill", json_object());
	tp_apply(t, 2, 6, "kill", json_object());
	tp_apply(t, 2, 8, "stop", json_pack("{s:s}", "by", "u"));
	tp_submit(t, 3, "1-1000000");
	tp_submit(t, 4, NULL);
	*state = t;
	return 0;
}

static int
tp_teardown(void **state)
{
	struct tpage *t = *state;
	char *cmd = xasprintf("rm -rf %s", t->dir);

	job_free_all(&t->m);
	host_free_all(&t->m);
	conf_free(t->m.conf);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t);
	return 0;
}

/* The listing as "id[idx]=STAT," text, a range record counting for each
 * element it stands for (as the CLI expands it), plus the page count. */
struct tp_list {
	char *text;
	int pages, records;
};

static void
tp_append(struct tp_list *l, const json_t *rec)
{
	long id = (long)json_integer_value(json_object_get(rec, "id"));
	long idx = (long)json_integer_value(json_object_get(rec, "idx"));
	long n = json_object_get(rec, "npos") ? (long)json_integer_value(
	    json_object_get(rec, "npos")) : 1;
	const char *st = json_string_value(json_object_get(rec, "stat"));
	char *t;

	if (n > 1)	/* only small arrays are listed element by element here */
		t = xasprintf("%s%ld[%ld+%ld]=%s,", l->text, id, idx, n, st);
	else
		t = xasprintf("%s%ld[%ld]=%s,", l->text, id, idx, st);
	free(l->text);
	l->text = t;
	l->records++;
}

/* When set, tp_list asks for compact rows with these columns, written as
 * text, and reads them back as the client does. */
static struct jobrec_row *tp_rows;

/* A page of the row encoding as record objects: integers for id, idx
 * and npos (when not empty), the other values as strings, unescaped. */
static json_t *
tp_tsv_records(struct evbuffer *text, const json_t *cols)
{
	size_t n = evbuffer_get_length(text), k;
	char *s = xmalloc(n + 1), *p = s;
	json_t *out = json_array(), *rec;
	struct rowtext_line l;
	const char *key;

	evbuffer_remove(text, s, n);
	while (rowtext_next(&p, s + n, &l) == 1) {
		assert_int_equal(l.n, json_array_size(cols));
		rec = json_object();
		for (k = 0; k < l.n; k++) {
			key = json_string_value(json_array_get(cols, k));
			if (strcmp(key, "id") == 0 || strcmp(key, "idx") == 0 ||
			    (strcmp(key, "npos") == 0 && *l.f[k] != '\0'))
				json_object_set_new(rec, key, json_integer(atol(l.f[k])));
			else if (strcmp(key, "npos") != 0)
				json_object_set_new(rec, key, json_string(rowtext_unescape(l.f[k])));
		}
		json_array_append_new(out, rec);
	}
	assert_true(p == s + n);	/* every line whole */
	free(s);
	return out;
}

/* A text page (comma-separated records) as the record objects it holds:
 * a row's values named by cols, null for a member it lacks. */
static json_t *
tp_text_records(struct evbuffer *text, const json_t *cols)
{
	size_t n = evbuffer_get_length(text), i, k;
	char *s = xmalloc(n + 2);
	json_t *a, *out = json_array(), *v, *x, *rec;

	s[0] = '[';
	evbuffer_remove(text, s + 1, n);
	s[n + 1] = ']';
	a = json_loadb(s, n + 2, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(a);
	json_array_foreach(a, i, v) {
		if (!json_is_array(v)) {
			json_array_append(out, v);
			continue;
		}
		assert_int_equal(json_array_size(v), json_array_size(cols));
		rec = json_object();
		json_array_foreach(v, k, x)
			if (!json_is_null(x))
				json_object_set(rec, json_string_value(json_array_get(cols, k)), x);
		json_array_append_new(out, rec);
	}
	json_decref(a);
	free(s);
	return out;
}

/* Every page of the listing f selects, limit records a page, with budget
 * microseconds of time each (0: none, every page stops at its first look). */
static void
tp_list(struct tpage *t, const struct jobsel_filter *f, long limit,
    uint64_t budget, bool ranges, struct tp_list *l)
{
	struct jobpage pg;
	struct job *j = TAILQ_FIRST(&t->m.byid);
	long pos = 0;
	size_t i;

	l->text = xstrdup("");
	l->pages = l->records = 0;
	while (j != NULL) {
		memset(&pg, 0, sizeof(pg));
		pg = (struct jobpage){ &t->m, f, json_array(), limit,
		    budget ? now_mono_us() + budget : 0, ranges, false, 0,
		    tp_rows ? tp_rows->mask : 0, tp_rows,
		    tp_rows ? evbuffer_new() : NULL, 0, JOBPAGE_BYTES, 0 };
		for (; j != NULL; j = TAILQ_NEXT(j, id_entry), pos = 0) {
			if (!jobsel_job_match(f, j))
				continue;
			if ((pos = jobpage_job(&pg, j, NULL, pos)) >= 0)
				break;
			if (jobpage_full(&pg)) {
				j = TAILQ_NEXT(j, id_entry);
				pos = 0;
				break;
			}
		}
		if (tp_rows != NULL) {
			json_decref(pg.out);
			pg.out = tp_rows->tsv ? tp_tsv_records(pg.text, tp_rows->names) :
			    tp_text_records(pg.text, tp_rows->names);
			evbuffer_free(pg.text);
		}
		assert_true(json_array_size(pg.out) > 0 || j == NULL);
		for (i = 0; i < json_array_size(pg.out); i++)
			tp_append(l, json_array_get(pg.out, i));
		json_decref(pg.out);
		l->pages++;
		assert_true(l->pages < 5000);
	}
}

static void
tp_filter(struct jobsel_filter *f, int mask)
{
	memset(f, 0, sizeof(*f));
	f->name_idx = -1;
	f->mask = mask;
}

#define ARRAY2 "2[1]=PEND,2[2]=PEND,2[3]=RUN,2[4]=DONE,2[5]=EXIT,2[6]=EXIT," \
	"2[7]=PEND,2[8]=PSUSP,2[9]=PEND,2[10]=PEND,"

/* Per element (no ranges): the same text at every limit. */
static void
test_pages_match_one_walk(void **state)
{
	struct tpage *t = *state;
	struct jobsel_filter f;
	struct tp_list l;
	long limit;

	tp_filter(&f, ~0);
	f.name = "j";
	for (limit = 1; limit <= 4; limit++) {
		struct job *big = job_find(&t->m, 3);
		big->name[0] = 'x';	/* leave the 1M array out by name */
		tp_list(t, &f, limit, 1000000, false, &l);
		big->name[0] = 'j';
		assert_string_equal(l.text, "1[0]=PEND," ARRAY2 "4[0]=PEND,");
		assert_int_equal(l.pages, (12 + limit - 1) / limit);
		free(l.text);
	}
}

/* Ranges: unstarted runs of one state are one record each. */
static void
test_ranges(void **state)
{
	struct tpage *t = *state;
	struct jobsel_filter f;
	struct jobrec_row rw;
	struct tp_list l;
	long limit;

	tp_filter(&f, ~0);
	tp_list(t, &f, 1000, 1000000, true, &l);
	assert_string_equal(l.text, "1[0]=PEND,2[1+2]=PEND,2[3]=RUN,2[4]=DONE,"
	    "2[5]=EXIT,2[6]=EXIT,2[7]=PEND,2[8]=PSUSP,2[9+2]=PEND,"
	    "3[1+1000000]=PEND,4[0]=PEND,");
	assert_int_equal(l.pages, 1);
	free(l.text);
	tp_list(t, &f, 1, 1000000, true, &l);	/* the same, a record a page */
	assert_int_equal(l.pages, l.records);
	assert_int_equal(l.records, 11);
	free(l.text);
	tp_rows = &rw;	/* the same as compact text rows, a page or a record */
	jobrec_row_init(&rw, jobrec_bit("stat"), false);
	for (limit = 1; limit <= 1000; limit += 999) {
		tp_list(t, &f, limit, 1000000, true, &l);
		assert_string_equal(l.text, "1[0]=PEND,2[1+2]=PEND,2[3]=RUN,2[4]=DONE,"
		    "2[5]=EXIT,2[6]=EXIT,2[7]=PEND,2[8]=PSUSP,2[9+2]=PEND,"
		    "3[1+1000000]=PEND,4[0]=PEND,");
		free(l.text);
	}
	jobrec_row_free(&rw);
	jobrec_row_init(&rw, jobrec_bit("stat"), true);	/* and in the row encoding */
	for (limit = 1; limit <= 1000; limit += 999) {
		tp_list(t, &f, limit, 1000000, true, &l);
		assert_string_equal(l.text, "1[0]=PEND,2[1+2]=PEND,2[3]=RUN,2[4]=DONE,"
		    "2[5]=EXIT,2[6]=EXIT,2[7]=PEND,2[8]=PSUSP,2[9+2]=PEND,"
		    "3[1+1000000]=PEND,4[0]=PEND,");
		free(l.text);
	}
	jobrec_row_free(&rw);
	tp_rows = NULL;
	tp_filter(&f, JS_RUN);	/* -r: no unstarted record at all */
	tp_list(t, &f, 1000, 1000000, true, &l);
	assert_string_equal(l.text, "2[3]=RUN,");
	free(l.text);
}

/* Keys of a record, sorted, comma-separated. */
static char *
tp_keys(const json_t *rec)
{
	const char *k, *keys[64];
	size_t n = 0, i, a, b;
	json_t *v;
	char *out = xstrdup(""), *t2;

	json_object_foreach((json_t *)rec, k, v)
		keys[n++] = k;
	for (a = 1; a < n; a++)
		for (b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
			k = keys[b];
			keys[b] = keys[b - 1];
			keys[b - 1] = k;
		}
	for (i = 0; i < n; i++) {
		t2 = xasprintf("%s%s%s", out, i ? "," : "", keys[i]);
		free(out);
		out = t2;
	}
	return out;
}

/* Element idx of job id as a compact row's text, decoded. */
static json_t *
tp_row(struct tpage *t, long id, const struct jobrec_row *rw)
{
	struct evbuffer *b = evbuffer_new();
	size_t n;
	char *s;
	json_t *row;

	jobrec_write_row(&t->m, job_find(&t->m, id), 0, rw, 0, b);
	n = evbuffer_get_length(b);
	s = xmalloc(n);
	evbuffer_remove(b, s, n);
	row = json_loadb(s, n, 0, NULL);
	assert_non_null(row);
	free(s);
	evbuffer_free(b);
	return row;
}

/* A line of the row encoding: cols with name, array and npos; the name's
 * tab, newline and control byte escaped, its UTF-8 as it is, absent
 * values empty. */
static void
tp_tsv_row(struct tpage *t, struct job *j, char *name)
{
	struct jobrec_row rw;
	struct evbuffer *b = evbuffer_new();
	char *text;
	size_t n;

	jobrec_row_init(&rw, jobrec_bit("exec_hosts") | jobrec_bit("pend_reason"), true);
	text = json_dumps(rw.names, JSON_COMPACT);
	assert_string_equal(text, "[\"id\",\"idx\",\"name\",\"exec_hosts\","
	    "\"pend_reason\",\"pend_detail\",\"array\",\"npos\"]");
	free(text);
	j->name = "q\"b\\s\n\001\t \xc3\xa9/";
	jobrec_write_row(&t->m, j, 0, &rw, 0, b);
	j->name = name;
	n = evbuffer_get_length(b);
	text = xmalloc(n + 1);
	evbuffer_remove(b, text, n);
	text[n] = '\0';
	assert_non_null(strstr(text, "\t0\tq\"b\\\\s\\n\\x01\\t \xc3\xa9/\t\t"));
	assert_int_equal(text[n - 1], '\n');
	assert_int_equal(text[n - 2], '\t');	/* npos: empty, last */
	free(text);
	jobrec_row_free(&rw);
	evbuffer_free(b);
}

/* Compact rows: values in the order of cols (id, idx, then the members
 * in table order), a member the record lacks is null; as objects they
 * are what jobrec_build makes of the same elements; strings are escaped. */
static void
tp_compact(struct tpage *t, const json_t *whole)
{
	struct jobrec_row rw;
	uint64_t mask = jobrec_bit("user") | jobrec_bit("stat") |
	    jobrec_bit("pend_reason") | jobrec_bit("usage_time");
	struct job *j = job_find(&t->m, 1);
	char *text, *name = j->name;
	json_t *a, *b;

	jobrec_row_init(&rw, mask, false);
	a = tp_row(t, 1, &rw);
	b = tp_row(t, 4, &rw);
	text = json_dumps(rw.names, JSON_COMPACT);
	assert_string_equal(text, "[\"id\",\"idx\",\"user\",\"stat\",\"pend_reason\","
	    "\"pend_detail\",\"usage_time\",\"nproc\"]");
	free(text);
	assert_int_equal(json_array_size(a), rw.ncols);
	assert_int_equal(json_integer_value(json_array_get(b, 0)), 4);
	assert_string_equal(json_string_value(json_array_get(b, 3)), "PEND");
	assert_true(json_is_null(json_array_get(a, 6)));	/* no usage yet */
	assert_true(json_is_null(json_array_get(a, 7)));
	assert_string_equal(json_string_value(json_array_get(a, 2)),
	    json_string_value(json_object_get(whole, "user")));
	jobrec_row_free(&rw);
	json_decref(a);
	json_decref(b);
	jobrec_row_init(&rw, jobrec_bit("name") | jobrec_bit("exec_hosts"), false);
	j->name = "q\"b\\s\n\001 \xc3\xa9/";
	a = tp_row(t, 1, &rw);
	j->name = name;
	assert_string_equal(json_string_value(json_array_get(a, 2)),
	    "q\"b\\s\n\001 \xc3\xa9/");
	assert_true(json_is_array(json_array_get(a, 3)));
	assert_int_equal(json_array_size(json_array_get(a, 3)), 0);
	jobrec_row_free(&rw);
	json_decref(a);
	tp_tsv_row(t, j, name);
}

/* A field list: only those members (and id, idx); a range record also
 * carries name and array, which the client expands it from; no list or
 * jobrec_mask of nothing: the whole record, as before. */
static void
test_fields(void **state)
{
	struct tpage *t = *state;
	struct jobsel_filter f;
	struct jobpage pg;
	json_t *fields = json_pack("[s, s, s]", "stat", "pend_detail", "nosuch");
	char *keys;

	tp_filter(&f, ~0);
	assert_true(jobrec_mask(fields) == (jobrec_bit("stat") | jobrec_bit("pend_reason")));
	assert_true(jobrec_mask(NULL) == JOBREC_ALL);
	pg = (struct jobpage){ &t->m, &f, json_array(), 1000, now_mono_us() + 1000000,
	    true, false, 0, jobrec_bit("stat"), NULL, NULL, 0, JOBPAGE_BYTES, 0 };
	assert_int_equal(jobpage_job(&pg, job_find(&t->m, 1), NULL, 0), -1);
	assert_int_equal(jobpage_job(&pg, job_find(&t->m, 3), NULL, 0), -1);
	keys = tp_keys(json_array_get(pg.out, 0));
	assert_string_equal(keys, "id,idx,stat");
	free(keys);
	keys = tp_keys(json_array_get(pg.out, 1));
	assert_string_equal(keys, "array,id,idx,name,npos,range,stat");
	free(keys);
	assert_string_equal(json_string_value(json_object_get(json_array_get(pg.out,
	    1), "array")), "1-1000000");
	json_decref(pg.out);
	json_decref(fields);
	fields = job_record(&t->m, job_find(&t->m, 1), 0);
	tp_compact(t, fields);
	keys = tp_keys(fields);
	assert_non_null(strstr(keys, "cmd,"));
	assert_non_null(strstr(keys, "exec_hosts,"));
	assert_non_null(strstr(keys, "project,"));
	free(keys);
	json_decref(fields);
}

/* No time at all: every page still makes progress and nothing is lost. */
static void
test_no_budget(void **state)
{
	struct tpage *t = *state;
	struct jobsel_filter f;
	struct tp_list l;

	tp_filter(&f, ~0);
	f.name = "j";
	job_find(&t->m, 3)->name[0] = 'x';
	tp_list(t, &f, 1000, 0, false, &l);
	job_find(&t->m, 3)->name[0] = 'j';
	assert_string_equal(l.text, "1[0]=PEND," ARRAY2 "4[0]=PEND,");
	free(l.text);
}

/* A started element at the end of a 1M array: the walk to it is cut
 * into budgeted pages, and the runs before and after it add up. */
static void
test_walk_budgeted(void **state)
{
	struct tpage *t = *state;
	struct jobsel_filter f;
	struct tp_list l;
	struct job *j;

	tp_apply(t, 3, 999999, "kill", json_object());
	tp_filter(&f, ~0);
	tp_list(t, &f, 1000, 0, true, &l);
	assert_true(l.pages > 100);	/* 1024 positions a page without time */
	assert_non_null(strstr(l.text, "3[999999]=EXIT,3[1000000]=PEND,4[0]"));
	free(l.text);
	j = job_find(&t->m, 3);
	assert_int_equal(j->nelem, 1);
}

/* -A rows: counts by state without a record per element. */
static void
test_summary(void **state)
{
	struct tpage *t = *state;
	struct jobsel_filter f;
	struct jobpage pg;
	json_t *row;

	tp_filter(&f, ~0);
	pg = (struct jobpage){ &t->m, &f, json_array(), 1000, now_mono_us() + 1000000,
	    false, true, 0, 0, NULL, NULL, 0, JOBPAGE_BYTES, 0 };
	assert_int_equal(jobpage_job(&pg, job_find(&t->m, 2), NULL, 0), -1);
	assert_int_equal(jobpage_job(&pg, job_find(&t->m, 3), NULL, 0), -1);
	assert_int_equal(jobpage_job(&pg, job_find(&t->m, 1), NULL, 0), -1);
	assert_int_equal(json_array_size(pg.out), 2);	/* plain jobs: no row */
	row = json_array_get(pg.out, 0);
	assert_int_equal(json_integer_value(json_object_get(row, "njobs")), 10);
	assert_int_equal(json_integer_value(json_object_get(row, "pend")), 5);
	assert_int_equal(json_integer_value(json_object_get(row, "run")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "done")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "exit")), 2);
	assert_int_equal(json_integer_value(json_object_get(row, "psusp")), 1);
	row = json_array_get(pg.out, 1);
	assert_int_equal(json_integer_value(json_object_get(row, "pend")), 1000000);
	assert_string_equal(json_string_value(json_object_get(row, "array")),
	    "1-1000000");
	json_decref(pg.out);
	/* the whole array killed, one element first: counters, no walk */
	tp_apply(t, 3, 17, "kill", json_object());
	tp_apply(t, 3, -1, "kill", json_object());
	pg.out = json_array();
	jobpage_job(&pg, job_find(&t->m, 3), NULL, 0);
	row = json_array_get(pg.out, 0);
	assert_int_equal(json_integer_value(json_object_get(row, "exit")), 1000000);
	assert_int_equal(json_integer_value(json_object_get(row, "pend")), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "njobs")), 1000000);
	f.mask = JS_PENDING;	/* -p: nothing pending, no row */
	jobpage_job(&pg, job_find(&t->m, 3), NULL, 0);
	assert_int_equal(json_array_size(pg.out), 1);
	json_decref(pg.out);
}

/* master->byid stays in id order whatever order ids come in (a wrap at
 * MAX_JOBID gives small ids after large ones), and forgets purged jobs. */
static void
test_byid_order(void **state)
{
	struct tpage *t = *state;
	static const long ids[] = { 900, 10, 7, 11, 8, 901, 5 };
	struct job *j;
	char buf[256] = "";
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		tp_submit(t, ids[i], NULL);
	tp_apply(t, 4, 0, "kill", json_object());
	tp_apply(t, 4, 0, "purge", json_object());
	TAILQ_FOREACH(j, &t->m.byid, id_entry)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%ld ", j->id);
	assert_string_equal(buf, "1 2 3 5 7 8 10 11 900 901 ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pages_match_one_walk, tp_setup,
		    tp_teardown),
		cmocka_unit_test_setup_teardown(test_ranges, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_no_budget, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_walk_budgeted, tp_setup,
		    tp_teardown),
		cmocka_unit_test_setup_teardown(test_summary, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_fields, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_byid_order, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
