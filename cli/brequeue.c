/*
 * brequeue.c - put jobs back in their queue with the same id (LSF.md §4):
 * -d DONE jobs, -e EXIT jobs, -r running and suspended ones (killed first,
 * requeued when their end is reported), -a all of these (the default when
 * none is given), -H back to PSUSP instead of PEND. Selection and output
 * as bkill (ctlcmd.c).
 */
#include "cli.h"
#include "util.h"

static const struct ctlcmd_opt brequeue_opts[] = {
	{ "d", "req_done", false }, { "e", "req_exit", false },
	{ "r", "req_run", false }, { "a", "req_all", false }, { "H", "hold", false },
};

static const struct ctlcmd brequeue_cmd = {
	"brequeue", "requeue",
	"[-d] [-e] [-r] [-a] [-H] [-J job_name] [-q queue_name]\n"
	"                [-m host_name] [-u user_name|all] [-json]\n"
	"                [job_ID | 0 | \"job_ID[index]\" ...]",
	brequeue_opts, nitems(brequeue_opts), NULL,
};

int
brequeue_main(int argc, char **argv)
{
	return ctlcmd_main(&brequeue_cmd, argc, argv);
}
