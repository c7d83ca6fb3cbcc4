/*
 * bresume.c - resume suspended jobs (LSF.md §4): USUSP gets SIGCONT and
 * runs again, PSUSP goes back to PEND. Selection and output as bkill
 * (ctlcmd.c).
 */
#include "cli.h"
#include "util.h"

static const struct ctlcmd bresume_cmd = {
	"bresume", "resume",
	"[-J job_name] [-q queue_name] [-m host_name] [-u user_name|all]\n"
	"               [-json] [job_ID | 0 | \"job_ID[index]\" ...]",
	NULL, 0, NULL,
};

int
bresume_main(int argc, char **argv)
{
	return ctlcmd_main(&bresume_cmd, argc, argv);
}
