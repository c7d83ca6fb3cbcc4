/*
 * main.c - pumice-master: options, configuration, state replay, the loop,
 * and after badmin mbdrestart the re-execution of the same command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confcheck.h"
#include "flow.h"
#include "log.h"
#include "master.h"
#include "sched.h"
#include "util.h"

static void
usage(void)
{
	fprintf(stderr, "usage: pumice-master [-dn] [-e envdir] [-l logfile] [-p pidfile]\n");
	exit(2);
}

static char *
master_hostname(void)
{
	char buf[256];

	if (gethostname(buf, sizeof(buf)) < 0)
		return xstrdup("localhost");
	buf[sizeof(buf) - 1] = '\0';
	if (strchr(buf, '.') != NULL)
		*strchr(buf, '.') = '\0';
	return xstrdup(buf);
}

static void
master_write_pid(const char *path)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (file_write_atomic(path, buf, (size_t)n, 0600) < 0)
		fatal("%s", path);
}

/* -n: what badmin ckconfig would warn about (unknown keys and hosts). */
static void
master_check_warnings(const char *envdir)
{
	json_t *errors = json_array(), *warnings = json_array(), *w;
	size_t i;

	confcheck(envdir, errors, warnings);
	json_array_foreach(warnings, i, w)
		fprintf(stderr, "pumice-master: warning: %s\n", json_string_value(w));
	json_decref(errors);
	json_decref(warnings);
}

/*
 * badmin mbdrestart: everything is closed (store, sockets, log), so the
 * new image starts as a master started by hand would, in this process
 * (the pid file and a service manager's idea of the pid stay right).
 * /proc/self/exe is the binary that runs, even when argv[0] is relative.
 */
static void
master_reexec(char **argv)
{
	execv("/proc/self/exe", argv);
	execvp(argv[0], argv);
	log_warn("mbdrestart: cannot re-execute %s", argv[0]);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct master m;
	const char *envdir = NULL, *logfile = NULL, *pidfile = NULL;
	bool debug = false, check = false;
	char err[1024];
	int ch;

	while ((ch = getopt(argc, argv, "de:l:np:")) != -1) {
		switch (ch) {
		case 'd': debug = true; break;
		case 'e': envdir = optarg; break;
		case 'l': logfile = optarg; break;
		case 'n': check = true; break;
		case 'p': pidfile = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	umask(DAEMON_UMASK);
	memset(&m, 0, sizeof(m));
	if ((m.conf = conf_load(envdir, 1, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pumice-master: %s\n", err);
		return 1;
	}
	if (check) {
		master_check_warnings(m.conf->envdir);
		printf("configuration OK: cluster %s, %zu queues\n", m.conf->cluster,
		    m.conf->nqueues);
		conf_free(m.conf);
		return 0;
	}
	log_init("pumice-master", logfile, debug);
	if (auth_key_load(m.conf->key_file, &m.key, err, sizeof(err)) < 0)
		fatalx("%s", err);
	m.hostname = master_hostname();
	master_init(&m);
	dep_set_allocator(jobslab_alloc, jobslab_free);	/* a job's dep nodes */
	if ((m.store = store_open(m.conf->statedir, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (job_replay(&m, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (fairshare_restore(&m) < 0)
		log_warnx("fairshare usage not restored: everyone starts even");
	if (loop_init(&m, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (pidfile != NULL)
		master_write_pid(pidfile);
	log_info("cluster %s: master %s listening on port %d and %s", m.conf->cluster,
	    m.hostname, m.conf->mbd_port, m.conf->master_socket);
	loop_want_sched(&m);
	loop_run(&m);
	conn_free_all(&m);
	store_commit(m.store);
	loop_drain(&m);
	acct_close(&m);
	store_close(m.store);
	job_free_all(&m);
	flow_free_all(&m);
	sched_free(&m);
	host_free_all(&m);
	admin_free(&m);
	loop_free(&m);
	if (pidfile != NULL)
		unlink(pidfile);
	free(m.hostname);
	conf_free(m.conf);
	log_info(m.restart ? "stopped: restarting" : "stopped");
	if (m.restart)
		master_reexec(argv);
	return 0;
}
