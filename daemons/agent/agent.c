/*
 * agent.c - the agent's loop module: turns options and lsf.conf into a
 * struct agent, sets up the loop, the 1 s tick and the signals, and tears
 * everything down again. SIGTERM/SIGINT stop the agent but never its jobs:
 * shepherds (and the long-lived one that forks them) run in their own
 * sessions and report through the spool. The master's "restart" order
 * (badmin hrestart, lsadmin limrestart) stops the same way (and so does
 * "shutdown", badmin hshutdown, without coming back) and then
 * re-executes the agent's command line in the same process; the new image
 * adopts the running jobs from the spool as after any restart.
 */
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "conf.h"
#include "jobspec.h"
#include "log.h"
#include "spool.h"
#include "units.h"
#include "util.h"

#define AGENT_KILL_INTERVAL 2	/* s; see jobs_kill() */
#define AGENT_PREEXEC_RETRY 5	/* s; see shep_pre() */

/* Replaces every %h in tmpl by host. */
static char *
agent_subst_host(const char *tmpl, const char *host)
{
	const char *p = strstr(tmpl, "%h");
	char *head, *rest, *s;

	if (p == NULL)
		return xstrdup(tmpl);
	head = xstrndup(tmpl, (size_t)(p - tmpl));
	rest = agent_subst_host(p + 2, host);
	s = xasprintf("%s%s%s", head, host, rest);
	free(head);
	free(rest);
	return s;
}

static const char *
agent_lsfconf(const struct agent *a, const char *key, const char *def)
{
	const char *v = cfg_get(&a->conf->lsfconf, key);

	return v != NULL && v[0] != '\0' ? v : def;
}

/* "host:port", "[v6]:port"; no port takes LSB_MBD_PORT. */
static int
agent_master(struct agent *a, const char *spec, char *err, size_t errlen)
{
	const char *colon;

	if (spec == NULL) {
		if (a->conf->master_addr == NULL)
			return errf(err, errlen, "no master address: set LSF_MASTER_LIST "
			    "or PUMICE_MASTER_ADDR in lsf.conf, or use --master");
		a->master_host = xstrdup(a->conf->master_addr);
		a->master_port = xasprintf("%d", a->conf->mbd_port);
		return 0;
	}
	if (spec[0] == '[' && (colon = strstr(spec, "]:")) != NULL) {
		a->master_host = xstrndup(spec + 1, (size_t)(colon - spec - 1));
		a->master_port = xstrdup(colon + 2);
	} else if ((colon = strrchr(spec, ':')) != NULL && strchr(spec, ':') == colon) {
		a->master_host = xstrndup(spec, (size_t)(colon - spec));
		a->master_port = xstrdup(colon + 1);
	} else {
		a->master_host = xstrdup(spec);
		a->master_port = xasprintf("%d", a->conf->mbd_port);
	}
	if (a->master_host[0] == '\0' || a->master_port[0] == '\0')
		return errf(err, errlen, "--master %s: expected ADDR:PORT", spec);
	return 0;
}

/* pumice-shepherd: $PUMICE_SHEPHERD, else next to our own binary. */
static char *
agent_shepherd_path(void)
{
	char self[PATH_MAX];
	const char *env = getenv("PUMICE_SHEPHERD");
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return xstrdup("pumice-shepherd");
	self[n] = '\0';
	return xasprintf("%s/pumice-shepherd", dirname(self));
}

/* Shepherds chdir; the spool path they get must not be relative. */
static int
agent_abspath(char **path, char *err, size_t errlen)
{
	char *abs = realpath(*path, NULL);

	if (abs == NULL)
		return errf(err, errlen, "%s: %s", *path, strerror(errno));
	free(*path);
	*path = abs;
	return 0;
}

static int
agent_sizes(struct agent *a, const struct agent_opts *o, char *err, size_t errlen)
{
	char e[256];

	a->ncpus = o->ncpus;
	if (o->mem != NULL && units_parse_size(o->mem, "MB", &a->mem_kb, e, sizeof(e)) < 0)
		return errf(err, errlen, "--mem %s: %s", o->mem, e);
	return 0;
}

static int
agent_setup(struct agent *a, const struct agent_opts *o, char *err, size_t errlen)
{
	char host[256], e[512];
	const char *v;

	if ((a->conf = conf_load(o->envdir, 0, e, sizeof(e))) == NULL)
		return errf(err, errlen, "%s", e);
	if (o->host == NULL && gethostname(host, sizeof(host)) < 0)
		return errf(err, errlen, "gethostname: %s", strerror(errno));
	host[sizeof(host) - 1] = '\0';
	a->host = xstrdup(o->host ? o->host : host);
	if (agent_sizes(a, o, err, errlen) < 0 || agent_master(a, o->master, err, errlen) < 0)
		return -1;
	a->spool = o->spool ? xstrdup(o->spool) : xasprintf("%s/%s",
	    agent_lsfconf(a, "PUMICE_SPOOLDIR", "/var/spool/pumice"), a->host);
	a->sockpath = agent_subst_host(o->socket ? o->socket :
	    agent_lsfconf(a, "PUMICE_AGENT_SOCKET", "/run/pumice/agent.sock"), a->host);
	a->key_file = xstrdup(a->conf->key_file);
	if (auth_key_load(a->key_file, &a->key, e, sizeof(e)) < 0)
		return errf(err, errlen, "cluster key: %s", e);
	a->kill_interval = atoi(agent_lsfconf(a, "PUMICE_KILL_INTERVAL", "0"));
	if (a->kill_interval <= 0)
		a->kill_interval = AGENT_KILL_INTERVAL;
	/* LSF's 10 min grace suits no small cluster; lsf.conf sets it */
	a->runlimit_grace = atoi(agent_lsfconf(a, "PUMICE_RUNLIMIT_GRACE", "0"));
	if (a->runlimit_grace <= 0)
		a->runlimit_grace = JOBSPEC_GRACE_DEFAULT;
	a->preexec_retry = atoi(agent_lsfconf(a, "PUMICE_PREEXEC_RETRY", "-1"));
	if (a->preexec_retry < 0)
		a->preexec_retry = AGENT_PREEXEC_RETRY;
	a->mem_watch = strchr("nN0", agent_lsfconf(a, "PUMICE_MEMLIMIT_CGROUP", "Y")[0]) != NULL;
	a->shepherd = agent_shepherd_path();
	if (access(a->shepherd, X_OK) < 0)
		log_warn("%s (jobs will be refused until it exists)", a->shepherd);
	a->logfile = o->logfile ? xstrdup(o->logfile) : NULL;
	if ((v = o->pidfile) != NULL)
		a->pidfile = xstrdup(v);
	if (spool_init(a->spool, err, errlen) < 0)
		return -1;
	return agent_abspath(&a->spool, err, errlen);
}

