/*
 * blaunch.c - LSF's blaunch, run inside a job: starts a task on each host
 * named (-z, -u, one host operand, else every slot of the job's
 * allocation, LSB_MCPU_HOSTS) through those hosts' agents (op "blaunch",
 * daemons/master/blaunch.c), relays each task's stdout and stderr to its
 * own, and exits 0 when every task did, else with the first non-zero exit
 * code of a task (in the order they ended). Each task's relay is a child
 * process running bsub -I's loop (bsubio_relay) on its own connection.
 * The job proves itself with PUMICE_JOB_TOKEN, which its shepherd set.
 */
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "util.h"

enum { BL_Z, BL_N, BL_U, BL_ENV, BL_NOSHELL, BL_FE };

static const struct opt blaunch_opts[] = {
	{ "z", BL_Z, OPT_VALUE, NULL }, { "n", BL_N, 0, NULL },
	{ "u", BL_U, OPT_VALUE, NULL }, { "use-env", BL_ENV, OPT_VALUE, NULL },
	{ "no-shell", BL_NOSHELL, 0, NULL },
	{ "fe", BL_FE, OPT_REFUSED, "task resource usage files are not kept" },
};

struct blaunch {
	long id, idx;
	const char *token;
	char **hosts;		/* where the tasks go, one each */
	size_t nhosts;
	char **alloc;		/* the job's hosts, one per slot */
	size_t nalloc;
	bool no_stdin;
	const char *env_file;
	char *cmd;
	long *tids;		/* the started tasks' numbers */
	pid_t *relays;		/* their relays' pids */
};

static volatile sig_atomic_t blaunch_sig;

static void
blaunch_usage(void)
{
	fprintf(stderr, "Usage: blaunch [-n] [-u host_file | -z \"host ...\" | host] "
	    "[-use-env env_file] command [argument ...]\n");
}

static void
blaunch_add(char ***v, size_t *n, const char *word)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(word);
}

/* The words of text (blanks and newlines between them) appended to v. */
static void
blaunch_words(char ***v, size_t *n, const char *text)
{
	char *copy = xstrdup(text), *save = NULL, *w;

	for (w = strtok_r(copy, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save))
		blaunch_add(v, n, w);
	free(copy);
}

