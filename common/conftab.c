/*
 * conftab.c - the table of configuration keys (conftab.h). A key is in
 * here once; the loaders in conf.c take their ranges and their list of
 * accepted queue keys from it, and badmin ckconfig checks every file
 * against it. LSF keys that Pumice accepts without acting on them are
 * CT_RAW: kept (bqueues -l, showconf show them), never an error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conftab.h"
#include "proto.h"
#include "util.h"

#define L CT_LSF_CONF
#define P CT_LSB_PARAMS
#define Q CT_LSB_QUEUES
#define RAW(f, k) { f, k, CT_RAW, 0, 0, "", 1, "LSF's key, accepted and kept; no effect yet" }

const struct conftab_key conftab[] = {
	/* lsf.conf */
	{ L, "LSF_ENVDIR", CT_STR, 0, 0, "/etc/pumice", 0, "where lsf.conf is" },
	{ L, "LSF_CONFDIR", CT_STR, 0, 0, "LSF_ENVDIR", 0, "lsf.shared and lsf.cluster.<name>" },
	{ L, "LSB_CONFDIR", CT_STR, 0, 0, "LSF_CONFDIR/lsbatch", 0, "the lsb.* files" },
	{ L, "LSB_SHAREDIR", CT_STR, 0, 0, "/var/lib/pumice", 0, "parent of the state directory" },
	{ L, "LSF_CLUSTER_NAME", CT_STR, 0, 0, "", 0, "cluster name without lsf.shared" },
	{ L, "LSF_MASTER_LIST", CT_WORDS, 0, 0, "", 0, "the master host (first word)" },
	{ L, "LSB_MBD_PORT", CT_INT, 1, 65535, "6881", 0, "the master's TCP port" },
	{ L, "PUMICE_MASTER_ADDR", CT_STR, 0, 0, "LSF_MASTER_LIST", 0, "where agents dial" },
	{ L, "PUMICE_MASTER_SOCKET", CT_STR, 0, 0, "/run/pumice/master.sock", 0,
	    "the master's command socket" },
	{ L, "PUMICE_STATEDIR", CT_STR, 0, 0, "LSB_SHAREDIR/<cluster>", 0, "the state database" },
	{ L, "PUMICE_HEARTBEAT", CT_INT, 1, 3600, "5", 0, "agent heartbeat, seconds" },
	{ L, "PUMICE_MAX_REPLY", CT_INT, 1, PROTO_MAX_FRAME >> 20, "64", 1,
	    "largest reply frame, MB" },
	{ L, "PUMICE_QUERY_PER_USER", CT_INT, 1, 1000, "4", 1,
	    "listing pages a user may have queued" },
	{ L, "PUMICE_AUTH_TIMEOUT", CT_INT, 1, 300, "5", 0,
	    "seconds an agent link has to prove the key" },
	{ L, "PUMICE_UNAUTH_MAX", CT_INT, 1, 100000, "512", 0,
	    "agent links not yet authenticated, in all" },
	{ L, "PUMICE_UNAUTH_PER_HOST", CT_INT, 1, 100000, "128", 0,
	    "agent links not yet authenticated, per address" },
	{ L, "PUMICE_KEY_FILE", CT_STR, 0, 0, "LSF_ENVDIR/cluster.key", 0, "the cluster key" },
	{ L, "PUMICE_AGENT_SOCKET", CT_STR, 0, 0, "", 0, "an agent's command socket" },
	{ L, "PUMICE_SPOOLDIR", CT_STR, 0, 0, "/var/spool/pumice", 0, "the agent's job spool" },
	{ L, "PUMICE_SOCKET", CT_STR, 0, 0, "/run/pumice/agent.sock", 0,
	    "the local daemon's command socket" },
	{ L, "LSF_UNIT_FOR_LIMITS", CT_UNIT, 0, 0, "MB", 1, "unit of memory limits" },
	{ L, "PUMICE_OUTPUT_DIR", CT_STR, 0, 0, "/data", 0, "default job output directory" },
	{ L, "PUMICE_NFS_SPOOL_MAX", CT_STR, 0, 0, "", 0, "output spooled while NFS is down" },
	{ L, "PUMICE_NFS_TIMEOUT", CT_STR, 0, 0, "", 0, "NFS call timeout, seconds" },
	{ L, "PUMICE_NFS_DEADLINE", CT_STR, 0, 0, "", 0, "how long output waits for NFS" },
	{ L, "PUMICE_RUNLIMIT_GRACE", CT_STR, 0, 0, "", 0, "grace after a run limit" },
	{ L, "PUMICE_PREEXEC_RETRY", CT_STR, 0, 0, "", 0, "pre-exec retries" },
	{ L, "LSB_JOB_MEMLIMIT", CT_STR, 0, 0, "N", 0, "-M kills on the job's total memory only" },
	{ L, "LSB_MEMLIMIT_ENFORCE", CT_STR, 0, 0, "N", 0, "-M kills on the job's total memory" },
	{ L, "PUMICE_MEMLIMIT_CGROUP", CT_STR, 0, 0, "", 0, "memory limits through cgroups" },
	{ L, "PUMICE_HTTP_PORT", CT_INT, 0, 65535, "0", 0,
	    "the master's HTTP port: web page, API, metrics (0: off)" },
	{ L, "PUMICE_HTTP_ADDR", CT_STR, 0, 0, "127.0.0.1", 0,
	    "the address the master's HTTP server listens on" },
	{ L, "PUMICE_HTTP_ANON", CT_STR, 0, 0, "Y", 0,
	    "N: every HTTP request needs a token (btoken)" },
	{ L, "PUMICE_HTTP_CERT", CT_STR, 0, 0, "", 0,
	    "the HTTP server's certificate chain (PEM): TLS" },
	{ L, "PUMICE_HTTP_KEY", CT_STR, 0, 0, "", 0,
	    "the private key of PUMICE_HTTP_CERT (PEM)" },
	RAW(L, "LSF_LOGDIR"),
	/* lsb.params */
	{ P, "DEFAULT_QUEUE", CT_WORDS, 0, 0, "default", 1, "queues for jobs that name none" },
	{ P, "CLEAN_PERIOD", CT_INT, 0, LONG_MAX, "3600", 1, "finished jobs kept, seconds" },
	{ P, "MAX_JOB_ARRAY_SIZE", CT_INT, 1, 2147483646, "1000", 1, "largest job array" },
	{ P, "MAX_JOBID", CT_INT, 1, 2147483646, "999999", 1, "largest job id" },
	{ P, "PUMICE_HISTORY_DAYS", CT_INT, 0, 36500, "7", 1, "finished jobs kept in sqlite, days" },
	{ P, "JOB_TERMINATE_INTERVAL", CT_INT, 0, LONG_MAX, "10", 1, "between a kill's signals" },
	{ P, "MAX_USER_PRIORITY", CT_INT, 1, 1000000, "-1", 1, "largest bsub -sp" },
	{ P, "RESOURCE_RESERVE_PER_TASK", CT_STR, 0, 0, "N", 1, "rusage per task" },
	{ P, "HIST_HOURS", CT_STR, 0, 0, "5", 1, "fairshare decay, hours" },
	{ P, "ACCT_ARCHIVE_SIZE", CT_INT, 0, LONG_MAX, "0", 1, "rotate lsb.acct past this many KB" },
	{ P, "MAX_ACCT_ARCHIVE_FILE", CT_INT, 0, 100000, "0", 1, "rotated lsb.acct files kept" },
	{ P, "DEFAULT_PROJECT", CT_STR, 0, 0, "default", 1, "project of jobs that name none" },
	RAW(P, "MBD_SLEEP_TIME"), RAW(P, "SBD_SLEEP_TIME"), RAW(P, "JOB_ACCEPT_INTERVAL"),
	RAW(P, "JOB_SCHEDULING_INTERVAL"), RAW(P, "MAX_JOB_NUM"), RAW(P, "MAX_SBD_FAIL"),
	RAW(P, "JOB_PRIORITY_OVER_TIME"), RAW(P, "JOB_DEP_LAST_SUB"), RAW(P, "JOB_SPOOL_DIR"),
	RAW(P, "RESOURCE_RESERVE_PER_SLOT"), RAW(P, "DEFAULT_BWAIT_TIMEOUT"),
	RAW(P, "ORPHAN_JOB_TERM_GRACE_PERIOD"),
	/* lsb.queues */
	{ Q, "QUEUE_NAME", CT_STR, 0, 0, "", 1, "the queue's name" },
	{ Q, "PRIORITY", CT_INT, 0, INT_MAX, "1", 1, "higher is served first" },
	{ Q, "DESCRIPTION", CT_STR, 0, 0, "", 1, "shown by bqueues -l" },
	{ Q, "QJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots of the queue" },
	{ Q, "UJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots per user" },
	{ Q, "PJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots per processor" },
	{ Q, "HJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots per host" },
	{ Q, "USERS", CT_WORDS, 0, 0, "all", 1, "who may submit" },
	{ Q, "HOSTS", CT_WORDS, 0, 0, "all", 1, "where jobs run" },
	{ Q, "RUNLIMIT", CT_STR, 0, 0, "", 1, "run limit, minutes" },
	{ Q, "MEMLIMIT", CT_STR, 0, 0, "", 1, "memory limit" },
	{ Q, "PRE_EXEC", CT_STR, 0, 0, "", 1, "command before each job" },
	{ Q, "POST_EXEC", CT_STR, 0, 0, "", 1, "command after each job" },
	{ Q, "RES_REQ", CT_STR, 0, 0, "", 1, "resource requirement" },
	{ Q, "EXCLUSIVE", CT_STR, 0, 0, "N", 1, "bsub -x allowed" },
	{ Q, "REQUEUE_EXIT_VALUES", CT_STR, 0, 0, "", 1, "exit values that requeue" },
	{ Q, "RERUNNABLE", CT_STR, 0, 0, "N", 1, "jobs rerun after host loss" },
	{ Q, "FAIRSHARE", CT_STR, 0, 0, "", 1, "fairshare policy" },
	RAW(Q, "NICE"), RAW(Q, "ADMINISTRATORS"), RAW(Q, "CPULIMIT"), RAW(Q, "PROCLIMIT"),
	RAW(Q, "TASKLIMIT"), RAW(Q, "SWAPLIMIT"), RAW(Q, "PROCESSLIMIT"), RAW(Q, "FILELIMIT"),
	RAW(Q, "DATALIMIT"), RAW(Q, "STACKLIMIT"), RAW(Q, "CORELIMIT"), RAW(Q, "INTERACTIVE"),
	RAW(Q, "RUN_WINDOW"), RAW(Q, "DISPATCH_WINDOW"), RAW(Q, "JOB_STARTER"),
	RAW(Q, "JOB_CONTROLS"), RAW(Q, "TERMINATE_WHEN"), RAW(Q, "NEW_JOB_SCHED_DELAY"),
	RAW(Q, "JOB_ACCEPT_INTERVAL"), RAW(Q, "CHKPNT"), RAW(Q, "PREEMPTION"),
	RAW(Q, "RESUME_COND"), RAW(Q, "STOP_COND"), RAW(Q, "BACKFILL"), RAW(Q, "CHUNK_JOB_SIZE"),
	RAW(Q, "SLOT_POOL"), RAW(Q, "SLOT_SHARE"), RAW(Q, "MAX_JOB_REQUEUE"),
	RAW(Q, "MAX_PREEXEC_RETRY"), RAW(Q, "IGNORE_DEADLINE"), RAW(Q, "DEFAULT_HOST_SPEC"),
	RAW(Q, "HOSTLIMIT_PER_JOB"), RAW(Q, "JOB_IDLE"),
	{ Q, "r15s", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "r1m", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "r15m", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "ut", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "pg", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "io", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "ls", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "it", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "tmp", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "swp", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
	{ Q, "mem", CT_LOADIDX, 0, 0, "", 1, "load threshold" },
};
const size_t conftab_n = nitems(conftab);

