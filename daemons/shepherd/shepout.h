/*
 * shepout.h - the shepherd's side of a job's output when it goes to an
 * nfs:// destination: the job writes into a pipe, the shepherd copies it
 * into a bounded local spool file and from there to the server
 * (outnfs.c), and the job's end is recorded only once everything is
 * committed there, or the deadline passed and the rest is kept locally.
 * Also appends the LSF job report to the -o file, local or NFS, and
 * records where the output goes for bpeek (output.json in the job dir).
 */
#ifndef PUMICE_SHEPOUT_H
#define PUMICE_SHEPOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

struct jobspec;
struct shepout;

#define SHEPOUT_STDOUT 0
#define SHEPOUT_STDERR 1

/* Plans the streams of the job in jobdir (js: its job.json). */
struct shepout *shepout_new(const char *jobdir, const struct jobspec *js);
/* Before the fork: connects to the servers and makes the pipes. */
int shepout_open(struct shepout *so, char *reason, size_t rlen);
/* In the child: the fd for stream, or -1 when it is not an NFS stream. */
int shepout_child_fd(const struct shepout *so, int stream);
/* Whether shepout_pump() copies a stream (nfs://) while the job runs. */
bool shepout_pumps(const struct shepout *so);
/* In the parent after the fork; local_out is the -o file's absolute path. */
void shepout_forked(struct shepout *so, const char *local_out);
/* Copies the job's output until its pipes close; may kill pgid (deadline). */
void shepout_pump(struct shepout *so, pid_t pgid, char *reason, size_t rlen);
/* Appends the job report to the -o destination (local or NFS). */
void shepout_report(struct shepout *so, const char *text);
/* Flushes and commits the rest; on failure keeps it and fills reason. */
void shepout_finish(struct shepout *so, char *reason, size_t rlen);
void shepout_free(struct shepout *so);

#endif
