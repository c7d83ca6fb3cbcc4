/*
 * acctrec.h - LSF's lsb.acct JOB_FINISH record (lsb.acct(5)): one line per
 * finished job, its fields in LSF's order, written by the master and read
 * back by bacct. Pure code: no I/O.
 */
#ifndef PUMICE_ACCTREC_H
#define PUMICE_ACCTREC_H

#include <stddef.h>

#define ACCTREC_DONE 64		/* jStatus as LSF's JOB_STAT_DONE */
#define ACCTREC_EXIT 32		/* JOB_STAT_EXIT */

/* The fields Pumice knows; the others are written as LSF's "unknown". */
struct acctrec {
	long event_time, job_id, uid, nproc;
	long submit_time, begin_time, term_time, start_time;
	char *user, *queue, *res_req, *depend, *pre_exec, *from_host, *cwd;
	char *in_file, *out_file, *err_file, *job_name, *command, *project;
	char *subcwd;
	char **exec_hosts;	/* one per slot */
	size_t nexec;
	long status;		/* ACCTREC_DONE or ACCTREC_EXIT */
	double utime, stime, maxrss;	/* seconds, KB; -1 unknown */
	long exit_status;	/* wait(2) status: exit code << 8, or the signal */
	long idx, max_rmem, run_time;
};

/* The line (malloc'd, ending in '\n'); strings quoted, '"' doubled,
 * line breaks as spaces. */
char *acctrec_format(const struct acctrec *r);
/* Parses one line into r (strings malloc'd); 0, or -1 with err for a
 * record that is not JOB_FINISH or is cut short. */
int acctrec_parse(const char *line, struct acctrec *r, char *err, size_t errlen);
void acctrec_free(struct acctrec *r);
/* How many fields a record has, and the name of field i (lsb.acct(5)). */
size_t acctrec_nfields(void);
const char *acctrec_field_name(size_t i);

#endif
