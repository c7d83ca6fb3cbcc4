/*
 * nfsurl.h - output destinations of the form
 *   nfs://SERVER/PATH/FILE?nfsport=N&mountport=M[&export=/EXPORT]
 * (NFSv3 only). Pure parsing and joining: no libnfs here, so the CLI, the
 * agent and the tests can use it; the shepherd's outnfs.c does the I/O.
 * uid= and gid= are refused: the credential is always the job's owner.
 */
#ifndef PUMICE_NFSURL_H
#define PUMICE_NFSURL_H

#include <stddef.h>

struct nfsurl {
	char *server;		/* host name or address */
	char *path;		/* absolute, no trailing '/', at least one component */
	char *exp;		/* export= value, or NULL: found by trying prefixes */
	char *args;		/* the other query keys for libnfs ("" when none) */
};

/* Does s name an NFS destination (starts with "nfs://")? */
int nfsurl_is(const char *s);
/* Parses s; -1 with err on a malformed or refused URL. */
int nfsurl_parse(const char *s, struct nfsurl *u, char *err, size_t errlen);
void nfsurl_free(struct nfsurl *u);
/* "nfs://server/path?args" for libnfs (mount path and ports); malloc'd. */
char *nfsurl_libnfs(const struct nfsurl *u, const char *path);
/* dir joined with a relative name, keeping dir's query (nfs:// or plain). */
char *nfsurl_join(const char *dir, const char *name);

#endif
