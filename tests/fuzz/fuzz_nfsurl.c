/* fuzz_nfsurl.c - libFuzzer target: nfsurl_parse, then what the agent and
 * the shepherd build from a parsed URL. A URL that parses has a path of
 * real components (no empty, . or .. part) and parses again, the same,
 * once rebuilt for libnfs. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfsurl.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_path(const char *path)
{
	const char *p = path, *e;
	size_t n;

	if (*p++ != '/')
		abort();
	for (; ; p = e + 1) {
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		if (e == NULL)
			break;
	}
}

static void
fuzz_roundtrip(const struct nfsurl *u)
{
	struct nfsurl v;
	char *s = nfsurl_libnfs(u, u->path), err[256];

	if (u->exp != NULL) {	/* export= is not in args: add it back */
		char *t = xasprintf("%s%sexport=%s", s, strchr(s, '?') ? "&" : "?", u->exp);
		free(s);
		s = t;
	}
	if (nfsurl_parse(s, &v, err, sizeof(err)) != 0 || strcmp(v.server, u->server) != 0 ||
	    strcmp(v.path, u->path) != 0 || strcmp(v.args, u->args) != 0)
		abort();
	nfsurl_free(&v);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), *j, err[256];
	struct nfsurl u;

	if (nfsurl_parse(s, &u, err, sizeof(err)) == 0) {
		fuzz_check_path(u.path);
		fuzz_roundtrip(&u);
		nfsurl_free(&u);
	} else if (err[0] == '\0')
		abort();
	j = nfsurl_join(s, "%J.out");
	free(j);
	j = nfsurl_join("nfs://srv/exp/dir?nfsport=2049", s);
	free(j);
	free(s);
	return 0;
}
