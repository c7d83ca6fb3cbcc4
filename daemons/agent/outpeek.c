/*
 * outpeek.c - the agent's side of bpeek: the master sends peek {pid, id,
 * idx, off} down the link; the job's output is read in a libuv work thread
 * (a -o file may sit on a slow or hung mount, and the loop must never
 * block) and the bytes from off on go back in peek_rep. For nfs:// output
 * the job's output.json, written by the shepherd (shepout.c), names the
 * shepherd's spool file, which holds the last committed bytes and
 * everything not yet committed (the punched start reads as a hole and is
 * skipped); a local -o file is worked out from job.json and the cwd the
 * job fell back to, if it did (jobspec_out_path). A local file is read only if it
 * is a regular file owned by the job's user, opened without following a
 * symbolic link, so that bpeek cannot be used to read others' files.
 *
 * A finished job's output (asked over HTTP) is no longer in the spool: the
 * master then sends the job's specification, as in its run order, and the
 * element's cwd when it ran elsewhere than asked; the -o file is worked
 * out from them as the shepherd did (jobspec_out_path) and read under the
 * same rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "b64.h"
#include "log.h"
#include "jobspec.h"
#include "spool.h"
#include "util.h"

#define OUTPEEK_MAX (1u << 20)	/* bytes per reply; bpeek asks again */

struct outpeek {
	uv_work_t req;
	struct agent *a;
	char *jobdir;
	json_int_t pid, off;
	json_t *spec;		/* a finished job's, from the master, or NULL */
	char *cwd;		/* where it ran when not where asked */
	json_t *rep;
};

/* A failed reply; with_errno adds ": strerror(errno)" to what. */
static void
outpeek_fail(struct outpeek *p, const char *code, const char *what, int with_errno)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s%s%s", what, with_errno ? ": " : "",
	    with_errno ? strerror(errno) : "");
	json_object_set_new(p->rep, "ok", json_false());
	json_object_set_new(p->rep, "code", json_string(code));
	json_object_set_new(p->rep, "err", json_string(buf));
}

