/*
 * simagents.c - many simulated agents in one process, for measuring the
 * master at a scale one machine cannot run for real (make bench-scale).
 * Each simulated host opens its own TCP link to the master and speaks the
 * agent protocol of proto.h: hello, the HMAC proof of the cluster key,
 * register (its own cores and memory), heartbeats; it answers "run" with
 * "started" and, after the chosen run time, "finished" (DONE, exit 0)
 * without spawning anything, and drops the job on "finish_ack".
 *
 * Links are opened in batches (the master's listen backlog is 128); one
 * refused or reset while connecting is retried. Progress goes to stderr
 * once a second, plus one line when every host is up ("all N hosts up
 * after S s") and, with -f, one when the slots are full; the totals go to
 * stdout as "key value" lines at the end. All times are this process's
 * monotonic clock, from its start.
 *
 * -f SECONDS (fill): no job finishes until every slot of every host is
 * busy (or SECONDS after the first "run"), so the time to the last slot
 * filled is the master's dispatch speed from a standing backlog, not
 * bounded by run times; the fill line ends with the wall-clock time, to
 * compare with when the caller released the backlog. Then the held jobs
 * finish after RUN_MS and slots free and refill continuously ("churn").
 *
 *   simagents -p PORT -k KEYFILE [-n HOSTS] [-c CORES] [-m MEM_MB]
 *             [-r RUN_MS] [-d SECONDS] [-b BATCH] [-H PREFIX] [-f SECONDS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "auth.h"
#include "proto.h"
#include "util.h"

enum sa_state { SA_IDLE, SA_CONNECTING, SA_HELLO, SA_AUTH, SA_UP, SA_DEAD };

struct sa_host {
	struct sim *sim;
	int no;
	char name[64];
	char nonce[AUTH_NONCE_HEX];
	enum sa_state state;
	struct bufferevent *bev;
	struct event *hb_ev;
	int hb;
	long running;
	unsigned gen;		/* bumped when the link dies: stale finishes drop */
};

struct sa_finish {
	struct sa_host *h;
	unsigned gen;
	long id, idx, start;
	bool armed;		/* its finish timer is set (false: held by -f) */
	TAILQ_ENTRY(sa_finish) entry;	/* on sim->finishes until its time */
};

struct sim {
	struct event_base *base;
	struct auth_key key;
	struct sockaddr_in addr;
	struct sa_host *hosts;
	int nhosts, ncpus, batch, next, inflight;
	long mem_mb, run_ms, duration;
	const char *prefix;
	double t0, t_all_up;
	long up, runs, finished, acks, retries, lost;
	long runs_last;
	long busy;		/* slots running a job, over all hosts */
	long fill_max;		/* -f: seconds to hold finishes at most; 0 off */
	bool filling;		/* finishes are held until the slots are full */
	double t_first_run, t_filled;
	long fill_runs;
	struct event *tick_ev;
	TAILQ_HEAD(, sa_finish) finishes;
};

static double
sa_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sa_send(struct sa_host *h, json_t *msg)
{
	size_t n;
	uint8_t *f = proto_encode(msg, &n);

	if (h->bev != NULL)
		bufferevent_write(h->bev, f, n);
	free(f);
	json_decref(msg);
}

static void sa_connect_more(struct sim *s);

static void
sa_kill(struct sa_host *h, const char *why)
{
	struct sim *s = h->sim;

	if (h->state == SA_CONNECTING || h->state == SA_HELLO || h->state == SA_AUTH)
		s->inflight--;
	if (h->state == SA_UP)
		s->up--;
	s->busy -= h->running;	/* its jobs will never finish */
	h->running = 0;
	if (h->bev != NULL)
		bufferevent_free(h->bev);
	h->bev = NULL;
	if (h->hb_ev != NULL)
		event_free(h->hb_ev);
	h->hb_ev = NULL;
	h->gen++;
	h->state = SA_DEAD;
	s->lost++;
	fprintf(stderr, "simagents: %s: %s\n", h->name, why);
}

static void
sa_hb_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sa_host *h = arg;
	long free_kb = (h->sim->mem_mb - h->running * 64) * 1024;

	sa_send(h, json_pack("{s:s, s:I, s:I, s:[f,f,f], s:f, s:I}", "t", "hb",
	    "mem_free", (json_int_t)(free_kb > 0 ? free_kb : 0), "swap_free",
	    (json_int_t)0, "load", 0.0, 0.0, 0.0, "ut", 0.0, "njobs",
	    (json_int_t)h->running));
}

