/* fuzz_conf.c - libFuzzer target: the semantic layer of the config
 * loaders, a whole configuration loaded into the master's structs
 * (conf_load with the scheduler's part, schedconf_load). The input is the
 * files' texts separated by lines "@@", in the order of fuzz_files; they
 * are written into a scratch directory (on tmpfs when there is one) for
 * the loaders to read as the daemon does. lsf.conf always ends with the
 * cluster name and directories, so the other files are the ones read. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "schedconf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_files[] = {
	"lsf.conf", "lsf.cluster.fz", "lsbatch/fz/configdir/lsb.params",
	"lsbatch/fz/configdir/lsb.queues", "lsbatch/fz/configdir/lsb.hosts",
	"lsbatch/fz/configdir/lsb.users",
};
static char fuzz_dir[64];

static void
fuzz_write(const char *name, const char *text, size_t len, const char *tail)
{
	char *path = xasprintf("%s/%s", fuzz_dir, name);
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fwrite(text, 1, len, fp) != len || fputs(tail, fp) < 0 ||
	    fclose(fp) != 0)
		abort();
	free(path);
}

/* The scratch directory goes with the process (not on a crash: then it
 * holds the files that crashed). */
static void
fuzz_cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", fuzz_dir);

	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_conf: cannot remove %s\n", fuzz_dir);
	free(cmd);
}

static void
fuzz_setup(void)
{
	char *d;

	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/fuzz_conf.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	d = xasprintf("%s/lsbatch/fz/configdir", fuzz_dir);
	if (mkdir_p(d, 0700) < 0)
		abort();
	free(d);
	atexit(fuzz_cleanup);
}

/* Looks every queue and host up the way the scheduler does. */
static void
fuzz_walk(const struct conf *c)
{
	const struct schedconf *s = c->sched;
	size_t i;

	if (conf_queue(c, c->default_queue) == NULL)
		abort();
	for (i = 0; i < c->nqueues; i++) {
		if (conf_queue(c, c->queues[i].name) != &c->queues[i])
			abort();
		(void)schedconf_queue_of(c, c->queues[i].name);
	}
	for (i = 0; s != NULL && i < s->nhosts; i++)
		(void)schedconf_host(s, s->hosts[i].name);
	(void)conf_is_admin(c, "root");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *sep;
	char err[1024], *tail;
	struct conf *c;
	size_t i, n;

	if (fuzz_dir[0] == '\0')
		fuzz_setup();
	for (i = 0; i < nitems(fuzz_files); i++) {
		sep = memmem(p, (size_t)(end - p), "\n@@\n", 4);
		n = sep ? (size_t)(sep - p) : (size_t)(end - p);
		tail = i > 0 ? xstrdup("") : xasprintf("\nLSF_CLUSTER_NAME=fz\n"
		    "LSF_CONFDIR=%s\nLSB_CONFDIR=%s/lsbatch\n", fuzz_dir, fuzz_dir);
		fuzz_write(fuzz_files[i], p, n, tail);
		free(tail);
		p = sep ? sep + 4 : end;
	}
	if ((c = conf_load(fuzz_dir, 1, err, sizeof(err))) != NULL) {
		fuzz_walk(c);
		conf_free(c);
	} else if (err[0] == '\0')
		abort();
	return 0;
}
