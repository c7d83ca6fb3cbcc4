/*
 * benchmaster.c - a real struct master for benchmarks: configuration
 * read by conf_load from files written to a temporary directory, a sqlite
 * store there, hosts registered as linked agents, jobs submitted through
 * job_event as the control code does. The event loop never runs: the
 * commit and scheduling events are made active and left so, and each
 * host's connection is one end of a socketpair whose other end is closed
 * at once (nothing is ever written to it, and 10,000 hosts then take
 * 10,000 descriptors rather than 20,000).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include "benchmaster.h"
#include "util.h"

#define BM_LSBDIR "lsbatch/bench/configdir"

static void __attribute__((noreturn, format(printf, 1, 2)))
benchmaster_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("benchmaster: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void
benchmaster_write(struct benchmaster *b, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", b->dir, name);

	if (file_write_atomic(path, text, strlen(text), 0644) < 0)
		benchmaster_die("%s: %s", path, strerror(errno));
	free(path);
}

static void
benchmaster_never(evutil_socket_t fd, short what, void *arg)
{
	benchmaster_die("the benchmark's event loop never runs");
}

void
benchmaster_open(struct benchmaster *b, const char *queues)
{
	struct master *m = &b->m;
	const char *tmp = getenv("TMPDIR");
	char err[512], *text;

	memset(b, 0, sizeof(*b));
	snprintf(b->dir, sizeof(b->dir), "%s/benchmaster.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(b->dir) == NULL)
		benchmaster_die("%s: %s", b->dir, strerror(errno));
	text = xasprintf("%s/" BM_LSBDIR, b->dir);
	if (mkdir_p(text, 0755) < 0)
		benchmaster_die("%s: %s", text, strerror(errno));
	free(text);
	text = xasprintf("LSF_CLUSTER_NAME=bench\nPUMICE_STATEDIR=%s/state\n", b->dir);
	benchmaster_write(b, "lsf.conf", text);
	free(text);
	benchmaster_write(b, BM_LSBDIR "/lsb.queues", queues);
	if ((m->conf = conf_load(b->dir, 1, err, sizeof(err))) == NULL ||
	    mkdir_p(m->conf->statedir, 0755) < 0 ||
	    (m->store = store_open(m->conf->statedir, err, sizeof(err))) == NULL)
		benchmaster_die("%s", err);
	master_init(m);
	if ((m->base = event_base_new()) == NULL)
		benchmaster_die("event_base_new failed");
	m->commit_ev = event_new(m->base, -1, 0, benchmaster_never, NULL);
	m->sched_ev = event_new(m->base, -1, 0, benchmaster_never, NULL);
}

void
benchmaster_host(struct benchmaster *b, const char *name, int ncpus, long mem_kb)
{
	struct host *h = host_get(&b->m, name);
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		benchmaster_die("socketpair: %s (raise ulimit -n)", strerror(errno));
	close(sv[1]);
	h->conn = conn_new(&b->m, sv[0], CONN_AGENT, -1, -1);
	conn_set_authed(h->conn);	/* as if it had proved the key */
	conn_set_host(h->conn, h);
	h->status = HOST_OK;
	h->ncpus = h->maxslots = ncpus;
	h->mem_total = h->mem_free = mem_kb;
}

long
benchmaster_submit(struct benchmaster *b, json_t *data)
{
	long id = b->m.next_id;

	if (job_event(&b->m, id, 0, "submit", data) < 0)
		benchmaster_die("submit of job %ld refused", id);
	return id;
}

void
benchmaster_commit(struct benchmaster *b)
{
	if (store_commit(b->m.store) < 0)
		benchmaster_die("store commit failed");
}

void
benchmaster_close(struct benchmaster *b)
{
	char *cmd = xasprintf("rm -rf '%s'", b->dir);

	benchmaster_commit(b);
	store_close(b->m.store);
	if (system(cmd) != 0)
		fprintf(stderr, "benchmaster: %s failed\n", cmd);
	free(cmd);
}
