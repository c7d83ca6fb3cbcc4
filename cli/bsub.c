/*
 * bsub.c - submit a job (LSF.md §1). The command is the words after the
 * options (joined LSF-style), or a script read from stdin / typed at
 * "bsub> " prompts, whose #BSUB lines fill options the command line left
 * unset. Success is one stdout line, "Job <N> is submitted to [default ]
 * queue <q>.", with nothing numeric before it (dask takes the first
 * number); every failure is "<reason>. Job not submitted." on stderr and
 * exit 255.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arrayspec.h"
#include "bsubrlim.h"
#include "bsubscript.h"
#include "cli.h"
#include "lsftime.h"
#include "nfsurl.h"
#include "shellwords.h"
#include "util.h"

#define BSUB_NAME_MAX 512	/* default names cut here (LSF allows 4094) */

extern char **environ;

struct bsub_job {
	char *cmd;		/* command line or script text */
	bool script;		/* cmd is a script to spool */
	char *name;		/* default name */
	time_t begin, term;	/* -b, -t as times; 0 = none */
};

static int
bsub_fail(const char *reason)
{
	fflush(stdout);
	fprintf(stderr, "%s. Job not submitted.\n", reason);
	return CLI_EXIT_FAIL;
}

static int
bsub_usage(const char *why)
{
	fprintf(stderr, "bsub: %s\n", why);
	fprintf(stderr,
	    "Usage: bsub [-H] [-x] [-r | -rn] [-N] [-B] [-K] [-J job_name]\n"
	    "            [-I | -Ip | -Is | -IS | -ISp | -ISs]\n"
	    "            [-Jd description] [-q queue_name] [-n min[,max]]\n"
	    "            [-R res_req] [-m host_list]\n"
	    "            [-o out_file | -oo out_file] [-e err_file | -eo err_file]\n"
	    "            [-cwd dir] [-outdir dir] [-w dependency] [-M mem_limit]\n"
	    "            [-W [hour:]minute] [-P project] [-G user_group] [-g job_group]\n"
	    "            [-E pre_exec] [-Ep post_exec] [-env var_list] [-u mail_user]\n"
	    "            [-b begin_time] [-t term_time] [-sp priority] [-a esub]\n"
	    "            [-i in_file] [-L login_shell] [-app profile]\n"
	    "            [-c [hour:]minute] [-v swap_limit] [-C core_limit]\n"
	    "            [-D data_limit] [-F file_limit] [-S stack_limit]\n"
	    "            [-p process_limit] [-T thread_limit] [-k \"chkdir [period]\"]\n"
	    "            [command [argument ...]]\n");
	return CLI_EXIT_FAIL;
}

/* Reads all of fp; NULL on a read error. */
static char *
bsub_slurp(FILE *fp)
{
	size_t len = 0, cap = 8192, n;
	char *buf = xmalloc(cap);

	while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (cap - len < 4096)
			buf = xrealloc(buf, cap *= 2);
	}
	if (ferror(fp)) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* The "bsub> " prompts of a terminal session, until EOF. */
static char *
bsub_prompt(void)
{
	char *text = xstrdup(""), *line = NULL, *t;
	size_t cap = 0;

	for (;;) {
		fputs("bsub> ", stdout);
		fflush(stdout);
		if (getline(&line, &cap, stdin) < 0)
			break;
		t = xasprintf("%s%s", text, line);
		free(text);
		text = t;
	}
	fputc('\n', stdout);
	free(line);
	return text;
}

