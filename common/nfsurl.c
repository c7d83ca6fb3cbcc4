/*
 * nfsurl.c - parsing and joining nfs:// output destinations (nfsurl.h).
 * Only the query keys libnfs 4.0.0 understands and that make sense for a
 * writer are accepted; anything else is an error naming the key, so that a
 * typo does not silently use a default.
 */
#include <stdlib.h>
#include <string.h>

#include "nfsurl.h"
#include "util.h"

#define NFSURL_PREFIX "nfs://"

static const char *const nfsurl_keys[] = {
	"nfsport", "mountport", "tcp-syncnt", "version", "debug",
};

int
nfsurl_is(const char *s)
{
	return s != NULL && strncmp(s, NFSURL_PREFIX, strlen(NFSURL_PREFIX)) == 0;
}

void
nfsurl_free(struct nfsurl *u)
{
	free(u->server);
	free(u->path);
	free(u->exp);
	free(u->args);
	memset(u, 0, sizeof(*u));
}

static int
nfsurl_known(const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < nitems(nfsurl_keys); i++)
		if (strlen(nfsurl_keys[i]) == n && strncmp(nfsurl_keys[i], key, n) == 0)
			return 1;
	return 0;
}

/* Checks one key=value of the query and files it into u. */
static int
nfsurl_arg(struct nfsurl *u, const char *kv, size_t n, char *err, size_t errlen)
{
	const char *eq = memchr(kv, '=', n);
	size_t kn = eq ? (size_t)(eq - kv) : n;
	char *old;

	if (eq == NULL || kn == 0 || eq + 1 == kv + n)
		return errf(err, errlen, "bad query argument '%.*s' (key=value expected)",
		    (int)n, kv);
	if (kn == 6 && strncmp(kv, "export", 6) == 0) {
		if (eq[1] != '/' || u->exp != NULL)
			return errf(err, errlen, "export= must be one absolute path");
		u->exp = xstrndup(eq + 1, n - kn - 1);
		return 0;
	}
	if ((kn == 3 && strncmp(kv, "uid", 3) == 0) || (kn == 3 && strncmp(kv, "gid", 3) == 0))
		return errf(err, errlen, "%.3s= is not allowed: output is written as the "
		    "job's owner", kv);
	if (kn == 13 && strncmp(kv, "autoreconnect", 13) == 0)
		return errf(err, errlen, "autoreconnect= is not allowed: the shepherd reconnects "
		    "itself and rewrites what was not committed");
	if (kn == 7 && strncmp(kv, "version", 7) == 0 && (n - kn - 1 != 1 || eq[1] != '3'))
		return errf(err, errlen, "only NFS version 3 is supported");
	if (!nfsurl_known(kv, kn))
		return errf(err, errlen, "unknown query argument '%.*s'", (int)kn, kv);
	old = u->args;
	u->args = xasprintf("%s%s%.*s", old, old[0] ? "&" : "", (int)n, kv);
	free(old);
	return 0;
}

static int
nfsurl_query(struct nfsurl *u, const char *q, char *err, size_t errlen)
{
	const char *amp;

	u->args = xstrdup("");
	while (q != NULL && *q != '\0') {
		amp = strchr(q, '&');
		if (nfsurl_arg(u, q, amp ? (size_t)(amp - q) : strlen(q), err, errlen) < 0)
			return -1;
		q = amp ? amp + 1 : NULL;
	}
	return 0;
}

/* Every '/'-separated part of path is a name: not empty, ".", or ".."
 * (a last "." or ".." too: "/x/.." would name a directory). */
static int
nfsurl_parts_ok(const char *path)
{
	const char *p = path + 1;
	size_t n;

	for (;; p += n + 1) {
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (p[n] == '\0')
			return 1;
	}
}

static int
nfsurl_check_path(const struct nfsurl *u, char *err, size_t errlen)
{
	size_t n = strlen(u->path), e;

	if (n < 2 || u->path[n - 1] == '/')
		return errf(err, errlen, "the URL must name a file after the server");
	if (!nfsurl_parts_ok(u->path))
		return errf(err, errlen, "the path must not hold empty, . or .. parts");
	if (u->exp != NULL) {
		e = strlen(u->exp);
		if (e >= n || strncmp(u->path, u->exp, e) != 0 || u->path[e] != '/')
			return errf(err, errlen, "export %s is not a parent of %s", u->exp,
			    u->path);
	}
	return 0;
}

int
nfsurl_parse(const char *s, struct nfsurl *u, char *err, size_t errlen)
{
	const char *host, *slash, *q;

	memset(u, 0, sizeof(*u));
	if (!nfsurl_is(s))
		return errf(err, errlen, "%s: not an nfs:// URL", s);
	host = s + strlen(NFSURL_PREFIX);
	slash = strchr(host, '/');
	q = strchr(host, '?');
	if (slash == NULL || (q != NULL && q < slash) || slash == host) {
		errf(err, errlen, "%s: the URL must be nfs://server/path", s);
		goto fail;
	}
	u->server = xstrndup(host, (size_t)(slash - host));
	u->path = q ? xstrndup(slash, (size_t)(q - slash)) : xstrdup(slash);
	if (nfsurl_query(u, q ? q + 1 : NULL, err, errlen) < 0 ||
	    nfsurl_check_path(u, err, errlen) < 0)
		goto fail_named;
	return 0;
fail_named:
	if (err != NULL && errlen > 0) {
		char *msg = xstrdup(err);
		errf(err, errlen, "%s: %s", s, msg);
		free(msg);
	}
fail:
	nfsurl_free(u);
	return -1;
}

char *
nfsurl_libnfs(const struct nfsurl *u, const char *path)
{
	return xasprintf("nfs://%s%s%s%s", u->server, path, u->args[0] ? "?" : "", u->args);
}

char *
nfsurl_join(const char *dir, const char *name)
{
	const char *q = nfsurl_is(dir) ? strchr(dir, '?') : NULL;
	size_t dn = q ? (size_t)(q - dir) : strlen(dir);

	if (name[0] == '/' || nfsurl_is(name))
		return xstrdup(name);
	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	return xasprintf("%.*s/%s%s", (int)dn, dir, name, q ? q : "");
}
