/*
 * jobspec.h - the JOBSPEC of proto.h as C fields. Strings are borrowed from
 * the json_t the spec was parsed from, which must outlive the struct.
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
};

/* Checks types and required fields (id, uid, gid, user, cmd). */
int jobspec_parse(const json_t *j, struct jobspec *js, char *err, size_t errlen);
/*
 * The file name patterns of -cwd, -o, -e, -i, -outdir, malloc'd: %J (id),
 * %I (index, 0 outside arrays), %EJ and %EI (the same: one cluster), %U
 * (user), %G (the user's group name), %P (project), %H (first execution
 * host), %JG (job group, -g). Anything else after % stays as it is.
 */
char *jobspec_subst(const struct jobspec *js, const char *tmpl);

#endif