/* The job's slots: LSB_MCPU_HOSTS ("hA 2 hB 1"), else LSB_HOSTS. */
static void
blaunch_alloc(struct blaunch *b)
{
	const char *mcpu = getenv("LSB_MCPU_HOSTS"), *hosts = getenv("LSB_HOSTS");
	char **w = NULL;
	size_t n = 0, i;
	long k, c;

	if (mcpu == NULL) {
		if (hosts != NULL)
			blaunch_words(&b->alloc, &b->nalloc, hosts);
		return;
	}
	blaunch_words(&w, &n, mcpu);
	for (i = 0; i + 1 < n; i += 2)
		for (c = strtol(w[i + 1], NULL, 10), k = 0; k < c; k++)
			blaunch_add(&b->alloc, &b->nalloc, w[i]);
	for (i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

static bool
blaunch_in_alloc(const struct blaunch *b, const char *host)
{
	size_t i;

	for (i = 0; i < b->nalloc; i++)
		if (strcmp(b->alloc[i], host) == 0)
			return true;
	return false;
}

static int
blaunch_host_file(struct blaunch *b, const char *path)
{
	size_t len;
	char *text = file_read_all(path, &len);

	if (text == NULL) {
		fprintf(stderr, "blaunch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	blaunch_words(&b->hosts, &b->nhosts, text);
	free(text);
	return 0;
}

/* The job this runs in, and its token; -1 (said) outside a job. */
static int
blaunch_job(struct blaunch *b)
{
	const char *id = getenv("LSB_JOBID"), *idx = getenv("LSB_JOBINDEX");

	b->token = getenv("PUMICE_JOB_TOKEN");
	if (id == NULL || (b->id = strtol(id, NULL, 10)) <= 0 || b->token == NULL) {
		fprintf(stderr, "blaunch: not inside a batch job (%s is not set); "
		    "blaunch starts tasks of a running job\n",
		    id == NULL ? "LSB_JOBID" : "PUMICE_JOB_TOKEN");
		return -1;
	}
	b->idx = idx != NULL ? strtol(idx, NULL, 10) : 0;
	blaunch_alloc(b);
	return 0;
}

/* "export K='v'; " for each K=v line of the -use-env file, then argv. */
static int
blaunch_cmd(struct blaunch *b, int argc, char **argv)
{
	char *text = NULL, *line, *save = NULL, *eq, *p;
	size_t len = 0, n, i;
	FILE *f = open_memstream(&text, &len);
	char *env = b->env_file != NULL ? file_read_all(b->env_file, &n) : NULL;

	if (b->env_file != NULL && env == NULL) {
		fclose(f);
		free(text);
		fprintf(stderr, "blaunch: %s: %s\n", b->env_file, strerror(errno));
		return -1;
	}
	for (line = env ? strtok_r(env, "\n", &save) : NULL; line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(line, '=')) == NULL || eq == line || line[0] == '#')
			continue;
		fprintf(f, "export %.*s='", (int)(eq - line), line);
		for (p = eq + 1; *p != '\0'; p++)
			if (*p == '\'')
				fputs("'\\''", f);
			else
				fputc(*p, f);
		fputs("'; ", f);
	}
	/* the words joined with blanks, as rsh and ssh run a command */
	for (i = 0; i < (size_t)argc; i++)
		fprintf(f, "%s%s", i > 0 ? " " : "", argv[i]);
	fclose(f);
	free(env);
	b->cmd = text;
	return 0;
}

/* Where the tasks go: -z, -u, a host operand, else every slot. */
static int
blaunch_targets(struct blaunch *b, int *argc, char ***argv)
{
	size_t i;

	if (b->nhosts == 0 && *argc >= 2 && blaunch_in_alloc(b, (*argv)[0])) {
		blaunch_add(&b->hosts, &b->nhosts, (*argv)[0]);	/* rsh's form */
		(*argc)--;
		(*argv)++;
	}
	if (b->nhosts == 0)
		for (i = 0; i < b->nalloc; i++)
			blaunch_add(&b->hosts, &b->nhosts, b->alloc[i]);
	if (b->nhosts == 0) {
		fprintf(stderr, "blaunch: no host to run on (LSB_MCPU_HOSTS is not set)\n");
		return -1;
	}
	for (i = 0; i < b->nhosts; i++)
		if (b->nalloc > 0 && !blaunch_in_alloc(b, b->hosts[i])) {
			fprintf(stderr, "blaunch: Host <%s> is not in the allocation of job "
			    "<%ld>\n", b->hosts[i], b->id);
			return -1;
		}
	return 0;
}

static json_t *
blaunch_names(const struct blaunch *b, size_t i)
{
	return json_pack("{s:I, s:I, s:s, s:s}", "idx", (json_int_t)b->idx,
	    "task", (json_int_t)b->tids[i], "host", b->hosts[i], "token", b->token);
}

/* Kills the tasks started so far (a later start failed). */
static void
blaunch_kill_started(struct blaunch *b, struct client *c, size_t n)
{
	json_t *args, *data;
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		args = blaunch_names(b, i);
		json_object_set_new(args, "id", json_integer(b->id));
		json_object_set_new(args, "kill", json_true());
		if (client_request(c, "io", args, &data, err, sizeof(err)) == CLIENT_OK)
			json_decref(data);
		json_decref(args);
	}
}

static int
blaunch_start(struct blaunch *b, struct client *c)
{
	json_t *args, *data;
	char err[1024];
	size_t i;
	int rc;

	b->tids = xcalloc(b->nhosts, sizeof(*b->tids));
	for (i = 0; i < b->nhosts; i++) {
		args = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)b->id,
		    "idx", (json_int_t)b->idx, "host", b->hosts[i], "cmd", b->cmd,
		    "token", b->token);
		rc = client_request(c, "blaunch", args, &data, err, sizeof(err));
		json_decref(args);
		if (rc != CLIENT_OK) {
			fprintf(stderr, "blaunch: cannot start the task on %s: %s\n", b->hosts[i], err);
			blaunch_kill_started(b, c, i);
			return -1;
		}
		b->tids[i] = (long)json_integer_value(json_object_get(data, "task"));
		json_decref(data);
	}
	return 0;
}

