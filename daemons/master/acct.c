/*
 * acct.c - lsb.acct, LSF's accounting file (lsb.acct(5)): one JOB_FINISH
 * line (common/acctrec.c) per element that ends, in
 * LSB_SHAREDIR/<cluster>/logdir/lsb.acct, for site scripts and tools that
 * read it; the sqlite history stays the fast path for bacct and bhist.
 *
 * The loop never waits on it: a line is formatted into memory when its
 * event is recorded (event.c calls acct_note), and written with one
 * write(2) after the transaction holding the event has committed
 * (acct_flush from the group commit), so a line never names an end the
 * store might still lose. The file is fdatasync'd from the once-a-second
 * tick when written to, so a crash of the machine loses at most the last
 * second of lines (the sqlite history still has those jobs); a crash of
 * the master between commit and write loses that turn's lines.
 *
 * Rotation, as LSF's ACCT_ARCHIVE_SIZE in lsb.params: past that many KB
 * lsb.acct becomes lsb.acct.1 (older ones move up one number; beyond
 * MAX_ACCT_ARCHIVE_FILE they are deleted) and a new lsb.acct starts.
 * Nothing is written during start-up replay: those ends were written
 * when they happened.
 *
 * lsb.events (lsbevents.c formats its lines) goes through the same
 * writer: its own struct acct (m->events), the same commit-then-write,
 * the same once-a-second fdatasync and the same size rotation
 * (lsb.events -> lsb.events.1 ...).
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acctrec.h"
#include "envtab.h"
#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "util.h"

struct acct {
	const char *name;	/* "lsb.acct" or "lsb.events" */
	int fd;			/* lsb.acct, O_APPEND; -1 until first written */
	off_t size;		/* its size, for rotation */
	char *pend;		/* lines of the open transaction */
	size_t len, cap;
	char *ready;		/* committed lines not yet written (a write failed) */
	size_t rlen;
	bool unsynced;		/* written since the last fdatasync */
	bool warned;		/* the log said the directory fails */
	bool dropped;		/* the log said lines are being dropped */
};

/* The writer of one file (m->acct: lsb.acct, m->events: lsb.events). */
static struct acct *
acct_get(struct acct **slot, const char *name)
{
	if (*slot == NULL) {
		*slot = xcalloc(1, sizeof(**slot));
		(*slot)->fd = -1;
		(*slot)->name = name;
	}
	return *slot;
}

/* LSB_SHAREDIR/<cluster>/logdir/<name>, or with ".N". */
static char *
acct_path(struct master *m, const struct acct *a, int n)
{
	return n == 0 ? xasprintf("%s/%s/logdir/%s", m->conf->sharedir,
	    m->conf->cluster, a->name) : xasprintf("%s/%s/logdir/%s.%d",
	    m->conf->sharedir, m->conf->cluster, a->name, n);
}

static int
acct_open(struct master *m, struct acct *a)
{
	char *path = acct_path(m, a, 0), *dir = xasprintf("%s/%s/logdir",
	    m->conf->sharedir, m->conf->cluster);
	struct stat st;

	if (mkdir_p_public(dir, 0755) == 0)
		a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (a->fd >= 0 && fstat(a->fd, &st) == 0)
		a->size = st.st_size;
	if (a->fd < 0 && !a->warned) {
		log_warn("accounting: %s", path);
		a->warned = true;
	}
	free(dir);
	free(path);
	return a->fd < 0 ? -1 : 0;
}

/* lsb.acct -> lsb.acct.1 -> .2 ...; past MAX_ACCT_ARCHIVE_FILE deleted. */
static void
acct_rotate(struct master *m, struct acct *a)
{
	long keep = m->conf->max_acct_archive_file, n;
	char *from, *to;

	for (n = 1; ; n++) {	/* the highest number in use */
		struct stat st;
		char *p = acct_path(m, a, (int)n);
		int gone = stat(p, &st) < 0;
		free(p);
		if (gone)
			break;
	}
	for (; n >= 1; n--) {
		from = acct_path(m, a, (int)n - 1);
		to = acct_path(m, a, (int)n);
		if (keep > 0 && n > keep)
			unlink(from);
		else if (rename(from, to) < 0)
			log_warn("accounting: rename %s", from);
		free(from);
		free(to);
	}
	if (a->unsynced)
		fdatasync(a->fd);
	close(a->fd);
	a->fd = -1;
	a->unsynced = false;
	log_info("accounting: %s rotated at %lld bytes", a->name, (long long)a->size);
	acct_open(m, a);	/* readers always find a (new, empty) lsb.acct */
}

static void
acct_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n > *cap) {
		*cap = (*len + n) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
}

