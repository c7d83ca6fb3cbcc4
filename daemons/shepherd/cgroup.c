/*
 * cgroup.c - per-job memory cgroups (see cgroup.h). v2 is preferred when
 * its memory controller is enabled at the mount's root; the Pumice subtree
 * <mount>/pumice/<host> holds no processes, so enabling +memory in its
 * subtree_control is allowed. In a container whose cgroup root holds
 * processes that fails, and so does cgroup_create: the shepherd then
 * watches RSS instead. v1 nests under the shepherd's own memory cgroup,
 * which works inside containers that mount the v1 hierarchy.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

long
cgroup_parse_field(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

/* Does the comma list have word? */
static int
cgroup_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ',' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\n'))
			return 1;
		p += n;
	}
	return 0;
}

char *
cgroup_parse_mount(const char *mountinfo, const char *fstype, const char *opt)
{
	char mnt[1024], type[64], opts[1024];
	const char *p = mountinfo, *dash;

	/* id parent maj:min root mountpoint opts [tags] - type source superopts */
	for (; p != NULL && *p != '\0'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (sscanf(p, "%*s %*s %*s %*s %1023s", mnt) != 1)
			continue;
		if ((dash = strstr(p, " - ")) == NULL ||
		    sscanf(dash + 3, "%63s %*s %1023s", type, opts) != 2)
			continue;
		if (strcmp(type, fstype) != 0)
			continue;
		if (opt == NULL || cgroup_has_word(opts, opt))
			return xstrdup(mnt);
	}
	return NULL;
}

char *
cgroup_parse_self(const char *text, const char *controller)
{
	const char *p = text, *c, *path, *nl;
	char list[256];
	size_t n;

	/* hierarchy-id:controller-list:path */
	for (; p != NULL && *p != '\0'; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if ((c = strchr(p, ':')) == NULL || (nl && c > nl))
			continue;
		c++;
		if ((path = strchr(c, ':')) == NULL || (nl && path > nl))
			continue;
		n = (size_t)(path - c) < sizeof(list) ? (size_t)(path - c) : sizeof(list) - 1;
		memcpy(list, c, n);
		list[n] = '\0';
		if (controller[0] == '\0' ? strncmp(p, "0::", 3) != 0 :
		    !cgroup_has_word(list, controller))
			continue;
		return nl ? xstrndup(path + 1, (size_t)(nl - path - 1)) : xstrdup(path + 1);
	}
	return NULL;
}

static int
cgroup_write(const char *dir, const char *file, const char *val)
{
	char *p = xasprintf("%s/%s", dir, file);
	FILE *fp = fopen(p, "w");
	int r = -1;

	free(p);
	if (fp == NULL)
		return -1;
	if (fputs(val, fp) >= 0)
		r = 0;
	if (fclose(fp) != 0)
		r = -1;
	return r;
}

static char *
cgroup_read(const char *dir, const char *file)
{
	char *p = xasprintf("%s/%s", dir, file), *t;
	size_t len;

	t = file_read_all(p, &len);
	free(p);
	return t;
}

static char *
cgroup_proc_text(const char *path)
{
	size_t len;

	return file_read_all(path, &len);
}

/* The v2 base <mount>/pumice/<host> with +memory enabled down to it. */
static char *
cgroup_base_v2(const char *mountinfo, const char *host)
{
	char *mnt = cgroup_parse_mount(mountinfo, "cgroup2", NULL), *ctl, *top, *base;

	if (mnt == NULL)
		return NULL;
	ctl = cgroup_read(mnt, "cgroup.controllers");
	if (ctl == NULL || !cgroup_has_word(ctl, "memory")) {
		free(ctl);
		free(mnt);
		return NULL;
	}
	free(ctl);
	top = xasprintf("%s/pumice", mnt);
	base = xasprintf("%s/%s", top, host);
	if (cgroup_write(mnt, "cgroup.subtree_control", "+memory") < 0 ||
	    (mkdir(top, 0755) < 0 && errno != EEXIST) ||
	    cgroup_write(top, "cgroup.subtree_control", "+memory") < 0 ||
	    (mkdir(base, 0755) < 0 && errno != EEXIST) ||
	    cgroup_write(base, "cgroup.subtree_control", "+memory") < 0) {
		free(base);
		base = NULL;
	}
	free(top);
	free(mnt);
	return base;
}

