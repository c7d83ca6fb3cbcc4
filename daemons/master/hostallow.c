/*
 * hostallow.c - who may register as a host (hostallow.h).
 */
#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostallow.h"
#include "schedconf.h"

/* An address in its 16 bytes (IPv4 mapped), with its family's bit count. */
struct hostallow_addr {
	unsigned char b[16];
	int bits;	/* 32 or 128 */
};

static bool
hostallow_parse(const char *s, struct hostallow_addr *a)
{
	struct in_addr v4;

	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->bits = 128;
		return true;
	}
	if (inet_pton(AF_INET, s, &v4) != 1)
		return false;
	memset(a->b, 0, 10);
	memset(a->b + 10, 0xff, 2);
	memcpy(a->b + 12, &v4, 4);
	a->bits = 32;
	return true;
}

/* The address of "ADDR:PORT" or "[V6]:PORT". */
static bool
hostallow_peer(const char *peer, struct hostallow_addr *a)
{
	char buf[64];
	const char *end;
	size_t n;

	if (peer[0] == '[') {
		peer++;
		end = strchr(peer, ']');
	} else
		end = strrchr(peer, ':');
	n = end != NULL ? (size_t)(end - peer) : strlen(peer);
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, peer, n);
	buf[n] = '\0';
	return hostallow_parse(buf, a);
}

/* A word that is an address or a network ("10.0.0.0/24", "fd00::/8"):
 * its address and prefix length; false for anything else (a name). */
static bool
hostallow_word_net(const char *word, struct hostallow_addr *net, long *len)
{
	char buf[64], *slash, *end;

	if (strlen(word) >= sizeof(buf))
		return false;
	strcpy(buf, word);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (!hostallow_parse(buf, net))
		return false;
	*len = net->bits;
	if (slash != NULL && ((*len = strtol(slash, &end, 10)) < 0 || *len > net->bits ||
	    *end != '\0' || end == slash))
		*len = -1;	/* a bad prefix matches nothing */
	return true;
}

/* Whether a is in net/len. */
static bool
hostallow_in(const struct hostallow_addr *net, long len, const struct hostallow_addr *a)
{
	int i;

	if (len < 0 || net->bits != a->bits)
		return false;
	len += 128 - net->bits;	/* IPv4: past the mapped prefix */
	for (i = 0; i < 16 && len > 0; i++, len -= 8) {
		unsigned char mask = len >= 8 ? 0xff : (unsigned char)(0xff << (8 - len));
		if ((net->b[i] & mask) != (a->b[i] & mask))
			return false;
	}
	return true;
}

bool
hostallow_ok(char *const *allow, size_t n, const struct schedconf *sc,
    const char *name, const char *peer, char *why, size_t whylen)
{
	struct hostallow_addr a, net;
	bool have_addr = peer != NULL && hostallow_peer(peer, &a);
	long len;
	size_t i;

	if (n == 0)
		return true;
	if (schedconf_host(sc, name) != NULL)
		return true;
	for (i = 0; i < n; i++) {
		if (hostallow_word_net(allow[i], &net, &len)) {
			if (have_addr && hostallow_in(&net, len, &a))
				return true;
		} else if (fnmatch(allow[i], name, FNM_CASEFOLD) == 0)
			return true;
	}
	snprintf(why, whylen, "host %s (%s) is neither in lsf.cluster nor in "
	    "PUMICE_HOSTS_ALLOW", name, peer != NULL ? peer : "?");
	return false;
}