const char *
conftab_file_name(enum conftab_file f)
{
	static const char *const names[] = { "lsf.conf", "lsb.params", "lsb.queues" };

	return names[f];
}

const struct conftab_key *
conftab_find(enum conftab_file f, const char *key)
{
	size_t i;

	for (i = 0; i < conftab_n; i++)
		if (conftab[i].file == f && strcasecmp(conftab[i].key, key) == 0)
			return &conftab[i];
	return NULL;
}

static int
conftab_check_int(const struct conftab_key *k, const char *v, char *err, size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || errno != 0 || n < k->min || n > k->max)
		return errf(err, errlen, "%s must be an integer from %ld to %ld, not '%s'",
		    k->key, k->min, k->max, v);
	return 0;
}

/* "0.7", "0.7/2.0", "/2.0": numbers around an optional slash. */
static int
conftab_check_load(const struct conftab_key *k, const char *v, char *err, size_t errlen)
{
	const char *p = v;
	char *end;

	while (*p != '\0') {
		if (*p != '/') {
			strtod(p, &end);
			if (end == p)
				break;
			p = end;
		}
		if (*p == '/')
			p++;
		else if (*p != '\0')
			break;
	}
	if (*p != '\0')
		return errf(err, errlen, "%s must be a load threshold such as "
		    "0.7/2.0, not '%s'", k->key, v);
	return 0;
}

int
conftab_check(const struct conftab_key *k, const char *v, char *err, size_t errlen)
{
	switch (k->type) {
	case CT_INT:
		return conftab_check_int(k, v, err, errlen);
	case CT_LOADIDX:
		return conftab_check_load(k, v, err, errlen);
	case CT_UNIT:
		if (strcspn(v, "kKmMgGtTpPeE") != 0 || v[0] == '\0' ||
		    (v[1] != '\0' && strcasecmp(v + 1, "B") != 0))
			return errf(err, errlen, "%s must be KB, MB, GB, TB, PB or EB, "
			    "not '%s'", k->key, v);
		return 0;
	default:
		return 0;
	}
}
