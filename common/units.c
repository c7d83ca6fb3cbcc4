/*
 * units.c - LSF sizes ("4G", "1.5GB", "1024" in the default unit) kept in
 * KB, run limits "[h:]m" kept in seconds, and LSF's "3.8 Gbytes" display.
 * Arithmetic is integral (no floating point on input) and checked for
 * overflow, so a limit never wraps into a small number.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"
#include "util.h"

#define UNITS_MAX_FRAC 18	/* fraction digits kept: 10^18 fits uint64 */

/* KB per unit letter; 0 when the letter is not a unit. */
static uint64_t
units_factor(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'K':
		return 1;
	case 'M':
		return 1ULL << 10;
	case 'G':
		return 1ULL << 20;
	case 'T':
		return 1ULL << 30;
	case 'P':
		return 1ULL << 40;
	case 'E':
		return 1ULL << 50;
	}
	return 0;
}

/* "K", "KB", "kb", "Mb", ... to KB per unit; 0 when unknown. */
static uint64_t
units_suffix(const char *u)
{
	uint64_t f;

	if (u[0] == '\0' || (f = units_factor(u[0])) == 0)
		return 0;
	if (u[1] == '\0' || ((u[1] == 'B' || u[1] == 'b') && u[2] == '\0'))
		return f;
	return 0;
}

/* Reads "digits[.digits]" at *sp: integer part, fraction as num/den. */
static int
units_number(const char **sp, uint64_t *ip, uint64_t *num, uint64_t *den)
{
	const char *s = *sp;
	int ndig = 0;

	*ip = 0;
	*num = 0;
	*den = 1;
	for (; isdigit((unsigned char)*s); s++, ndig++)
		if (__builtin_mul_overflow(*ip, 10, ip) ||
		    __builtin_add_overflow(*ip, (uint64_t)(*s - '0'), ip))
			return -2;
	if (*s == '.') {
		int nfrac = 0;

		for (s++; isdigit((unsigned char)*s); s++, ndig++, nfrac++) {
			if (nfrac >= UNITS_MAX_FRAC)
				continue;
			*num = *num * 10 + (uint64_t)(*s - '0');
			*den *= 10;
		}
	}
	*sp = s;
	return ndig > 0 ? 0 : -1;
}

/* round(num * factor / den) for num < den and factor a power of two, in
 * 64 bits (32-bit targets have no __int128): long division bit by bit,
 * the remainder staying below den <= 10^18. */
static uint64_t
units_frac(uint64_t num, uint64_t den, uint64_t factor)
{
	uint64_t q = 0, r = num;

	for (; factor > 1; factor >>= 1) {
		r <<= 1;
		q <<= 1;
		if (r >= den) {
			r -= den;
			q |= 1;
		}
	}
	return q + (2 * r >= den);
}

int
units_parse_size(const char *s, const char *default_unit, uint64_t *kb,
    char *err, size_t errlen)
{
	uint64_t ip, num, den, factor, v;
	const char *p = s;
	int rc;

	if (default_unit == NULL)
		default_unit = "KB";
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return errf(err, errlen, "negative size '%s'", s);
	if (*p == '+')
		p++;
	if ((rc = units_number(&p, &ip, &num, &den)) == -1)
		return errf(err, errlen, "bad size '%s'", s);
	if (rc == -2)
		return errf(err, errlen, "size '%s' is too large", s);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		if ((factor = units_suffix(default_unit)) == 0)
			return errf(err, errlen, "unknown unit '%s' for limits",
			    default_unit);
	} else {
		size_t n = strlen(p);

		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		char *u = xstrndup(p, n);
		factor = units_suffix(u);
		free(u);
		if (factor == 0)
			return errf(err, errlen, "bad unit in size '%s'", s);
	}
	if (__builtin_mul_overflow(ip, factor, &v) ||
	    __builtin_add_overflow(v, units_frac(num, den, factor), &v))
		return errf(err, errlen, "size '%s' is too large", s);
	*kb = v;
	return 0;
}

/* A non-negative decimal long from the whole of s[0..n). */
static int
units_long(const char *s, size_t n, long *out)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, s[i] - '0', &v))
			return -2;
	}
	*out = v;
	return 0;
}

int
units_parse_minutes(const char *s, long *seconds, char *err, size_t errlen)
{
	const char *colon = strchr(s, ':');
	long h = 0, m = 0, t;
	size_t n = strlen(s);
	int rc;

	/* Pumice extension: "30s" is seconds (tests, short jobs) */
	if (n > 1 && (s[n - 1] == 's' || s[n - 1] == 'S') && colon == NULL) {
		if ((rc = units_long(s, n - 1, &t)) == 0) {
			*seconds = t;
			return 0;
		}
		return errf(err, errlen, rc == -2 ? "time '%s' is too large" :
		    "bad time '%s': expected [hours:]minutes or seconds with s", s);
	}
	if (colon != NULL) {
		if ((rc = units_long(s, (size_t)(colon - s), &h)) == 0)
			rc = units_long(colon + 1, strlen(colon + 1), &m);
		if (rc == 0 && m >= 60)
			return errf(err, errlen,
			    "bad time '%s': minutes must be below 60", s);
	} else
		rc = units_long(s, strlen(s), &m);
	if (rc == -1)
		return errf(err, errlen, "bad time '%s': expected [hours:]minutes", s);
	if (rc == -2 || __builtin_mul_overflow(h, 60, &t) ||
	    __builtin_add_overflow(t, m, &t) || __builtin_mul_overflow(t, 60, &t))
		return errf(err, errlen, "time '%s' is too large", s);
	*seconds = t;
	return 0;
}

void
units_format_kb(uint64_t kb, char *buf, size_t len)
{
	static const char *names[] = { "K", "M", "G", "T", "P", "E" };
	double v = (double)kb;
	size_t i = 0;

	while (v >= 1024 && i + 1 < nitems(names)) {
		v /= 1024;
		i++;
	}
	if (i == 0 || (double)(uint64_t)(v * 10 + 0.5) / 10 == (double)(uint64_t)(v + 0.5))
		snprintf(buf, len, "%.0f %sbytes", v, names[i]);
	else
		snprintf(buf, len, "%.1f %sbytes", v, names[i]);
}
