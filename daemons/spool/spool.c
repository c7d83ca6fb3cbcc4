/*
 * spool.c - the agent's job journal. Layout under the host's spool dir:
 *
 *   jobs/<id>.<idx>/job.json      JOBSPEC as spooled (jobspec_build, 0600);
 *                                 written, then made durable with the others
 *                                 of its loop turn (spool_sync), before
 *                                 anything runs
 *   jobs/<id>.<idx>/shepherd.pid  the job's shepherd's pid (it writes it first)
 *   jobs/<id>.<idx>/pgid          the job's process group; the shepherd
 *                                 writes it before the job can exec
 *   jobs/<id>.<idx>/output.json   where bpeek finds an nfs:// job's stdout
 *                                 (a local -o file is found from job.json)
 *   jobs/<id>.<idx>/script        the job script when spec.script is true,
 *                                 or a command line over 64 KB
 *   jobs/<id>.<idx>/cwd           where the job runs when its cwd was not
 *                                 usable (/tmp); sent with the usage
 *   jobs/<id>.<idx>/status        final status, written atomically by the
 *                                 shepherd after the output was fsynced:
 *                                 {exit_code, signal, state, reason, start,
 *                                 end, cpu, maxrss, result | result_error}
 *   jobs/<id>.<idx>/result/       the job's own (0700, its user's): the
 *                                 job writes $PUMICE_RESULT, result.json,
 *                                 read by the shepherd into status
 *   done/<id>.<idx>               empty marker made after status; the agent
 *                                 watches done/ to learn of ends quickly.
 *                                 Not made for a shepherd whose end the
 *                                 long-lived shepherd tells the agent of
 *                                 (it makes it instead when the agent is
 *                                 gone; a new agent scans at its start)
 *   jobs/.gone-<key>              an entry being removed (ignored, swept)
 *
 * Modes: job.json holds the job's environment, so every file is 0600 and
 * every directory 0700, but for the path to a job's script (the spool,
 * jobs/ and jobs/<key>: 0711, searchable, not listable): the job's user
 * runs its script from there.
 *
 * Invariants: a job directory with job.json is a job this node holds until
 * the master acknowledged its finish; status exists only once the job has
 * ended and its output is durable. Removal renames the directory first so
 * that a crash never leaves a job that looks alive without its status.
 *
 * Durability: only job.json and status are synced, since only they must
 * outlive a crash of the machine: status with fsync of the file and its
 * directory by the job's shepherd, job.json by the agent with one syncfs
 * for all the specs that arrived in one loop turn (spool_sync). The files about
 * running processes (shepherd.pid, pgid, output.json, script, lease) are
 * replaced atomically but not synced: a process's death (agent or shepherd
 * kill -9) keeps the page cache, and a reboot ends the shepherds and their
 * jobs, whose directories then have job.json and no status, which the
 * agent reports as TERM_ZOMBIE whatever else survived.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "spool.h"
#include "util.h"

void
spool_key(long long id, long long idx, char *key)
{
	snprintf(key, SPOOL_KEY_MAX, "%lld.%lld", id, idx);
}

int
spool_key_parse(const char *name, long long *id, long long *idx)
{
	char *end;

	if (name[0] < '0' || name[0] > '9')
		return -1;
	*id = strtoll(name, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	*idx = strtoll(end + 1, &end, 10);
	return *end == '\0' ? 0 : -1;
}

void
spool_task_key(long long id, long long idx, long long tid, char *key)
{
	snprintf(key, SPOOL_KEY_MAX, "%lld.%lld.%lld", id, idx, tid);
}

int
spool_task_key_parse(const char *name, long long *id, long long *idx, long long *tid)
{
	char job[SPOOL_KEY_MAX];
	const char *dot = strrchr(name, '.');
	char *end;

	if (dot == NULL || (size_t)(dot - name) >= sizeof(job) || dot[1] < '1' || dot[1] > '9')
		return -1;
	memcpy(job, name, (size_t)(dot - name));
	job[dot - name] = '\0';
	*tid = strtoll(dot + 1, &end, 10);
	return *end == '\0' ? spool_key_parse(job, id, idx) : -1;
}

/*
 * Empties the directory open as fd (closed here): a job directory holds
 * plain files but for result/, which is the job's and may hold anything
 * it made there, so what is a directory is emptied in turn, opened
 * relative to its parent and never through a link (the job may swap
 * names under us), at most SPOOL_RM_DEPTH deep.
 */
#define SPOOL_RM_DEPTH 16
static void
spool_empty(int fd, const char *dir, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int sub;

	if (d == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if ((errno == EISDIR || errno == EPERM) && depth < SPOOL_RM_DEPTH &&
		    (sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) >= 0) {
			spool_empty(sub, dir, depth + 1);
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) == 0)
				continue;
		}
		log_warn("%s/%s", dir, de->d_name);
	}
	closedir(d);
}

/* Removes a job directory and what is in it (spool_empty). */
static int
spool_rmdir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	spool_empty(fd, dir, 0);
	return rmdir(dir);
}

/* Finishes removals a crash interrupted. */
static void
spool_sweep(const char *jobs)
{
	DIR *d = opendir(jobs);
	struct dirent *de;
	char *p;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ".gone-", 6) != 0)
			continue;
		p = xasprintf("%s/%s", jobs, de->d_name);
		if (spool_rmdir(p) < 0)
			log_warn("%s", p);
		free(p);
	}
	closedir(d);
}

