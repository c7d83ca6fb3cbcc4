/*
 * load.c - load indices from counters and node state (see load.h). Like
 * hostinfo.c, every reader tolerates a missing file: the index stays 0.
 * Disk counters come from whole disks only (names under /sys/block that
 * are not loop, ram or zram devices), so partitions are not counted twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <utmpx.h>

#include "load.h"
#include "util.h"

/* The value after "name " on a line of its own in key-value text. */
static int
load_field(const char *text, const char *name, uint64_t *v)
{
	size_t n = strlen(name);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && p[n] == ' ') {
			*v = strtoull(p + n + 1, NULL, 10);
			return 0;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

uint64_t
load_parse_vmstat(const char *text)
{
	uint64_t in = 0, out = 0;

	load_field(text, "pswpin", &in);
	load_field(text, "pswpout", &out);
	return in + out;
}

uint64_t
load_parse_diskstats(const char *text, int (*is_disk)(const char *name))
{
	unsigned long long rd, wr;
	char name[64];
	const char *p = text;
	uint64_t sum = 0;

	/* major minor name reads merged sectors ms writes merged sectors ... */
	while (p != NULL && *p != '\0') {
		if (sscanf(p, "%*u %*u %63s %*u %*u %llu %*u %*u %*u %llu", name, &rd,
		    &wr) == 3 && (is_disk == NULL || is_disk(name)))
			sum += rd + wr;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return sum;
}

int
load_parse_cpustat(const char *text, uint64_t *busy, uint64_t *total)
{
	unsigned long long v[8] = { 0 };
	int n, i;

	n = sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
	    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	if (n < 4)
		return -1;
	*total = 0;
	for (i = 0; i < 8; i++)
		*total += v[i];
	*busy = *total - v[3] - v[4];	/* minus idle and iowait */
	return 0;
}

double
load_rate(uint64_t before, uint64_t after, uint64_t ms)
{
	if (ms == 0 || after < before)
		return 0;
	return (double)(after - before) * 1000.0 / (double)ms;
}

static int
load_is_disk(const char *name)
{
	char path[128];

	if (strncmp(name, "loop", 4) == 0 || strncmp(name, "ram", 3) == 0 ||
	    strncmp(name, "zram", 4) == 0)
		return 0;
	snprintf(path, sizeof(path), "/sys/block/%s", name);
	return access(path, F_OK) == 0;
}

static uint64_t
load_read_counter(const char *path, int vm)
{
	size_t len;
	char *t = file_read_all(path, &len);
	uint64_t v;

	if (t == NULL)
		return 0;
	v = vm ? load_parse_vmstat(t) : load_parse_diskstats(t, load_is_disk);
	free(t);
	return v;
}

void
load_sample(struct load_sampler *s)
{
	uint64_t pages = load_read_counter("/proc/vmstat", 1);
	uint64_t sectors = load_read_counter("/proc/diskstats", 0);
	uint64_t now = now_mono_ms();

	if (s->primed) {
		s->pg = load_rate(s->pages, pages, now - s->when_ms);
		/* 512-byte sectors: two make a KB */
		s->io = load_rate(s->sectors, sectors, now - s->when_ms) / 2;
	}
	s->pages = pages;
	s->sectors = sectors;
	s->when_ms = now;
	s->primed = 1;
}

/* Login users (distinct names) and the idle minutes of the least idle tty. */
static void
load_users(struct load_idx *li)
{
	char names[64][sizeof(((struct utmpx *)0)->ut_user) + 1], path[128];
	struct utmpx *u;
	struct stat st;
	double idle, best = -1;
	int i, n = 0;

	setutxent();
	while ((u = getutxent()) != NULL) {
		if (u->ut_type != USER_PROCESS || u->ut_user[0] == '\0')
			continue;
		for (i = 0; i < n; i++)
			if (strncmp(names[i], u->ut_user, sizeof(u->ut_user)) == 0)
				break;
		if (i == n && n < (int)nitems(names))
			snprintf(names[n++], sizeof(names[0]), "%.*s",
			    (int)sizeof(u->ut_user), u->ut_user);
		snprintf(path, sizeof(path), "/dev/%.*s", (int)sizeof(u->ut_line),
		    u->ut_line);
		if (stat(path, &st) == 0) {
			idle = difftime(time(NULL), st.st_atime) / 60;
			if (best < 0 || idle < best)
				best = idle > 0 ? idle : 0;
		}
	}
	endutxent();
	li->ls = n;
	li->it = best > 0 ? best : 0;
}

void
load_read(struct load_idx *li, const struct load_sampler *s)
{
	struct statvfs vfs;

	memset(li, 0, sizeof(*li));
	li->pg = (double)(long)(s->pg * 10 + 0.5) / 10;
	li->io = (double)(long)(s->io + 0.5);
	load_users(li);
	if (statvfs("/tmp", &vfs) == 0) {
		li->tmp_free = (uint64_t)vfs.f_bavail * vfs.f_frsize / 1024;
		li->tmp_total = (uint64_t)vfs.f_blocks * vfs.f_frsize / 1024;
	}
}