/* The v1 base <memory mount><own cgroup>/pumice/<host>. */
static char *
cgroup_base_v1(const char *mountinfo, const char *self, const char *host)
{
	char *mnt = cgroup_parse_mount(mountinfo, "cgroup", "memory");
	char *own = cgroup_parse_self(self, "memory"), *base = NULL, *top;

	if (mnt != NULL && own != NULL) {
		top = xasprintf("%s%s/pumice", mnt, strcmp(own, "/") == 0 ? "" : own);
		base = xasprintf("%s/%s", top, host);
		if ((mkdir(top, 0755) < 0 && errno != EEXIST) ||
		    (mkdir(base, 0755) < 0 && errno != EEXIST)) {
			free(base);
			base = NULL;
		}
		free(top);
	}
	free(mnt);
	free(own);
	return base;
}

static int
cgroup_limit(struct cgroup *cg, uint64_t kb)
{
	char v[32];

	snprintf(v, sizeof(v), "%llu", (unsigned long long)kb * 1024);
	/*
	 * The whole job ends at its limit, not just its largest process: v2
	 * has the OOM killer take the whole group; with v1 the shepherd's
	 * watcher kills the rest once it sees the OOM kill (its v1
	 * oom_kill_disable would pause the job, but kernels do not say
	 * reliably in under_oom that it is paused).
	 */
	if (cg->version == 2) {
		cgroup_write(cg->path, "memory.swap.max", "0");	/* no swap: none to fill */
		cgroup_write(cg->path, "memory.oom.group", "1");
		return cgroup_write(cg->path, "memory.max", v);
	}
	if (cgroup_write(cg->path, "memory.limit_in_bytes", v) < 0)
		return -1;
	cgroup_write(cg->path, "memory.memsw.limit_in_bytes", v);	/* if swap accounting */
	return 0;
}

int
cgroup_create(struct cgroup *cg, const char *host, const char *key, uint64_t kb,
    char *err, size_t errlen)
{
	char *mi = cgroup_proc_text("/proc/self/mountinfo");
	char *self = cgroup_proc_text("/proc/self/cgroup"), *base = NULL;

	memset(cg, 0, sizeof(*cg));
	if (mi != NULL && self != NULL) {
		if ((base = cgroup_base_v2(mi, host)) != NULL)
			cg->version = 2;
		else if ((base = cgroup_base_v1(mi, self, host)) != NULL)
			cg->version = 1;
	}
	free(mi);
	free(self);
	if (base == NULL)
		return errf(err, errlen, "no usable memory cgroup controller");
	cg->path = xasprintf("%s/%s", base, key);
	free(base);
	if ((mkdir(cg->path, 0755) < 0 && errno != EEXIST) || cgroup_limit(cg, kb) < 0) {
		errf(err, errlen, "%s: %s", cg->path, strerror(errno));
		rmdir(cg->path);
		free(cg->path);
		cg->path = NULL;
		return -1;
	}
	return 0;
}

int
cgroup_attach(const struct cgroup *cg, pid_t pid)
{
	char v[32];

	if (cg->path == NULL)
		return -1;
	snprintf(v, sizeof(v), "%d", (int)pid);
	return cgroup_write(cg->path, "cgroup.procs", v);
}

long
cgroup_oom_kills(const struct cgroup *cg)
{
	char *t;
	long n;

	if (cg->path == NULL)
		return 0;
	t = cgroup_read(cg->path, cg->version == 2 ? "memory.events" : "memory.oom_control");
	n = t ? cgroup_parse_field(t, "oom_kill") : 0;
	free(t);
	return n;
}

int
cgroup_signal(const struct cgroup *cg, int sig)
{
	char *t, *p, *end;
	long pid;
	int n = 0;

	if (cg->path == NULL || (t = cgroup_read(cg->path, "cgroup.procs")) == NULL)
		return 0;
	for (p = t; *p != '\0'; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0 && kill((pid_t)pid, sig) == 0)
			n++;
	}
	free(t);
	return n;
}

void
cgroup_remove(struct cgroup *cg)
{
	int i;

	if (cg->path == NULL)
		return;
	/* a process that left the job's group stays in its cgroup: end it */
	for (i = 0; i < 50 && rmdir(cg->path) < 0 && errno == EBUSY; i++) {
		cgroup_signal(cg, SIGKILL);
		usleep(20000);
	}
	free(cg->path);
	cg->path = NULL;
}
