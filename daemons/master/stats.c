/*
 * stats.c - the master's own running costs, for operators and for
 * make bench-scale: how long scheduling passes take. sched_pass reports
 * each pass that had pending jobs to look at (stats_sched_pass); the
 * read-only op "stats" answers the totals and a histogram of durations.
 *
 * Durations are monotonic microseconds. The histogram is log-linear: eight
 * buckets per power of two, so a percentile read from it is within 1/8 of
 * the true value while the whole table stays a few KB however long the
 * master runs. Nothing here changes a job or blocks.
 */
#include <stdlib.h>

#include "master.h"
#include "util.h"

#define STATS_SUB 8		/* buckets per power of two */
#define STATS_BUCKETS (STATS_SUB + 41 * STATS_SUB)	/* up to 2^44 us */

struct stats {
	uint64_t passes, started, total_us, max_us, last_us;
	uint64_t hist[STATS_BUCKETS];
	uint64_t pages, pages_us, page_max_us;	/* listing pages built */
	uint64_t commits, commit_passes;	/* transactions; those a pass joined */
};

static size_t
stats_bucket(uint64_t us)
{
	int e;

	if (us < STATS_SUB)
		return (size_t)us;
	e = 63 - __builtin_clzll(us);	/* 2^e <= us, e >= 3 */
	if (e > 43)
		return STATS_BUCKETS - 1;
	return STATS_SUB + (size_t)(e - 3) * STATS_SUB + ((us >> (e - 3)) & (STATS_SUB - 1));
}

/* The smallest duration that falls in bucket b. */
static uint64_t
stats_bucket_low(size_t b)
{
	size_t e;

	if (b < STATS_SUB)
		return b;
	e = (b - STATS_SUB) / STATS_SUB + 3;
	return (uint64_t)(STATS_SUB + (b - STATS_SUB) % STATS_SUB) << (e - 3);
}

static struct stats *
stats_of(struct master *m)
{
	if (m->stats == NULL)
		m->stats = xcalloc(1, sizeof(*m->stats));
	return m->stats;
}

void
stats_sched_pass(struct master *m, uint64_t us, long started)
{
	struct stats *st = stats_of(m);

	st->passes++;
	st->started += (uint64_t)(started > 0 ? started : 0);
	st->total_us += us;
	st->last_us = us;
	if (us > st->max_us)
		st->max_us = us;
	st->hist[stats_bucket(us)]++;
}

void
stats_query_page(struct master *m, uint64_t us)
{
	struct stats *st = stats_of(m);

	st->pages++;
	st->pages_us += us;
	if (us > st->page_max_us)
		st->page_max_us = us;
}

/* A transaction was committed (one fsync of the database, or two when
 * sqlite checkpoints); with_pass: a scheduling pass ran just before it,
 * so its starts share the fsync with the finishes read (loop.c). */
void
stats_commit(struct master *m, bool with_pass)
{
	struct stats *st = stats_of(m);

	st->commits++;
	st->commit_passes += with_pass;
}

/* [[low_us, count], ...] of the buckets that were hit, in order. */
static json_t *
stats_hist(const struct stats *st)
{
	json_t *out = json_array();
	size_t b;

	for (b = 0; b < STATS_BUCKETS; b++)
		if (st->hist[b] > 0)
			json_array_append_new(out, json_pack("[I, I]",
			    (json_int_t)stats_bucket_low(b), (json_int_t)st->hist[b]));
	return out;
}

/* op "stats": args {} -> {sched: {passes, started, total_us, max_us,
 * last_us, hist}, query: {pages, total_us, max_us}, store: {commits,
 * with_pass}} (query: the time listing pages took to build, their
 * encoding aside; store: transactions committed, and those a pass ran
 * just before) */
void
stats_op(struct master *m, struct reqctx *rq, json_t *args)
{
	const struct stats *st = stats_of(m);

	(void)args;
	control_reply(m, rq, true, json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:o}, "
	    "s:{s:I, s:I, s:I}, s:{s:I, s:I}}",
	    "sched", "passes", (json_int_t)st->passes, "started",
	    (json_int_t)st->started, "total_us", (json_int_t)st->total_us,
	    "max_us", (json_int_t)st->max_us, "last_us", (json_int_t)st->last_us,
	    "hist", stats_hist(st), "query", "pages", (json_int_t)st->pages,
	    "total_us", (json_int_t)st->pages_us, "max_us",
	    (json_int_t)st->page_max_us, "store", "commits", (json_int_t)st->commits,
	    "with_pass", (json_int_t)st->commit_passes), NULL, NULL);
}

void
stats_free(struct master *m)
{
	free(m->stats);
	m->stats = NULL;
}
