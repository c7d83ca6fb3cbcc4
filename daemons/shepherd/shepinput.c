/*
 * shepinput.c - a workflow step's input file (shepinput.h). It goes in the
 * job directory, which only the agent and the shepherd may write (the job
 * user can neither plant a link there nor replace the file): an earlier
 * run's is removed, the file made anew with O_EXCL, then given to the
 * job's user, read-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shepinput.h"
#include "util.h"

static int
shepinput_write_all(int fd, const char *text, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, text, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

char *
shepinput_write(const char *jobdir, const json_t *spec, uid_t uid, gid_t gid,
    bool as_other, char *err, size_t errlen)
{
	const char *text = json_string_value(json_object_get(spec, "flow_input"));
	char *path;
	int fd, rc;

	err[0] = '\0';
	if (text == NULL)
		return NULL;
	path = xasprintf("%s/%s", jobdir, SHEPINPUT_FILE);
	if (unlink(path) < 0 && errno != ENOENT)
		goto fail;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0)
		goto fail;
	rc = shepinput_write_all(fd, text, strlen(text));
	if (rc == 0 && as_other && fchown(fd, uid, gid) < 0)
		rc = -1;
	if (close(fd) < 0 || rc < 0)
		goto fail;
	return path;
fail:
	errf(err, errlen, "%s: %s", path, strerror(errno));
	free(path);
	return NULL;
}