/* The record of element e, which has just ended. */
static char *
acct_line(struct master *m, struct job *j, struct elem *e)
{
	const json_t *spec = jobspec_view(m, j), *opts = json_object_get(spec, "opts");
	const json_t *R = json_object_get(opts, "R");
	struct acctrec r = { 0 };
	char *name = job_display_name(j, e->idx), *line;

	r.event_time = e->finish_time;
	r.job_id = j->id;
	r.uid = j->uid;
	r.nproc = e->nslots > 0 ? e->nslots : j->nslots;
	r.submit_time = j->submit_time;
	r.begin_time = j->begin_time;
	r.term_time = j->term_time;
	r.start_time = e->start_time;
	r.user = (char *)j->user;
	r.queue = (char *)j->queue;
	r.res_req = (char *)json_string_value(json_is_array(R) ? json_array_get(R, 0) : R);
	r.depend = (char *)json_string_value(json_object_get(spec, "dep"));
	r.pre_exec = (char *)json_string_value(json_object_get(opts, "E"));
	r.from_host = (char *)j->from_host;
	r.cwd = (char *)json_string_value(json_object_get(spec, "cwd"));
	r.subcwd = (char *)json_string_value(json_object_get(spec, "subcwd"));
	r.in_file = (char *)json_string_value(json_object_get(opts, "i"));
	r.out_file = (char *)json_string_value(json_object_get(spec, "out"));
	r.err_file = (char *)json_string_value(json_object_get(spec, "err"));
	r.job_name = name;
	r.command = (char *)json_string_value(json_object_get(spec, "cmd"));
	r.project = (char *)job_project(m, spec);
	r.exec_hosts = e->hosts;
	r.nexec = e->hosts != NULL ? (size_t)e->nslots : 0;
	r.status = e->state == JS_DONE ? ACCTREC_DONE : ACCTREC_EXIT;
	r.utime = e->start_time > 0 ? e->cpu : -1;
	r.stime = e->start_time > 0 ? 0 : -1;
	r.maxrss = e->start_time > 0 ? (double)e->maxrss : -1;
	r.exit_status = e->signal > 0 && e->exit_code == 128 + e->signal ? e->signal :
	    (long)(e->exit_code & 0xff) << 8;
	r.idx = e->idx;
	r.max_rmem = e->maxrss;
	r.run_time = e->start_time > 0 ? e->finish_time - e->start_time : 0;
	line = acctrec_format(&r);
	free(name);
	return line;
}

static void
acct_note_elem(struct master *m, struct acct *a, struct job *j, struct elem *e,
    long when)
{
	char *line;

	if (e == NULL || !(e->state & (JS_DONE | JS_EXIT)) || e->finish_time != when)
		return;
	line = acct_line(m, j, e);
	acct_append(&a->pend, &a->len, &a->cap, line, strlen(line));
	free(line);
}

/* The elements of j that the event at `when` ended: the one it names, or
 * (idx -1, a whole-job kill) every record; one finish costs one lookup,
 * not a walk of a big array's records. */
static void
acct_note_ended(struct master *m, struct acct *a, struct job *j, long idx, long when)
{
	struct elem *e;
	size_t i;

	if (idx >= 0)
		return acct_note_elem(m, a, j, job_elem(j, idx), when);
	for (i = 0; i < j->ehash_size; i++)
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			acct_note_elem(m, a, j, e, when);
}

void
acct_note(struct master *m, long id, long idx, long when, long ended_before)
{
	struct job *j = job_find(m, id);

	if (m->replaying || j == NULL || j->ndone + j->nexit == ended_before)
		return;
	acct_note_ended(m, acct_get(&m->acct, "lsb.acct"), j, idx, when);
}

void
acct_event_line(struct master *m, const char *line)
{
	struct acct *a = acct_get(&m->events, "lsb.events");

	acct_append(&a->pend, &a->len, &a->cap, line, strlen(line));
}

long
acct_ended(struct master *m, long id)
{
	struct job *j = job_find(m, id);

	return j != NULL ? j->ndone + j->nexit : 0;
}

/* Writes what is ready; keeps it for the next turn when that fails. */
static void
acct_write_ready(struct master *m, struct acct *a)
{
	ssize_t n;

	if (a->fd < 0 && acct_open(m, a) < 0)
		return;
	n = write(a->fd, a->ready, a->rlen);
	if (n < 0) {
		if (!a->warned)
			log_warn("accounting: write %s", a->name);
		a->warned = true;
		return;
	}
	a->warned = false;
	memmove(a->ready, a->ready + n, a->rlen - (size_t)n);
	a->rlen -= (size_t)n;
	a->size += n;
	a->unsynced = true;
	if (m->conf->acct_archive_size > 0 &&
	    a->size >= (off_t)m->conf->acct_archive_size * 1024)
		acct_rotate(m, a);
}

/* Lines kept while the file cannot be written, at most: past it a turn's
 * lines are dropped (the sqlite history has them) rather than the
 * master's memory growing with every event of a full or missing disk. */
#define ACCT_READY_MAX (16u << 20)

static void
acct_flush_one(struct master *m, struct acct *a)
{
	size_t cap;

	if (a == NULL || (a->len == 0 && a->rlen == 0))
		return;
	if (a->rlen + a->len > ACCT_READY_MAX) {
		if (!a->dropped)
			log_warnx("accounting: %s not writable, its lines are dropped "
			    "until it is", a->name);
		a->dropped = true;
		a->len = 0;
	} else
		a->dropped = false;
	cap = a->rlen + a->len;
	a->ready = xrealloc(a->ready, cap > 0 ? cap : 1);
	memcpy(a->ready + a->rlen, a->pend, a->len);
	a->rlen += a->len;
	a->len = 0;
	acct_write_ready(m, a);
}

void
acct_flush(struct master *m)
{
	acct_flush_one(m, m->acct);
	acct_flush_one(m, m->events);
}

static void
acct_tick_one(struct master *m, struct acct *a)
{
	if (a == NULL)
		return;
	if (a->rlen > 0)
		acct_write_ready(m, a);
	if (a->unsynced && a->fd >= 0) {
		fdatasync(a->fd);
		a->unsynced = false;
	}
}

void
acct_tick(struct master *m)
{
	acct_tick_one(m, m->acct);
	acct_tick_one(m, m->events);
}

static void
acct_close_one(struct master *m, struct acct **slot)
{
	struct acct *a = *slot;

	if (a == NULL)
		return;
	acct_flush_one(m, a);
	acct_tick_one(m, a);
	if (a->fd >= 0)
		close(a->fd);
	free(a->pend);
	free(a->ready);
	free(a);
	*slot = NULL;
}

void
acct_close(struct master *m)
{
	acct_close_one(m, &m->acct);
	acct_close_one(m, &m->events);
}
