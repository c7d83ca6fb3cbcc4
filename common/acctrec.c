/*
 * acctrec.c - the JOB_FINISH record of lsb.acct (acctrec.h). One table
 * holds the fields in LSF's order (lsb.acct(5) of LSF 10.1, through
 * subcwd): its kind, and where its value lives in struct acctrec, or the
 * constant LSF writes when the value is unknown ("" for a string, 0 for a
 * number, -1 for resource usage). The writer and the reader both walk it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctrec.h"
#include "eventrec.h"
#include "util.h"

enum ar_kind {
	AR_CONST,	/* the constant text, as is (type, version) */
	AR_STR,		/* quoted string at off; "" when absent */
	AR_LONG,	/* long at off */
	AR_DOUBLE,	/* double at off */
	AR_HOSTS,	/* count, then that many quoted names (exec_hosts) */
	AR_EMPTY,	/* "" always */
	AR_ZERO,	/* 0 always */
	AR_UNKNOWN,	/* -1 always (resource usage) */
};

struct ar_field {
	const char *name;
	enum ar_kind kind;
	size_t off;
	const char *text;	/* AR_CONST */
};

#define S(n, m) { n, AR_STR, offsetof(struct acctrec, m), NULL }
#define N(n, m) { n, AR_LONG, offsetof(struct acctrec, m), NULL }
#define F(n, m) { n, AR_DOUBLE, offsetof(struct acctrec, m), NULL }
#define E(n) { n, AR_EMPTY, 0, NULL }
#define Z(n) { n, AR_ZERO, 0, NULL }
#define U(n) { n, AR_UNKNOWN, 0, NULL }

static const struct ar_field ar_fields[] = {
	{ "Event type", AR_CONST, 0, "\"JOB_FINISH\"" },
	{ "Version Number", AR_CONST, 0, "\"10.1\"" },
	N("Event Time", event_time), N("jobId", job_id), N("userId", uid),
	Z("options"), N("numProcessors", nproc), N("submitTime", submit_time),
	N("beginTime", begin_time), N("termTime", term_time),
	N("startTime", start_time), S("userName", user), S("queue", queue),
	S("resReq", res_req), S("dependCond", depend), S("preExecCmd", pre_exec),
	S("fromHost", from_host), S("cwd", cwd), S("inFile", in_file),
	S("outFile", out_file), S("errFile", err_file), E("jobFile"),
	Z("numAskedHosts"),	/* and no askedHosts */
	{ "execHosts", AR_HOSTS, 0, NULL },	/* numExHosts, then the names */
	N("jStatus", status), { "hostFactor", AR_CONST, 0, "1.00" },
	S("jobName", job_name), S("command", command),
	F("ru_utime", utime), F("ru_stime", stime), F("ru_maxrss", maxrss),
	U("ru_ixrss"), U("ru_ismrss"), U("ru_idrss"), U("ru_isrss"), U("ru_minflt"),
	U("ru_majflt"), U("ru_nswap"), U("ru_inblock"), U("ru_oublock"),
	U("ru_ioch"), U("ru_msgsnd"), U("ru_msgrcv"), U("ru_nsignals"),
	U("ru_nvcsw"), U("ru_nivcsw"), U("ru_exutime"),
	E("mailUser"), S("projectName", project), N("exitStatus", exit_status),
	N("maxNumProcessors", nproc), E("loginShell"), E("timeEvent"),
	N("idx", idx), N("maxRMem", max_rmem), Z("maxRSwap"), E("inFileSpool"),
	E("commandSpool"), E("rsvId"), E("sla"), Z("exceptMask"),
	E("additionalInfo"), Z("exitInfo"), E("warningAction"),
	Z("warningTimePeriod"), E("chargedSAAP"), E("licenseProject"), E("app"),
	E("postExecCmd"), Z("runtimeEstimation"), E("jgroup"), Z("options2"),
	E("requeueEValues"), E("notifyCmd"), Z("lastResizeTime"),
	E("jobDescription"), Z("submitEXT"), Z("numHostRusage"), Z("options3"),
	Z("runLimit"), Z("avgMem"), E("effectiveResReq"), E("srcCluster"),
	Z("srcJobId"), E("dstCluster"), Z("dstJobId"), Z("forwardTime"),
	Z("flowId"), Z("acJobWaitTime"), Z("totalProvisionTime"), E("outdir"),
	N("runTime", run_time), S("subcwd", subcwd),
};

size_t
acctrec_nfields(void)
{
	return nitems(ar_fields);
}

const char *
acctrec_field_name(size_t i)
{
	return i < nitems(ar_fields) ? ar_fields[i].name : NULL;
}

/* ---- writing ---- */

static void
ar_putf(struct eventrec *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	eventrec_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}


/* Usage as %f within the line's 64-byte field buffer (a read record may
 * hold anything). */