static void
sa_register(struct sa_host *h, json_t *msg)
{
	struct sim *s = h->sim;
	struct timeval tv;

	h->hb = (int)json_integer_value(json_object_get(msg, "hb"));
	if (h->hb < 1)
		h->hb = 1;
	sa_send(h, json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:[f,f,f], "
	    "s:s, s:s, s:s, s:[]}", "t", "register", "host", h->name, "ncpus",
	    s->ncpus, "mem_total", (json_int_t)s->mem_mb * 1024, "mem_free",
	    (json_int_t)s->mem_mb * 1024, "swap_total", (json_int_t)0, "swap_free",
	    (json_int_t)0, "load", 0.0, 0.0, 0.0, "arch", "x86_64", "model",
	    "simulated", "version", "sim", "jobs"));
	h->state = SA_UP;
	s->up++;
	s->inflight--;
	if (s->up == s->nhosts && s->t_all_up == 0) {
		s->t_all_up = sa_now();
		fprintf(stderr, "simagents: all %d hosts up after %.3f s\n", s->nhosts,
		    s->t_all_up - s->t0);
	}
	/* spread heartbeats over the period */
	h->hb_ev = event_new(s->base, -1, EV_PERSIST, sa_hb_cb, h);
	tv.tv_sec = h->hb;
	tv.tv_usec = (h->no * 7919L) % 1000000L;
	event_add(h->hb_ev, &tv);
	sa_connect_more(s);
}

static void
sa_finish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sa_finish *f = arg;
	struct sa_host *h = f->h;
	long now = (long)time(NULL);

	if (f->gen == h->gen && h->state == SA_UP) {
		sa_send(h, json_pack("{s:s, s:I, s:I, s:i, s:i, s:s, s:I, s:I, s:f, s:I}",
		    "t", "finished", "id", (json_int_t)f->id, "idx", (json_int_t)f->idx,
		    "exit_code", 0, "signal", 0, "state", "DONE", "start",
		    (json_int_t)f->start, "end", (json_int_t)now, "cpu", 0.0, "maxrss",
		    (json_int_t)0));
		h->running--;
		h->sim->busy--;
		h->sim->finished++;
	}
	TAILQ_REMOVE(&h->sim->finishes, f, entry);
	free(f);
}

static void
sa_arm(struct sim *s, struct sa_finish *f)
{
	struct timeval tv;

	tv.tv_sec = s->run_ms / 1000;
	tv.tv_usec = (s->run_ms % 1000) * 1000;
	f->armed = true;
	event_base_once(s->base, -1, EV_TIMEOUT, sa_finish_cb, f, &tv);
}

/* -f: the slots are full (or the fill time is over): held jobs may end. */
static void
sa_fill_done(struct sim *s)
{
	struct sa_finish *f;
	struct timespec wall;

	if (!s->filling)
		return;
	s->filling = false;
	s->t_filled = sa_now();
	s->fill_runs = s->runs;
	clock_gettime(CLOCK_REALTIME, &wall);
	fprintf(stderr, "simagents: fill: %ld of %ld slots busy, %ld runs in %.3f s "
	    "from the first run, at %lld.%06ld\n", s->busy, (long)s->nhosts * s->ncpus,
	    s->runs, s->t_filled - s->t_first_run, (long long)wall.tv_sec,
	    wall.tv_nsec / 1000);
	TAILQ_FOREACH(f, &s->finishes, entry)
		if (!f->armed)
			sa_arm(s, f);
}

static void
sa_fill_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	sa_fill_done(arg);
}

static void
sa_run(struct sa_host *h, json_t *msg)
{
	json_t *job = json_object_get(msg, "job");
	struct sa_finish *f = xcalloc(1, sizeof(*f));
	struct sim *s = h->sim;
	struct timeval tv = { 0, 0 };

	f->h = h;
	f->gen = h->gen;
	f->id = (long)json_integer_value(json_object_get(job, "id"));
	f->idx = (long)json_integer_value(json_object_get(job, "idx"));
	f->start = (long)time(NULL);
	sa_send(h, json_pack("{s:s, s:I, s:I, s:I}", "t", "started", "id",
	    (json_int_t)f->id, "idx", (json_int_t)f->idx, "pid",
	    (json_int_t)(100000 + h->sim->runs % 100000)));
	h->running++;
	s->busy++;
	if (s->runs++ == 0) {
		s->t_first_run = sa_now();
		tv.tv_sec = s->fill_max;
		if (s->filling)
			event_base_once(s->base, -1, EV_TIMEOUT, sa_fill_timeout_cb, s, &tv);
	}
	TAILQ_INSERT_TAIL(&s->finishes, f, entry);
	if (!s->filling)
		sa_arm(s, f);
	else if (s->busy >= (long)s->nhosts * s->ncpus)
		sa_fill_done(s);
}

