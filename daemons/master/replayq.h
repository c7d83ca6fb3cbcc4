/*
 * replayq.h - start-up replay in two stages: a reader thread reads the
 * stored events and decodes them (prep: no shared state touched), while the
 * caller's thread applies them (apply), in the order read. Between them, a
 * bounded queue of batches: the reader runs at most REPLAYQ_NBATCH batches
 * ahead, so the decoded events in flight stay a few MB whatever the log.
 */
#ifndef PUMICE_REPLAYQ_H
#define PUMICE_REPLAYQ_H

#include <stdbool.h>
#include <jansson.h>

#define REPLAYQ_BATCH 256	/* events a batch */
#define REPLAYQ_NBATCH 64	/* batches in flight */

/* One stored event, as read and decoded off the applying thread. */
struct replay_ev {
	long id, idx, when;
	char type[32];		/* longer names are cut (unknown either way) */
	char *text;		/* the data as stored, malloc'd to fit; apply
				   may take it (set NULL) */
	json_t *data;		/* prep's decoding, or NULL */
	const void *kind;	/* prep's: what the event is */
};

/* Reader thread: the next event's fields and text; 1, 0 at the end, -1. */
typedef int (*replayq_next_fn)(void *src, struct replay_ev *ev);
/* Reader thread: decodes ev (touches nothing shared). */
typedef void (*replayq_prep_fn)(struct replay_ev *ev);
/* Caller's thread, in order. */
typedef void (*replayq_apply_fn)(void *arg, struct replay_ev *ev);

/* Reads every event through next and prep on a thread (inline, a batch
 * at a time, when !threaded or no thread can be started) and applies them
 * in order: 0, or -1 when next failed (the events before are applied). */
int replayq_run(replayq_next_fn next, void *src, replayq_prep_fn prep,
    replayq_apply_fn apply, void *arg, bool threaded);
/* Frees what ev holds (its text and data). */
void replayq_ev_clear(struct replay_ev *ev);

#endif
