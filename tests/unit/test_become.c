/*
 * test_become.c - become_user() (daemons/shepherd/become.c), the one way a
 * shepherd's child takes the job owner's identity: in a forked child, as
 * root, it must leave real and effective uid and gid and the groups those
 * of the job. Skipped when not run as root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../daemons/shepherd/become.h"

/* The child's exit code: 0 when every id is the job's. */
static int
become_child(void)
{
	struct jobspec js;
	gid_t groups[4];
	char err[256];
	int n;

	memset(&js, 0, sizeof(js));
	js.uid = 65534;
	js.gid = 65534;
	js.user = "nobody";
	if (become_user(&js, NULL, err, sizeof(err)) < 0)
		return 1;
	if (getuid() != 65534 || geteuid() != 65534 || getgid() != 65534 ||
	    getegid() != 65534)
		return 2;
	n = getgroups(4, groups);
	if (n != 1 || groups[0] != 65534)
		return 3;
	/* no way back: the saved set-user-ID changed too */
	if (setuid(0) == 0)
		return 4;
	return 0;
}

static void
test_become_nobody(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(become_child());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_become_refused(void **state)
{
	struct jobspec js;
	char err[256] = "";
	pid_t pid;
	int st;

	(void)state;
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* an unprivileged process cannot become another user: an error */
		memset(&js, 0, sizeof(js));
		js.uid = 65533;
		js.gid = 65533;
		js.user = "other";
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(9);
		_exit(become_user(&js, NULL, err, sizeof(err)) < 0 && err[0] != '\0' ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_become_nobody),
		cmocka_unit_test(test_become_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
