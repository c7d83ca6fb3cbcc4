/*
 * outconf.c - output settings from lsf.conf into the spooled JOBSPEC
 * (outconf.h). A value that does not parse is logged and the default used:
 * a job must not fail because of a typo in a tuning key.
 */
#include <stdlib.h>

#include "conf.h"
#include "log.h"
#include "nfsurl.h"
#include "outconf.h"
#include "units.h"
#include "util.h"

static json_int_t
outconf_secs(const struct conf *c, const char *key)
{
	const char *v = cfg_get(&c->lsfconf, key);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n <= 0) {
		log_warnx("lsf.conf: %s=%s is not a number of seconds; default used", key, v);
		return 0;
	}
	return n;
}

static json_int_t
outconf_bytes(const struct conf *c, const char *key)
{
	const char *v = cfg_get(&c->lsfconf, key);
	char err[256];
	uint64_t kb;

	if (v == NULL || *v == '\0')
		return 0;
	if (units_parse_size(v, "MB", &kb, err, sizeof(err)) < 0 || kb == 0) {
		log_warnx("lsf.conf: %s=%s: %s; default used", key, v, kb ? err : "zero");
		return 0;
	}
	return (json_int_t)(kb * 1024);
}

char *
outconf_local(const struct conf *c, struct jobspec_local *l)
{
	const char *dir = c ? cfg_get(&c->lsfconf, "PUMICE_OUTPUT_DIR") : NULL;

	if (c == NULL)
		return NULL;
	l->nfs_spool_max = outconf_bytes(c, "PUMICE_NFS_SPOOL_MAX");
	l->nfs_timeout = outconf_secs(c, "PUMICE_NFS_TIMEOUT");
	l->nfs_deadline = outconf_secs(c, "PUMICE_NFS_DEADLINE");
	if (dir == NULL || *dir == '\0')
		return NULL;
	return nfsurl_join(dir, "%J.%I.out");
}
