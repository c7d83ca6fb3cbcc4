/*
 * become.c - the job owner's identity for a shepherd's child (see become.h).
 */
#include <signal.h>
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

#include "become.h"
#include "util.h"

int
become_user(const struct jobspec *js, const struct passwd *pw, char *err, size_t errlen)
{
	gid_t gid = js->gid;

	if (setgid(gid) < 0)
		return errf(err, errlen, "cannot set group id %d: %s", (int)gid, strerror(errno));
	if (pw != NULL ? initgroups(pw->pw_name, gid) < 0 : setgroups(1, &gid) < 0)
		return errf(err, errlen, "cannot set groups of %s: %s", js->user, strerror(errno));
	if (setuid(js->uid) < 0)
		return errf(err, errlen, "cannot become user %s (uid %d): %s", js->user,
		    (int)js->uid, strerror(errno));
	if (getuid() != js->uid || geteuid() != js->uid)
		return errf(err, errlen, "cannot become user %s: uid did not change", js->user);
	return 0;
}

void
become_child_signals(void)
{
	sigset_t none;

	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
