/*
 * jobspec.h - the JOBSPEC of proto.h: the one parser (jobspec_parse, and
 * jobspec_load for a spooled job.json), used by the agent for the master's
 * run order and the spool, and by the shepherd; and the one builder of the
 * spooled spec (jobspec_build: the master's spec plus what only the node
 * knows). Strings are borrowed from the json_t the spec was parsed from,
 * which must outlive the struct.
 */
#ifndef PUMICE_JOBSPEC_H
#define PUMICE_JOBSPEC_H

#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#define JOBSPEC_GRACE_DEFAULT 10	/* s: runlimit_grace unless PUMICE_RUNLIMIT_GRACE */

struct jobspec {
	long long id, idx, idx_end, idx_step;
	const char *name, *user, *queue, *cmd, *cwd, *subcwd, *subhost;
	const char *out, *err;	/* NULL: none */
	int out_trunc, err_trunc, script;
	uid_t uid;
	gid_t gid;
	int nslots;
	long long attempt;	/* dispatch number, 1 first (0: not sent) */
	const json_t *env;	/* object or NULL */
	const json_t *hosts;	/* array or NULL */
	/* limits and extras (0/NULL: none); see proto.h */
	long long mem_limit, run_limit;		/* KB, seconds */
	long long runlimit_grace, preexec_retry;	/* seconds, set by the agent */
	const char *pre_exec, *post_exec, *queue_pre_exec, *queue_post_exec;
	const char *stdin_file, *login_shell, *exec_host;
	const char *project, *job_group;	/* for %P, %JG */
	int umask;		/* -1: keep the shepherd's */
	int mem_watch;		/* memory limit by RSS even where cgroups work */
	const json_t *rlimits;	/* object or NULL */
	const json_t *cpus;	/* array of cpu numbers or NULL */
	const json_t *slots;	/* array of slot numbers here or NULL */
	long long submit_time;	/* seconds since the epoch, 0: unknown */
	/* the spool's "pumice" object (lsf.conf); 0: the shepherd's default */
	long long nfs_spool_max, nfs_timeout, nfs_deadline;	/* bytes, s, s */
	/* bsub -I and its kin (proto.h "interactive"): the job's stdio is the
	 * agent's relay (pipes, or a pseudo-terminal of tty_rows x tty_cols) */
	int interactive;	/* JOBSPEC_IO_* */
	long long tty_rows, tty_cols;	/* 0: unknown */
	/* blaunch: "task" > 0 in a task's spec (its number in the job);
	 * "token" the job's proof for blaunch (PUMICE_JOB_TOKEN) */
	long long task;
	const char *token;
};

enum { JOBSPEC_IO_NONE = 0, JOBSPEC_IO_PIPE, JOBSPEC_IO_PTY };

/* What the agent adds to the master's spec before spooling it (proto.h). */
struct jobspec_local {
	const char *exec_host;
	long long runlimit_grace, preexec_retry;	/* seconds */
	int mem_watch;
	int nslots, ncpus;
	int *slots, *cpus;	/* nslots slot numbers, ncpus cpu numbers */
	long long nfs_spool_max, nfs_timeout, nfs_deadline;	/* 0: not set */
	const char *out_default;	/* out when the job has none, or NULL */
};

/* Checks types and required fields (id, uid, gid, user, cmd). */
int jobspec_parse(const json_t *j, struct jobspec *js, char *err, size_t errlen);
/*
 * Reads and parses a spooled job.json: the json_t the strings of js live
 * in (json_decref when done), or NULL with err.
 */
json_t *jobspec_load(const char *path, struct jobspec *js, char *err, size_t errlen);
/* The spec to spool: a copy of the master's spec with l's fields added. */
json_t *jobspec_build(const json_t *spec, const struct jobspec_local *l);
/*
 * The file name patterns of -cwd, -o, -e, -i, -outdir, malloc'd: %J (id),
 * %I (index, 0 outside arrays), %EJ and %EI (the same: one cluster), %U
 * (user), %G (the user's group name), %P (project), %H (first execution
 * host), %JG (job group, -g). Anything else after % stays as it is.
 */
char *jobspec_subst(const struct jobspec *js, const char *tmpl);
/* The directory the job is to start in (-cwd, patterns replaced, else the
 * submission directory, else /tmp), absolute when the submission directory
 * is; malloc'd. */
char *jobspec_cwd(const struct jobspec *js);
/* The absolute path of its -o file when it ran in cwd (NULL: jobspec_cwd),
 * malloc'd; NULL when it has none or writes to nfs://. */
char *jobspec_out_path(const struct jobspec *js, const char *cwd);

#endif
