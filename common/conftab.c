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

#include "conf.h"
#include "conftab.h"
#include "proto.h"
#include "util.h"

#define L CT_LSF_CONF
#define P CT_LSB_PARAMS
#define Q CT_LSB_QUEUES
/* a key of lsf.conf or lsb.queues */
#define K(f, k, t, lo, hi, d, rel, h) { .file = f, .key = k, .type = t, .min = lo, \
	.max = hi, .def = d, .reloadable = rel, .help = h }
#define RAW(f, k) K(f, k, CT_RAW, 0, 0, "", 1, "LSF's key, accepted and kept; no effect yet")
/* a key of lsb.params, with bparams's unit and flags */
#define PK(k, t, lo, hi, d, u, fl, h) { .file = P, .key = k, .type = t, .min = lo, \
	.max = hi, .def = d, .reloadable = 1, .help = h, .unit = u, .flags = fl }
/* one whose value the master keeps in a long of struct conf */
#define PL(k, lo, hi, d, u, fl, h, field) { .file = P, .key = k, .type = CT_INT, \
	.min = lo, .max = hi, .def = d, .reloadable = 1, .help = h, .unit = u, \
	.flags = fl, .live = CV_LONG, .off = offsetof(struct conf, field) }
/* one whose value the master keeps as a string of struct conf */
#define PS(k, t, d, h, field) { .file = P, .key = k, .type = t, .def = d, \
	.reloadable = 1, .help = h, .unit = "", .flags = CTF_LISTED | CTF_CORE, \
	.live = CV_STR, .off = offsetof(struct conf, field) }

