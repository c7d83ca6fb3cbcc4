/* fuzzmaster.c - the master of the fuzz targets (fuzzmaster.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>

#include "fuzzmaster.h"
#include "log.h"
#include "util.h"

static struct master *fuzz_m;

static void
fuzz_apply(long id, const char *type, json_t *data)
{
	if (job_event(fuzz_m, id, 0, type, data) < 0)
		abort();
}

/* The loop never runs: the fixture is built, then only read. */
static void
fuzz_never(evutil_socket_t fd, short what, void *arg)
{
	abort();
}

static void
fuzz_put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name), *d = xstrdup(path);
	FILE *fp;

	*strrchr(d, '/') = '\0';
	if (mkdir_p(d, 0700) < 0 || (fp = fopen(path, "w")) == NULL ||
	    fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
	free(path);
	free(d);
}

static char fuzz_dir[64], *fuzz_log;

static void
fuzz_cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", fuzz_dir);

	if (system(cmd) != 0)
		fprintf(stderr, "fuzzmaster: cannot remove %s\n", fuzz_dir);
	free(cmd);
}

void
fuzzmaster_init(struct master *m, bool loop)
{
	char *dir = fuzz_dir;
	char err[512], *state;

	snprintf(dir, sizeof(fuzz_dir), "%s/fuzz_master.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");	/* cheap fsync */
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(fuzz_cleanup);
	fuzz_log = xasprintf("%s/master.log", dir);
	log_init("fuzz", fuzz_log, false);	/* the daemon's log, not the fuzzer's */
	fuzz_put(dir, "lsf.conf", "LSF_CLUSTER_NAME=fz\n");
	fuzz_put(dir, "lsbatch/fz/configdir/lsb.queues", "Begin Queue\nQUEUE_NAME = normal\n"
	    "End Queue\nBegin Queue\nQUEUE_NAME = short\nEnd Queue\n");
	fuzz_put(dir, "lsbatch/fz/configdir/lsb.users", "Begin UserGroup\n"
	    "GROUP_NAME GROUP_MEMBER\ngrp (alice bob)\nEnd UserGroup\n");
	if ((m->conf = conf_load(dir, 1, err, sizeof(err))) == NULL)
		abort();
	fuzz_m = m;
	master_init(m);
	m->hostname = xstrdup("n1");	/* as main.c sets it */
	if (loop) {
		free(m->conf->master_addr);
		m->conf->master_addr = xstrdup("127.0.0.1");
		m->conf->mbd_port = 0;	/* any free port */
		free(m->conf->master_socket);
		m->conf->master_socket = xasprintf("%s/master.sock", dir);
		if (loop_init(m, err, sizeof(err)) < 0)
			abort();
	} else {
		m->base = event_base_new();
		m->commit_ev = event_new(m->base, -1, 0, fuzz_never, NULL);
		m->sched_ev = event_new(m->base, -1, 0, fuzz_never, NULL);
	}
	state = xasprintf("%s/state", dir);
	if (mkdir_p(state, 0700) < 0 || (m->store = store_open(state, err, sizeof(err))) == NULL)
		abort();
	free(state);
	fuzz_apply(m->next_id, "submit", json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:s}}",
	    "name", "plain", "user", "alice", "queue", "normal", "nslots", 1, "opts",
	    "P", "proj", "g", "/grp/sub"));
	fuzz_apply(m->next_id, "submit", json_pack("{s:s, s:s, s:s, s:i, s:{}}",
	    "name", "run", "user", "bob", "queue", "short", "nslots", 1, "opts"));
	fuzz_apply(m->next_id - 1, "start", json_pack("{s:[s]}", "hosts", "n1"));
	fuzz_apply(m->next_id, "submit", json_pack("{s:s, s:s, s:s, s:s, s:i, s:{}}",
	    "name", "arr", "user", "carol", "queue", "normal", "array", "1-10,20-30:2",
	    "nslots", 1, "opts"));
	store_commit(m->store);
}

