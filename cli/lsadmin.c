/*
 * lsadmin.c - LIM administration (LSF.md §4). Pumice has no separate
 * LIM: only "lsadmin showconf lim" exists, answered by the master with the
 * lsf.conf keys in badmin showconf's "    KEY = value" style (Toil reads
 * LSF_UNIT_FOR_LIMITS from it).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int
lsadmin_main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "showconf") == 0)
		return showconf_run("lsadmin", "lim", argc - 1, argv + 1);
	fprintf(stderr, "Usage: lsadmin showconf lim [-json]\n");
	return CLI_EXIT_FAIL;
}
