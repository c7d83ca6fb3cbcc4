/*
 * jobspec.c - JOBSPEC parsing (see jobspec.h). Wrong types are errors;
 * unknown keys are tolerated, since the master may send more than this
 * agent version uses.
 */
#include <grp.h>
#include <stdio.h>
#include <string.h>

#include "jobspec.h"
#include "nfsurl.h"
#include "util.h"

static int
jobspec_int(const json_t *j, const char *key, int required, long long def,
    long long *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(j, key);

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return required ? errf(err, errlen, "job spec lacks \"%s\"", key) : 0;
	}
	if (!json_is_integer(v))
		return errf(err, errlen, "job spec: \"%s\" is not an integer", key);
	*out = json_integer_value(v);
	return 0;
}

static int
jobspec_str(const json_t *j, const char *key, int required, const char **out,
    char *err, size_t errlen)
{
	const json_t *v = json_object_get(j, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return required ? errf(err, errlen, "job spec lacks \"%s\"", key) : 0;
	if (!json_is_string(v))
		return errf(err, errlen, "job spec: \"%s\" is not a string", key);
	*out = json_string_value(v);
	return 0;
}

static int
jobspec_bool(const json_t *j, const char *key, int *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(j, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return errf(err, errlen, "job spec: \"%s\" is not a boolean", key);
	*out = json_is_true(v);
	return 0;
}

static int
jobspec_strings(const json_t *j, struct jobspec *js, char *err, size_t errlen)
{
	if (jobspec_str(j, "user", 1, &js->user, err, errlen) < 0 ||
	    jobspec_str(j, "cmd", 1, &js->cmd, err, errlen) < 0 ||
	    jobspec_str(j, "name", 0, &js->name, err, errlen) < 0 ||
	    jobspec_str(j, "queue", 0, &js->queue, err, errlen) < 0 ||
	    jobspec_str(j, "cwd", 0, &js->cwd, err, errlen) < 0 ||
	    jobspec_str(j, "subcwd", 0, &js->subcwd, err, errlen) < 0 ||
	    jobspec_str(j, "subhost", 0, &js->subhost, err, errlen) < 0 ||
	    jobspec_str(j, "out", 0, &js->out, err, errlen) < 0 ||
	    jobspec_str(j, "err", 0, &js->err, err, errlen) < 0 ||
	    jobspec_str(j, "token", 0, &js->token, err, errlen) < 0 ||
	    jobspec_int(j, "task", 0, 0, &js->task, err, errlen) < 0)
		return -1;
	return 0;
}

/* The limit and pre/post exec fields of proto.h's JOBSPEC. */
static int
jobspec_extras(const json_t *j, struct jobspec *js, char *err, size_t errlen)
{
	long long um = -1;

	if (jobspec_int(j, "mem_limit", 0, 0, &js->mem_limit, err, errlen) < 0 ||
	    jobspec_int(j, "run_limit", 0, 0, &js->run_limit, err, errlen) < 0 ||
	    jobspec_int(j, "runlimit_grace", 0, 0, &js->runlimit_grace, err, errlen) < 0 ||
	    jobspec_int(j, "preexec_retry", 0, 0, &js->preexec_retry, err, errlen) < 0 ||
	    jobspec_int(j, "umask", 0, -1, &um, err, errlen) < 0 ||
	    jobspec_str(j, "pre_exec", 0, &js->pre_exec, err, errlen) < 0 ||
	    jobspec_str(j, "post_exec", 0, &js->post_exec, err, errlen) < 0 ||
	    jobspec_str(j, "queue_pre_exec", 0, &js->queue_pre_exec, err, errlen) < 0 ||
	    jobspec_str(j, "queue_post_exec", 0, &js->queue_post_exec, err, errlen) < 0 ||
	    jobspec_str(j, "stdin", 0, &js->stdin_file, err, errlen) < 0 ||
	    jobspec_str(j, "login_shell", 0, &js->login_shell, err, errlen) < 0 ||
	    jobspec_str(j, "exec_host", 0, &js->exec_host, err, errlen) < 0 ||
	    jobspec_str(j, "project", 0, &js->project, err, errlen) < 0 ||
	    jobspec_str(j, "job_group", 0, &js->job_group, err, errlen) < 0)
		return -1;
	js->umask = um >= 0 && um <= 0777 ? (int)um : -1;
	if (jobspec_bool(j, "mem_watch", &js->mem_watch, err, errlen) < 0)
		return -1;
	js->rlimits = json_object_get(j, "rlimits");
	if (js->rlimits != NULL && !json_is_object(js->rlimits))
		return errf(err, errlen, "job spec: \"rlimits\" is not an object");
	js->cpus = json_object_get(j, "cpus");
	if (js->cpus != NULL && !json_is_array(js->cpus))
		return errf(err, errlen, "job spec: \"cpus\" is not an array");
	js->slots = json_object_get(j, "slots");
	if (js->slots != NULL && !json_is_array(js->slots))
		return errf(err, errlen, "job spec: \"slots\" is not an array");
	return jobspec_int(j, "submit_time", 0, 0, &js->submit_time, err, errlen);
}

/* "interactive": "pipe" | "pty", and the pty's first size "tty": {rows, cols}. */
static int
jobspec_interactive(const json_t *j, struct jobspec *js, char *err, size_t errlen)
{
	const json_t *tty = json_object_get(j, "tty");
	const char *mode = NULL;

	if (jobspec_str(j, "interactive", 0, &mode, err, errlen) < 0)
		return -1;
	if (mode == NULL)
		js->interactive = JOBSPEC_IO_NONE;
	else if (strcmp(mode, "pipe") == 0)
		js->interactive = JOBSPEC_IO_PIPE;
	else if (strcmp(mode, "pty") == 0)
		js->interactive = JOBSPEC_IO_PTY;
	else
		return errf(err, errlen, "job spec: \"interactive\" is \"%s\", not pipe or pty",
		    mode);
	if (tty == NULL || json_is_null(tty))
		return 0;
	if (!json_is_object(tty))
		return errf(err, errlen, "job spec: \"tty\" is not an object");
	if (jobspec_int(tty, "rows", 0, 0, &js->tty_rows, err, errlen) < 0 ||
	    jobspec_int(tty, "cols", 0, 0, &js->tty_cols, err, errlen) < 0)
		return -1;
	return 0;
}

/* The agent's lsf.conf output settings: "pumice":{nfs_spool_max, ...}. */
static int
jobspec_pumice(const json_t *j, struct jobspec *js, char *err, size_t errlen)
{
	const json_t *p = json_object_get(j, "pumice");

	if (p == NULL || json_is_null(p))
		return 0;
	if (!json_is_object(p))
		return errf(err, errlen, "job spec: \"pumice\" is not an object");
	if (jobspec_int(p, "nfs_spool_max", 0, 0, &js->nfs_spool_max, err, errlen) < 0 ||
	    jobspec_int(p, "nfs_timeout", 0, 0, &js->nfs_timeout, err, errlen) < 0 ||
	    jobspec_int(p, "nfs_deadline", 0, 0, &js->nfs_deadline, err, errlen) < 0)
		return -1;
	return 0;
}

int
jobspec_parse(const json_t *j, struct jobspec *js, char *err, size_t errlen)
{
	long long uid = 0, gid = 0, nslots = 1;

	memset(js, 0, sizeof(*js));
	if (!json_is_object(j))
		return errf(err, errlen, "job spec is not an object");
	if (jobspec_int(j, "id", 1, 0, &js->id, err, errlen) < 0 ||
	    jobspec_int(j, "idx", 0, 0, &js->idx, err, errlen) < 0 ||
	    jobspec_int(j, "idx_end", 0, 0, &js->idx_end, err, errlen) < 0 ||
	    jobspec_int(j, "idx_step", 0, 1, &js->idx_step, err, errlen) < 0 ||
	    jobspec_int(j, "attempt", 0, 0, &js->attempt, err, errlen) < 0 ||
	    jobspec_int(j, "uid", 1, 0, &uid, err, errlen) < 0 ||
	    jobspec_int(j, "gid", 1, 0, &gid, err, errlen) < 0 ||
	    jobspec_int(j, "nslots", 0, 1, &nslots, err, errlen) < 0)
		return -1;
	if (js->id <= 0 || js->idx < 0)
		return errf(err, errlen, "job spec: bad id %lld[%lld]", js->id, js->idx);
	if (uid < 0 || gid < 0)
		return errf(err, errlen, "job spec: negative uid or gid");
	js->uid = (uid_t)uid;
	js->gid = (gid_t)gid;
	js->nslots = nslots > 0 ? (int)nslots : 1;
	if (jobspec_strings(j, js, err, errlen) < 0 ||
	    jobspec_bool(j, "out_trunc", &js->out_trunc, err, errlen) < 0 ||
	    jobspec_bool(j, "err_trunc", &js->err_trunc, err, errlen) < 0 ||
	    jobspec_bool(j, "script", &js->script, err, errlen) < 0)
		return -1;
	js->env = json_object_get(j, "env");
	if (js->env != NULL && !json_is_object(js->env))
		return errf(err, errlen, "job spec: \"env\" is not an object");
	js->hosts = json_object_get(j, "hosts");
	if (js->hosts != NULL && !json_is_array(js->hosts))
		return errf(err, errlen, "job spec: \"hosts\" is not an array");
	if (jobspec_extras(j, js, err, errlen) < 0 ||
	    jobspec_interactive(j, js, err, errlen) < 0)
		return -1;
	return jobspec_pumice(j, js, err, errlen);
}

json_t *
jobspec_load(const char *path, struct jobspec *js, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);

	if (j == NULL) {
		memset(js, 0, sizeof(*js));
		errf(err, errlen, "%s: %s", path, jerr.text);
		return NULL;
	}
	if (jobspec_parse(j, js, err, errlen) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *
jobspec_ints(const int *v, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

/* Only the keys that are set: an absent key is the shepherd's default. */
static json_t *
jobspec_pumice_obj(const struct jobspec_local *l)
{
	static const char *keys[] = { "nfs_spool_max", "nfs_timeout", "nfs_deadline" };
	long long v[] = { l->nfs_spool_max, l->nfs_timeout, l->nfs_deadline };
	json_t *p = json_object();
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		if (v[i] > 0)
			json_object_set_new(p, keys[i], json_integer(v[i]));
	return p;
}

json_t *
jobspec_build(const json_t *spec, const struct jobspec_local *l)
{
	json_t *s = json_deep_copy(spec);

	json_object_set_new(s, "pumice", jobspec_pumice_obj(l));
	if (l->out_default != NULL && !json_is_string(json_object_get(s, "out")))
		json_object_set_new(s, "out", json_string(l->out_default));
	json_object_set_new(s, "exec_host", json_string(l->exec_host));
	json_object_set_new(s, "runlimit_grace", json_integer(l->runlimit_grace));
	json_object_set_new(s, "preexec_retry", json_integer(l->preexec_retry));
	if (l->mem_watch)
		json_object_set_new(s, "mem_watch", json_true());
	json_object_set_new(s, "slots", jobspec_ints(l->slots, l->nslots));
	json_object_set_new(s, "cpus", jobspec_ints(l->cpus, l->ncpus));
	return s;
}

/* The first execution host: the first slot's, else this host. */
static const char *
jobspec_first_host(const struct jobspec *js)
{
	const char *h = js->hosts ? json_string_value(json_array_get(js->hosts, 0)) : NULL;

	return h ? h : js->exec_host ? js->exec_host : "";
}

/* The user's group name (%G), else its number. */
static void
jobspec_group(FILE *fp, const struct jobspec *js)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (getgrgid_r(js->gid, &gr, buf, sizeof(buf), &res) == 0 && res != NULL)
		fputs(res->gr_name, fp);
	else
		fprintf(fp, "%u", (unsigned)js->gid);
}

/* Writes the value of the pattern at p (after '%'); its length, 0 if none. */
static size_t
jobspec_pattern(FILE *fp, const struct jobspec *js, const char *p)
{
	if (strncmp(p, "JG", 2) == 0) {
		fputs(js->job_group ? js->job_group : "", fp);
		return 2;
	}
	if (strncmp(p, "EJ", 2) == 0 || p[0] == 'J') {
		fprintf(fp, "%lld", js->id);
		return p[0] == 'E' ? 2 : 1;
	}
	if (strncmp(p, "EI", 2) == 0 || p[0] == 'I') {
		fprintf(fp, "%lld", js->idx);
		return p[0] == 'E' ? 2 : 1;
	}
	if (p[0] == 'U')
		fputs(js->user ? js->user : "", fp);
	else if (p[0] == 'G')
		jobspec_group(fp, js);
	else if (p[0] == 'P')
		fputs(js->project ? js->project : "default", fp);
	else if (p[0] == 'H')
		fputs(jobspec_first_host(js), fp);
	else
		return 0;
	return 1;
}

char *
jobspec_subst(const struct jobspec *js, const char *tmpl)
{
	char *out = NULL;
	size_t len = 0, n;
	FILE *fp = open_memstream(&out, &len);
	const char *p;

	if (fp == NULL)
		return xstrdup(tmpl);
	for (p = tmpl; *p != '\0'; p++) {
		if (p[0] == '%' && (n = jobspec_pattern(fp, js, p + 1)) > 0)
			p += n;
		else
			fputc(*p, fp);
	}
	fclose(fp);
	return out;
}

char *
jobspec_cwd(const struct jobspec *js)
{
	char *c = js->cwd ? jobspec_subst(js, js->cwd) : xstrdup(js->subcwd ? js->subcwd : "/tmp");
	char *abs;

	if (c[0] == '/' || js->subcwd == NULL)
		return c;
	abs = xasprintf("%s/%s", js->subcwd, c);
	free(c);
	return abs;
}

char *
jobspec_out_path(const struct jobspec *js, const char *cwd)
{
	char *out, *dir, *abs;

	if (js->out == NULL || nfsurl_is(js->out))
		return NULL;
	out = jobspec_subst(js, js->out);
	if (out[0] == '/')
		return out;
	dir = cwd != NULL ? xstrdup(cwd) : jobspec_cwd(js);
	abs = xasprintf("%s/%s", dir, out);
	free(dir);
	free(out);
	return abs;
}
