/*
 * shepout.c - NFS output streams of one job (see shepout.h).
 *
 * Offsets: for each stream, end = bytes taken from the job's pipe (all in
 * the spool file at the same offsets), sent = bytes written to the server,
 * committed = bytes the server made stable. committed <= sent <= end, and
 * end - committed <= spool_max: beyond it the shepherd stops reading the
 * pipe, so the job blocks on its writes (backpressure) instead of the spool
 * growing. After a failure the connection is rebuilt with backoff and
 * writing resumes at committed, rewriting the same bytes at the same file
 * offsets (nfs_pwrite, never appends), so nothing is written twice.
 * Committed bytes are punched out of the spool except the last
 * SHEPOUT_PEEK_KEEP, which bpeek shows. When the server stays away longer
 * than the deadline the job is killed (if still running) and the bytes
 * not committed are copied to <spool>/kept/<id>.<idx>.<stdout|stderr>.
 *
 * Threads: while the job runs, a reader thread copies the pipes into the
 * spool and the shepherd's main thread talks to the server, so a server
 * that stops answering (each call blocks up to the timeout) stalls only
 * the sending: the job goes on writing until the spool bound is reached.
 * end, committed, eof, gave_up and draining are shared, under so->mu.
 * When the job's own process has exited, the pipes are drained of what
 * they hold and closed: a process the job left behind with its stdout
 * open does not keep the job running.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobspec.h"
#include "log.h"
#include "nfsurl.h"
#include "outnfs.h"
#include "shepout.h"
#include "util.h"

#define SHEPOUT_BUF (64u << 10)		/* write to the server in pieces this big */
#define SHEPOUT_FLUSH_MS 1000		/* ... or after this long */
#define SHEPOUT_COMMIT_MS 2000
#define SHEPOUT_PEEK_KEEP (1u << 20)
#define SHEPOUT_BACKOFF_MAX_MS 4000
#define SHEPOUT_DRAIN_MS 2000		/* after the job's exit, read at most this long */

struct shepstream {
	char *dest;		/* substituted nfs:// URL, NULL: not NFS */
	int trunc, merged;	/* merged: stderr shares stdout's stream */
	int rfd, wfd;		/* pipe: shepherd reads, job writes */
	int spool_fd;
	char *spool_path;
	struct outnfs *nfs;
	uint64_t end, sent, committed, punched;
	int down, eof;
	uint64_t down_since, next_try, last_write, last_commit;
	int backoff_ms;
	char err[512];
};

struct shepout {
	const char *jobdir;
	const struct jobspec *js;
	struct shepstream st[2];
	uint64_t spool_max;
	int timeout_s, deadline_s;
	int gave_up;
	char *local_out;	/* the -o file when local */
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* spool space freed, a pipe closed, draining */
	int draining;		/* the job's process exited: empty the pipes, stop */
	uint64_t drain_since;
	char rbuf[SHEPOUT_BUF];	/* the reader thread's */
};

/* A setting of the spool's "pumice" object (jobspec.h), else def. */
static long long
shepout_num(long long v, long long def)
{
	return v > 0 ? v : def;
}

static void
shepout_sync_init(struct shepout *so)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&so->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&so->cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* Waits on so->cv (so->mu held) for at most ms. */
static void
shepout_cv_wait(struct shepout *so, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&so->cv, &so->mu, &ts);
}

struct shepout *
shepout_new(const char *jobdir, const struct jobspec *js)
{
	struct shepout *so = xcalloc(1, sizeof(*so));
	int i;

	so->jobdir = jobdir;
	so->js = js;
	so->spool_max = (uint64_t)shepout_num(js->nfs_spool_max, 64LL << 20);
	so->timeout_s = (int)shepout_num(js->nfs_timeout, 3);
	so->deadline_s = (int)shepout_num(js->nfs_deadline, 120);
	shepout_sync_init(so);
	for (i = 0; i < 2; i++) {
		so->st[i].rfd = so->st[i].wfd = so->st[i].spool_fd = -1;
		so->st[i].backoff_ms = 250;
	}
	if (nfsurl_is(js->out)) {
		so->st[0].dest = jobspec_subst(js, js->out);
		so->st[0].trunc = js->out_trunc;
		so->st[1].merged = js->err == NULL;
	}
	if (nfsurl_is(js->err)) {
		so->st[1].dest = jobspec_subst(js, js->err);
		so->st[1].trunc = js->err_trunc;
		if (so->st[0].dest != NULL && strcmp(so->st[0].dest, so->st[1].dest) == 0) {
			free(so->st[1].dest);
			so->st[1].dest = NULL;
			so->st[1].merged = 1;
		}
	}
	return so;
}

