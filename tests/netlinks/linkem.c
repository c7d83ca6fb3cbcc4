/*
 * linkem - a two-port link emulator for kernels without sch_netem: every
 * Ethernet frame received on one interface is sent out of the other after
 * a delay (DELAY +- JITTER ms, uniform) or dropped with probability LOSS %.
 * pumice cluster --netns uses it in place of `tc netem` where the kernel
 * has no netem (PUMICE_LINKEM names it).
 *
 *   linkem [-d DELAY_MS] [-j JITTER_MS] [-l LOSS_PCT] [-s SEED] [-p PIDFILE] IF1 IF2
 *
 * Invariants: frames of one direction leave in the order they came (a
 * jittered due time is raised to the previous frame's, as on a real link;
 * netem's reordering would only make TCP slower); at most QCAP frames wait
 * per direction, later ones are dropped as netem's limit drops them. Our
 * own transmissions are never read back (PACKET_IGNORE_OUTGOING, and the
 * packet type is checked where that option is missing). Send errors (a
 * port cut with ip link set down) drop the frame, as a dead link would.
 * Frames are read and written with a virtio-net header (PACKET_VNET_HDR):
 * a veth hands over TCP segments not yet split or checksummed, and the
 * header carries what the sending side still owes them. (pumice cluster
 * sets gso_max_segs 1 on the senders, so one frame is one segment and the
 * loss rate is per packet.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define QCAP 1024		/* frames waiting per direction */
#define FRAME_MAX (65536 + sizeof(struct virtio_net_hdr))

struct frame {
	long long due_us;
	size_t len;
	unsigned char *data;
};

/* One direction: frames read from in_fd wait here, then go out on out_fd. */
struct dir {
	int in_fd, out_fd;
	struct frame *q;
	size_t head, n;
	long long last_due_us;
	unsigned long passed, lost;
};

struct shape {
	long delay_us, jitter_us;
	double loss;		/* 0..1 */
};

static volatile sig_atomic_t linkem_stop;

static void
linkem_on_signal(int sig)
{
	(void)sig;
	linkem_stop = 1;
}

static long long
linkem_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A packet socket bound to interface NAME, every protocol. */
static int
linkem_open(const char *name)
{
	struct sockaddr_ll sll;
	int fd, one = 1;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(name);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, "linkem: %s: %s\n", name, strerror(errno));
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "linkem: packet socket on %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0) {
		fprintf(stderr, "linkem: PACKET_VNET_HDR on %s: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	/* best effort: older kernels lack it, linkem_read checks the type */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	return fd;
}

static long long
linkem_due(struct dir *d, const struct shape *s, long long now)
{
	long long due = now + s->delay_us;

	if (s->jitter_us > 0)
		due += (long long)(random() % (2 * s->jitter_us + 1)) - s->jitter_us;
	if (due < d->last_due_us)
		due = d->last_due_us;
	d->last_due_us = due;
	return due;
}

