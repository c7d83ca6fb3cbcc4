/*
 * loop.c - owns the libevent base: the listeners (TCP for agents, a unix
 * socket for local commands), signals, the once-a-second tick, and the two
 * deferred events that make the master batch its work: the scheduler pass
 * and the group commit. Both are activated (not run) by whoever needs them,
 * so many submissions in one loop turn share one pass and one commit.
 * It also wires connections to the modules that serve them (loop_conn_ops).
 *
 * Priorities (issue 11: a command must not wait behind the scheduler):
 * command connections run first (LOOP_PRIO_CMD); everything else (agent
 * links, the group commit, the tick, the listeners and the scheduling
 * slices) shares LOOP_PRIO_WORK, in the order it became ready. A command
 * that arrives during a slice is read as soon as that slice ends, and
 * libevent polls again after LOOP_DISPATCH_US of work callbacks, so a
 * burst of agent messages does not hold a command either. The slices do
 * not go below the agents: with 1,000 hosts churning there is nearly
 * always an agent message ready, and a scheduler that waited for none
 * got a third of the loop time it had and dispatched 4,000 jobs/s
 * instead of 20,000. The commit stays with the agents so that it comes
 * once per loop turn, after the messages read in it (libevent runs a
 * higher priority at once: one commit per message). Nothing runs a
 * slice above the agents: a guard timer that ran a slice at command
 * priority once it had waited 25 ms (against floods of commands) also
 * put it ahead of 10,000 agents' messages, and every link timed out.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "log.h"
#include "master.h"
#include "sched.h"
#include "http.h"
#include "util.h"
#include "watch.h"

/*
 * A pass due now runs before the commit it would otherwise follow (issue
 * 12): the finishes read in this turn free slots, the pass fills them,
 * and one fsync records both; finish_ack and run go out together after
 * it. Not for a commit at command priority (a bsub's reply waits for it,
 * and must not wait for a whole slice), nor while the store cannot
 * record a start.
 */
static bool
loop_sched_first(struct master *m)
{
	if (!m->sched_due || m->replaying || store_degraded(m->store) ||
	    event_get_priority(m->commit_ev) != LOOP_PRIO_WORK)
		return false;
	event_del(m->sched_ev);
	m->sched_wanted = false;
	m->sched_due = false;
	sched_pass(m);
	/* what the pass asked for (its next slice, the pass its starts
	 * want) waits for the zero timer: the commit its starts activate
	 * must not run a pass again before the sockets are read */
	m->sched_due = false;
	return true;
}

/* The group commit, after the pass due now if any; true if it ran one. */
static bool
loop_commit(struct master *m)
{
	bool pass = loop_sched_first(m);

	if (store_dirty(m->store) && !store_degraded(m->store)) {
		fairshare_commit(m);	/* rides on this commit, none of its own */
		stats_commit(m, pass);
	}
	/* not recorded (store.c: degraded): what depends on it waits */
	if (store_commit(m->store) == 0) {
		conn_flush_held(m);
		acct_flush(m);	/* lsb.acct lines of what just committed */
		watch_committed(m);	/* bwatch and /api/events */
		http_committed(m);
	}
	return pass;
}

static void
loop_commit_cb(evutil_socket_t fd, short what, void *arg)
{
	loop_commit(arg);
}

static void
loop_commit_at(struct master *m, int prio)
{
	if (m->replaying)
		return;
	if (event_pending(m->commit_ev, EV_WRITE, NULL)) {
		if (event_get_priority(m->commit_ev) <= prio)
			return;
		event_del(m->commit_ev);
	}
	event_priority_set(m->commit_ev, prio);
	event_active(m->commit_ev, EV_WRITE, 0);
}

void
loop_want_commit(struct master *m)
{
	loop_commit_at(m, LOOP_PRIO_WORK);
}

/*
 * The commit runs with the agents (once per loop turn), but one that a
 * command's reply waits for (bsub) at command priority, so that the reply
 * does not queue behind every agent message already read.
 */
void
loop_want_commit_soon(struct master *m)
{
	loop_commit_at(m, LOOP_PRIO_CMD);
}

#define LOOP_DISPATCH_US 1000	/* then poll again for commands */

static void
loop_sched_cb(evutil_socket_t fd, short what, void *arg)
{
	struct master *m = arg;

	/* replies held for a commit do not wait behind a whole slice; one
	 * held for the agents' commit shares it with this pass, which then
	 * runs first (loop_sched_first) and not again here */
	if (event_pending(m->commit_ev, EV_WRITE, NULL)) {
		event_del(m->commit_ev);
		if (loop_commit(m))
			return;
	}
	m->sched_wanted = false;
	m->sched_due = false;
	/* a start that cannot be recorded cannot be ordered either */
	if (!store_degraded(m->store))
		sched_pass(m);
}