/* The job's umask (the submitter's), else the usual 022 (the shepherd's
 * own is the daemons' 077, which is not meant for the job's files). */
static int
shepout_umask(const struct jobspec *js)
{
	return js->umask >= 0 ? js->umask : 022;
}

static int
shepout_open_stream(struct shepout *so, int i, char *reason, size_t rlen)
{
	struct shepstream *s = &so->st[i];
	int p[2];

	s->nfs = outnfs_open(s->dest, so->js->uid, so->js->gid, 0666 & ~shepout_umask(so->js),
	    s->trunc, so->timeout_s, s->err, sizeof(s->err));
	if (s->nfs == NULL)
		return errf(reason, rlen, "TERM_NFS: %s", s->err);
	s->spool_path = xasprintf("%s/%s.spool", so->jobdir, i ? "stderr" : "stdout");
	s->spool_fd = open(s->spool_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (s->spool_fd < 0 || pipe2(p, O_CLOEXEC) < 0)
		return errf(reason, rlen, "%s: %s", s->spool_path, strerror(errno));
	s->rfd = p[0];
	s->wfd = p[1];
	s->last_write = s->last_commit = now_mono_ms();
	return 0;
}

int
shepout_open(struct shepout *so, char *reason, size_t rlen)
{
	int i;

	for (i = 0; i < 2; i++)
		if (so->st[i].dest != NULL && shepout_open_stream(so, i, reason, rlen) < 0)
			return -1;
	return 0;
}

bool
shepout_pumps(const struct shepout *so)
{
	return so->st[0].dest != NULL || so->st[1].dest != NULL;
}

int
shepout_child_fd(const struct shepout *so, int stream)
{
	if (so->st[stream].dest != NULL)
		return so->st[stream].wfd;
	if (stream == SHEPOUT_STDERR && so->st[1].merged && so->st[0].dest != NULL)
		return so->st[0].wfd;
	return -1;
}

/* output.json: where bpeek finds an nfs:// job's stdout (its spool file
 * and URL); not synced: only a running job has a use for it (spool.c). A
 * local -o file (or none) gets no record: the agent works its path out
 * from job.json as for a finished job (outpeek.c), one file less to
 * create and remove per job. */
static void
shepout_record(struct shepout *so)
{
	const struct shepstream *s = &so->st[0];
	json_t *o;
	char *path, *text;

	if (s->dest == NULL)
		return;
	o = json_pack("{s:s, s:s}", "dest", s->dest, "spool", s->spool_path);
	path = xasprintf("%s/output.json", so->jobdir);
	text = json_dumps(o, JSON_COMPACT);
	if (text == NULL || file_write_replace(path, text, strlen(text), 0600) < 0)
		log_warn("%s", path);
	free(text);
	free(path);
	json_decref(o);
}

void
shepout_forked(struct shepout *so, const char *local_out)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (so->st[i].wfd >= 0)
			close(so->st[i].wfd);
		so->st[i].wfd = -1;
		so->st[i].eof = so->st[i].rfd < 0;
	}
	so->local_out = local_out && !so->st[0].dest ? xstrdup(local_out) : NULL;
	shepout_record(so);
}

/* Only one thread adds (the reader, or the main one once it is gone). */
static int
shepout_spool_add(struct shepout *so, struct shepstream *s, const void *buf, size_t n)
{
	ssize_t w = pwrite(s->spool_fd, buf, n, (off_t)s->end);

	if (w != (ssize_t)n) {
		log_warn("%s: spool write", s->spool_path);
		return -1;
	}
	pthread_mutex_lock(&so->mu);
	s->end += n;
	pthread_mutex_unlock(&so->mu);
	return 0;
}

static uint64_t
shepout_end(struct shepout *so, const struct shepstream *s)
{
	uint64_t end;

	pthread_mutex_lock(&so->mu);
	end = s->end;
	pthread_mutex_unlock(&so->mu);
	return end;
}

