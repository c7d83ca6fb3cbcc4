/*
 * httpmetrics.c - GET /metrics: the master's state in the Prometheus text
 * format (version 0.0.4). Gauges: job elements by queue and state, slots
 * per host, hosts by state, linked agents, the master's resident memory,
 * watchers; counters: scheduling passes and their time (stats.c, through
 * op "stats"), recorded job events by type (submit, start, finish, ...).
 * Counting the jobs walks the job table once, as bqueues does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "http.h"
#include "jobstate.h"
#include "master.h"
#include "strmap.h"
#include "util.h"
#include "watch.h"

static const int metrics_states[] = {
	JS_PEND, JS_PSUSP, JS_RUN, JS_SSUSP, JS_USUSP, JS_DONE, JS_EXIT,
};

static void
metrics_head(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values are names from the configuration: no quote or newline can
 * come, but a backslash or quote is escaped all the same. */
static void
metrics_label(struct evbuffer *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			evbuffer_add(b, "\\", 1);
		if (*v == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, v, 1);
	}
}

static void
metrics_jobs(struct master *m, struct evbuffer *b)
{
	size_t nq = m->conf->nqueues, ns = nitems(metrics_states), q, s;
	long *n = xcalloc(nq * ns + 1, sizeof(*n));
	struct job *j;

	TAILQ_FOREACH(j, &m->byid, id_entry) {
		const struct conf_queue *cq = conf_queue(m->conf, j->queue);
		if (cq == NULL)
			continue;
		q = (size_t)(cq - m->conf->queues);
		for (s = 0; s < ns; s++)
			n[q * ns + s] += job_nstate(j, metrics_states[s]);
	}
	metrics_head(b, "pumice_jobs", "gauge", "Job elements in memory by queue and state.");
	for (q = 0; q < nq; q++)
		for (s = 0; s < ns; s++) {
			evbuffer_add_printf(b, "pumice_jobs{queue=\"");
			metrics_label(b, m->conf->queues[q].name);
			evbuffer_add_printf(b, "\",state=\"%s\"} %ld\n",
			    jobstate_name(metrics_states[s]), n[q * ns + s]);
		}
	free(n);
}

static void
metrics_host_line(struct evbuffer *b, const char *name, const struct host *h,
    long v)
{
	evbuffer_add_printf(b, "%s{host=\"", name);
	metrics_label(b, h->name);
	evbuffer_add_printf(b, "\"} %ld\n", v);
}

static void
metrics_hosts(struct master *m, struct evbuffer *b)
{
	struct host *h;
	long agents = 0;

	metrics_head(b, "pumice_host_slots", "gauge", "Job slots of a host.");
	TAILQ_FOREACH(h, &m->hosts, entry)
		metrics_host_line(b, "pumice_host_slots", h, h->maxslots);
	metrics_head(b, "pumice_host_slots_used", "gauge", "Job slots in use on a host.");
	TAILQ_FOREACH(h, &m->hosts, entry)
		metrics_host_line(b, "pumice_host_slots_used", h, h->used);
	metrics_head(b, "pumice_host_up", "gauge",
	    "1 when the host's agent is linked and the host is open.");
	TAILQ_FOREACH(h, &m->hosts, entry) {
		metrics_host_line(b, "pumice_host_up", h, h->status == HOST_OK &&
		    !h->adm_closed && !h->fault.closed);
		agents += h->conn != NULL;
	}
	metrics_head(b, "pumice_agents_connected", "gauge", "Agents linked to the master.");
	evbuffer_add_printf(b, "pumice_agents_connected %ld\n", agents);
}

/* op "stats" through the command table: the scheduler's counters. */
struct metrics_stats {
	json_t *data;
};

static void
metrics_stats_cb(void *arg, bool ok, json_t *data, struct evbuffer *text,
    const char *code, const char *err)
{
	(void)code;
	(void)err;
	if (text != NULL)
		evbuffer_free(text);
	((struct metrics_stats *)arg)->data = ok ? data : NULL;
}

/* The scheduler's counters of the stats op, one metric each. */
static const struct metrics_row {
	const char *name, *type, *help;
	const char *field;	/* in the stats op's "sched" */
	bool us;		/* microseconds, shown in seconds */
} metrics_sched_rows[] = {
	{ "pumice_sched_passes_total", "counter",
	    "Scheduling passes that had pending jobs to consider.", "passes", false },
	{ "pumice_sched_pass_seconds_total", "counter",
	    "Time spent in scheduling passes.", "total_us", true },
	{ "pumice_sched_pass_seconds_max", "gauge",
	    "The longest scheduling pass since the start.", "max_us", true },
	{ "pumice_sched_pass_seconds_last", "gauge",
	    "The latest scheduling pass.", "last_us", true },
	{ "pumice_sched_started_total", "counter",
	    "Job elements started by scheduling passes.", "started", false },
};

static void
metrics_sched(struct master *m, struct evbuffer *b)
{
	struct metrics_stats st = { NULL };
	size_t i;
	struct reqctx *rq = xcalloc(1, sizeof(*rq));
	json_t *args = json_object(), *s;

	rq->rid = -1;
	rq->user = xstrdup("-");
	rq->from_host = xstrdup("-");
	rq->reply_fn = metrics_stats_cb;
	rq->reply_arg = &st;
	stats_op(m, rq, args);
	json_decref(args);
	s = json_object_get(st.data, "sched");
	for (i = 0; i < nitems(metrics_sched_rows); i++) {
		const struct metrics_row *r = &metrics_sched_rows[i];
		json_int_t v = json_integer_value(json_object_get(s, r->field));

		metrics_head(b, r->name, r->type, r->help);
		if (r->us)
			evbuffer_add_printf(b, "%s %.6f\n", r->name, (double)v / 1e6);
		else
			evbuffer_add_printf(b, "%s %" JSON_INTEGER_FORMAT "\n", r->name, v);
	}
	json_decref(st.data);
}

static void
metrics_count_line(const char *type, uint64_t n, void *arg)
{
	evbuffer_add_printf(arg, "pumice_job_events_total{event=\"%s\"} %lu\n", type,
	    (unsigned long)n);
}

/* Resident memory from /proc/self/statm (a read of procfs, no disk). */
static long
metrics_rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, rss = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

void
http_metrics_text(struct master *m, struct evbuffer *b)
{
	metrics_jobs(m, b);
	metrics_hosts(m, b);
	metrics_sched(m, b);
	metrics_head(b, "pumice_job_events_total", "counter",
	    "Job events recorded since the master started, by type.");
	watch_counts(m, metrics_count_line, b);
	metrics_head(b, "pumice_watchers", "gauge",
	    "Subscribers of the event stream (bwatch, /api/events).");
	evbuffer_add_printf(b, "pumice_watchers %zu\n", watch_nsubs(m));
	metrics_head(b, "pumice_event_id", "gauge", "The newest event id.");
	evbuffer_add_printf(b, "pumice_event_id %lu\n", (unsigned long)watch_last_id(m));
	metrics_head(b, "process_resident_memory_bytes", "gauge",
	    "The master's resident memory.");
	evbuffer_add_printf(b, "process_resident_memory_bytes %ld\n", metrics_rss());
}