/*
 * A zero timer, not event_active: libevent runs events activated from a
 * callback in the same turn, so a sliced pass asking for its next slice
 * would never let the sockets be read in between (at 10,000 hosts the
 * agents' heartbeats went unread until their links timed out).
 */
void
loop_want_sched(struct master *m)
{
	static const struct timeval now = { 0, 0 };

	if (m->replaying || m->sched_wanted)
		return;
	m->sched_wanted = true;
	m->sched_due = true;
	event_add(m->sched_ev, &now);
}

/*
 * The command listener and every command connection are also in an epoll
 * set of their own, so that a slice can ask in one syscall whether a
 * command is waiting, accepted or not (a connection accepted just before
 * a slice began is read only after it). A closed socket leaves the set by
 * itself. No listener (tests, the benchmark): never.
 */
bool
loop_cmd_waiting(struct master *m)
{
	struct epoll_event ev;

	return m->unix_ev != NULL && epoll_wait(m->cmd_epfd, &ev, 1, 0) > 0;
}

void
loop_cmd_watch(struct master *m, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (m->unix_ev != NULL &&
	    epoll_ctl(m->cmd_epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		log_warn("epoll_ctl");
}

/* A pass, but not before us microseconds (sched.c spaces its walks). */
void
loop_want_sched_in(struct master *m, uint64_t us)
{
	struct timeval tv = { (time_t)(us / 1000000),
	    (suseconds_t)(us % 1000000) };

	if (m->replaying || m->sched_wanted)
		return;
	m->sched_wanted = true;
	event_add(m->sched_ev, &tv);
}

static void
loop_query_cb(evutil_socket_t fd, short what, void *arg)
{
	queryq_turn(arg);
}

/* A zero timer too: the sockets are read between two turns of pages. */
void
loop_want_query(struct master *m)
{
	static const struct timeval now = { 0, 0 };

	if (m->query_ev != NULL && !evtimer_pending(m->query_ev, NULL))
		event_add(m->query_ev, &now);
}

static void
loop_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct master *m = arg;
	static unsigned ticks;
	long now = (long)now_real();

	if (store_retry(m->store) == 1) {	/* the state directory has room again */
		conn_flush_held(m);
		acct_flush(m);
		watch_committed(m);
		http_committed(m);
	}
	acct_tick(m);	/* lsb.acct: fdatasync once a second when written */
	jobtime_tick(m, now);	/* -b, -t */
	/* a short CLEAN_PERIOD (tests, small sites) is honoured to the second */
	if (++ticks % 30 == 0 || m->conf->clean_period < 30)
		job_purge_old(m, now);
	requeue_lost_hosts(m);
	admin_expire_hosts(m);	/* LSF_DYNAMIC_HOST_TIMEOUT */
	host_fault_tick(m);	/* closed_Fault hosts whose back-off is over */
	fairshare_tick(m, now);	/* usage, not tied to passes */
	watch_hosts_tick(m);	/* host states the links did not report */
	loop_want_sched(m);
}

static void
loop_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct master *m = arg;

	log_info("signal %d: shutting down", (int)sig);
	event_base_loopexit(m->base, NULL);
}

/* The loop ends after a short while, so that the replies written now
 * (badmin mbdrestart's) leave before the connections are closed. */
void
loop_exit_soon(struct master *m)
{
	static const struct timeval soon = { 0, 300000 };

	event_base_loopexit(m->base, &soon);
}

/* A closed connection's requests (waits, relayed commands, bpeeks) go. */
static void
loop_cli_gone(struct master *m, struct conn *c)
{
	control_conn_gone(m, c);
	peek_conn_gone(m, c);
	queryq_conn_gone(m, c);
	watch_conn_gone(m, c);
}

static void
loop_agent_gone(struct master *m, struct conn *c)
{
	agent_lost(m, c);
	loop_cli_gone(m, c);	/* the commands it relayed */
}

static const struct conn_ops loop_conn_ops[] = {
	[CONN_AGENT] = { agent_handle, loop_agent_gone },
	[CONN_CLI] = { control_handle, loop_cli_gone },
};

static void
loop_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct master *m = arg;

	if (!conn_admit(m, sa)) {
		evutil_closesocket(fd);
		return;
	}
	conn_set_peer(conn_new(m, fd, CONN_AGENT, -1, -1), sa);
}

#define LOOP_ACCEPT_BATCH 16	/* commands accepted per callback */

/*
 * The command socket's own accept, not an evconnlistener: that one has
 * no priority, and a command accepted at the agents' priority waited
 * behind every agent message already read (~50 ms at 1,000 hosts).
 */
static void
loop_accept_cmd_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct master *m = arg;
	struct ucred cred;
	socklen_t len;
	int fd, k;

	for (k = 0; k < LOOP_ACCEPT_BATCH; k++) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
			log_warn("SO_PEERCRED");
			close(fd);
			continue;
		}
		conn_new(m, fd, CONN_CLI, cred.uid, cred.gid);
	}
}