static void
shepout_down(struct shepout *so, struct shepstream *s, uint64_t now)
{
	if (!s->down)
		log_warnx("job output: %s; retrying", s->err);
	outnfs_disconnect(s->nfs);
	s->down = 1;
	if (s->down_since == 0)
		s->down_since = now;
	s->next_try = now + (uint64_t)s->backoff_ms;
	if ((s->backoff_ms *= 2) > SHEPOUT_BACKOFF_MAX_MS)
		s->backoff_ms = SHEPOUT_BACKOFF_MAX_MS;
}

/* Sends [sent, end) from the spool to the server. */
static int
shepout_send(struct shepstream *s, uint64_t end)
{
	static char buf[1u << 20];
	ssize_t n;

	while (s->sent < end) {
		n = pread(s->spool_fd, buf, end - s->sent < sizeof(buf) ?
		    (size_t)(end - s->sent) : sizeof(buf), (off_t)s->sent);
		if (n <= 0)
			return errf(s->err, sizeof(s->err), "%s: read: %s", s->spool_path,
			    n < 0 ? strerror(errno) : "short");
		if (outnfs_pwrite(s->nfs, s->sent, buf, (size_t)n, s->err, sizeof(s->err)) < 0)
			return -1;
		s->sent += (uint64_t)n;
	}
	return 0;
}

/* Frees committed spool bytes, keeping a tail for bpeek. */
static void
shepout_punch(struct shepstream *s)
{
	uint64_t to = s->committed > SHEPOUT_PEEK_KEEP ? s->committed - SHEPOUT_PEEK_KEEP : 0;

	to &= ~(uint64_t)4095;
	if (to <= s->punched)
		return;
	if (fallocate(s->spool_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)s->punched, (off_t)(to - s->punched)) < 0)
		log_warn("%s: punch hole", s->spool_path);
	s->punched = to;
}

static int
shepout_commit(struct shepout *so, struct shepstream *s, uint64_t now)
{
	if (outnfs_commit(s->nfs, s->err, sizeof(s->err)) < 0)
		return -1;
	pthread_mutex_lock(&so->mu);
	s->committed = s->sent;
	pthread_cond_broadcast(&so->cv);	/* spool space for the reader */
	pthread_mutex_unlock(&so->mu);
	s->last_commit = now;
	shepout_punch(s);
	return 0;
}

/* One step of one stream: reconnect, write, commit, as due. */
static void
shepout_service_stream(struct shepout *so, struct shepstream *s, int final, uint64_t now)
{
	uint64_t end = shepout_end(so, s);

	if (s->down) {
		if (now < s->next_try)
			return;
		if (outnfs_reconnect(s->nfs, s->err, sizeof(s->err)) < 0)
			return shepout_down(so, s, now);
		log_info("job output: %s reachable again; resending from byte %llu",
		    s->dest, (unsigned long long)s->committed);
		s->down = 0;
		s->down_since = 0;
		s->backoff_ms = 250;
		s->sent = s->committed;	/* unstable writes may be lost: redo */
	}
	if (end > s->sent && (final || end - s->sent >= SHEPOUT_BUF ||
	    now - s->last_write >= SHEPOUT_FLUSH_MS)) {
		s->last_write = now;
		if (shepout_send(s, end) < 0)
			return shepout_down(so, s, now);
	}
	if (s->sent > s->committed && (final || now - s->last_commit >= SHEPOUT_COMMIT_MS ||
	    s->sent - s->committed >= so->spool_max / 2) && shepout_commit(so, s, now) < 0)
		shepout_down(so, s, now);
}

/* Services every stream; 1 when the deadline passed for one of them. */
static int
shepout_service(struct shepout *so, int final)
{
	uint64_t now = now_mono_ms();
	int i, late = 0;

	for (i = 0; i < 2; i++) {
		struct shepstream *s = &so->st[i];
		if (s->nfs == NULL)
			continue;
		shepout_service_stream(so, s, final, now);
		if (s->down && now - s->down_since >= (uint64_t)so->deadline_s * 1000)
			late = 1;
	}
	return late;
}

