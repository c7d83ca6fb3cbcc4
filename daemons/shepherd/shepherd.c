/*
 * shepherd.c - pumice-shepherd [-l LOGFILE] SPOOL_JOB_DIR: sits between
 * the agent and one job so that the job outlives agent restarts. All the
 * work is in shep.c; it reports through the spool only.
 * pumice-shepherd [-l LOGFILE] -s SPOOL: the agent's long-lived shepherd
 * (shepserv.c), which forks one of those for each job the agent names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "shep.h"
#include "shepserv.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: pumice-shepherd [-l logfile] spool-job-dir\n"
	    "       pumice-shepherd [-l logfile] -s spool\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *logfile = NULL, *spool = NULL;
	char err[1024];
	int ch;

	while ((ch = getopt(argc, argv, "l:s:")) != -1) {
		switch (ch) {
		case 'l':
			logfile = optarg;
			break;
		case 's':
			spool = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != (spool == NULL ? 1 : 0))
		usage();
	close_range(3, ~0U, 0);	/* whatever the agent left open is not ours */
	log_init("pumice-shepherd", logfile, false);
	if (spool != NULL ? shepserv_run(spool, err, sizeof(err)) < 0 :
	    shep_run(argv[optind], 0, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return 1;
	}
	return 0;
}
