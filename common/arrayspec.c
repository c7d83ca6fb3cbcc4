/*
 * arrayspec.c - job array index lists. The spec is kept as the ranges the
 * user wrote, in order; positions and lookups walk the ranges, and the
 * duplicate check intersects arithmetic progressions pairwise (CRT), so
 * nothing costs time or memory per element.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "util.h"

/* Number of indices in a range (end as written, may be off the stride). */
static long
arr_range_count(const struct arr_range *r)
{
	return (r->end - r->start) / r->step + 1;
}

static long
arr_range_last(const struct arr_range *r)
{
	return r->start + (arr_range_count(r) - 1) * r->step;
}

/* A positive decimal at *sp; -1 malformed, -2 overflow. */
static int
arr_num(const char **sp, long *v)
{
	const char *s = *sp;

	*v = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++)
		if (__builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, *s - '0', v))
			return -2;
	*sp = s;
	return 0;
}

/* Parses one "start[-end[:step]]" item of list into r. */
static int
arr_item(const char *list, const char **sp, long max, struct arr_range *r,
    char *err, size_t errlen)
{
	const char *s = *sp;
	int rc;

	if ((rc = arr_num(&s, &r->start)) == 0) {
		r->end = r->start;
		r->step = 1;
		if (*s == '-' && (rc = arr_num((++s, &s), &r->end)) == 0 &&
		    *s == ':')
			rc = arr_num((++s, &s), &r->step);
	}
	if (rc == -2)
		return errf(err, errlen, "Job array index too large");
	if (rc < 0 || (*s != ',' && *s != '\0'))
		return errf(err, errlen, "bad array index list '%s'", list);
	if (r->start < 1)
		return errf(err, errlen, "bad array index list '%s': indices start at 1",
		    list);
	if (r->end < r->start)
		return errf(err, errlen, "bad array index list '%s': range %ld-%ld ends "
		    "before it starts", list, r->start, r->end);
	if (r->step < 1)
		return errf(err, errlen, "bad array index list '%s': step must be at least 1",
		    list);
	if (r->end > max)
		return errf(err, errlen, "Job array index too large");
	*sp = s;
	return 0;
}

/* Wide enough for the product of two longs: __int128 where long has 64
 * bits, long long where it has 32 (armhf and i386 have no __int128). */
#ifdef __SIZEOF_INT128__
typedef __int128 arr_wide;
#else
typedef long long arr_wide;
_Static_assert(sizeof(long long) >= 2 * sizeof(long), "arr_wide holds a product of longs");
#endif

/* x, y with a*x + b*y = gcd(a, b). */
static arr_wide
arr_egcd(arr_wide a, arr_wide b, arr_wide *x, arr_wide *y)
{
	arr_wide g, x1, y1;

	if (b == 0) {
		*x = 1;
		*y = 0;
		return a;
	}
	g = arr_egcd(b, a % b, &x1, &y1);
	*x = y1;
	*y = x1 - (a / b) * y1;
	return g;
}

/* Whether two ranges share an index; the smallest shared one in *at. */
static int
arr_overlap(const struct arr_range *a, const struct arr_range *b, long *at)
{
	arr_wide lo = a->start > b->start ? a->start : b->start;
	arr_wide hi = arr_range_last(a) < arr_range_last(b) ?
	    arr_range_last(a) : arr_range_last(b);
	arr_wide g, x, y, diff, lcm, k, first;

	if (lo > hi)
		return 0;
	g = arr_egcd(a->step, b->step, &x, &y);
	diff = (arr_wide)b->start - a->start;
	if (diff % g != 0)
		return 0;
	lcm = a->step / g * b->step;
	/* a->start + a->step * k hits b's stride for k = x * diff / g. */
	k = (x * (diff / g)) % (b->step / g);
	first = a->start + a->step * k;
	first = lo + ((first - lo) % lcm + lcm) % lcm;	/* smallest >= lo */
	if (first > hi)
		return 0;
	*at = (long)first;
	return 1;
}