/* A script's default name: its lines joined with ';', cut short. */
static char *
bsub_script_name(const char *text)
{
	size_t n = 0, len = strlen(text);
	char *name = xmalloc(len + 1);
	const char *p;

	for (p = text; *p && n < BSUB_NAME_MAX; p++) {
		if (*p == '\n') {
			if (n > 0 && name[n - 1] != ';')
				name[n++] = ';';
		} else if (*p != '\r') {
			name[n++] = *p;
		}
	}
	if (*p != '\0') {	/* cut: drop a partial UTF-8 sequence */
		while (n > 0 && ((unsigned char)name[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0 && (unsigned char)name[n - 1] >= 0xC0)
			n--;
	}
	while (n > 0 && (name[n - 1] == ';' || name[n - 1] == ' '))
		n--;
	name[n] = '\0';
	return name;
}

/* Applies a script's #BSUB lines to the options. */
static int
bsub_directives(struct bsub_opts *o, const char *text, char *err, size_t errlen)
{
	struct bsub_script bs;
	char e[512];
	int rc;

	memset(&bs, 0, sizeof(bs));
	if (bsubscript_parse(text, &bs, e, sizeof(e)) < 0)
		return errf(err, errlen, "#BSUB: %s", e);
	rc = bs.argc > 0 ? bsubopt_parse(o, bs.argc, bs.argv, 0, e, sizeof(e)) : 0;
	if (rc < 0)
		errf(err, errlen, "#BSUB: %s", e);
	bsubscript_free(&bs);
	return rc;
}

/* Reads the script from stdin (or prompts) and merges its directives. */
static int
bsub_from_stdin(struct bsub_opts *o, struct bsub_job *j, char *err, size_t errlen)
{
	char *text = isatty(STDIN_FILENO) ? bsub_prompt() : bsub_slurp(stdin);

	if (text == NULL)
		return errf(err, errlen, "stdin: %s", strerror(errno));
	if (text[strspn(text, " \t\r\n")] == '\0') {
		free(text);
		return errf(err, errlen, "No command is specified");
	}
	j->cmd = text;
	j->script = true;
	j->name = bsub_script_name(text);
	return bsub_directives(o, text, err, errlen);
}

/* The command words; with LSB_BSUB_PARSE_SCRIPT=Y a script file's #BSUB
 * lines count too (the file still runs as a command). */
static int
bsub_from_args(struct bsub_opts *o, struct bsub_job *j, char *err, size_t errlen)
{
	const char *parse = getenv("LSB_BSUB_PARSE_SCRIPT");
	char *text;
	int rc = 0;

	j->cmd = shellwords_join(o->cmd_argc, o->cmd_argv);
	j->name = xstrndup(j->cmd, BSUB_NAME_MAX);
	if (parse != NULL && (parse[0] == 'Y' || parse[0] == 'y') &&
	    (text = file_read_all(o->cmd_argv[0], NULL)) != NULL) {
		rc = bsub_directives(o, text, err, errlen);
		free(text);
	}
	return rc;
}

/* name, array and limit from -J (or the default name). */
static int
bsub_submit_name(json_t *sub, const struct bsub_opts *o, const struct bsub_job *j,
    char *err, size_t errlen)
{
	const char *jn = o->val[BO_J], *lb, *rb;
	struct arrayspec a;

	if (jn == NULL) {
		json_object_set_new(sub, "name", json_string(j->name));
		return 0;
	}
	if (arrayspec_parse(jn, LONG_MAX, &a, err, errlen) < 0)
		return -1;
	json_object_set_new(sub, "name", json_string(a.name));
	if (a.nr > 0 && (lb = strchr(jn, '[')) != NULL &&
	    (rb = strrchr(jn, ']')) != NULL && rb > lb)
		json_object_set_new(sub, "array", json_stringn(lb + 1, (size_t)(rb - lb - 1)));
	if (a.limit > 0)
		json_object_set_new(sub, "limit", json_integer(a.limit));
	arrayspec_free(&a);
	return 0;
}

/* An output file name; relative ones go into -outdir when given. */
static json_t *
bsub_io_path(const struct bsub_opts *o, const char *name)
{
	char *p = o->val[BO_outdir] ? nfsurl_join(o->val[BO_outdir], name) : xstrdup(name);
	json_t *j = json_string(p);

	free(p);
	return j;
}

static void
bsub_submit_io(json_t *sub, const struct bsub_opts *o)
{
	if (o->val[BO_o] != NULL || o->val[BO_oo] != NULL) {
		json_object_set_new(sub, "out",
		    bsub_io_path(o, o->val[BO_o] ? o->val[BO_o] : o->val[BO_oo]));
		json_object_set_new(sub, "out_trunc", json_boolean(o->val[BO_oo] != NULL));
	}
	if (o->val[BO_e] != NULL || o->val[BO_eo] != NULL) {
		json_object_set_new(sub, "err",
		    bsub_io_path(o, o->val[BO_e] ? o->val[BO_e] : o->val[BO_eo]));
		json_object_set_new(sub, "err_trunc", json_boolean(o->val[BO_eo] != NULL));
	}
}

/* nfs:// destinations must parse here, not fail the job later. */
static int
bsub_check_nfs(const json_t *sub, char *err, size_t errlen)
{
	static const char *const keys[] = { "out", "err" };
	const char *v;
	struct nfsurl u;
	size_t i;

	for (i = 0; i < nitems(keys); i++) {
		v = json_string_value(json_object_get(sub, keys[i]));
		if (!nfsurl_is(v))
			continue;
		if (nfsurl_parse(v, &u, err, errlen) < 0)
			return -1;
		nfsurl_free(&u);
	}
	return 0;
}

/* -cwd as an absolute path: a relative one (Toil's "-cwd .") is taken
 * from the submission directory now, so bjobs shows where the job runs. */
static json_t *
bsub_cwd(const char *subcwd, const char *dir)
{
	char *p;
	json_t *v;

	while (dir[0] == '.' && dir[1] == '/')
		for (dir += 2; *dir == '/'; dir++)
			;
	if (dir[0] == '/')
		return json_string(dir);
	if (dir[0] == '\0' || strcmp(dir, ".") == 0)
		return json_string(subcwd);
	p = xasprintf("%s%s%s", subcwd, strcmp(subcwd, "/") ? "/" : "", dir);
	v = json_string(p);
	free(p);
	return v;
}

/* What the submitter's environment says when -q / -P are not given
 * (LSB_DEFAULTQUEUE, LSB_DEFAULTPROJECT), and the -b / -t times. */
static void
bsub_defaults(json_t *sub, const struct bsub_opts *o, const struct bsub_job *j)
{
	const char *q = getenv("LSB_DEFAULTQUEUE"), *p = getenv("LSB_DEFAULTPROJECT");

	if (o->val[BO_q] == NULL && q != NULL && q[strspn(q, " \t")] != '\0')
		json_object_set_new(sub, "default_queue", json_string(q));
	if (o->val[BO_P] == NULL && p != NULL && *p != '\0')
		json_object_set_new(sub, "default_project", json_string(p));
	if (j->begin > 0)
		json_object_set_new(sub, "begin_time", json_integer((json_int_t)j->begin));
	if (j->term > 0)
		json_object_set_new(sub, "term_time", json_integer((json_int_t)j->term));
}

/* The SUBMIT object; NULL with err. */
static json_t *
bsub_submit_object(const struct bsub_opts *o, const struct bsub_job *j,
    char *err, size_t errlen)
{
	json_t *sub = json_object(), *env, *cmd, *tty;
	char cwd[PATH_MAX];

	if (bsub_submit_name(sub, o, j, err, errlen) < 0)
		goto fail;
	if ((cmd = json_string(j->cmd)) == NULL) {
		errf(err, errlen, "The command is not valid UTF-8 text");
		goto fail;
	}
	json_object_set_new(sub, "cmd", cmd);
	if (j->script)
		json_object_set_new(sub, "script", json_true());
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		errf(err, errlen, "getcwd: %s", strerror(errno));
		goto fail;
	}
	if (json_object_set_new(sub, "subcwd", json_string(cwd)) < 0) {
		errf(err, errlen, "The current directory is not valid UTF-8 text");
		goto fail;
	}
	if (o->val[BO_cwd] != NULL)
		json_object_set_new(sub, "cwd", bsub_cwd(cwd, o->val[BO_cwd]));
	bsub_defaults(sub, o, j);
	if ((env = bsubenv_build(o->val[BO_env], environ, err, errlen)) == NULL)
		goto fail;
	json_object_set_new(sub, "env", env);
	if (o->val[BO_q] != NULL)
		json_object_set_new(sub, "queue", json_string(o->val[BO_q]));
	json_object_set_new(sub, "nslots",
	    json_integer(o->val[BO_n] ? atol(o->val[BO_n]) : 1));
	bsub_submit_io(sub, o);
	if (bsub_check_nfs(sub, err, errlen) < 0)
		goto fail;
	if (o->val[BO_w] != NULL)
		json_object_set_new(sub, "dep", json_string(o->val[BO_w]));
	bsubrlim_add(sub);
	json_object_set_new(sub, "opts", bsubopt_json(o));
	if (bsubopt_interactive(o) == BSUBOPT_IO_PTY && (tty = bsubio_winsize()) != NULL)
		json_object_set_new(sub, "tty", tty);	/* the job's pty starts this size */
	return sub;
fail:
	json_decref(sub);
	return NULL;
}

/* Sends the job; prints the success line. Returns the id or -1. */
static long
bsub_send(struct client *c, json_t *sub, const struct bsub_opts *o, int *rc)
{
	json_t *data, *args = json_pack("{s:o}", "job", sub);
	char err[1024];
	long id;
	const char *q;
	FILE *out = getenv("BSUB_STDERR") ? stderr : stdout;

	*rc = client_open(c, err, sizeof(err));
	if (*rc == CLIENT_OK)
		*rc = client_request(c, "submit", args, &data, err, sizeof(err));
	json_decref(args);
	if (*rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bsub", err);
	if (*rc != CLIENT_OK) {
		*rc = bsub_fail(err);
		return -1;
	}
	id = (long)json_integer_value(json_object_get(data, "id"));
	q = json_string_value(json_object_get(data, "queue"));
	fprintf(out, "Job <%ld> is submitted to %squeue <%s>.\n", id,
	    json_is_true(json_object_get(data, "default_queue")) ||
	    (o->val[BO_q] == NULL && json_object_get(data, "default_queue") == NULL)
	    ? "default " : "", q ? q : "");
	fflush(out);
	json_decref(data);
	return id;
}

/* -b and -t as times (bsubopt_check accepted them). */
static void
bsub_times(const struct bsub_opts *o, struct bsub_job *j)
{
	time_t now = time(NULL);
	char e[256];

	if (o->val[BO_b] != NULL && lsftime_parse(o->val[BO_b], now, &j->begin,
	    e, sizeof(e)) < 0)
		j->begin = 0;
	if (o->val[BO_t] != NULL && lsftime_parse(o->val[BO_t], now, &j->term,
	    e, sizeof(e)) < 0)
		j->term = 0;
}

/* After the success line, as LSF does: when -b / -t will take effect. */
static void
bsub_print_times(const struct bsub_job *j)
{
	char buf[64];

	if (j->begin > 0 && ctime_r(&j->begin, buf) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(stderr, "Job will be scheduled after %s\n", buf);
	}
	if (j->term > 0 && ctime_r(&j->term, buf) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(stderr, "Job will be terminated by %s\n", buf);
	}
}

/* One line of a -pack file (its words) as a SUBMIT object; NULL with err. */
json_t *
bsub_pack_line(int argc, char **argv, char *err, size_t errlen)
{
	struct bsub_opts o;
	struct bsub_job j;
	json_t *sub = NULL;

	memset(&o, 0, sizeof(o));
	memset(&j, 0, sizeof(j));
	if (bsubopt_parse(&o, argc, argv, 1, err, errlen) < 0)
		goto out;
	if (o.cmd_argc == 0) {
		errf(err, errlen, "No command is specified");
		goto out;
	}
	if (o.val[BO_K] != NULL || bsubopt_interactive(&o) != BSUBOPT_IO_NONE) {
		errf(err, errlen, "-%s cannot be used in a job pack",
		    o.val[BO_K] != NULL ? "K" : "I");
		goto out;
	}
	if (bsub_from_args(&o, &j, err, errlen) == 0 &&
	    bsubopt_check(&o, err, errlen) == 0) {
		bsub_times(&o, &j);
		sub = bsub_submit_object(&o, &j, err, errlen);
	}
out:
	bsubopt_free(&o);
	free(j.cmd);
	free(j.name);
	return sub;
}

/* Options, command and directives; 0 or an exit code. */
static int
bsub_prepare(struct bsub_opts *o, struct bsub_job *j, int argc, char **argv)
{
	char err[1024];

	if (bsubopt_parse(o, argc - 1, argv + 1, 1, err, sizeof(err)) < 0)
		return bsub_usage(err);
	if ((o->cmd_argc == 0 ? bsub_from_stdin(o, j, err, sizeof(err)) :
	    bsub_from_args(o, j, err, sizeof(err))) < 0)
		return bsub_fail(err);
	if (bsubopt_check(o, err, sizeof(err)) < 0)
		return bsub_fail(err);
	bsub_times(o, j);
	return 0;
}

int
bsub_main(int argc, char **argv)
{
	struct bsub_opts o;
	struct bsub_job j;
	struct client c;
	char err[1024];
	json_t *sub;
	long id;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "-pack") == 0)
		return bsubpack_main(argc, argv);
	memset(&o, 0, sizeof(o));
	memset(&j, 0, sizeof(j));
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	if ((rc = bsub_prepare(&o, &j, argc, argv)) != 0)
		goto out;
	if ((sub = bsub_submit_object(&o, &j, err, sizeof(err))) == NULL) {
		rc = bsub_fail(err);
		goto out;
	}
	if ((id = bsub_send(&c, sub, &o, &rc)) < 0)
		goto out;
	bsub_print_times(&j);
	if (o.val[BO_K] != NULL)
		rc = bsubwait_run(&c, id, o.val[BO_J] != NULL && strchr(o.val[BO_J], '['));
	else if (bsubopt_interactive(&o) != BSUBOPT_IO_NONE)
		rc = bsubio_run(&c, id, bsubopt_interactive(&o), o.val[BO_i] != NULL);
out:
	client_close(&c);
	bsubopt_free(&o);
	free(j.cmd);
	free(j.name);
	return rc;
}
