/*
 * shepherd.c - pumice-shepherd [-l LOGFILE] SPOOL_JOB_DIR: sits between
 * the agent and one job so that the job outlives agent restarts. All the
 * work is in shep.c; it reports through the spool only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "shep.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: pumice-shepherd [-l logfile] spool-job-dir\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *logfile = NULL;
	char err[1024];
	int ch;

	while ((ch = getopt(argc, argv, "l:")) != -1) {
		switch (ch) {
		case 'l':
			logfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	close_range(3, ~0U, 0);	/* whatever the agent left open is not ours */
	log_init("pumice-shepherd", logfile, false);
	if (shep_run(argv[optind], err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return 1;
	}
	return 0;
}