/* Closes a stream's pipe: everything it will give is in the spool. */
static void
shepout_eof(struct shepout *so, struct shepstream *s)
{
	pthread_mutex_lock(&so->mu);
	close(s->rfd);
	s->rfd = -1;
	s->eof = 1;
	pthread_cond_broadcast(&so->cv);
	pthread_mutex_unlock(&so->mu);
}

/*
 * The pipes the reader may read now (not closed, spool not full); -1 when
 * all are closed. *drain: the job has exited, so an empty pipe is done.
 */
static int
shepout_readable(struct shepout *so, struct pollfd *pfd, int *idx, int *drain)
{
	int i, n = 0, open = 0;

	pthread_mutex_lock(&so->mu);
	for (i = 0; i < 2; i++) {
		struct shepstream *s = &so->st[i];
		if (s->eof)
			continue;
		open++;
		if (!so->gave_up && s->end - s->committed >= so->spool_max)
			continue;
		pfd[n].fd = s->rfd;
		pfd[n].events = POLLIN;
		idx[n++] = i;
	}
	*drain = so->draining;
	if (open > 0 && n == 0)
		shepout_cv_wait(so, 200);	/* spool full: wait for a commit */
	pthread_mutex_unlock(&so->mu);
	return open == 0 ? -1 : n;
}

/* The reader thread: pipes into the spool until they close or drain. */
static void *
shepout_reader(void *arg)
{
	struct shepout *so = arg;
	struct pollfd pfd[2];
	int idx[2], n, i, drain, late;
	ssize_t r;

	while ((n = shepout_readable(so, pfd, idx, &drain)) >= 0) {
		if (n == 0 || poll(pfd, (nfds_t)n, drain ? 0 : 200) < 0)
			continue;
		late = drain && now_mono_ms() - so->drain_since >= SHEPOUT_DRAIN_MS;
		for (i = 0; i < n; i++) {
			struct shepstream *s = &so->st[idx[i]];
			if (pfd[i].revents == 0) {
				if (drain)
					shepout_eof(so, s);	/* empty after the exit */
				continue;
			}
			r = read(s->rfd, so->rbuf, sizeof(so->rbuf));
			if (r > 0 && shepout_spool_add(so, s, so->rbuf, (size_t)r) == 0 && !late)
				continue;
			if (r < 0 && (errno == EINTR || errno == EAGAIN) && !late)
				continue;
			shepout_eof(so, s);
		}
	}
	return NULL;
}

/* True once the job's own process has exited (still to be reaped). */
static int
shepout_job_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return pid > 0 && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid == pid;
}

/* Main thread while the reader runs: serve the server, watch the job. */
static void
shepout_sender(struct shepout *so, pid_t pgid)
{
	int done = 0;

	while (!done) {
		if (!so->gave_up && shepout_service(so, 0)) {
			log_warnx("job %lld[%lld]: output server unreachable for %d s; "
			    "killing the job", so->js->id, so->js->idx, so->deadline_s);
			pthread_mutex_lock(&so->mu);
			so->gave_up = 1;	/* the reader ignores the bound now */
			pthread_cond_broadcast(&so->cv);
			pthread_mutex_unlock(&so->mu);
			if (pgid > 0)
				kill(-pgid, SIGKILL);
		}
		if (!so->draining && shepout_job_exited(pgid)) {
			pthread_mutex_lock(&so->mu);
			so->drain_since = now_mono_ms();
			so->draining = 1;
			pthread_mutex_unlock(&so->mu);
		}
		pthread_mutex_lock(&so->mu);
		if (!(done = so->st[0].eof && so->st[1].eof))
			shepout_cv_wait(so, 200);
		pthread_mutex_unlock(&so->mu);
	}
}

void
shepout_pump(struct shepout *so, pid_t pgid, char *reason, size_t rlen)
{
	pthread_t t;
	int rc;

	if (so->st[0].eof && so->st[1].eof)
		return;
	if ((rc = pthread_create(&t, NULL, shepout_reader, so)) != 0) {
		errno = rc;
		fatal("job %lld[%lld]: output reader thread", so->js->id, so->js->idx);
	}
	shepout_sender(so, pgid);
	pthread_join(t, NULL);
}

