/*
 * replayq.c - the reader thread of start-up replay and its bounded queue
 * (replayq.h). A restart with a million jobs spends about half its time
 * reading sqlite rows and the submits' heads, half building the job table:
 * on two cores the two halves overlap. Batches keep the locking to one
 * lock and unlock per REPLAYQ_BATCH events; the reader fills batch w while
 * the applier empties batch r, both in ring order, so events are applied
 * in the order they were read.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "replayq.h"

struct replayq_batch {
	struct replay_ev ev[REPLAYQ_BATCH];
	int n;
};

struct replayq {
	replayq_next_fn next;
	void *src;
	replayq_prep_fn prep;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct replayq_batch b[REPLAYQ_NBATCH];
	unsigned long nfilled, nemptied;	/* batches, since the start */
	bool done;		/* the reader filled its last batch */
	int rc;			/* next's failure */
};

void
replayq_ev_clear(struct replay_ev *ev)
{
	free(ev->text);
	ev->text = NULL;
	json_decref(ev->data);
	ev->data = NULL;
	ev->kind = NULL;
}

/* Fills one batch; false once next has no more (or failed). */
static bool
replayq_fill(struct replayq *q, struct replayq_batch *b)
{
	int rc = 1;

	for (b->n = 0; b->n < REPLAYQ_BATCH; b->n++) {
		struct replay_ev *ev = &b->ev[b->n];

		if ((rc = q->next(q->src, ev)) <= 0)
			break;
		q->prep(ev);
	}
	if (rc < 0)
		q->rc = -1;
	return rc > 0;
}

static void *
replayq_reader(void *arg)
{
	struct replayq *q = arg;
	bool more = true;

	while (more) {
		pthread_mutex_lock(&q->lock);
		while (q->nfilled - q->nemptied == REPLAYQ_NBATCH)
			pthread_cond_wait(&q->emptied, &q->lock);
		pthread_mutex_unlock(&q->lock);
		/* the batch is the reader's until nfilled counts it */
		more = replayq_fill(q, &q->b[q->nfilled % REPLAYQ_NBATCH]);
		pthread_mutex_lock(&q->lock);
		q->nfilled++;
		q->done = !more;
		pthread_cond_signal(&q->filled);
		pthread_mutex_unlock(&q->lock);
	}
	return NULL;
}

static void
replayq_apply_batch(struct replayq_batch *b, replayq_apply_fn apply, void *arg)
{
	int i;

	for (i = 0; i < b->n; i++) {
		apply(arg, &b->ev[i]);
		replayq_ev_clear(&b->ev[i]);
	}
}

/* No thread: read, decode and apply one batch at a time. */
static int
replayq_inline(struct replayq *q, replayq_apply_fn apply, void *arg)
{
	bool more = true;

	while (more) {
		more = replayq_fill(q, &q->b[0]);
		replayq_apply_batch(&q->b[0], apply, arg);
	}
	return q->rc;
}

static int
replayq_drain(struct replayq *q, replayq_apply_fn apply, void *arg)
{
	bool last = false;

	while (!last) {
		pthread_mutex_lock(&q->lock);
		while (q->nfilled == q->nemptied)
			pthread_cond_wait(&q->filled, &q->lock);
		last = q->done && q->nfilled - q->nemptied == 1;
		pthread_mutex_unlock(&q->lock);
		replayq_apply_batch(&q->b[q->nemptied % REPLAYQ_NBATCH], apply, arg);
		pthread_mutex_lock(&q->lock);
		q->nemptied++;
		pthread_cond_signal(&q->emptied);
		pthread_mutex_unlock(&q->lock);
	}
	return q->rc;
}

/* The reader, started with every signal blocked: they stay the loop's. */
static int
replayq_start(struct replayq *q, pthread_t *t)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, replayq_reader, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
replayq_run(replayq_next_fn next, void *src, replayq_prep_fn prep,
    replayq_apply_fn apply, void *arg, bool threaded)
{
	struct replayq *q = calloc(1, sizeof(*q));
	pthread_t t;
	int rc;

	if (q == NULL)
		return -1;
	q->next = next;
	q->src = src;
	q->prep = prep;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->filled, NULL);
	pthread_cond_init(&q->emptied, NULL);
	if (!threaded || replayq_start(q, &t) != 0)
		rc = replayq_inline(q, apply, arg);
	else {
		rc = replayq_drain(q, apply, arg);
		pthread_join(t, NULL);
	}
	pthread_cond_destroy(&q->filled);
	pthread_cond_destroy(&q->emptied);
	pthread_mutex_destroy(&q->lock);
	free(q);
	return rc;
}