static void
agent_tick_cb(uv_timer_t *t)
{
	struct agent *a = t->data;

	hostinfo_sample(&a->sampler);
	jobs_scan(a->jobs);
}

static void
agent_stop(struct agent *a)
{
	if (a->stopping++)
		return;
	link_close(a->link);
	if (a->relay != NULL)
		relay_close(a->relay);
	jobs_close(a->jobs);
	jobtty_close(a->ttys);
	uv_close((uv_handle_t *)&a->tick, NULL);
	uv_close((uv_handle_t *)&a->sigterm, NULL);
	uv_close((uv_handle_t *)&a->sigint, NULL);
}

static void
agent_signal_cb(uv_signal_t *s, int signum)
{
	struct agent *a = s->data;

	log_info("%s: shutting down; running jobs keep running",
	    signum == SIGTERM ? "SIGTERM" : "SIGINT");
	agent_stop(a);
}

void
agent_restart(struct agent *a)
{
	log_info("restart ordered by the master; running jobs keep running");
	a->restart = 1;
	agent_stop(a);
}

void
agent_shutdown(struct agent *a)
{
	log_info("shutdown ordered by the master; running jobs keep running");
	agent_stop(a);
}

/* Everything is closed by now; /proc/self/exe is the binary that runs. */
static void
agent_reexec(char **argv)
{
	execv("/proc/self/exe", argv);
	execvp(argv[0], argv);
	log_warn("restart: cannot re-execute %s", argv[0]);
}

static int
agent_pidfile(struct agent *a, char *err, size_t errlen)
{
	char buf[32];
	int n;

	if (a->pidfile == NULL)
		return 0;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (file_write_atomic(a->pidfile, buf, (size_t)n, 0600) < 0)
		return errf(err, errlen, "%s: %s", a->pidfile, strerror(errno));
	a->pid_written = 1;
	return 0;
}

/* Starts the modules; on failure they are already closing. */
static int
agent_start(struct agent *a, char *err, size_t errlen)
{
	uv_timer_init(a->loop, &a->tick);
	uv_signal_init(a->loop, &a->sigterm);
	uv_signal_init(a->loop, &a->sigint);
	a->tick.data = a->sigterm.data = a->sigint.data = a;
	a->link = link_new(a);
	a->jobs = jobs_new(a);
	a->ttys = jobtty_new(a);
	if (jobs_load(a->jobs, err, errlen) < 0 ||
	    (a->relay = relay_new(a, a->sockpath, err, errlen)) == NULL ||
	    agent_pidfile(a, err, errlen) < 0) {
		agent_stop(a);
		return -1;
	}
	uv_signal_start(&a->sigterm, agent_signal_cb, SIGTERM);
	uv_signal_start(&a->sigint, agent_signal_cb, SIGINT);
	hostinfo_sample(&a->sampler);
	uv_timer_start(&a->tick, agent_tick_cb, 1000, 1000);
	link_start(a->link);
	log_info("agent %s: spool %s, socket %s, master %s:%s", a->host, a->spool,
	    a->sockpath, a->master_host, a->master_port);
	return 0;
}

static void
agent_free(struct agent *a)
{
	if (a->link != NULL)
		link_free(a->link);
	if (a->relay != NULL)
		relay_free(a->relay);
	if (a->jobs != NULL)
		jobs_free(a->jobs);
	if (a->ttys != NULL)
		jobtty_free(a->ttys);
	if (a->pid_written)
		unlink(a->pidfile);
	if (a->conf != NULL)
		conf_free(a->conf);
	free(a->pidfile);
	free(a->host);
	free(a->spool);
	free(a->sockpath);
	free(a->master_host);
	free(a->master_port);
	free(a->shepherd);
	free(a->logfile);
	free(a->key_file);
	memset(&a->key, 0, sizeof(a->key));
}

int
agent_main(const struct agent_opts *o)
{
	struct agent a;
	char err[1024];
	int rc = 0;

	umask(DAEMON_UMASK);
	memset(&a, 0, sizeof(a));
	log_init("pumice-agent", o->logfile, o->debug);
	signal(SIGPIPE, SIG_IGN);
	if (agent_setup(&a, o, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		agent_free(&a);
		return 1;
	}
	a.loop = &a.loop_storage;
	uv_loop_init(a.loop);
	if (agent_start(&a, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		rc = 1;
	}
	uv_run(a.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(a.loop) != 0)
		log_warnx("handles left open at exit");
	agent_free(&a);
	if (a.restart && rc == 0 && o->argv != NULL) {
		agent_reexec(o->argv);
		rc = 1;
	}
	return rc;
}
