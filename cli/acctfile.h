/*
 * acctfile.h - bacct reading lsb.acct for jobs past the sqlite history.
 */
#ifndef PUMICE_ACCTFILE_H
#define PUMICE_ACCTFILE_H

#include <jansson.h>

/* For each SEL of ids ({id[, idx]}) that data's "jobs" lacks, the records
 * found in lsb.acct files are added to "jobs" and its texts dropped from
 * "missing". */
void acctfile_fill(const json_t *ids, json_t *data);

#endif
