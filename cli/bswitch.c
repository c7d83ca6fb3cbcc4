/*
 * bswitch.c - move unfinished jobs to another queue (LSF.md §4):
 * "bswitch queue ID...", stdout "Job <123> is switched to queue <q>".
 * Selection and output as bkill (ctlcmd.c); an unknown queue is rejected
 * before any job is looked at.
 */
#include "cli.h"
#include "util.h"

static const struct ctlcmd bswitch_cmd = {
	"bswitch", "switch",
	"[-J job_name] [-q queue_name] [-m host_name] [-u user_name|all]\n"
	"               [-json] destination_queue [job_ID | 0 | \"job_ID[index]\" ...]",
	NULL, 0, "dest",
};

int
bswitch_main(int argc, char **argv)
{
	return ctlcmd_main(&bswitch_cmd, argc, argv);
}