static void
sa_message(struct sa_host *h, json_t *msg)
{
	const char *t = proto_type(msg);
	char mac[AUTH_MAC_HEX];

	if (strcmp(t, "error") == 0)
		return sa_kill(h, json_string_value(json_object_get(msg, "err")));
	if (h->state == SA_HELLO && strcmp(t, "challenge") == 0) {
		auth_mac(&h->sim->key, "master", h->nonce, h->name, mac);
		if (!auth_mac_ok(mac, json_string_value(json_object_get(msg, "mac"))))
			return sa_kill(h, "the master does not hold our key");
		auth_mac(&h->sim->key, "agent", json_string_value(json_object_get(msg,
		    "nonce")), h->name, mac);
		sa_send(h, json_pack("{s:s, s:s}", "t", "auth", "mac", mac));
		h->state = SA_AUTH;
	} else if (h->state == SA_AUTH && strcmp(t, "welcome") == 0)
		sa_register(h, msg);
	else if (h->state == SA_UP && strcmp(t, "run") == 0)
		sa_run(h, msg);
	else if (h->state == SA_UP && strcmp(t, "finish_ack") == 0)
		h->sim->acks++;
	/* signal, relay_rep and the rest: nothing to do for a simulation */
}

static void
sa_read_cb(struct bufferevent *bev, void *arg)
{
	struct sa_host *h = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char hdr[4];
	char err[256];
	size_t len, need, used;
	json_t *msg;

	while (h->bev != NULL && (len = evbuffer_get_length(in)) >= 4) {
		evbuffer_copyout(in, hdr, 4);
		need = 4 + ((size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 |
		    (size_t)hdr[2] << 8 | hdr[3]);
		if (len < need)
			return;
		if (proto_decode(evbuffer_pullup(in, (ssize_t)need), need, &msg, &used,
		    err, sizeof(err)) != 1)
			return sa_kill(h, err);
		evbuffer_drain(in, used);
		sa_message(h, msg);
		json_decref(msg);
	}
}

static void sa_start(struct sa_host *h);

static void
sa_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	sa_start(arg);
}

static void
sa_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct sa_host *h = arg;
	struct timeval tv = { 0, 100000 };

	if (what & BEV_EVENT_CONNECTED) {
		auth_nonce(h->nonce);
		sa_send(h, json_pack("{s:s, s:i, s:s, s:s, s:s}", "t", "hello", "v",
		    PROTO_VERSION, "role", "agent", "host", h->name, "nonce", h->nonce));
		h->state = SA_HELLO;
		return;
	}
	if (h->state == SA_CONNECTING || h->state == SA_HELLO || h->state == SA_AUTH) {
		/* backlog full or reset during the handshake: try again */
		bufferevent_free(h->bev);
		h->bev = NULL;
		h->sim->retries++;
		h->state = SA_IDLE;
		event_base_once(h->sim->base, -1, EV_TIMEOUT, sa_retry_cb, h, &tv);
		return;
	}
	sa_kill(h, (what & BEV_EVENT_EOF) ? "closed by the master" : "link error");
}

static void
sa_start(struct sa_host *h)
{
	struct sim *s = h->sim;

	h->bev = bufferevent_socket_new(s->base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(h->bev, sa_read_cb, NULL, sa_event_cb, h);
	bufferevent_enable(h->bev, EV_READ | EV_WRITE);
	h->state = SA_CONNECTING;
	if (bufferevent_socket_connect(h->bev, (struct sockaddr *)&s->addr,
	    sizeof(s->addr)) < 0) {
		struct timeval tv = { 0, 200000 };
		bufferevent_free(h->bev);
		h->bev = NULL;
		h->state = SA_IDLE;
		s->retries++;
		event_base_once(s->base, -1, EV_TIMEOUT, sa_retry_cb, h, &tv);
	}
}

/* Keeps up to batch links in their handshake at once. */
static void
sa_connect_more(struct sim *s)
{
	while (s->inflight < s->batch && s->next < s->nhosts) {
		struct sa_host *h = &s->hosts[s->next++];
		s->inflight++;
		sa_start(h);
	}
}

static void
sa_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sim *s = arg;
	double t = sa_now() - s->t0;

	fprintf(stderr, "simagents: %6.1fs up %ld/%d runs %ld (+%ld/s) finished %ld "
	    "acks %ld retries %ld lost %ld\n", t, s->up, s->nhosts, s->runs,
	    s->runs - s->runs_last, s->finished, s->acks, s->retries, s->lost);
	s->runs_last = s->runs;
	if (s->duration > 0 && t >= (double)s->duration)
		event_base_loopbreak(s->base);
}