const struct conftab_key conftab[] = {
	/* lsf.conf */
	K(L, "LSF_ENVDIR", CT_STR, 0, 0, "/etc/pumice", 0, "where lsf.conf is"),
	K(L, "LSF_CONFDIR", CT_STR, 0, 0, "LSF_ENVDIR", 0, "lsf.shared and lsf.cluster.<name>"),
	K(L, "LSB_CONFDIR", CT_STR, 0, 0, "LSF_CONFDIR/lsbatch", 0, "the lsb.* files"),
	K(L, "LSB_SHAREDIR", CT_STR, 0, 0, "/var/lib/pumice", 0, "parent of the state directory"),
	K(L, "LSF_CLUSTER_NAME", CT_STR, 0, 0, "", 0, "cluster name without lsf.shared"),
	K(L, "LSF_MASTER_LIST", CT_WORDS, 0, 0, "", 0, "the master host (first word)"),
	K(L, "LSB_MBD_PORT", CT_INT, 1, 65535, "6881", 0, "the master's TCP port"),
	K(L, "PUMICE_MASTER_ADDR", CT_STR, 0, 0, "LSF_MASTER_LIST", 0, "where agents dial"),
	K(L, "PUMICE_MASTER_SOCKET", CT_STR, 0, 0, "/run/pumice/master.sock", 0,
	    "the master's command socket"),
	K(L, "PUMICE_STATEDIR", CT_STR, 0, 0, "LSB_SHAREDIR/<cluster>", 0, "the state database"),
	K(L, "PUMICE_HEARTBEAT", CT_INT, 1, 3600, "5", 0, "agent heartbeat, seconds"),
	K(L, "PUMICE_MAX_REPLY", CT_INT, 1, PROTO_MAX_FRAME >> 20, "64", 1,
	    "largest reply frame, MB"),
	K(L, "PUMICE_QUERY_PER_USER", CT_INT, 1, 1000, "4", 1,
	    "listing pages a user may have queued"),
	K(L, "PUMICE_AUTH_TIMEOUT", CT_INT, 1, 300, "5", 0,
	    "seconds an agent link has to prove the key"),
	K(L, "PUMICE_UNAUTH_MAX", CT_INT, 1, 100000, "512", 0,
	    "agent links not yet authenticated, in all"),
	K(L, "PUMICE_UNAUTH_PER_HOST", CT_INT, 1, 100000, "128", 0,
	    "agent links not yet authenticated, per address"),
	K(L, "PUMICE_HOSTS_ALLOW", CT_WORDS, 0, 0, "", 1,
	    "hosts besides lsf.cluster's that may register: name globs, addresses, networks"),
	K(L, "LSF_DYNAMIC_HOST_TIMEOUT", CT_STR, 0, 0, "", 1,
	    "how long an unavailable dynamic host stays before it is removed"),
	K(L, "PUMICE_KEY_FILE", CT_STR, 0, 0, "LSF_ENVDIR/cluster.key", 0, "the cluster key"),
	K(L, "PUMICE_AGENT_SOCKET", CT_STR, 0, 0, "", 0, "an agent's command socket"),
	K(L, "PUMICE_SPOOLDIR", CT_STR, 0, 0, "/var/spool/pumice", 0, "the agent's job spool"),
	K(L, "PUMICE_SOCKET", CT_STR, 0, 0, "/run/pumice/agent.sock", 0,
	    "the local daemon's command socket"),
	K(L, "LSF_UNIT_FOR_LIMITS", CT_UNIT, 0, 0, "MB", 1,
	    "The unit of memory limits and resource values without a unit"),
	K(L, "PUMICE_OUTPUT_DIR", CT_STR, 0, 0, "/data", 0, "default job output directory"),
	K(L, "PUMICE_NFS_SPOOL_MAX", CT_STR, 0, 0, "", 0, "output spooled while NFS is down"),
	K(L, "PUMICE_NFS_TIMEOUT", CT_STR, 0, 0, "", 0, "NFS call timeout, seconds"),
	K(L, "PUMICE_NFS_DEADLINE", CT_STR, 0, 0, "", 0, "how long output waits for NFS"),
	K(L, "PUMICE_RUNLIMIT_GRACE", CT_STR, 0, 0, "", 0, "grace after a run limit"),
	K(L, "PUMICE_PREEXEC_RETRY", CT_STR, 0, 0, "", 0, "pre-exec retries"),
	K(L, "LSB_JOB_MEMLIMIT", CT_STR, 0, 0, "N", 0, "-M kills on the job's total memory only"),
	K(L, "LSB_GPU_REQ", CT_STR, 0, 0, "num=1:mode=shared:j_exclusive=no", 1,
	    "default GPU requirement of bsub -gpu and rusage[ngpus_physical]"),
	K(L, "LSB_MEMLIMIT_ENFORCE", CT_STR, 0, 0, "N", 0, "-M kills on the job's total memory"),
	K(L, "PUMICE_MEMLIMIT_CGROUP", CT_STR, 0, 0, "", 0, "memory limits through cgroups"),
	K(L, "PUMICE_HTTP_PORT", CT_INT, 0, 65535, "0", 0,
	    "the master's HTTP port: web page, API, metrics (0: off)"),
	K(L, "PUMICE_HTTP_ADDR", CT_STR, 0, 0, "127.0.0.1", 0,
	    "the address the master's HTTP server listens on"),
	K(L, "PUMICE_HTTP_ANON", CT_STR, 0, 0, "Y", 0,
	    "N: every HTTP request needs a token (btoken)"),
	K(L, "PUMICE_HTTP_CERT", CT_STR, 0, 0, "", 0,
	    "the HTTP server's certificate chain (PEM): TLS"),
	K(L, "PUMICE_HTTP_KEY", CT_STR, 0, 0, "", 0,
	    "the private key of PUMICE_HTTP_CERT (PEM)"),
	RAW(L, "LSF_LOGDIR"),
	/* lsb.params, in the order bparams lists them; help is LSF's
	 * description, the line bparams -l prints above the key */
	PS("DEFAULT_QUEUE", CT_WORDS, "default",
	    "System default queues for automatic queue selection", default_queue),
	PK("DEFAULT_PROJECT", CT_STR, 0, 0, "default", "", CTF_LISTED | CTF_CORE,
	    "The default project assigned to jobs"),
	PK("MBD_SLEEP_TIME", CT_RAW, 0, 0, "10", "seconds", CTF_LISTED | CTF_CORE,
	    "The interval for dispatching jobs by master batch daemon"),
	PK("SBD_SLEEP_TIME", CT_RAW, 0, 0, "30", "seconds", CTF_LISTED | CTF_CORE,
	    "The interval for checking jobs by slave batch daemon"),
	PK("JOB_ACCEPT_INTERVAL", CT_RAW, 0, 0, "1", "", CTF_LISTED | CTF_CORE,
	    "The interval for a host to accept two batch jobs, in multiples of "
	    "MBD_SLEEP_TIME"),
	PK("JOB_SCHEDULING_INTERVAL", CT_RAW, 0, 0, "1", "seconds", CTF_LISTED,
	    "The minimum interval between two scheduling sessions"),
	PL("CLEAN_PERIOD", 0, LONG_MAX, "3600", "seconds", CTF_LISTED | CTF_CORE,
	    "The amount of time during which finished jobs are kept in core", clean_period),
	PK("MAX_JOB_NUM", CT_RAW, 0, 0, "1000", "", CTF_LISTED,
	    "The maximum number of finished jobs that are logged before switching "
	    "the event log"),
	PL("MAX_JOB_ARRAY_SIZE", 1, 2147483646, "1000", "", CTF_LISTED | CTF_CORE,
	    "The maximum number of jobs in a job array", max_job_array_size),
	PL("MAX_JOBID", 1, 2147483646, "999999", "", CTF_LISTED | CTF_CORE,
	    "The maximum job ID", max_jobid),
	PL("JOB_TERMINATE_INTERVAL", 0, LONG_MAX, "10", "seconds", CTF_LISTED | CTF_CORE,
	    "The time interval between the signals of a default job kill",
	    job_terminate_interval),
	PK("MAX_SBD_FAIL", CT_RAW, 0, 0, "3", "", CTF_LISTED,
	    "The maximum number of retries for reaching a slave batch daemon"),
	PK("MAX_USER_PRIORITY", CT_INT, 1, 1000000, "-1", "", CTF_LISTED,
	    "The maximum user-assigned job priority"),
	PK("MAX_JOB_REQUEUE", CT_INT, 0, INT_MAX, "2147483647", "", CTF_LISTED,
	    "The maximum number of times a job is requeued by its exit value"),
	PK("JOB_PRIORITY_OVER_TIME", CT_RAW, 0, 0, "", "", CTF_LISTED,
	    "Automatic job priority escalation"),
	PK("JOB_DEP_LAST_SUB", CT_RAW, 0, 0, "0", "", CTF_LISTED,
	    "Whether a dependency on a job name refers to the last job submitted"),
	PK("JOB_SPOOL_DIR", CT_RAW, 0, 0, "", "", CTF_LISTED, "The directory for the job spool"),
	PK("RESOURCE_RESERVE_PER_TASK", CT_STR, 0, 0, "N", "", CTF_LISTED,
	    "Whether rusage resources are reserved per task"),
	PK("RESOURCE_RESERVE_PER_SLOT", CT_RAW, 0, 0, "N", "", CTF_LISTED,
	    "Whether rusage resources are reserved per slot"),
	PK("DEFAULT_BWAIT_TIMEOUT", CT_RAW, 0, 0, "525600", "minutes", CTF_LISTED,
	    "The default timeout of bwait"),
	PK("ORPHAN_JOB_TERM_GRACE_PERIOD", CT_RAW, 0, 0, "0", "seconds", CTF_LISTED,
	    "The grace period before an orphaned dependent job is terminated"),
	/* Pumice's lsb.params keys and LSF's it acts on that bparams lists
	 * only when the file sets them */
	PL("PUMICE_HISTORY_DAYS", 0, 36500, "7", "days", 0,
	    "The number of days finished jobs are kept in the state database",
	    history_days),
	PK("HIST_HOURS", CT_STR, 0, 0, "5", "hours", 0,
	    "The decay time of fairshare usage"),
	PL("ACCT_ARCHIVE_SIZE", 0, LONG_MAX, "0", "KB", 0,
	    "The size past which lsb.acct is rotated", acct_archive_size),
	PL("MAX_ACCT_ARCHIVE_FILE", 0, 100000, "0", "", 0,
	    "The number of rotated lsb.acct files kept", max_acct_archive_file),
	/* lsb.queues */
	K(Q, "QUEUE_NAME", CT_STR, 0, 0, "", 1, "the queue's name"),
	K(Q, "PRIORITY", CT_INT, 0, INT_MAX, "1", 1, "higher is served first"),
	K(Q, "DESCRIPTION", CT_STR, 0, 0, "", 1, "shown by bqueues -l"),
	K(Q, "QJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots of the queue"),
	K(Q, "UJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots per user"),
	K(Q, "PJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots per processor"),
	K(Q, "HJOB_LIMIT", CT_INT, 0, INT_MAX, "", 1, "job slots per host"),
	K(Q, "USERS", CT_WORDS, 0, 0, "all", 1, "who may submit"),
	K(Q, "HOSTS", CT_WORDS, 0, 0, "all", 1, "where jobs run"),
	K(Q, "RUNLIMIT", CT_STR, 0, 0, "", 1, "run limit, minutes"),
	K(Q, "MEMLIMIT", CT_STR, 0, 0, "", 1, "memory limit"),
	K(Q, "PRE_EXEC", CT_STR, 0, 0, "", 1, "command before each job"),
	K(Q, "POST_EXEC", CT_STR, 0, 0, "", 1, "command after each job"),
	K(Q, "RES_REQ", CT_STR, 0, 0, "", 1, "resource requirement"),
	K(Q, "EXCLUSIVE", CT_STR, 0, 0, "N", 1, "bsub -x allowed"),
	K(Q, "REQUEUE_EXIT_VALUES", CT_STR, 0, 0, "", 1, "exit values that requeue"),
	K(Q, "RERUNNABLE", CT_STR, 0, 0, "N", 1, "jobs rerun after host loss"),
	K(Q, "FAIRSHARE", CT_STR, 0, 0, "", 1, "fairshare policy"),
	K(Q, "INTERACTIVE", CT_STR, 0, 0, "YES", 1, "YES, NO or ONLY: interactive jobs"),
	RAW(Q, "NICE"), RAW(Q, "ADMINISTRATORS"), RAW(Q, "CPULIMIT"), RAW(Q, "PROCLIMIT"),
	RAW(Q, "TASKLIMIT"), RAW(Q, "SWAPLIMIT"), RAW(Q, "PROCESSLIMIT"), RAW(Q, "FILELIMIT"),
	RAW(Q, "DATALIMIT"), RAW(Q, "STACKLIMIT"), RAW(Q, "CORELIMIT"),
	RAW(Q, "RUN_WINDOW"), RAW(Q, "DISPATCH_WINDOW"), RAW(Q, "JOB_STARTER"),
	RAW(Q, "JOB_CONTROLS"), RAW(Q, "TERMINATE_WHEN"), RAW(Q, "NEW_JOB_SCHED_DELAY"),
	RAW(Q, "JOB_ACCEPT_INTERVAL"), RAW(Q, "CHKPNT"), RAW(Q, "PREEMPTION"),
	RAW(Q, "RESUME_COND"), RAW(Q, "STOP_COND"), RAW(Q, "BACKFILL"), RAW(Q, "CHUNK_JOB_SIZE"),
	RAW(Q, "SLOT_POOL"), RAW(Q, "SLOT_SHARE"), RAW(Q, "MAX_JOB_REQUEUE"),
	RAW(Q, "MAX_PREEXEC_RETRY"), RAW(Q, "IGNORE_DEADLINE"), RAW(Q, "DEFAULT_HOST_SPEC"),
	RAW(Q, "HOSTLIMIT_PER_JOB"), RAW(Q, "JOB_IDLE"),
	K(Q, "r15s", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "r1m", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "r15m", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "ut", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "pg", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "io", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "ls", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "it", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "tmp", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "swp", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
	K(Q, "mem", CT_LOADIDX, 0, 0, "", 1, "load threshold"),
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

long *
conftab_live_long(const struct conftab_key *k, struct conf *c)
{
	return k->live == CV_LONG ? (long *)((char *)c + k->off) : NULL;
}

char *
conftab_live_value(const struct conftab_key *k, const struct conf *c)
{
	const char *p = (const char *)c + k->off;
	const char *s;

	switch (k->live) {
	case CV_LONG:
		return xasprintf("%ld", *(const long *)p);
	case CV_STR:
		s = *(const char *const *)p;
		return s != NULL ? xstrdup(s) : NULL;
	default:
		return NULL;
	}
}