int
spool_init(const char *spool, char *err, size_t errlen)
{
	static const struct { const char *name; mode_t mode; } sub[] = {
		{ "jobs", 0711 }, { "done", 0700 } };
	char *p;
	size_t i;

	/* chmod too: an older version made them 0755 */
	if (mkdir_p(spool, 0711) < 0 || chmod(spool, 0711) < 0)
		return errf(err, errlen, "%s: %s", spool, strerror(errno));
	for (i = 0; i < nitems(sub); i++) {
		p = xasprintf("%s/%s", spool, sub[i].name);
		if ((mkdir(p, sub[i].mode) < 0 && errno != EEXIST) || chmod(p, sub[i].mode) < 0) {
			errf(err, errlen, "%s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		if (i == 0)
			spool_sweep(p);
		free(p);
	}
	return 0;
}

char *
spool_job_dir(const char *spool, const char *key)
{
	return xasprintf("%s/jobs/%s", spool, key);
}

int
spool_has_job(const char *spool, const char *key)
{
	char *p = xasprintf("%s/jobs/%s/job.json", spool, key);
	int r = access(p, F_OK) == 0;

	free(p);
	return r;
}

int
spool_write_spec(const char *spool, const char *key, const json_t *spec,
    char *err, size_t errlen)
{
	char *dir = spool_job_dir(spool, key), *path = NULL, *text = NULL;
	int r = -1;

	/* 0711: the job's user must reach its script in here (umask 077) */
	if ((mkdir(dir, 0711) < 0 && errno != EEXIST) || chmod(dir, 0711) < 0) {
		errf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	path = xasprintf("%s/job.json", dir);
	if ((text = json_dumps(spec, JSON_COMPACT)) == NULL) {
		errf(err, errlen, "%s: cannot encode the job", path);
		goto out;
	}
	/* durable at the turn's spool_sync, before the shepherd starts */
	if (file_write_replace(path, text, strlen(text), 0600) < 0) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	free(text);
	free(path);
	free(dir);
	return r;
}

int
spool_sync(int fd)
{
	return syncfs(fd);
}

int
spool_write_pid(const char *jobdir, const char *name, pid_t pid)
{
	char *path = xasprintf("%s/%s", jobdir, name);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid), r;

	r = file_write_replace(path, buf, (size_t)n, 0600);	/* no fsync: see above */
	free(path);
	return r;
}

pid_t
spool_read_pid(const char *jobdir, const char *name)
{
	char *path = xasprintf("%s/%s", jobdir, name), *s, *end;
	long v;

	s = file_read_all(path, NULL);
	free(path);
	if (s == NULL)
		return -1;
	v = strtol(s, &end, 10);
	if (end == s || v <= 0 || (*end != '\n' && *end != '\0'))
		v = -1;
	free(s);
	return (pid_t)v;
}

json_t *
spool_read_status(const char *jobdir)
{
	char *path = xasprintf("%s/status", jobdir);
	json_error_t jerr;
	json_t *j;

	j = json_load_file(path, 0, &jerr);
	if (j == NULL && access(path, F_OK) == 0)
		log_warnx("%s: %s", path, jerr.text);
	free(path);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* jobs/<key> -> done/<key>, from the job directory's path. */
static char *
spool_done_path(const char *jobdir)
{
	const char *key = strrchr(jobdir, '/');
	size_t n;

	if (key == NULL)
		return xasprintf("../../done/%s", jobdir);
	n = (size_t)(key - jobdir);
	/* strip "/jobs" */
	if (n >= 5 && strncmp(jobdir + n - 5, "/jobs", 5) == 0)
		n -= 5;
	return xasprintf("%.*s/done%s", (int)n, jobdir, key);
}

int
spool_mark_done(const char *jobdir)
{
	char *done = spool_done_path(jobdir);
	int fd = open(done, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	free(done);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int
spool_finish(const char *jobdir, const json_t *status, bool mark, char *err,
    size_t errlen)
{
	char *path = xasprintf("%s/status", jobdir), *text;
	int r = -1;

	text = json_dumps(status, JSON_COMPACT);
	if (text == NULL || file_write_atomic(path, text, strlen(text), 0600) < 0)
		errf(err, errlen, "%s: %s", path, strerror(errno));
	else if (mark && spool_mark_done(jobdir) < 0)
		errf(err, errlen, "%s/done marker: %s", jobdir, strerror(errno));
	else
		r = 0;
	free(text);
	free(path);
	return r;
}

int
spool_remove(const char *spool, const char *key)
{
	char *dir = spool_job_dir(spool, key);
	char *gone = xasprintf("%s/jobs/.gone-%s", spool, key);
	char *done = xasprintf("%s/done/%s", spool, key);
	int r = 0;

	if (rename(dir, gone) < 0 && errno != ENOENT) {
		log_warn("%s", dir);
		r = -1;
	}
	if (unlink(done) < 0 && errno != ENOENT)
		log_warn("%s", done);
	if (r == 0 && spool_rmdir(gone) < 0 && errno != ENOENT) {
		log_warn("%s", gone);
		r = -1;
	}
	free(dir);
	free(gone);
	free(done);
	return r;
}