static void
sa_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(arg);
}

static int
sa_usage(void)
{
	fprintf(stderr, "usage: simagents -p PORT -k KEYFILE [-n HOSTS] [-c CORES] "
	    "[-m MEM_MB] [-r RUN_MS] [-d SECONDS] [-b BATCH] [-H PREFIX] [-f SECONDS]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct sim s = { .nhosts = 1000, .ncpus = 4, .batch = 100, .mem_mb = 8192,
	    .run_ms = 1000, .prefix = "sim" };
	struct timeval one = { 1, 0 };
	struct event *sig_int, *sig_term;
	struct sa_finish *f;
	const char *keyfile = NULL;
	char err[256];
	int c, port = 0, i;

	while ((c = getopt(argc, argv, "p:k:n:c:m:r:d:b:H:f:")) != -1) {
		switch (c) {
		case 'p': port = atoi(optarg); break;
		case 'k': keyfile = optarg; break;
		case 'n': s.nhosts = atoi(optarg); break;
		case 'c': s.ncpus = atoi(optarg); break;
		case 'm': s.mem_mb = atol(optarg); break;
		case 'r': s.run_ms = atol(optarg); break;
		case 'd': s.duration = atol(optarg); break;
		case 'b': s.batch = atoi(optarg); break;
		case 'H': s.prefix = optarg; break;
		case 'f': s.fill_max = atol(optarg); s.filling = s.fill_max > 0; break;
		default: return sa_usage();
		}
	}
	if (port <= 0 || keyfile == NULL || s.nhosts < 1 || s.batch < 1)
		return sa_usage();
	if (auth_key_load(keyfile, &s.key, err, sizeof(err)) < 0) {
		fprintf(stderr, "simagents: %s\n", err);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	s.addr.sin_family = AF_INET;
	s.addr.sin_port = htons((uint16_t)port);
	s.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	TAILQ_INIT(&s.finishes);
	s.base = event_base_new();
	s.hosts = xcalloc((size_t)s.nhosts, sizeof(*s.hosts));
	for (i = 0; i < s.nhosts; i++) {
		s.hosts[i].sim = &s;
		s.hosts[i].no = i;
		snprintf(s.hosts[i].name, sizeof(s.hosts[i].name), "%s%05d", s.prefix, i + 1);
	}
	s.t0 = sa_now();
	sa_connect_more(&s);
	s.tick_ev = event_new(s.base, -1, EV_PERSIST, sa_tick_cb, &s);
	event_add(s.tick_ev, &one);
	sig_int = evsignal_new(s.base, SIGINT, sa_stop_cb, s.base);
	sig_term = evsignal_new(s.base, SIGTERM, sa_stop_cb, s.base);
	event_add(sig_int, NULL);
	event_add(sig_term, NULL);
	event_base_dispatch(s.base);
	printf("hosts %d\nup %ld\nconnect_s %.3f\nruns %ld\nfinished %ld\nacks %ld\n"
	    "retries %ld\nlost %ld\nelapsed_s %.3f\n", s.nhosts, s.up,
	    s.t_all_up > 0 ? s.t_all_up - s.t0 : -1.0, s.runs, s.finished, s.acks,
	    s.retries, s.lost, sa_now() - s.t0);
	if (s.t_filled > 0)	/* -f: the fill, then the churn after it */
		printf("fill_runs %ld\nfill_s %.3f\nchurn_runs %ld\nchurn_s %.3f\n",
		    s.fill_runs, s.t_filled - s.t_first_run, s.runs - s.fill_runs,
		    sa_now() - s.t_filled);
	for (i = 0; i < s.nhosts; i++) {
		if (s.hosts[i].bev != NULL)
			bufferevent_free(s.hosts[i].bev);
		if (s.hosts[i].hb_ev != NULL)
			event_free(s.hosts[i].hb_ev);
	}
	while ((f = TAILQ_FIRST(&s.finishes)) != NULL) {
		TAILQ_REMOVE(&s.finishes, f, entry);
		free(f);
	}
	free(s.hosts);
	event_free(s.tick_ev);
	event_free(sig_int);
	event_free(sig_term);
	event_base_free(s.base);
	return 0;
}