static int
loop_listen_tcp(struct master *m, char *err, size_t errlen)
{
	struct sockaddr_in sin;
	const char *addr = m->conf->master_addr ? m->conf->master_addr : "0.0.0.0";

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)m->conf->mbd_port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
	m->tcp_listener = evconnlistener_new_bind(m->base, loop_accept_cb, m,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 128,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (m->tcp_listener == NULL)
		return errf(err, errlen, "cannot listen on %s:%d: %s", addr,
		    m->conf->mbd_port, strerror(errno));
	return 0;
}

static int
loop_listen_unix(struct master *m, char *err, size_t errlen)
{
	const char *path = m->conf->master_socket;
	struct sockaddr_un sun;
	char *dir;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return errf(err, errlen, "%s: socket path too long", path);
	dir = xstrdup(path);
	if (strrchr(dir, '/') != NULL && strrchr(dir, '/') != dir) {
		*strrchr(dir, '/') = '\0';
		mkdir_p_public(dir, 0755);	/* every user connects */
	}
	free(dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errf(err, errlen, "socket: %s", strerror(errno));
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0666) < 0 || listen(fd, 128) < 0) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((m->cmd_epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		errf(err, errlen, "epoll_create1: %s", strerror(errno));
		close(fd);
		return -1;
	}
	m->unix_ev = event_new(m->base, fd, EV_READ | EV_PERSIST, loop_accept_cmd_cb,
	    m);
	if (m->unix_ev == NULL) {
		close(fd);
		return errf(err, errlen, "event_new failed");
	}
	event_priority_set(m->unix_ev, LOOP_PRIO_CMD);
	event_add(m->unix_ev, NULL);
	loop_cmd_watch(m, fd);
	return 0;
}

/* A base with LOOP_NPRIO priorities (new events get LOOP_PRIO_WORK) that
 * polls again after LOOP_DISPATCH_US of callbacks below command priority. */
static struct event_base *
loop_base_new(void)
{
	static const struct timeval every = { 0, LOOP_DISPATCH_US };
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (cfg == NULL)
		return NULL;
	event_config_set_max_dispatch_interval(cfg, &every, -1, LOOP_PRIO_WORK);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base != NULL && event_base_priority_init(base, LOOP_NPRIO) < 0) {
		event_base_free(base);
		return NULL;
	}
	return base;
}

int
loop_init(struct master *m, char *err, size_t errlen)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct timeval one = { 1, 0 };
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	m->conn_ops = loop_conn_ops;
	if ((m->base = loop_base_new()) == NULL)
		return errf(err, errlen, "event_base_new failed");
	/* with the agents: libevent runs a higher priority at once, which
	 * made one commit per agent message instead of one per loop turn */
	m->commit_ev = event_new(m->base, -1, 0, loop_commit_cb, m);
	m->sched_ev = event_new(m->base, -1, 0, loop_sched_cb, m);
	m->query_ev = event_new(m->base, -1, 0, loop_query_cb, m);
	m->tick_ev = event_new(m->base, -1, EV_PERSIST, loop_tick_cb, m);
	watch_init(m);
	event_add(m->tick_ev, &one);
	for (i = 0; i < nitems(sigs); i++) {
		m->sig_ev[i] = evsignal_new(m->base, sigs[i], loop_signal_cb, m);
		event_add(m->sig_ev[i], NULL);
	}
	if (loop_listen_tcp(m, err, errlen) < 0 || loop_listen_unix(m, err, errlen) < 0 ||
	    http_init(m, err, errlen) < 0)
		return -1;
	return 0;
}

void
loop_run(struct master *m)
{
	event_base_dispatch(m->base);
}

/* Runs what is already due (connections being freed) without waiting. */
void
loop_drain(struct master *m)
{
	event_base_loop(m->base, EVLOOP_NONBLOCK);
}

void
loop_free(struct master *m)
{
	size_t i;

	if (m->unix_ev != NULL) {
		int fd = event_get_fd(m->unix_ev);
		event_free(m->unix_ev);
		close(fd);
		close(m->cmd_epfd);
		unlink(m->conf->master_socket);
	}
	if (m->tcp_listener != NULL)
		evconnlistener_free(m->tcp_listener);
	for (i = 0; i < nitems(m->sig_ev); i++)
		if (m->sig_ev[i] != NULL)
			event_free(m->sig_ev[i]);
	if (m->commit_ev != NULL)
		event_free(m->commit_ev);
	if (m->sched_ev != NULL)
		event_free(m->sched_ev);
	if (m->query_ev != NULL)
		event_free(m->query_ev);
	queryq_free(m);
	http_free(m);	/* its streams are watchers */
	token_free(m);
	watch_free(m);
	if (m->tick_ev != NULL)
		event_free(m->tick_ev);
	if (m->base != NULL)
		event_base_free(m->base);
}
