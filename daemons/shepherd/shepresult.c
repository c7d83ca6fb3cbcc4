/*
 * shepresult.c - the outcome file of one job (shepresult.h). The directory
 * is the job's, inside the agent's spool (reached through the 0711 job
 * directory, so no other user can list or read it); the shepherd, maybe
 * root, reads the file the job left there with O_NOFOLLOW and only when
 * the job's user owns it, so a link cannot make it read someone else's.
 * A refused file never changes the job's state: it is reported beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "result.h"
#include "shepresult.h"
#include "util.h"

char *
shepresult_prepare(const char *jobdir, uid_t uid, gid_t gid, bool as_other,
    char *err, size_t errlen)
{
	char *dir = xasprintf("%s/result", jobdir), *path;

	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) ||
	    (as_other && chown(dir, uid, gid) < 0) || chmod(dir, 0700) < 0) {
		errf(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	path = xasprintf("%s/%s", dir, RESULT_FILE);
	if (unlink(path) < 0 && errno != ENOENT)	/* an earlier run's */
		log_warn("%s", path);
	free(dir);
	return path;
}

/* The file's bytes (at most RESULT_MAX + 1 read), or NULL with the reason. */
static char *
shepresult_read(const char *path, uid_t uid, bool as_other, size_t *len,
    char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	if (fd < 0) {
		if (errno != ENOENT)
			errf(err, errlen, "result file: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (as_other && st.st_uid != uid))
		errf(err, errlen, "result file: not a regular file of the job's user");
	else if (st.st_size > RESULT_MAX)
		errf(err, errlen, "result of %lld bytes is over the limit of %d bytes",
		    (long long)st.st_size, RESULT_MAX);
	else {
		buf = xmalloc(RESULT_MAX + 2);
		*len = 0;
		while ((n = read(fd, buf + *len, RESULT_MAX + 1 - *len)) > 0)
			*len += (size_t)n;
		if (n < 0) {
			errf(err, errlen, "result file: %s", strerror(errno));
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	return buf;
}

void
shepresult_collect(const char *path, uid_t uid, bool as_other, json_t *status)
{
	char err[512] = "", *buf;
	json_t *obj = NULL;
	size_t len = 0;

	if (path == NULL)
		return;
	buf = shepresult_read(path, uid, as_other, &len, err, sizeof(err));
	if (buf != NULL)
		obj = result_parse(buf, len, err, sizeof(err));
	free(buf);
	if (obj != NULL)
		json_object_set_new(status, "result", obj);
	else if (err[0] != '\0') {
		log_warnx("%s: %s", path, err);
		json_object_set_new(status, "result_error", json_string(err));
	}
}