/* Reads every frame waiting on d->in_fd into the queue (or drops it). */
static void
linkem_read(struct dir *d, const struct shape *s)
{
	struct sockaddr_ll from;
	socklen_t flen;
	struct frame *f;
	static unsigned char buf[FRAME_MAX];
	ssize_t r;

	for (;;) {
		flen = sizeof(from);
		r = recvfrom(d->in_fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (r < 0)
			return;	/* EAGAIN, or ENETDOWN of a port set down */
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (d->n == QCAP || (s->loss > 0 && random() < s->loss * RAND_MAX)) {
			d->lost++;
			continue;
		}
		f = &d->q[(d->head + d->n) % QCAP];
		if ((f->data = malloc((size_t)r)) == NULL) {
			d->lost++;
			continue;
		}
		memcpy(f->data, buf, (size_t)r);
		f->len = (size_t)r;
		f->due_us = linkem_due(d, s, linkem_now_us());
		d->n++;
	}
}

/* Sends the frames that are due; returns us until the next one, or -1. */
static long long
linkem_flush(struct dir *d, long long now)
{
	struct frame *f;

	while (d->n > 0) {
		f = &d->q[d->head];
		if (f->due_us > now)
			return f->due_us - now;
		if (send(d->out_fd, f->data, f->len, MSG_DONTWAIT) < 0)
			d->lost++;
		else
			d->passed++;
		free(f->data);
		f->data = NULL;
		d->head = (d->head + 1) % QCAP;
		d->n--;
	}
	return -1;
}

static int
linkem_timeout_ms(long long a_us, long long b_us)
{
	long long t = a_us < 0 ? b_us : b_us < 0 ? a_us : a_us < b_us ? a_us : b_us;

	return t < 0 ? -1 : (int)((t + 999) / 1000);
}

static int
linkem_run(struct dir d[2], const struct shape *s)
{
	struct pollfd p[2];
	struct timespec ts;
	sigset_t none;
	int i, timeout;

	p[0].fd = d[0].in_fd;
	p[1].fd = d[1].in_fd;
	p[0].events = p[1].events = POLLIN;
	sigemptyset(&none);
	while (!linkem_stop) {
		long long now = linkem_now_us();

		timeout = linkem_timeout_ms(linkem_flush(&d[0], now), linkem_flush(&d[1], now));
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000;
		/* SIGTERM is blocked but here, so it cannot slip in before the wait */
		if (ppoll(p, 2, timeout < 0 ? NULL : &ts, &none) < 0 && errno != EINTR) {
			perror("linkem: ppoll");
			return 1;
		}
		for (i = 0; i < 2; i++)
			if (p[i].revents & (POLLIN | POLLERR))
				linkem_read(&d[i], s);
	}
	fprintf(stderr, "linkem: %lu/%lu frames passed, %lu/%lu lost\n",
	    d[0].passed, d[1].passed, d[0].lost, d[1].lost);
	return 0;
}

static void
linkem_free(struct dir *d)
{
	while (d->n > 0) {
		free(d->q[d->head].data);
		d->head = (d->head + 1) % QCAP;
		d->n--;
	}
	free(d->q);
}

static int
linkem_signals(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = linkem_on_signal;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0) {
		perror("linkem: signals");
		return -1;
	}
	return 0;
}

static int
linkem_usage(void)
{
	fprintf(stderr, "usage: linkem [-d DELAY_MS] [-j JITTER_MS] [-l LOSS_PCT] "
	    "[-s SEED] [-p PIDFILE] IF1 IF2\n");
	return 2;
}

static int
linkem_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		fprintf(stderr, "linkem: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct shape s = { 0, 0, 0 };
	struct dir d[2];
	const char *pidfile = NULL;
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	int c, a, b, rc;

	while ((c = getopt(argc, argv, "d:j:l:s:p:")) != -1) {
		switch (c) {
		case 'd': s.delay_us = (long)(atof(optarg) * 1000); break;
		case 'j': s.jitter_us = (long)(atof(optarg) * 1000); break;
		case 'l': s.loss = atof(optarg) / 100; break;
		case 's': seed = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'p': pidfile = optarg; break;
		default: return linkem_usage();
		}
	}
	if (argc - optind != 2 || s.delay_us < 0 || s.jitter_us < 0 || s.loss < 0 || s.loss > 1)
		return linkem_usage();
	srandom(seed);
	if ((a = linkem_open(argv[optind])) < 0 || (b = linkem_open(argv[optind + 1])) < 0)
		return 1;
	memset(d, 0, sizeof(d));
	d[0] = (struct dir){ .in_fd = a, .out_fd = b, .q = calloc(QCAP, sizeof(struct frame)) };
	d[1] = (struct dir){ .in_fd = b, .out_fd = a, .q = calloc(QCAP, sizeof(struct frame)) };
	if (d[0].q == NULL || d[1].q == NULL) {
		perror("linkem");
		return 1;
	}
	if (linkem_signals() < 0)
		return 1;
	if (pidfile != NULL && linkem_pidfile(pidfile) < 0)
		return 1;
	rc = linkem_run(d, &s);
	linkem_free(&d[0]);
	linkem_free(&d[1]);
	return rc;
}
