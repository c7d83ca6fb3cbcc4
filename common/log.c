/*
 * log.c - one log stream per process. Daemons log to a file or stderr;
 * the CLI never calls log_init and so logs warnings to stderr plainly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "pumice";
static FILE *log_fp;
static bool log_verbose;

void
log_init(const char *progname, const char *path, bool debug)
{
	log_prog = progname;
	log_verbose = debug;
	if (path != NULL) {
		log_fp = fopen(path, "ae");	/* not for what we exec */
		if (log_fp == NULL) {
			fprintf(stderr, "%s: %s: %s\n", progname, path, strerror(errno));
			exit(1);
		}
		setvbuf(log_fp, NULL, _IOLBF, 0);
	}
}

static void
log_vemit(const char *level, int err, const char *fmt, va_list ap)
{
	FILE *fp = log_fp ? log_fp : stderr;
	char msg[4096];
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	if (err)
		fprintf(fp, "%s.%03ld %s[%d] %s: %s: %s\n", stamp, ts.tv_nsec / 1000000,
		    log_prog, (int)getpid(), level, msg, strerror(err));
	else
		fprintf(fp, "%s.%03ld %s[%d] %s: %s\n", stamp, ts.tv_nsec / 1000000,
		    log_prog, (int)getpid(), level, msg);
}

#define LOG_FN(fn, level, witherr, extra)			\
void fn(const char *fmt, ...)					\
{								\
	int saved = errno;					\
	va_list ap;						\
	va_start(ap, fmt);					\
	log_vemit(level, witherr ? saved : 0, fmt, ap);	\
	va_end(ap);						\
	errno = saved;						\
	extra;							\
}

LOG_FN(log_info, "info", 0, )
LOG_FN(log_warn, "warning", 1, )
LOG_FN(log_warnx, "warning", 0, )
LOG_FN(fatal, "fatal", 1, exit(1))
LOG_FN(fatalx, "fatal", 0, exit(1))

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vemit("debug", 0, fmt, ap);
	va_end(ap);
}
