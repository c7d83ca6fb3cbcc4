/*
 * shepio.c - the shepherd's part of interactive jobs (shepio.h). A pty
 * job leads a session of its own whose controlling terminal is the pty,
 * so that ^C, ^Z and window changes reach it as on a login; its pid is
 * still its process group, which is what the spool's pgid records.
 */
#include <sys/ioctl.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "shepio.h"

void
shepio_child_group(const struct jobspec *js)
{
	if (js->interactive == JOBSPEC_IO_PTY)
		setsid();
	else
		setpgid(0, 0);
}

int
shepio_child_tty(const struct jobspec *js)
{
	if (js->interactive != JOBSPEC_IO_PTY)
		return 0;
	return ioctl(0, TIOCSCTTY, 0);
}

bool
shepio_parent_groups(const struct jobspec *js)
{
	return js->interactive != JOBSPEC_IO_PTY;
}

void
shepio_parent_release(const struct jobspec *js)
{
	int fd, i;

	if (js->interactive == JOBSPEC_IO_NONE)
		return;
	if ((fd = open("/dev/null", O_RDWR)) < 0)
		return;
	for (i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}