static double
acctrec_clamp(double v)
{
	return v != v ? -1 : v > 1e15 ? 1e15 : v < -1e15 ? -1e15 : v;
}

static void
ar_write_field(struct eventrec *b, const struct ar_field *f, const struct acctrec *r)
{
	const char *base = (const char *)r;
	size_t i;

	switch (f->kind) {
	case AR_CONST: eventrec_put(b, f->text, strlen(f->text)); break;
	case AR_STR: eventrec_put_quoted(b, *(char *const *)(base + f->off)); break;
	case AR_LONG: ar_putf(b, "%ld", *(const long *)(base + f->off)); break;
	case AR_DOUBLE: ar_putf(b, "%.6f", acctrec_clamp(*(const double *)(base + f->off)));
		break;
	case AR_EMPTY: eventrec_put(b, "\"\"", 2); break;
	case AR_ZERO: eventrec_put(b, "0", 1); break;
	case AR_UNKNOWN: eventrec_put(b, "-1", 2); break;
	case AR_HOSTS:
		ar_putf(b, "%zu", r->nexec);
		for (i = 0; i < r->nexec; i++) {
			eventrec_put(b, " ", 1);
			eventrec_put_quoted(b, r->exec_hosts[i]);
		}
		break;
	}
}

char *
acctrec_format(const struct acctrec *r)
{
	struct eventrec b = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < nitems(ar_fields); i++) {
		if (i > 0)
			eventrec_put(&b, " ", 1);
		ar_write_field(&b, &ar_fields[i], r);
	}
	eventrec_put(&b, "\n", 1);
	return b.s;
}

/* ---- reading ---- */

/* The next token of *p: a quoted string ('""' a quote) or a bare word,
 * malloc'd; NULL at the end of the line. */
static char *
ar_token(const char **p)
{
	const char *s = *p;
	struct eventrec b = { NULL, 0, 0 };

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\n')
		return NULL;
	eventrec_put(&b, "", 0);
	if (*s == '"') {
		for (s++; *s != '\0' && *s != '\n'; s++) {
			if (*s == '"' && s[1] == '"')
				eventrec_put(&b, s++, 1);
			else if (*s == '"')
				break;
			else
				eventrec_put(&b, s, 1);
		}
		if (*s == '"')
			s++;
	} else
		for (; *s != '\0' && *s != ' ' && *s != '\t' && *s != '\n'; s++)
			eventrec_put(&b, s, 1);
	*p = s;
	return b.s ? b.s : xstrdup("");
}

static int
ar_read_hosts(const char **p, struct acctrec *r)
{
	char *t = ar_token(p);
	long n = t ? strtol(t, NULL, 10) : -1;
	long i;

	free(t);
	if (n < 0 || n > 1000000)
		return -1;
	r->exec_hosts = xcalloc((size_t)n + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		if ((r->exec_hosts[r->nexec++] = ar_token(p)) == NULL)
			return -1;
	return 0;
}

static int
ar_read_field(const char **p, const struct ar_field *f, struct acctrec *r)
{
	char *base = (char *)r, *t;

	if (f->kind == AR_HOSTS)
		return ar_read_hosts(p, r);
	if ((t = ar_token(p)) == NULL)
		return -1;
	if (f->kind == AR_STR) {
		*(char **)(base + f->off) = t;
		return 0;
	}
	if (f->kind == AR_LONG)
		*(long *)(base + f->off) = strtol(t, NULL, 10);
	else if (f->kind == AR_DOUBLE)
		*(double *)(base + f->off) = strtod(t, NULL);
	free(t);
	return 0;
}

int
acctrec_parse(const char *line, struct acctrec *r, char *err, size_t errlen)
{
	const char *p = line;
	char *t = ar_token(&p);
	size_t i;

	memset(r, 0, sizeof(*r));
	if (t == NULL || strcmp(t, "JOB_FINISH") != 0) {
		free(t);
		return errf(err, errlen, "not a JOB_FINISH record");
	}
	free(t);
	for (i = 1; i < nitems(ar_fields); i++)
		if (ar_read_field(&p, &ar_fields[i], r) < 0) {
			acctrec_free(r);
			return errf(err, errlen, "record cut short at %s",
			    ar_fields[i].name);
		}
	return 0;
}

void
acctrec_free(struct acctrec *r)
{
	char **strs[] = { &r->user, &r->queue, &r->res_req, &r->depend, &r->pre_exec,
	    &r->from_host, &r->cwd, &r->in_file, &r->out_file, &r->err_file,
	    &r->job_name, &r->command, &r->project, &r->subcwd };
	size_t i;

	for (i = 0; i < nitems(strs); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	for (i = 0; i < r->nexec; i++)
		free(r->exec_hosts[i]);
	free(r->exec_hosts);
	r->exec_hosts = NULL;
	r->nexec = 0;
}
