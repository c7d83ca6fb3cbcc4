/*
 * hostallow.h - who may register as a host (issue 13, hole 9): with
 * PUMICE_HOSTS_ALLOW set in lsf.conf, an agent registers only if its
 * host is in lsf.cluster's Host section, or its name matches one of the
 * key's globs, or its address one of the key's addresses or networks
 * (10.0.0.0/24, fd00::/8). Unset: any agent with the key registers.
 */
#ifndef PUMICE_HOSTALLOW_H
#define PUMICE_HOSTALLOW_H

#include <stdbool.h>
#include <stddef.h>

struct schedconf;

/* Whether host name from peer ("ADDR:PORT", "[V6]:PORT") may register
 * under the words of PUMICE_HOSTS_ALLOW (n of them; 0: anyone) and the
 * hosts sc configures; when not, why says so. */
bool hostallow_ok(char *const *allow, size_t n, const struct schedconf *sc,
    const char *name, const char *peer, char *why, size_t whylen);

#endif
