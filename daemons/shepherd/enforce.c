/*
 * enforce.c - the shepherd's enforcement of a job's limits (see enforce.h).
 * The watcher thread only reads /proc and the cgroup and sends signals; it
 * writes nothing the main thread reads before enforce_stop() joined it.
 * The run limit counts wall-clock time from the job's release.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "enforce.h"
#include "log.h"
#include "util.h"

static const struct {
	const char *name;
	int res;
} enforce_rlims[] = {
	{ "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "nofile", RLIMIT_NOFILE },
	{ "stack", RLIMIT_STACK }, { "as", RLIMIT_AS },
	{ "rss", RLIMIT_RSS },	/* -M without enforcement (jobreq.c), as LSF */
	{ "nproc", RLIMIT_NPROC },	/* bsub -p / -T only (jobrlim.c) */
};

void
enforce_setup(struct enforce *l, const struct jobspec *js, const char *key)
{
	char err[512];

	memset(l, 0, sizeof(*l));
	l->js = js;
	if (js->mem_limit <= 0)
		return;
	if (js->mem_watch)
		log_info("job %lld[%lld]: memory limit %lld KB by watching RSS "
		    "(PUMICE_MEMLIMIT_CGROUP=N)", js->id, js->idx, js->mem_limit);
	else if (cgroup_create(&l->cg, js->exec_host ? js->exec_host : "local", key,
	    (uint64_t)js->mem_limit, err, sizeof(err)) == 0)
		log_info("job %lld[%lld]: memory limit %lld KB through cgroup v%d %s",
		    js->id, js->idx, js->mem_limit, l->cg.version, l->cg.path);
	else
		log_info("job %lld[%lld]: memory limit %lld KB by watching RSS (%s)",
		    js->id, js->idx, js->mem_limit, err);
}

void
enforce_attach(struct enforce *l, pid_t pid)
{
	l->pgid = pid;
	if (l->cg.path != NULL && cgroup_attach(&l->cg, pid) < 0) {
		log_warn("job %lld[%lld]: %s", l->js->id, l->js->idx, l->cg.path);
		cgroup_remove(&l->cg);	/* RSS watching instead */
	}
}

static void
enforce_child_rlimits(const json_t *rl)
{
	struct rlimit r;
	json_int_t v;
	size_t i;

	for (i = 0; rl != NULL && i < nitems(enforce_rlims); i++) {
		const json_t *o = json_object_get(rl, enforce_rlims[i].name);

		if (!json_is_integer(o) || getrlimit(enforce_rlims[i].res, &r) < 0)
			continue;
		v = json_integer_value(o);
		r.rlim_cur = v < 0 ? RLIM_INFINITY : (rlim_t)v;
		if (r.rlim_max != RLIM_INFINITY && (r.rlim_cur == RLIM_INFINITY ||
		    r.rlim_cur > r.rlim_max))
			r.rlim_cur = r.rlim_max;	/* never above the hard limit */
		setrlimit(enforce_rlims[i].res, &r);
	}
}

/* The job's cpus (the agent picked them); an error is no reason to fail. */
static void
enforce_child_cpus(const json_t *cpus)
{
	cpu_set_t set;
	size_t i;
	json_int_t c;

	if (cpus == NULL || json_array_size(cpus) == 0)
		return;
	CPU_ZERO(&set);
	for (i = 0; i < json_array_size(cpus); i++) {
		c = json_integer_value(json_array_get(cpus, i));
		if (c >= 0 && c < CPU_SETSIZE)
			CPU_SET((int)c, &set);
	}
	sched_setaffinity(0, sizeof(set), &set);
}

void
enforce_child(const struct jobspec *js)
{
	/* not the daemons' 077: a job of an older bsub gets the usual 022 */
	umask(js->umask >= 0 ? (mode_t)js->umask : 022);
	enforce_child_rlimits(js->rlimits);
	enforce_child_cpus(js->cpus);
}

static void
enforce_kill(struct enforce *l, const char *reason, const char *why)
{
	if (l->killed)
		return;
	l->killed = 1;
	l->reason = reason;
	log_info("job %lld[%lld]: %s; killing it", l->js->id, l->js->idx, why);
	if (kill(-l->pgid, SIGKILL) < 0 && errno != ESRCH)
		log_warn("job %lld[%lld]: kill group %d", l->js->id, l->js->idx, (int)l->pgid);
	cgroup_signal(&l->cg, SIGKILL);
}

static void
enforce_check_mem(struct enforce *l)
{
	uint64_t rss;
	char why[128];

	if (l->js->mem_limit <= 0)
		return;
	if (l->cg.path != NULL) {
		if (cgroup_oom_kills(&l->cg) > 0)
			enforce_kill(l, ENFORCE_MEM_REASON, "the kernel hit its memory limit");
		return;
	}
	usage_sample(l->pgid, &l->use);
	rss = l->use.mem_kb;
	if (rss > (uint64_t)l->js->mem_limit) {
		snprintf(why, sizeof(why), "RSS %llu KB over its limit of %lld KB",
		    (unsigned long long)rss, l->js->mem_limit);
		enforce_kill(l, ENFORCE_MEM_REASON, why);
	}
}

