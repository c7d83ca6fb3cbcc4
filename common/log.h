/*
 * log.h - logging in the OpenBSD daemon idiom: log_warn adds strerror(errno),
 * log_warnx does not; fatal/fatalx log and exit(1). Lines go to stderr (or
 * the file given to log_init) with a timestamp and the program name.
 */
#ifndef PUMICE_LOG_H
#define PUMICE_LOG_H

#include <stdbool.h>

void log_init(const char *progname, const char *path, bool debug);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
