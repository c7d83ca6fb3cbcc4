/*
 * lsadmin.c - LIM administration (LSF.md §4) and lsrmhost. Pumice has no
 * separate LIM or RES: the agent is both. "lsadmin showconf lim" is
 * answered by the master with the lsf.conf keys in badmin showconf's
 * "    KEY = value" style (Toil reads LSF_UNIT_FOR_LIMITS from it);
 * "lsadmin limrestart|resrestart" re-executes the agents as badmin
 * hrestart does, limshutdown|resshutdown stops them as hshutdown does, and lsrmhost removes a dead dynamic host as badmin
 * hremove does (badmin.c, admin_hosts_cmd).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static int
lsadmin_showconf(int argc, char **argv)
{
	return showconf_run("lsadmin", "lim", argc, argv);
}

static int
lsadmin_hosts(int argc, char **argv)
{
	return admin_hosts_cmd("lsadmin", argc, argv);
}

static const struct lsadmin_cmd {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} lsadmin_cmds[] = {
	{ "showconf", lsadmin_showconf, "showconf lim [-json]" },
	{ "limrestart", lsadmin_hosts, "limrestart [host_name ... | all]" },
	{ "resrestart", lsadmin_hosts, "resrestart [host_name ... | all]" },
	{ "limshutdown", lsadmin_hosts, "limshutdown [host_name ... | all]" },
	{ "resshutdown", lsadmin_hosts, "resshutdown [host_name ... | all]" },
};

int
lsadmin_main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc >= 2 && i < nitems(lsadmin_cmds); i++)
		if (strcmp(lsadmin_cmds[i].name, argv[1]) == 0)
			return lsadmin_cmds[i].fn(argc - 1, argv + 1);
	if (argc >= 2)
		fprintf(stderr, "lsadmin: %s: unknown subcommand\n", argv[1]);
	fprintf(stderr, "Usage: lsadmin subcommand [options]\nSubcommands:\n");
	for (i = 0; i < nitems(lsadmin_cmds); i++)
		fprintf(stderr, "    lsadmin %s\n", lsadmin_cmds[i].usage);
	return CLI_EXIT_FAIL;
}

/* lsrmhost host_name ...: no options. */
int
lsrmhost_main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && strcmp(argv[1], "-h") != 0)
			fprintf(stderr, "lsrmhost: illegal option -- %s\n", argv[1] + 1);
		fprintf(stderr, "Usage: lsrmhost host_name ...\n");
		return CLI_EXIT_FAIL;
	}
	argv[0] = "lsrmhost";
	return admin_hosts_cmd("lsrmhost", argc, argv);
}
