/*
 * bsubenv.c - the environment a job takes from its submitter (SUBMIT.env),
 * shaped by bsub -env: "all" (the default), "none", or a comma list of
 * "all", "~VAR" (leave out), "VAR" (take) and "VAR=value" (set). Variables
 * that describe a job (LSB_JOBID, LSB_HOSTS, ...) are never copied: the
 * execution side sets them, and a bsub run inside a job must not leak its
 * parent's values into the child.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "util.h"

static const char *const bsubenv_drop[] = {
	"LSB_JOBID", "LSB_JOBNAME", "LSB_HOSTS", "LSB_QUEUE", "LSB_JOBINDEX",
	"LSB_JOBINDEX_STEP", "LSB_JOBINDEX_END", "LSB_BATCH_JID",
	"LSB_MCPU_HOSTS", "LSB_DJOB_NUMPROC", "LSB_DJOB_HOSTFILE",
	"LSB_DJOB_RANKFILE", "LSB_MAX_NUM_PROCESSORS", "LSB_OUTPUTFILE",
	"LSB_ERRORFILE", "LSB_JOBFILENAME", "LSB_CHKFILENAME", "LS_SUBCWD",
	"LSB_SUBCWD", "LS_JOBPID", "LSB_JOBEXIT_STAT", "LSB_EFFECTIVE_RSRCREQ",
	"LSB_EXIT_PRE_ABORT", "LSB_EXIT_REQUEUE", "LSB_RESTART",
};

static int
bsubenv_dropped(const char *name)
{
	size_t i;

	if (strncmp(name, "LSB_SUB_", 8) == 0)
		return 1;
	for (i = 0; i < nitems(bsubenv_drop); i++)
		if (strcmp(name, bsubenv_drop[i]) == 0)
			return 1;
	return 0;
}

/* Sets NAME=value from one "NAME=value" string (invalid UTF-8 skipped). */
static void
bsubenv_put(json_t *env, const char *kv, int check_drop)
{
	const char *eq = strchr(kv, '=');
	char *name;
	json_t *v;

	if (eq == NULL || eq == kv)
		return;
	name = xstrndup(kv, (size_t)(eq - kv));
	if (!check_drop || !bsubenv_dropped(name)) {
		if ((v = json_string(eq + 1)) != NULL && json_object_set_new(env, name, v) == 0)
			;
		else	/* JSON carries UTF-8 only: say so rather than drop it unseen */
			fprintf(stderr, "bsub: environment variable %.*s is not valid UTF-8 "
			    "text; not passed to the job\n", (int)strcspn(kv, "="), kv);
	}
	free(name);
}

static void
bsubenv_all(json_t *env, char **environ_)
{
	for (; environ_ != NULL && *environ_ != NULL; environ_++)
		bsubenv_put(env, *environ_, 1);
}

/* Takes VAR from environ_ into env. */
static void
bsubenv_take(json_t *env, char **environ_, const char *var)
{
	size_t n = strlen(var);

	for (; environ_ != NULL && *environ_ != NULL; environ_++)
		if (strncmp(*environ_, var, n) == 0 && (*environ_)[n] == '=')
			bsubenv_put(env, *environ_, 0);
}

static char *
bsubenv_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Applies one list item; -1 on an empty or malformed item. */
static int
bsubenv_item(json_t *env, char **environ_, char *item)
{
	item = bsubenv_trim(item);
	if (*item == '\0')
		return -1;
	if (strcasecmp(item, "all") == 0)
		return 0;		/* already applied first */
	if (item[0] == '~') {
		json_object_del(env, bsubenv_trim(item + 1));
		return 0;
	}
	if (strchr(item, '=') != NULL)
		bsubenv_put(env, item, 0);
	else
		bsubenv_take(env, environ_, item);
	return 0;
}

json_t *
bsubenv_build(const char *spec, char **environ_, char *err, size_t errlen)
{
	json_t *env = json_object();
	char *copy, *item, *save = NULL;
	int all = 0;

	if (spec == NULL || strcasecmp(spec, "all") == 0) {
		bsubenv_all(env, environ_);
		return env;
	}
	if (strcasecmp(spec, "none") == 0)
		return env;
	copy = xstrdup(spec);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
		if (strcasecmp(bsubenv_trim(item), "all") == 0)
			all = 1;
	free(copy);
	if (all)
		bsubenv_all(env, environ_);
	copy = xstrdup(spec);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (bsubenv_item(env, environ_, item) < 0) {
			free(copy);
			json_decref(env);
			errf(err, errlen, "%s: Bad argument for option -env", spec);
			return NULL;
		}
	}
	free(copy);
	return env;
}
