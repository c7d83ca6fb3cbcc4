/*
 * jobenv.c - the job environment (see jobenv.h). The submitter's variables
 * come first, so that ours (LSB_JOBID, ...) always win over stale copies
 * the submitter may carry from an enclosing job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobenv.h"
#include "util.h"

#define JOBENV_HOSTS_MAX 4096	/* LSF leaves LSB_HOSTS unset past this */

static ssize_t
jobenv_find(const struct jobenv *e, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < e->n; i++)
		if (strncmp(e->v[i], key, n) == 0 && e->v[i][n] == '=')
			return (ssize_t)i;
	return -1;
}

void
jobenv_set(struct jobenv *e, const char *key, const char *value)
{
	ssize_t i = jobenv_find(e, key);
	char *kv = xasprintf("%s=%s", key, value);

	if (i >= 0) {
		free(e->v[i]);
		e->v[i] = kv;
		return;
	}
	if (e->n + 2 > e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
	}
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
}

const char *
jobenv_get(const struct jobenv *e, const char *key)
{
	ssize_t i = jobenv_find(e, key);

	return i < 0 ? NULL : strchr(e->v[i], '=') + 1;
}

static void
jobenv_setll(struct jobenv *e, const char *key, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	jobenv_set(e, key, buf);
}

/* LSB_HOSTS (one name per slot) and LSB_MCPU_HOSTS ("h 2 h2 1"). */
static void
jobenv_hosts(struct jobenv *e, const struct jobspec *js)
{
	char *hosts = NULL, *mcpu = NULL;
	size_t hlen = 0, mlen = 0, i, j, n;
	FILE *hf = open_memstream(&hosts, &hlen), *mf = open_memstream(&mcpu, &mlen);
	const char *h;
	int count;

	n = js->hosts ? json_array_size(js->hosts) : 0;
	for (i = 0; i < n; i++) {
		h = json_string_value(json_array_get(js->hosts, i));
		if (h == NULL)
			continue;
		fprintf(hf, "%s%s", ftell(hf) ? " " : "", h);
		for (j = 0; j < i; j++)	/* counted already */
			if (json_equal(json_array_get(js->hosts, j), json_array_get(js->hosts, i)))
				break;
		if (j < i)
			continue;
		for (count = 0, j = i; j < n; j++)
			if (json_equal(json_array_get(js->hosts, j), json_array_get(js->hosts, i)))
				count++;
		fprintf(mf, "%s%s %d", ftell(mf) ? " " : "", h, count);
	}
	fclose(hf);
	fclose(mf);
	if (hlen > 0 && hlen <= JOBENV_HOSTS_MAX)
		jobenv_set(e, "LSB_HOSTS", hosts);
	if (mlen > 0)
		jobenv_set(e, "LSB_MCPU_HOSTS", mcpu);
	jobenv_setll(e, "LSB_DJOB_NUMPROC", n > 0 ? (long long)n : js->nslots);
	jobenv_setll(e, "LSB_MAX_NUM_PROCESSORS", n > 0 ? (long long)n : js->nslots);
	free(hosts);
	free(mcpu);
}

static void
jobenv_ids(struct jobenv *e, const struct jobspec *js)
{
	char buf[64];

	jobenv_setll(e, "LSB_JOBID", js->id);
	jobenv_setll(e, "LSB_JOBINDEX", js->idx);
	if (js->idx > 0) {
		jobenv_setll(e, "LSB_JOBINDEX_END", js->idx_end > 0 ? js->idx_end : js->idx);
		jobenv_setll(e, "LSB_JOBINDEX_STEP", js->idx_step > 0 ? js->idx_step : 1);
		snprintf(buf, sizeof(buf), "%lld[%lld]", js->id, js->idx);
	} else
		snprintf(buf, sizeof(buf), "%lld", js->id);
	jobenv_set(e, "LSB_BATCH_JID", buf);
	if (js->attempt > 0)	/* the master's dispatch number, 1 first */
		jobenv_setll(e, "PUMICE_ATTEMPT", js->attempt);
	if (js->attempt > 1)	/* a rerun: requeued, or its host was lost */
		jobenv_set(e, "LSB_RESTART", "Y");
	if (js->token != NULL)	/* what blaunch shows the master (blaunch.c) */
		jobenv_set(e, "PUMICE_JOB_TOKEN", js->token);
	if (js->task > 0) {	/* a blaunch task: which one, and where */
		jobenv_setll(e, "PUMICE_TASK_ID", js->task);
		if (js->exec_host != NULL)
			jobenv_set(e, "PUMICE_TASK_HOST", js->exec_host);
	}
}

/* Output names as the job sees them, %J/%I already substituted. */
static void
jobenv_files(struct jobenv *e, const struct jobspec *js)
{
	char *s;

	if (js->out != NULL) {
		s = jobspec_subst(js, js->out);
		jobenv_set(e, "LSB_OUTPUTFILE", s);
		free(s);
	}
	if (js->err != NULL) {
		s = jobspec_subst(js, js->err);
		jobenv_set(e, "LSB_ERRORFILE", s);
		free(s);
	}
}

void
jobenv_build(struct jobenv *e, const struct jobspec *js,
    const struct passwd *pw, const char *jobfile)
{
	const char *k;
	json_t *v;

	memset(e, 0, sizeof(*e));
	if (js->env != NULL)
		json_object_foreach((json_t *)js->env, k, v)
			if (json_is_string(v) && k[0] != '\0' && strchr(k, '=') == NULL)
				jobenv_set(e, k, json_string_value(v));
	jobenv_ids(e, js);
	jobenv_set(e, "LSB_JOBNAME", js->name ? js->name : js->cmd);
	if (js->queue != NULL)
		jobenv_set(e, "LSB_QUEUE", js->queue);
	jobenv_hosts(e, js);
	if (js->subcwd != NULL) {
		jobenv_set(e, "LS_SUBCWD", js->subcwd);
		jobenv_set(e, "LSB_SUBCWD", js->subcwd);
	}
	if (js->subhost != NULL)
		jobenv_set(e, "LSB_SUB_HOST", js->subhost);
	jobenv_files(e, js);
	if (jobfile != NULL)
		jobenv_set(e, "LSB_JOBFILENAME", jobfile);
	jobenv_set(e, "LSFUSER", js->user);
	jobenv_set(e, "LSB_JOB_EXECUSER", pw ? pw->pw_name : js->user);
	/* always ours, even under -env none: LSF overwrites the submitter's */
	jobenv_set(e, "USER", pw ? pw->pw_name : js->user);
	jobenv_set(e, "LOGNAME", pw ? pw->pw_name : js->user);
	if (pw != NULL)
		jobenv_set(e, "HOME", pw->pw_dir);
	if (pw != NULL && jobenv_get(e, "SHELL") == NULL && pw->pw_shell != NULL &&
	    pw->pw_shell[0] != '\0')
		jobenv_set(e, "SHELL", pw->pw_shell);
	if (jobenv_get(e, "PATH") == NULL)
		jobenv_set(e, "PATH", "/usr/local/bin:/usr/bin:/bin");
}

void
jobenv_free(struct jobenv *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	memset(e, 0, sizeof(*e));
}
