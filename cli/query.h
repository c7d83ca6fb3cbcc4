/*
 * query.h - the long and summary job formats shared by bjobs -l / -A,
 * bhist and bacct (joblong.c, jobarray.c, histfmt.c). All of them format
 * JOBRECs and the history op's reply (proto.h) and are pure: tests feed
 * them canned JSON.
 */
#ifndef PUMICE_QUERY_H
#define PUMICE_QUERY_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#define QUERY_WIDTH 80		/* -l lines wrap here ... */
#define QUERY_INDENT 21		/* ... and go on after this many spaces */

/* joblong.c */
/* "Tue May  6 15:45:10" (ctime without the year); "" for 0. */
void joblong_time(long t, char *buf, size_t len);
/* Prints one logical line, cut at 80 columns with 21-space continuations
 * (LSF's -l layout), or whole when unwrapped (-UF). */
void joblong_line(FILE *fp, const char *text, bool unwrapped);
/* The "Job <1>, Job Name <x>, User <u>, Project <p>, " head of a block. */
char *joblong_head(const json_t *job);
/* The bsub options of JOBREC.opts as LSF labels: ", Output File <o>, ...". */
char *joblong_opts(const json_t *job);
/* "Done successfully. The CPU time ..." / "Exited with exit code N. ..." */
char *joblong_ended(const json_t *job);
/* The "RESULT:" block of a JOBREC with an outcome record, and the
 * "RESULT FILE REFUSED:" one with why its file was refused; each line
 * after lead (bjobs -l: " ", bhist -l: ""). */
void joblong_result(FILE *fp, const json_t *job, const char *lead, bool unwrapped);
/* bjobs -l: every job, blocks separated by a dashed line. */
void joblong_print(FILE *fp, const json_t *jobs, bool unwrapped);

/* jobarray.c: bjobs -A, one row per array (unfinished: only arrays with
 * an unfinished element); returns the rows printed. */
size_t jobarray_print(FILE *fp, const json_t *jobs, bool noheader,
    bool unfinished);
/* The same rows as -json records {"JOBID":"20","ARRAY_SPEC":...}. */
json_t *jobarray_records(const json_t *jobs, bool unfinished);
/* The same from the master's summary rows, a page at a time: *header
 * (print the header before the first row) is cleared once printed. */
size_t jobarray_rows_print(FILE *fp, const json_t *rows, bool *header,
    bool unfinished);
void jobarray_rows_records(const json_t *rows, bool unfinished, json_t *records);

/* histfmt.c: bhist and bacct output from the history op's reply. */
struct histfmt_times {
	long pend, psusp, run, ususp, ssusp, unkwn, total;
};
/* Seconds spent in each state by one element, from its events. */
void histfmt_times(const json_t *rec, const json_t *events, long now,
    struct histfmt_times *t);
void histfmt_summary(FILE *fp, const json_t *jobs, long now);
void histfmt_long(FILE *fp, const json_t *jobs, bool unwrapped, long now);
void histfmt_json(FILE *fp, const json_t *jobs, long now);
/* bacct: finished elements only; -l adds the per-job blocks. */
void histfmt_acct(FILE *fp, const json_t *jobs, bool lng, bool unwrapped,
    const char *users);
void histfmt_acct_json(FILE *fp, const json_t *jobs);
/* The number of finished element records in the reply. */
size_t histfmt_nfinished(const json_t *jobs);

#endif
