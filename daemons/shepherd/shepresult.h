/*
 * shepresult.h - the job's outcome file ($PUMICE_RESULT, result.h): made
 * ready before the job starts, read after it ended, its object (or why it
 * was refused) put into the status the agent reports.
 */
#ifndef PUMICE_SHEPRESULT_H
#define PUMICE_SHEPRESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

/*
 * <jobdir>/result/, the job's own (mode 0700, owned by uid:gid when the
 * shepherd runs jobs as another user) and emptied; returns the path of
 * the file in it (malloc'd), or NULL with the reason in err.
 */
char *shepresult_prepare(const char *jobdir, uid_t uid, gid_t gid, bool as_other,
    char *err, size_t errlen);
/*
 * Reads path after the job: "result" (the object) or "result_error" (why
 * it was refused) into status; nothing when the job wrote no file. Only a
 * regular file of the job's user is read (never through a link).
 */
void shepresult_collect(const char *path, uid_t uid, bool as_other, json_t *status);

#endif