/* A task's relay (a child): its output to ours, its exit code ours. */
static void __attribute__((noreturn))
blaunch_relay(struct blaunch *b, size_t i)
{
	struct client c;
	char err[256], who[256];
	json_t *names = blaunch_names(b, i);
	int code;

	snprintf(who, sizeof(who), "blaunch: task %ld on %s", b->tids[i], b->hosts[i]);
	if (client_open(&c, err, sizeof(err)) != CLIENT_OK) {
		fprintf(stderr, "%s: %s\n", who, err);
		_exit(1);
	}
	code = bsubio_relay(&c, b->id, names, who, i == 0 && !b->no_stdin);
	if (code < 0)
		fprintf(stderr, "%s: ended without its exit status (its host or the "
		    "master went away)\n", who);
	client_close(&c);
	_exit(code < 0 ? 1 : code);
}

static void
blaunch_on_signal(int sig)
{
	blaunch_sig = sig;
}

/* Passes INT, TERM, HUP on to the relays, which ask their tasks killed. */
static void
blaunch_forward(const struct blaunch *b)
{
	size_t i;

	for (i = 0; i < b->nhosts; i++)
		if (b->relays[i] > 0)
			kill(b->relays[i], blaunch_sig);
	blaunch_sig = 0;
}

static int
blaunch_wait(struct blaunch *b)
{
	struct sigaction sa = { .sa_handler = blaunch_on_signal };
	size_t i, left = b->nhosts;
	int rc = 0, st;
	pid_t pid;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (left > 0) {
		if ((pid = waitpid(-1, &st, 0)) < 0) {
			if (errno == EINTR && blaunch_sig != 0)
				blaunch_forward(b);
			if (errno != EINTR)
				break;
			continue;
		}
		for (i = 0; i < b->nhosts; i++)
			if (b->relays[i] == pid) {
				b->relays[i] = 0;
				left--;
			}
		if (rc == 0)
			rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return rc;
}

static int
blaunch_run(struct blaunch *b)
{
	size_t i;
	pid_t pid;

	fflush(NULL);
	b->relays = xcalloc(b->nhosts, sizeof(*b->relays));
	for (i = 0; i < b->nhosts; i++) {
		if ((pid = fork()) < 0) {
			fprintf(stderr, "blaunch: fork: %s\n", strerror(errno));
			break;
		}
		if (pid == 0)
			blaunch_relay(b, i);
		b->relays[i] = pid;
	}
	return blaunch_wait(b);
}

static int
blaunch_options(struct blaunch *b, int argc, char **argv, int *ind)
{
	struct opts p;
	int id;

	opts_init(&p, blaunch_opts, nitems(blaunch_opts), argc, argv, 1);
	while ((id = opts_next(&p)) >= 0) {
		if (id == BL_Z)
			blaunch_words(&b->hosts, &b->nhosts, p.value);
		else if (id == BL_U && blaunch_host_file(b, p.value) < 0)
			return -1;
		else if (id == BL_N)
			b->no_stdin = true;
		else if (id == BL_ENV)
			b->env_file = p.value;
		/* -no-shell: the words are joined for sh -c either way */
	}
	if (id == OPTS_ERR)
		fprintf(stderr, "blaunch: %s\n", p.err);
	if (id == OPTS_ERR || p.ind >= argc) {
		blaunch_usage();
		return -1;
	}
	*ind = p.ind;
	return 0;
}

static void
blaunch_free(struct blaunch *b)
{
	size_t i;

	for (i = 0; i < b->nhosts; i++)
		free(b->hosts[i]);
	for (i = 0; i < b->nalloc; i++)
		free(b->alloc[i]);
	free(b->hosts);
	free(b->alloc);
	free(b->cmd);
	free(b->tids);
	free(b->relays);
}

int
blaunch_main(int argc, char **argv)
{
	struct blaunch b = { 0 };
	struct client c;
	char err[1024];
	int ind, rc;

	if (blaunch_options(&b, argc, argv, &ind) < 0 || blaunch_job(&b) < 0) {
		blaunch_free(&b);
		return CLI_EXIT_FAIL;
	}
	argc -= ind;
	argv += ind;
	if (blaunch_targets(&b, &argc, &argv) < 0 || blaunch_cmd(&b, argc, argv) < 0) {
		blaunch_free(&b);
		return CLI_EXIT_FAIL;
	}
	if (client_open(&c, err, sizeof(err)) < 0)
		client_die_unreachable("blaunch", err);
	rc = blaunch_start(&b, &c);
	client_close(&c);
	rc = rc < 0 ? CLI_EXIT_FAIL : blaunch_run(&b);
	blaunch_free(&b);
	return rc;
}
