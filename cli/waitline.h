/*
 * waitline.h - the status line of bsub -K and bwait on a terminal
 * (waitline.c), and the waited-for job's state for it (waitstat.c).
 */
#ifndef PUMICE_WAITLINE_H
#define PUMICE_WAITLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct client;

/* Fills buf with what the line says after the elapsed time ("" none). */
typedef void (*waitline_fn)(void *arg, char *buf, size_t len);

struct waitline {
	bool on;		/* stderr is a terminal: draw the line */
	bool shown;		/* a line is on the screen now */
	uint64_t start;		/* monotonic ms the wait began */
	uint64_t deadline;	/* monotonic ms to stop waiting; 0 never */
	waitline_fn fn;
	void *arg;
};

/* Off unless stderr is a terminal; the clock starts now. */
void waitline_init(struct waitline *w, waitline_fn fn, void *arg);
/* Erases the line, so that normal lines print on a clean one. */
void waitline_clear(struct waitline *w);
/* client_request, redrawing the line each second while the reply is
 * awaited; CLIENT_UNREACHABLE at w->deadline. */
int waitline_request(struct waitline *w, struct client *c, const char *op,
    json_t *args, json_t **data, char *err, size_t errlen);
/* "M:SS", or "H:MM:SS" from an hour. */
void waitline_elapsed(uint64_t ms, char *buf, size_t len);
/* Cuts s to cols columns, a UTF-8 sequence counting as one. */
void waitline_fit(char *s, size_t cols);

/* waitstat.c: a waited-for job, as waitline_fn's arg. */
struct waitstat {
	long id;
	bool array;
	json_t *ids;		/* else: SELs of a bwait condition */
};
/* waitline_fn: "PEND: reason", "RUN on host", "RUN 3, PEND 5; reason",
 * with ids "job 456 PEND: reason" (the first of them not ended). */
void waitstat_text(void *arg, char *buf, size_t len);
/* The ids a bwait condition names by number ("done(123)", "numdone(125,
 * >= 10)"), as SELs; NULL for none. */
json_t *waitstat_cond_ids(const char *cond);

#endif
