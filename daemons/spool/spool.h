/*
 * spool.h - the agent's on-disk job journal, shared by the agent (writes
 * specs, reads statuses) and the shepherd (writes pgid and status). The
 * layout is documented at the top of spool.c.
 */
#ifndef PUMICE_SPOOL_H
#define PUMICE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#define SPOOL_KEY_MAX 48

/* "<id>.<idx>" into key (SPOOL_KEY_MAX bytes). */
void spool_key(long long id, long long idx, char *key);
/* Parses a key back; -1 when name is not one. */
int spool_key_parse(const char *name, long long *id, long long *idx);
/* A blaunch task's key, "<id>.<idx>.<tid>" (tid > 0), and its parser. */
void spool_task_key(long long id, long long idx, long long tid, char *key);
int spool_task_key_parse(const char *name, long long *id, long long *idx,
    long long *tid);

/* Creates spool/jobs and spool/done. */
int spool_init(const char *spool, char *err, size_t errlen);
/* spool/jobs/<key> (malloc'd). */
char *spool_job_dir(const char *spool, const char *key);
/* 1 when spool/jobs/<key>/job.json exists. */
int spool_has_job(const char *spool, const char *key);
/* Makes the job's directory and writes job.json atomically; durable only
 * after spool_sync (one for every spec written in a loop turn). */
int spool_write_spec(const char *spool, const char *key, const json_t *spec,
    char *err, size_t errlen);
/* Makes everything written under the spool so far durable: syncfs(2) of
 * its file system through fd, a directory of it kept open (so that a
 * writeback error since it was opened is reported). 0, or -1 and errno. */
int spool_sync(int fd);
/* Writes a small decimal file (shepherd.pid, pgid) in a job directory
 * atomically, not durably (spool.c). */
int spool_write_pid(const char *jobdir, const char *name, pid_t pid);
/* Reads it back; -1 when absent or garbled. */
pid_t spool_read_pid(const char *jobdir, const char *name);
/* The job's status object, NULL when the job has not finished. */
json_t *spool_read_status(const char *jobdir);
/* Writes the status durably, then (with mark) the done marker that wakes
 * the agent; without, whoever tells the agent of the end marks it if the
 * agent is gone (shepserv.c). */
int spool_finish(const char *jobdir, const json_t *status, bool mark, char *err,
    size_t errlen);
/* The done marker of the job in jobdir (an empty done/<key>). */
int spool_mark_done(const char *jobdir);
/* Removes the job's directory and marker (after the master acknowledged). */
int spool_remove(const char *spool, const char *key);

#endif
