/*
 * main.c - the multi-call binary: argv[0]'s basename picks the command
 * (bsub, bjobs, ... are links to "pumice"); "pumice <cmd> args" works too,
 * and "pumice cluster ..." runs the pumice-cluster script that sits next to
 * the binary. One row per command in the table below.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

static const struct main_cmd {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} main_cmds[] = {
	{ "bsub", bsub_main, "submit a batch job" },
	{ "bjobs", bjobs_main, "show jobs" },
	{ "bhist", bhist_main, "show the history of jobs" },
	{ "bacct", bacct_main, "show accounting of finished jobs" },
	{ "bkill", bkill_main, "kill or signal jobs" },
	{ "bpeek", bpeek_main, "show the output of a running job" },
	{ "blaunch", blaunch_main, "start tasks of a parallel job on its hosts" },
	{ "bstop", bstop_main, "suspend jobs" },
	{ "bresume", bresume_main, "resume suspended jobs" },
	{ "brequeue", brequeue_main, "kill and requeue jobs, same id" },
	{ "bmod", bmod_main, "change a submitted job" },
	{ "bswitch", bswitch_main, "move jobs to another queue" },
	{ "btop", btop_main, "move a pending job towards the top" },
	{ "bbot", bbot_main, "move a pending job towards the bottom" },
	{ "bpost", bpost_main, "post a message or a file to a job" },
	{ "bread", bread_main, "read a message posted to a job" },
	{ "bresult", bresult_main, "record a job's result (a JSON object)" },
	{ "bflow", bflow_main, "submit, show and kill workflows of jobs" },
	{ "bwait", bwait_main, "wait for a dependency condition" },
	{ "bwatch", bwatch_main, "print job and host state changes as they happen" },
	{ "btoken", btoken_main, "make or revoke a token for the HTTP API" },
	{ "bhosts", bhosts_main, "show batch hosts" },
	{ "bqueues", bqueues_main, "show queues" },
	{ "lsid", lsid_main, "show the version, cluster and master names" },
	{ "badmin", badmin_main, "administer the batch system" },
	{ "lsadmin", lsadmin_main, "show the LIM configuration, restart agents" },
	{ "lsrmhost", lsrmhost_main, "remove a dead dynamic host" },
	{ "bparams", bparams_main, "show batch parameters" },
	{ "lsclusters", lsclusters_main, "show the cluster" },
	{ "lsload", lsload_main, "show the load indices of hosts" },
	{ "lshosts", lshosts_main, "show the static facts of hosts" },
};

static void
main_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: pumice <command> [args]\n       <command> [args]"
	    "   (through a link named after the command)\n\ncommands:\n");
	for (i = 0; i < nitems(main_cmds); i++)
		fprintf(fp, "  %-10s %s\n", main_cmds[i].name, main_cmds[i].help);
	fprintf(fp, "  %-10s %s\n", "cluster", "run a cluster on this machine "
	    "(pumice-cluster)");
}

/* Runs pumice-cluster from the binary's own directory. */
static int
main_cluster(int argc, char **argv)
{
	char self[PATH_MAX], *dir, *path;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0) {
		fprintf(stderr, "pumice: /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	self[n] = '\0';
	dir = dirname(self);
	path = xasprintf("%s/pumice-cluster", dir);
	argv[0] = path;
	execv(path, argv);
	fprintf(stderr, "pumice: %s: %s\n", path, strerror(errno));
	free(path);
	return 127;
}

static const struct main_cmd *
main_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(main_cmds); i++)
		if (strcmp(main_cmds[i].name, name) == 0)
			return &main_cmds[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct main_cmd *cmd;
	const char *base;

	base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if ((cmd = main_find(base)) != NULL)
		return cmd->fn(argc, argv);
	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("pumice %s\n", PUMICE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "cluster") == 0)
		return main_cluster(argc - 1, argv + 1);
	if ((cmd = main_find(argv[1])) != NULL)
		return cmd->fn(argc - 1, argv + 1);
	fprintf(stderr, "pumice: unknown command: %s\n", argv[1]);
	main_usage(stderr);
	return 2;
}
