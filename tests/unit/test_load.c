/*
 * test_load.c - the agent's readers of /proc text, fed canned files: load
 * indices (load.c), cgroup mounts and OOM counts (cgroup.c), process
 * stat lines (enforce.c) and the choice of cpu slots (cpus.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../daemons/shepherd/cgroup.h"
#include "../../daemons/agent/cpus.h"
#include "../../daemons/shepherd/enforce.h"
#include "../../daemons/agent/load.h"

static const char vmstat[] =
    "nr_free_pages 5912034\n"
    "pgpgin 1234567\n"
    "pgpgout 7654321\n"
    "pswpin 40\n"
    "pswpout 2\n"
    "pgmajfault 17\n";

static const char diskstats[] =
    "   7       0 loop0 50 0 800 10 0 0 0 0 0 20 10 0 0 0 0 0 0\n"
    " 259       0 nvme0n1 1000 10 20000 300 500 20 8000 900 0 700 1200 0 0 0 0 0 0\n"
    " 259       1 nvme0n1p1 900 10 19000 280 490 20 7900 880 0 690 1160 0 0 0 0 0 0\n"
    "   8       0 sda 10 0 100 1 5 0 50 2 0 3 3\n"
    "garbage line\n";

static int
test_is_disk(const char *name)
{
	return strcmp(name, "nvme0n1") == 0 || strcmp(name, "sda") == 0;
}

static void
test_vmstat(void **state)
{
	assert_int_equal(load_parse_vmstat(vmstat), 42);
	assert_int_equal(load_parse_vmstat("pgpgin 5\n"), 0);
	assert_int_equal(load_parse_vmstat(""), 0);
	/* a name that merely starts like ours is not ours */
	assert_int_equal(load_parse_vmstat("pswpin_x 9\npswpout 3"), 3);
}

static void
test_diskstats(void **state)
{
	assert_int_equal(load_parse_diskstats(diskstats, test_is_disk), 28000 + 150);
	/* without a filter every well-formed line counts */
	assert_int_equal(load_parse_diskstats(diskstats, NULL),
	    800 + 28000 + 26900 + 150);
	assert_int_equal(load_parse_diskstats("", NULL), 0);
}

static void
test_cpustat(void **state)
{
	uint64_t busy, total;

	assert_int_equal(load_parse_cpustat("cpu  100 5 50 800 40 3 2 0 0 0\n"
	    "cpu0 1 2 3 4\n", &busy, &total), 0);
	assert_int_equal(total, 1000);
	assert_int_equal(busy, 160);
	assert_int_equal(load_parse_cpustat("cpu  1 2 3 4\n", &busy, &total), 0);
	assert_int_equal(total, 10);
	assert_int_equal(busy, 6);
	assert_int_equal(load_parse_cpustat("intr 5\n", &busy, &total), -1);
	assert_int_equal(load_parse_cpustat("cpu 1 2\n", &busy, &total), -1);
}

static void
test_rate(void **state)
{
	assert_true(load_rate(100, 300, 2000) == 100.0);
	assert_true(load_rate(100, 100, 1000) == 0.0);
	assert_true(load_rate(300, 100, 1000) == 0.0);	/* counter reset */
	assert_true(load_rate(0, 10, 0) == 0.0);
}

static const char mountinfo[] =
    "22 1 0:21 / / rw - ext4 /dev/root rw\n"
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "35 30 0:32 / /sys/fs/cgroup/memoryx rw - cgroup cgroup rw,memoryx\n"
    "40 30 0:36 / /sys/fs/cgroup/unified rw,relatime shared:5 - cgroup2 cgroup2 rw\n";

static void
test_cgroup_mount(void **state)
{
	char *p;

	p = cgroup_parse_mount(mountinfo, "cgroup", "memory");
	assert_string_equal(p, "/sys/fs/cgroup/memory");
	free(p);
	p = cgroup_parse_mount(mountinfo, "cgroup2", NULL);
	assert_string_equal(p, "/sys/fs/cgroup/unified");
	free(p);
	assert_null(cgroup_parse_mount(mountinfo, "cgroup", "pids"));
	assert_null(cgroup_parse_mount("", "cgroup2", NULL));
}

