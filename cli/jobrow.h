/*
 * jobrow.h - one job element as bjobs' formatters read it: a JOBREC
 * object, or the values of a line of the row encoding (rowtext.h) split
 * in place, read without a JSON value a field. Reading a text value
 * undoes its escapes in place, so readers take a non-const row.
 */
#ifndef PUMICE_JOBROW_H
#define PUMICE_JOBROW_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

/* The JOBREC members bjobs reads, and "npos" of a range line. */
enum jobrow_key {
	JR_ID, JR_IDX, JR_NAME, JR_USER, JR_STAT, JR_QUEUE, JR_FROM_HOST,
	JR_EXEC_HOSTS, JR_SUBMIT_TIME, JR_START_TIME, JR_ATTEMPT, JR_FINISH_TIME,
	JR_EXIT_CODE, JR_EXIT_REASON, JR_PEND_REASON, JR_PEND_DETAIL, JR_CMD,
	JR_CWD, JR_SUBCWD, JR_OUT, JR_ERR, JR_NSLOTS, JR_DEP, JR_CPU, JR_MAXRSS,
	JR_MEM, JR_USAGE_TIME, JR_NPROC, JR_SIGNAL, JR_PROJECT, JR_EXEC_CWD,
	JR_OPTS, JR_ARRAY, JR_RESULT, JR_RESULT_ERROR, JR_NPOS, JR_NKEYS
};

#define JOBROW_MAXHOSTS 4096

struct jobrow {
	const json_t *rec;	/* a JOBREC; NULL: the text values */
	char *v[JR_NKEYS];	/* text values, NUL-terminated; NULL absent */
	uint64_t esc;		/* bit k: v[k] is still escaped */
	char **hosts;		/* exec_hosts split (text), on first use */
	size_t nhosts;
	bool hosts_split;
	json_t *opts;		/* opts decoded, on first use */
	bool opts_read;
	json_t *result;		/* result decoded (text rows), on first use */
	bool result_read;
};

/* The key of a member name; -1 when bjobs reads no such member. */
int jobrow_key(const char *name);
/* A row reading rec (kept by the caller while the row is used). */
void jobrow_json(struct jobrow *r, const json_t *rec);
/* Frees what reading the row allocated (hosts, opts); not the values. */
void jobrow_clear(struct jobrow *r);

/* A string member, NULL when the row lacks it; "" for an empty value. */
const char *jobrow_str(struct jobrow *r, int k);
/* An integer member: *has false (and 0) when absent or not a number. */
long long jobrow_int(struct jobrow *r, int k, bool *has);
long long jobrow_int0(struct jobrow *r, int k);
/* A number member (cpu). */
double jobrow_real(struct jobrow *r, int k, bool *has);
/* exec_hosts: how many, and host i (NULL past the end). */
size_t jobrow_nhosts(struct jobrow *r);
const char *jobrow_host(struct jobrow *r, size_t i);
/* opts, the recorded bsub options object; NULL when absent. */
const json_t *jobrow_opts(struct jobrow *r);
/* result, the job's outcome record (an object); NULL when it has none. */
const json_t *jobrow_result(struct jobrow *r);
/* The string option key of opts, or NULL. */
const char *jobrow_opt(struct jobrow *r, const char *key);

#endif