/* Opens what to read: the spool (trusted) or the owner's own -o file. */
static int
outpeek_open(struct outpeek *p, const json_t *out, const struct jobspec *js)
{
	const char *spool = json_string_value(json_object_get(out, "spool"));
	const char *dest = json_string_value(json_object_get(out, "dest"));
	struct stat st;
	int fd;

	if (spool != NULL)
		return open(spool, O_RDONLY | O_CLOEXEC);
	if ((fd = open(dest, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != js->uid) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Reads [off, off + OUTPEEK_MAX) of an open output into the reply. */
static void
outpeek_bytes(struct outpeek *p, int fd, const char *file)
{
	struct stat st;
	off_t start = 0, off = (off_t)p->off;
	char *buf, *text;
	ssize_t n = 0;

	if (fstat(fd, &st) < 0)
		return outpeek_fail(p, "internal", file, 1);
	if ((start = lseek(fd, 0, SEEK_DATA)) < 0)
		start = st.st_size;	/* only holes: everything was committed */
	if (off < start)
		off = start;
	if (off > st.st_size)
		off = st.st_size;
	buf = xmalloc(OUTPEEK_MAX);
	if (st.st_size > off)
		n = pread(fd, buf, st.st_size - off < OUTPEEK_MAX ?
		    (size_t)(st.st_size - off) : OUTPEEK_MAX, off);
	if (n < 0) {
		free(buf);
		return outpeek_fail(p, "internal", file, 1);
	}
	text = b64_encode(buf, (size_t)n);
	json_object_set_new(p->rep, "ok", json_true());
	json_object_set_new(p->rep, "data", json_string(text));
	json_object_set_new(p->rep, "off", json_integer(off));
	json_object_set_new(p->rep, "next", json_integer(off + n));
	json_object_set_new(p->rep, "size", json_integer(st.st_size));
	json_object_set_new(p->rep, "file", json_string(file));
	free(text);
	free(buf);
}

/* Reads the output that out names (file, its name in a failure). */
static void
outpeek_read(struct outpeek *p, const json_t *out, const struct jobspec *js,
    const char *file)
{
	int fd = outpeek_open(p, out, js);

	if (fd < 0)
		return outpeek_fail(p, "internal", file, 1);
	outpeek_bytes(p, fd, file);
	close(fd);
}

/* A finished job's -o file, from the specification the master sent. */
static void
outpeek_finished(struct outpeek *p)
{
	struct jobspec js;
	char err[256], *path;
	json_t *out;

	if (jobspec_parse(p->spec, &js, err, sizeof(err)) < 0)
		return outpeek_fail(p, "internal", err, 0);
	if ((path = jobspec_out_path(&js, p->cwd)) == NULL)
		return outpeek_fail(p, "finished", js.out == NULL ? "The job had no "
		    "output file (-o)" : "Its output went to nfs://: read it from the share", 0);
	out = json_pack("{s:s}", "dest", path);
	outpeek_read(p, out, &js, path);
	json_decref(out);
	free(path);
}

/* "Nothing yet": the job is starting, or has no -o (file null then). */
static void
outpeek_empty(struct outpeek *p, json_t *file)
{
	json_object_set_new(p->rep, "ok", json_true());
	json_object_set_new(p->rep, "data", json_string(""));
	json_object_set_new(p->rep, "file", file);
}

/*
 * A running job's -o file: where its cwd (or the one it fell back to)
 * puts it, as the shepherd opened it. Before the job forked (no pgid yet)
 * it is starting; until it opened the file there is nothing to read.
 */
static void
outpeek_local(struct outpeek *p, const struct jobspec *js)
{
	char *pgid = xasprintf("%s/pgid", p->jobdir);
	char *cwdf = xasprintf("%s/cwd", p->jobdir);
	char *cwd = file_read_all(cwdf, NULL), *path = NULL;
	json_t *out;

	if (access(pgid, F_OK) < 0)
		outpeek_empty(p, json_string(""));
	else if ((path = jobspec_out_path(js, cwd)) == NULL)
		outpeek_empty(p, json_null());
	else if (access(path, F_OK) < 0 && errno == ENOENT)
		outpeek_empty(p, json_string(path));
	else {
		out = json_pack("{s:s}", "dest", path);
		outpeek_read(p, out, js, path);
		json_decref(out);
	}
	free(path);
	free(cwd);
	free(cwdf);
	free(pgid);
}

static void
outpeek_work(uv_work_t *req)
{
	struct outpeek *p = req->data;
	char *spath = xasprintf("%s/job.json", p->jobdir);
	char *opath = xasprintf("%s/output.json", p->jobdir);
	char *done = xasprintf("%s/status", p->jobdir);
	char err[256];
	struct jobspec js;
	json_t *spec = jobspec_load(spath, &js, err, sizeof(err)), *out = NULL;
	const char *file;
	bool ended = spec == NULL || access(done, F_OK) == 0;

	if (ended && p->spec != NULL)
		outpeek_finished(p);
	else if (ended)
		outpeek_fail(p, "finished", "Already finished", 0);
	else if ((out = json_load_file(opath, 0, NULL)) == NULL)
		outpeek_local(p, &js);	/* no nfs:// stream record */
	else if ((file = json_string_value(json_object_get(out, "dest"))) == NULL)
		outpeek_empty(p, json_null());
	else
		outpeek_read(p, out, &js, file);
	json_decref(spec);
	json_decref(out);
	free(spath);
	free(opath);
	free(done);
}

static void
outpeek_after(uv_work_t *req, int status)
{
	struct outpeek *p = req->data;

	if (status == 0 && link_send(p->a->link, p->rep) < 0)
		log_info("peek %lld: the master link went down; reply dropped",
		    (long long)p->pid);
	else if (status != 0)
		json_decref(p->rep);
	json_decref(p->spec);
	free(p->cwd);
	free(p->jobdir);
	free(p);
}

void
outpeek_on_request(struct agent *a, const json_t *msg)
{
	struct outpeek *p = xcalloc(1, sizeof(*p));
	char key[SPOOL_KEY_MAX];
	int r;

	spool_key(json_integer_value(json_object_get(msg, "id")),
	    json_integer_value(json_object_get(msg, "idx")), key);
	p->a = a;
	p->pid = json_integer_value(json_object_get(msg, "pid"));
	p->off = json_integer_value(json_object_get(msg, "off"));
	p->jobdir = xasprintf("%s/jobs/%s", a->spool, key);
	p->spec = json_deep_copy(json_object_get(msg, "job"));	/* read in a worker */
	if (json_string_value(json_object_get(msg, "cwd")) != NULL)
		p->cwd = xstrdup(json_string_value(json_object_get(msg, "cwd")));
	p->rep = json_pack("{s:s, s:I}", "t", "peek_rep", "pid", p->pid);
	p->req.data = p;
	if ((r = uv_queue_work(a->loop, &p->req, outpeek_work, outpeek_after)) < 0) {
		log_warnx("peek: %s", uv_strerror(r));
		json_decref(p->rep);
		json_decref(p->spec);
		free(p->cwd);
		free(p->jobdir);
		free(p);
	}
}
