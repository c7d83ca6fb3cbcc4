/*
 * conf.h - the cluster configuration as the programs use it, built from the
 * LSF layout: $LSF_ENVDIR/lsf.conf; lsf.shared and lsf.cluster.<name> in
 * LSF_CONFDIR; lsb.params, lsb.queues (lsb.hosts, lsb.users later) in
 * LSB_CONFDIR/<name>/configdir. Pumice's own keys live in lsf.conf and start
 * with PUMICE_. Unknown keys in lsf.conf are kept (tools read them); an
 * unknown key in a lsb.* section is an error naming file and line.
 */
#ifndef PUMICE_CONF_H
#define PUMICE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include "lsfconf.h"

#define CONF_UNLIMITED (-1)

struct conf_queue {
	char *name;
	int priority;		/* higher first; default 1 */
	char *description;
	int qjob_limit, ujob_limit, pjob_limit, hjob_limit;	/* -1 unlimited */
	char **users;		/* NULL = all */
	char **hosts;		/* NULL = all */
	int line;		/* where it was defined, for messages */
	struct cfg_kv *extra;	/* other LSF queue keys, raw (RUNLIMIT, ...) */
	size_t nextra;
};

struct conf {
	char *envdir;		/* LSF_ENVDIR (default /etc/pumice) */
	char *confdir;		/* LSF_CONFDIR (default envdir) */
	char *lsb_confdir;	/* LSB_CONFDIR (default confdir/lsbatch) */
	char *sharedir;		/* LSB_SHAREDIR (default /var/lib/pumice) */
	char *cluster;		/* first ClusterName in lsf.shared */
	char *master_host;	/* first of LSF_MASTER_LIST */
	char *master_addr;	/* PUMICE_MASTER_ADDR: where agents dial (default master_host) */
	int mbd_port;		/* LSB_MBD_PORT (default 6881) */
	char *key_file;		/* PUMICE_KEY_FILE (default envdir/cluster.key) */
	char *socket;		/* PUMICE_SOCKET: the local daemon's command socket */
	char *master_socket;	/* PUMICE_MASTER_SOCKET (default /run/pumice/master.sock) */
	char *statedir;		/* PUMICE_STATEDIR (default sharedir/<cluster>) */
	char *unit_for_limits;	/* LSF_UNIT_FOR_LIMITS (default MB) */
	bool job_memlimit;	/* LSB_JOB_MEMLIMIT=y: -M kills on the job's total only */
	bool memlimit_enforce;	/* LSB_MEMLIMIT_ENFORCE=y: -M kills on the total too */
	int heartbeat;		/* PUMICE_HEARTBEAT seconds (default 5) */
	long max_reply;		/* PUMICE_MAX_REPLY MB: largest reply frame (64, the protocol's) */
	long query_per_user;	/* PUMICE_QUERY_PER_USER: listing pages a user
				   may have queued at the master (4) */
	long auth_timeout;	/* PUMICE_AUTH_TIMEOUT s: an agent link's handshake (5) */
	long unauth_max;	/* PUMICE_UNAUTH_MAX: links not yet authenticated (512) */
	long unauth_per_host;	/* PUMICE_UNAUTH_PER_HOST: of those, from one address (128) */
	long dynamic_host_timeout;	/* LSF_DYNAMIC_HOST_TIMEOUT s: a dead dynamic
					   host is removed after it (0: never) */
	char **hosts_allow;	/* PUMICE_HOSTS_ALLOW: who else may register (hostallow.c) */
	size_t nhosts_allow;
	char **admins;		/* lsf.cluster ClusterAdmins Administrators */
	size_t nadmins;
	struct conf_queue *queues;
	size_t nqueues;
	char *default_queue;	/* lsb.params DEFAULT_QUEUE, first word */
	long clean_period;	/* CLEAN_PERIOD seconds (3600) */
	long history_days;	/* PUMICE_HISTORY_DAYS: finished jobs kept in sqlite (7) */
	long max_job_array_size;	/* MAX_JOB_ARRAY_SIZE (1000) */
	long max_jobid;		/* MAX_JOBID (999999) */
	long job_terminate_interval;	/* JOB_TERMINATE_INTERVAL (10) */
	long acct_archive_size;	/* ACCT_ARCHIVE_SIZE KB: rotate lsb.acct (0 never) */
	long max_acct_archive_file;	/* MAX_ACCT_ARCHIVE_FILE: lsb.acct.N kept (0 all) */
	struct cfg_file lsfconf;	/* every lsf.conf key, for showconf */
	struct cfg_file params;		/* lsb.params */
	struct schedconf *sched;	/* scheduler's part (schedconf.h), master only */
};

/*
 * Loads the configuration under envdir (NULL: $LSF_ENVDIR, else
 * /etc/pumice). Commands pass need_lsb = 0 (lsf.conf is enough for them).
 * Returns NULL with err "file:line: message".
 */
struct conf *conf_load(const char *envdir, int need_lsb, char *err, size_t errlen);
/* Only where the files are: lsf.conf's directories and the cluster name
 * (badmin ckconfig goes on to the other files when lsf.conf has errors). */
struct conf *conf_load_paths(const char *envdir, char *err, size_t errlen);
void conf_free(struct conf *c);
const struct conf_queue *conf_queue(const struct conf *c, const char *name);
int conf_is_admin(const struct conf *c, const char *user);

#endif