static int
arr_cmp_start(const void *x, const void *y)
{
	const struct arr_range *a = *(struct arr_range *const *)x;
	const struct arr_range *b = *(struct arr_range *const *)y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* Refuses an index that appears in two ranges. */
static int
arr_dups(const char *list, const struct arrayspec *a, char *err, size_t errlen)
{
	struct arr_range **v = xcalloc(a->nr, sizeof(*v));
	size_t i, j;
	long at;

	for (i = 0; i < a->nr; i++)
		v[i] = &a->r[i];
	qsort(v, a->nr, sizeof(*v), arr_cmp_start);
	for (i = 0; i < a->nr; i++) {
		for (j = i + 1; j < a->nr && v[j]->start <= arr_range_last(v[i]); j++) {
			if (arr_overlap(v[i], v[j], &at)) {
				free(v);
				return errf(err, errlen, "bad array index list '%s': index "
				    "%ld appears twice", list, at);
			}
		}
	}
	free(v);
	return 0;
}

int
arrayspec_parse_list(const char *list, long max_index, struct arrayspec *out,
    char *err, size_t errlen)
{
	const char *s = list;
	size_t cap = 0, i;

	memset(out, 0, sizeof(*out));
	out->name = xstrdup("");
	if (max_index <= 0)
		max_index = LONG_MAX;
	do {
		if (out->nr == cap) {
			cap = cap ? cap * 2 : 4;
			out->r = xrealloc(out->r, cap * sizeof(*out->r));
		}
		if (arr_item(list, &s, max_index, &out->r[out->nr++], err, errlen) < 0)
			goto fail;
	} while (*s++ == ',');
	if (arr_dups(list, out, err, errlen) < 0)
		goto fail;
	/* Without duplicates the sum is at most the largest index. */
	for (i = 0; i < out->nr; i++)
		out->count += arr_range_count(&out->r[i]);
	return 0;
fail:
	arrayspec_free(out);
	return -1;
}

/* The "%N" after "]", or "" for none. */
static int
arr_limit(const char *s, const char *jname, long *limit, char *err, size_t errlen)
{
	int rc;

	*limit = 0;
	if (*s == '\0')
		return 0;
	if (*s++ != '%' || (rc = arr_num(&s, limit)) < 0 || *s != '\0' || *limit < 1)
		return errf(err, errlen, "bad job array slot limit in '%s'", jname);
	return 0;
}

int
arrayspec_parse(const char *jname, long max_index, struct arrayspec *out,
    char *err, size_t errlen)
{
	const char *open = strrchr(jname, '['), *close;
	char *list;
	long limit;
	int rc;

	memset(out, 0, sizeof(*out));
	if (open == NULL) {
		if (strchr(jname, ']') != NULL)
			return errf(err, errlen, "bad job array specification '%s'", jname);
		out->name = xstrdup(jname);
		return 0;
	}
	if ((close = strchr(open, ']')) == NULL)
		return errf(err, errlen, "bad job array specification '%s': no ']'",
		    jname);
	if (arr_limit(close + 1, jname, &limit, err, errlen) < 0)
		return -1;
	list = xstrndup(open + 1, (size_t)(close - open - 1));
	rc = arrayspec_parse_list(list, max_index, out, err, errlen);
	free(list);
	if (rc < 0)
		return -1;
	free(out->name);
	out->name = xstrndup(jname, (size_t)(open - jname));
	out->limit = limit;
	return 0;
}

long
arrayspec_at(const struct arrayspec *a, long pos)
{
	size_t i;
	long n;

	if (pos < 0)
		return -1;
	for (i = 0; i < a->nr; i++) {
		n = arr_range_count(&a->r[i]);
		if (pos < n)
			return a->r[i].start + pos * a->r[i].step;
		pos -= n;
	}
	return -1;
}

/* Whether idx is in range r. */
static int
arr_in(const struct arr_range *r, long idx)
{
	return idx >= r->start && idx <= r->end && (idx - r->start) % r->step == 0;
}

long
arrayspec_pos(const struct arrayspec *a, long idx)
{
	long base = 0;
	size_t i;

	for (i = 0; i < a->nr; i++) {
		if (arr_in(&a->r[i], idx))
			return base + (idx - a->r[i].start) / a->r[i].step;
		base += arr_range_count(&a->r[i]);
	}
	return -1;
}

int
arrayspec_has(const struct arrayspec *a, long idx)
{
	return arrayspec_pos(a, idx) >= 0;
}

int
arrayspec_range_of(const struct arrayspec *a, long idx, long *end, long *step)
{
	size_t i;

	for (i = 0; i < a->nr; i++) {
		if (arr_in(&a->r[i], idx)) {
			*end = a->r[i].end;
			*step = a->r[i].step;
			return 0;
		}
	}
	return -1;
}

char *
arrayspec_format(const struct arrayspec *a)
{
	size_t i, len = 0, cap = a->nr * 64 + 1;
	char *s = xmalloc(cap);
	const struct arr_range *r;

	s[0] = '\0';
	for (i = 0; i < a->nr; i++) {
		r = &a->r[i];
		if (r->start == r->end)
			len += (size_t)snprintf(s + len, cap - len, "%s%ld",
			    i ? "," : "", r->start);
		else if (r->step == 1)
			len += (size_t)snprintf(s + len, cap - len, "%s%ld-%ld",
			    i ? "," : "", r->start, r->end);
		else
			len += (size_t)snprintf(s + len, cap - len, "%s%ld-%ld:%ld",
			    i ? "," : "", r->start, r->end, r->step);
	}
	return s;
}

void
arrayspec_free(struct arrayspec *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->r);
	memset(a, 0, sizeof(*a));
}