static void
enforce_check_run(struct enforce *l)
{
	uint64_t ran = now_mono_ms() - l->start_ms, lim = (uint64_t)l->js->run_limit * 1000;
	uint64_t grace = (uint64_t)(l->js->runlimit_grace > 0 ? l->js->runlimit_grace :
	    JOBSPEC_GRACE_DEFAULT) * 1000;

	if (l->js->run_limit <= 0 || ran < lim)
		return;
	if (!l->warned) {
		l->warned = 1;
		l->reason = ENFORCE_RUN_REASON;
		log_info("job %lld[%lld]: run limit of %lld s reached; SIGUSR2, killed in %llu s",
		    l->js->id, l->js->idx, l->js->run_limit, (unsigned long long)grace / 1000);
		kill(-l->pgid, SIGUSR2);
	} else if (ran >= lim + grace)
		enforce_kill(l, ENFORCE_RUN_REASON, "run limit grace period over");
}

void
enforce_tick(struct enforce *l)
{
	if (l->pgid <= 0 || l->killed)
		return;
	enforce_check_mem(l);
	if (!l->killed)
		enforce_check_run(l);
}

/* A usage sample for bjobs: one second in, then every USAGE_INTERVAL_S. */
static void
enforce_usage(struct enforce *l, unsigned *ticks)
{
	if (*ticks != 1 && *ticks % USAGE_INTERVAL_S != 0)
		return;
	usage_sample(l->pgid, &l->use);
	if (l->jobdir != NULL && l->use.nproc > 0 && usage_write(l->jobdir, &l->use) < 0)
		log_warn("job %lld[%lld]: usage.json", l->js->id, l->js->idx);
}

/*
 * Waits up to ms on the stop condition: returns 1 once enforce_stop() asked
 * the watcher to end, at once and not at the end of a tick (a job's end
 * waited out up to 100 ms here).
 */
static int
enforce_nap(struct enforce *l, long ms)
{
	struct timespec until;
	int stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&l->mu);
	while (!l->stop && pthread_cond_timedwait(&l->cv, &l->mu, &until) != ETIMEDOUT)
		;
	stop = l->stop;
	pthread_mutex_unlock(&l->mu);
	return stop;
}

/*
 * Every second a full check; every 100 ms the cheap one of a cgroup's OOM
 * count, so that the rest of a job whose process the kernel killed at the
 * limit goes quickly too.
 */
static void *
enforce_thread(void *arg)
{
	struct enforce *l = arg;
	unsigned ticks = l->first_tick;
	int i;

	for (;;) {
		enforce_tick(l);
		if (ticks > 0 && l->pgid > 0)
			enforce_usage(l, &ticks);
		ticks++;
		for (i = 0; i < 10; i++) {
			if (enforce_nap(l, 100))
				return NULL;
			if (!l->killed && l->cg.path != NULL && cgroup_oom_kills(&l->cg) > 0)
				break;
		}
	}
}

static void
enforce_thread_start(struct enforce *l)
{
	int r;

	l->deferred = 0;
	if ((r = pthread_create(&l->thread, NULL, enforce_thread, l)) != 0)
		log_warnx("job %lld[%lld]: no limit watcher: %s", l->js->id, l->js->idx,
		    strerror(r));
	else
		l->running = 1;
}

void
enforce_start(struct enforce *l, bool defer)
{
	pthread_condattr_t ca;

	l->start_ms = now_mono_ms();
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	l->sync = 1;
	/* a limit is checked from the start; usage only from one second in */
	if (defer && l->js->mem_limit <= 0 && l->js->run_limit <= 0 && l->cg.path == NULL)
		l->deferred = 1;
	else
		enforce_thread_start(l);
}

void
enforce_first_second(struct enforce *l)
{
	struct pollfd p;
	uint64_t ran;
	int fd, r;

	if (!l->deferred)
		return;
	/* a pidfd reads ready once the job exited (not reaped: wait4 after) */
	if ((fd = (int)syscall(SYS_pidfd_open, l->pgid, 0)) >= 0) {
		do {
			ran = now_mono_ms() - l->start_ms;
			p = (struct pollfd){ .fd = fd, .events = POLLIN };
			r = ran >= 1000 ? 0 : poll(&p, 1, (int)(1000 - ran));
		} while (r < 0 && errno == EINTR);
		close(fd);
		if (r > 0)
			return;	/* ended within its first second: no watcher */
	}
	l->first_tick = 1;
	enforce_thread_start(l);
}

uint64_t
enforce_max_mem(const struct enforce *l)
{
	return l->use.max_mem_kb;
}

void
enforce_stop(struct enforce *l, char *reason, size_t reasonlen)
{
	if (l->running) {
		pthread_mutex_lock(&l->mu);
		l->stop = 1;
		pthread_cond_signal(&l->cv);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
		l->running = 0;
	}
	if (l->sync) {
		pthread_cond_destroy(&l->cv);
		pthread_mutex_destroy(&l->mu);
		l->sync = 0;
	}
	if (l->js != NULL && l->js->mem_limit > 0 && cgroup_oom_kills(&l->cg) > 0)
		l->reason = ENFORCE_MEM_REASON;	/* killed before the watcher looked */
	cgroup_remove(&l->cg);
	if (l->reason != NULL && reason[0] == '\0')
		snprintf(reason, reasonlen, "%s", l->reason);
}