/* Appends the report to a local -o file the job's owner owns. */
static void
shepout_report_local(struct shepout *so, const char *text)
{
	int fd = open(so->local_out, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		log_warn("job report: %s", so->local_out);
		return;
	}
	/* not into /dev/null or a fifo, nor a file someone else owns */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == so->js->uid) {
		if (write(fd, text, strlen(text)) < 0)
			log_warn("job report: %s", so->local_out);
	} else if (S_ISREG(st.st_mode))
		log_warnx("job report: %s is not owned by uid %d; not written",
		    so->local_out, (int)so->js->uid);
	close(fd);
}

void
shepout_report(struct shepout *so, const char *text)
{
	if (so->st[0].nfs != NULL)
		shepout_spool_add(so, &so->st[0], text, strlen(text));
	else if (so->local_out != NULL)
		shepout_report_local(so, text);
}

/* Copies [committed, end) of a stream to the kept directory; its path. */
static char *
shepout_keep(struct shepout *so, int i)
{
	struct shepstream *s = &so->st[i];
	char *dir = xstrdup(so->jobdir), *path, *slash;
	char buf[1u << 16];
	uint64_t off = s->committed;
	ssize_t n;
	int fd;

	/* <spool>/jobs/<key> -> <spool>/kept */
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((slash = strrchr(dir, '/')) != NULL)
		strcpy(slash, "/kept");
	/* searchable, not listable: each user reaches only their own file */
	if (mkdir(dir, 0711) < 0 && errno != EEXIST)
		log_warn("%s", dir);
	chmod(dir, 0711);
	path = xasprintf("%s/%lld.%lld.%s", dir, so->js->id, so->js->idx,
	    i ? "stderr" : "stdout");
	free(dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		log_warn("%s", path);
		return path;
	}
	while (off < s->end && (n = pread(s->spool_fd, buf, sizeof(buf), (off_t)off)) > 0) {
		if (write(fd, buf, (size_t)n) != n)
			log_warn("%s", path);
		off += (uint64_t)n;
	}
	if (fsync(fd) < 0 || fchown(fd, so->js->uid, so->js->gid) < 0)
		log_warn("%s", path);
	close(fd);
	return path;
}

static void
shepout_give_up(struct shepout *so, char *reason, size_t rlen)
{
	size_t used = 0;
	char *kept;
	int i, n;

	n = snprintf(reason, rlen, "TERM_NFS: output server unreachable for %d s",
	    so->deadline_s);
	used = n > 0 && (size_t)n < rlen ? (size_t)n : rlen - 1;
	for (i = 0; i < 2; i++) {
		struct shepstream *s = &so->st[i];
		if (s->nfs == NULL || s->committed >= s->end)
			continue;
		kept = shepout_keep(so, i);
		/* file offsets: an appended -o file starts at its old size */
		n = snprintf(reason + used, rlen - used, "; bytes %llu-%llu of %s kept in %s",
		    (unsigned long long)(outnfs_base(s->nfs) + s->committed),
		    (unsigned long long)(outnfs_base(s->nfs) + s->end - 1), s->dest, kept);
		used += n > 0 && (size_t)n < rlen - used ? (size_t)n : rlen - 1 - used;
		free(kept);
	}
}

static int
shepout_all_committed(const struct shepout *so)
{
	return (so->st[0].nfs == NULL || (!so->st[0].down &&
	    so->st[0].committed == so->st[0].end)) &&
	    (so->st[1].nfs == NULL || (!so->st[1].down &&
	    so->st[1].committed == so->st[1].end));
}

void
shepout_finish(struct shepout *so, char *reason, size_t rlen)
{
	while (!so->gave_up && !shepout_all_committed(so)) {
		if (shepout_service(so, 1))
			so->gave_up = 1;
		else if (!shepout_all_committed(so))
			poll(NULL, 0, 100);
	}
	if (so->gave_up)
		shepout_give_up(so, reason, rlen);
}

void
shepout_free(struct shepout *so)
{
	int i;

	if (so == NULL)
		return;
	for (i = 0; i < 2; i++) {
		struct shepstream *s = &so->st[i];
		outnfs_close(s->nfs);
		if (s->rfd >= 0)
			close(s->rfd);
		if (s->wfd >= 0)
			close(s->wfd);
		if (s->spool_fd >= 0)
			close(s->spool_fd);
		free(s->dest);
		free(s->spool_path);
	}
	free(so->local_out);
	pthread_cond_destroy(&so->cv);
	pthread_mutex_destroy(&so->mu);
	free(so);
}
