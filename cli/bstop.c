/*
 * bstop.c - suspend jobs (LSF.md §4): a running job gets SIGSTOP on its
 * process group and shows USUSP, a pending one becomes PSUSP and is not
 * dispatched until bresume. Selection and output as bkill (ctlcmd.c).
 */
#include "cli.h"
#include "util.h"

static const struct ctlcmd bstop_cmd = {
	"bstop", "stop",
	"[-J job_name] [-q queue_name] [-m host_name] [-u user_name|all]\n"
	"             [-json] [job_ID | 0 | \"job_ID[index]\" ...]",
	NULL, 0, NULL,
};

int
bstop_main(int argc, char **argv)
{
	return ctlcmd_main(&bstop_cmd, argc, argv);
}