static void
test_cgroup_self(void **state)
{
	static const char v1[] = "9:name=systemd:/\n4:memory:/process_api/abc\n"
	    "2:cpu,cpuacct:/x\n0::/\n";
	char *p;

	p = cgroup_parse_self(v1, "memory");
	assert_string_equal(p, "/process_api/abc");
	free(p);
	p = cgroup_parse_self(v1, "cpuacct");
	assert_string_equal(p, "/x");
	free(p);
	p = cgroup_parse_self(v1, "");
	assert_string_equal(p, "/");
	free(p);
	p = cgroup_parse_self("0::/user.slice/agent.service", "");
	assert_string_equal(p, "/user.slice/agent.service");
	free(p);
	assert_null(cgroup_parse_self(v1, "pids"));
}

static void
test_cgroup_oom(void **state)
{
	static const char v1[] = "oom_kill_disable 0\nunder_oom 1\noom_kill 3\n";

	assert_int_equal(cgroup_parse_field(v1, "oom_kill"), 3);
	assert_int_equal(cgroup_parse_field(v1, "under_oom"), 1);
	assert_int_equal(cgroup_parse_field(v1, "oom_kill_disable"), 0);
	assert_int_equal(cgroup_parse_field("low 0\nhigh 0\nmax 12\noom 2\n"
	    "oom_kill 1\noom_group_kill 0\n", "oom_kill"), 1);
	assert_int_equal(cgroup_parse_field("oom_kill_disable 0\n", "oom_kill"), 0);
	assert_int_equal(cgroup_parse_field("", "oom_kill"), 0);
}

static void
test_stat(void **state)
{
	long pgrp = 0, rss = 0, ut = 0, st = 0;

	assert_int_equal(usage_parse_stat("4242 (tail) R 4240 4230 4230 0 -1 "
	    "4194304 51000 0 0 0 10 20 0 0 20 0 1 0 12345 210000000 51234 "
	    "18446744073709551615 1 1 0 0 0\n", &pgrp, &rss, &ut, &st), 0);
	assert_int_equal(pgrp, 4230);
	assert_int_equal(rss, 51234);
	assert_int_equal(ut, 10);
	assert_int_equal(st, 20);
	/* a command name with blanks and parentheses */
	assert_int_equal(usage_parse_stat("7 (a) b (c)) S 1 77 77 0 -1 0 0 0 0 0 "
	    "0 0 0 0 20 0 1 0 5 100 9 0\n", &pgrp, &rss, &ut, &st), 0);
	assert_int_equal(pgrp, 77);
	assert_int_equal(rss, 9);
	assert_int_equal(usage_parse_stat("7 (short) S 1 2 3\n", &pgrp, &rss, &ut, &st), -1);
	assert_int_equal(usage_parse_stat("no parenthesis", &pgrp, &rss, &ut, &st), -1);
	assert_int_equal(usage_parse_stat("", &pgrp, &rss, &ut, &st), -1);
}

static void
test_cpus_pick(void **state)
{
	int out[8];
	const int used[] = { 0, 2 };

	assert_int_equal(cpus_pick(NULL, 0, 4, 2, out), 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 1);
	assert_int_equal(cpus_pick(used, 2, 4, 2, out), 2);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 3);
	/* oversubscribed: what is missing reuses the lowest slots */
	assert_int_equal(cpus_pick(used, 2, 4, 3, out), 2);
	assert_int_equal(out[2], 0);
	assert_int_equal(cpus_pick(used, 2, 2, 2, out), 1);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmstat),
		cmocka_unit_test(test_diskstats),
		cmocka_unit_test(test_cpustat),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_cgroup_mount),
		cmocka_unit_test(test_cgroup_self),
		cmocka_unit_test(test_cgroup_oom),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_cpus_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
