/* fuzz_msg.c - libFuzzer target: every message type the master takes, on
 * the daemon's own path: bytes written to a command connection or to a
 * registered agent's connection are read, framed, decoded and handled by
 * the event loop (conn.c, control.c and each op's handler, agentlink.c),
 * replies and commits included. The first byte picks the connection (bit
 * 0 clear: a command client, of uid 1000, or of root, an administrator,
 * with bit 1; set: agent n1, authenticated and registered through the
 * real handshake with the cluster key); the rest
 * is the stream, length prefixes included. Both connections are new for
 * each input, so a half frame does not carry over. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <event2/event.h>

#include "auth.h"
#include "fuzzmaster.h"
#include "proto.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct master fuzz_m;

/* Runs the loop until nothing more is due (a few turns). */
static void
fuzz_turns(void)
{
	int i;

	for (i = 0; i < 4; i++)
		event_base_loop(fuzz_m.base, EVLOOP_NONBLOCK);
}

static void
fuzz_send(int fd, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	uint32_t n = htonl((uint32_t)strlen(text));

	if (write(fd, &n, 4) != 4 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	free(text);
	json_decref(msg);
}

/* The next whole message the master sent on fd (NULL: none yet). */
static json_t *
fuzz_recv(int fd)
{
	static unsigned char buf[1 << 16];
	ssize_t n = read(fd, buf, sizeof(buf));
	json_t *msg = NULL;
	size_t used;
	char err[256];

	if (n > 0)
		(void)proto_decode(buf, (size_t)n, &msg, &used, err, sizeof(err));
	return msg;
}

/* A connection to the master: our end of a socketpair, non-blocking. */
static int
fuzz_conn(enum conn_kind kind, long uid)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	conn_new(&fuzz_m, sv[1], kind, uid, uid);
	return sv[0];
}

/* Agent n1 through hello, challenge, auth, welcome and register. */
static int
fuzz_agent(void)
{
	int fd = fuzz_conn(CONN_AGENT, -1);
	char nonce[AUTH_NONCE_HEX], mac[AUTH_MAC_HEX];
	json_t *ch;

	if (auth_nonce(nonce) < 0)
		abort();
	fuzz_send(fd, json_pack("{s:s, s:i, s:s, s:s, s:s}", "t", "hello", "v", PROTO_VERSION,
	    "role", "agent", "host", "n1", "nonce", nonce));
	fuzz_turns();
	if ((ch = fuzz_recv(fd)) == NULL)
		abort();
	auth_mac(&fuzz_m.key, "agent", json_string_value(json_object_get(ch, "nonce")), "n1",
	    mac);
	json_decref(ch);
	fuzz_send(fd, json_pack("{s:s, s:s}", "t", "auth", "mac", mac));
	fuzz_send(fd, json_pack("{s:s, s:s, s:i, s:i, s:i, s:[fff], s:[{s:i, s:i}]}",
	    "t", "register", "host", "n1", "ncpus", 4, "mem_total", 1 << 20, "mem_free",
	    1 << 19, "load", 0.1, 0.2, 0.3, "jobs", "id", 2, "idx", 0));
	fuzz_turns();
	return fd;
}

static void
fuzz_drain(int fd)
{
	char buf[1 << 16];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int cli, agent, fd;
	size_t off;
	ssize_t n;

	if (fuzz_m.conf == NULL)
		fuzzmaster_init(&fuzz_m, true);
	if (size == 0)
		return 0;
	cli = fuzz_conn(CONN_CLI, data[0] & 2 ? 0 : 1000);
	agent = fuzz_agent();
	fd = data[0] % 2 ? agent : cli;
	fuzz_drain(fd);
	for (off = 1; off < size; off += (size_t)n) {
		if ((n = write(fd, data + off, size - off)) <= 0)
			break;
		fuzz_turns();
		fuzz_drain(fd);
	}
	fuzz_turns();
	close(cli);
	close(agent);
	fuzz_turns();
	return 0;
}
