/*
 * bsubrlim.c - the submitter's umask and soft limits (see bsubrlim.h).
 * LSF propagates the user's limits from the submission host; so do we,
 * for the limits that make sense on another host (not nproc, memlock).
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include "bsubrlim.h"
#include "util.h"

static const struct {
	const char *name;
	int res;
} bsubrlim_table[] = {
	{ "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "nofile", RLIMIT_NOFILE },
	{ "stack", RLIMIT_STACK }, { "as", RLIMIT_AS },
};

void
bsubrlim_add(json_t *sub)
{
	json_t *rl = json_object();
	struct rlimit r;
	mode_t um = umask(022);
	size_t i;

	umask(um);
	for (i = 0; i < nitems(bsubrlim_table); i++) {
		if (getrlimit(bsubrlim_table[i].res, &r) < 0)
			continue;
		json_object_set_new(rl, bsubrlim_table[i].name, json_integer(
		    r.rlim_cur == RLIM_INFINITY ? -1 : (json_int_t)r.rlim_cur));
	}
	json_object_set_new(sub, "umask", json_integer((json_int_t)um));
	json_object_set_new(sub, "rlimits", rl);
}
