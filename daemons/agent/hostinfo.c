/*
 * hostinfo.c - node facts from /proc and uname (see hostinfo.h). Every
 * reader tolerates a missing file (containers, odd kernels): the field
 * stays zero or empty rather than failing the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hostinfo.h"
#include "util.h"

static void
hostinfo_meminfo(struct hostinfo *hi)
{
	FILE *fp = fopen("/proc/meminfo", "r");
	char name[64];
	unsigned long long v;
	uint64_t avail = 0, freekb = 0;
	int have_avail = 0;

	if (fp == NULL)
		return;
	while (fscanf(fp, "%63s %llu%*[^\n]", name, &v) == 2) {
		if (strcmp(name, "MemTotal:") == 0)
			hi->mem_total = v;
		else if (strcmp(name, "MemFree:") == 0)
			freekb = v;
		else if (strcmp(name, "MemAvailable:") == 0) {
			avail = v;
			have_avail = 1;
		} else if (strcmp(name, "SwapTotal:") == 0)
			hi->swap_total = v;
		else if (strcmp(name, "SwapFree:") == 0)
			hi->swap_free = v;
	}
	fclose(fp);
	/* MemAvailable counts reclaimable cache, which is what jobs can get. */
	hi->mem_free = have_avail ? avail : freekb;
}

static void
hostinfo_loadavg(struct hostinfo *hi)
{
	FILE *fp = fopen("/proc/loadavg", "r");
	double l1, l5, l15;

	if (fp == NULL)
		return;
	if (fscanf(fp, "%lf %lf %lf", &l1, &l5, &l15) == 3) {
		hi->load[1] = l1;
		hi->load[2] = l15;
	}
	fclose(fp);
}

/* Where a board names itself ("Raspberry Pi 4 Model B Rev 1.4"): the
 * device tree's own path first, then its /proc link (absent in chroots). */
static const char *const hostinfo_model_files[] = {
	"/sys/firmware/devicetree/base/model",
	"/proc/device-tree/model",
};

static void
hostinfo_model(struct hostinfo *hi)
{
	char *s, *p, *nl;
	size_t len, i;

	for (i = 0; i < sizeof(hostinfo_model_files) / sizeof(hostinfo_model_files[0]); i++) {
		if ((s = file_read_all(hostinfo_model_files[i], &len)) == NULL)
			continue;
		snprintf(hi->model, sizeof(hi->model), "%s", s);
		free(s);
		if (hi->model[0] != '\0')
			return;
	}
	if ((s = file_read_all("/proc/cpuinfo", &len)) == NULL)
		return;
	if ((p = strstr(s, "model name")) != NULL && (p = strchr(p, ':')) != NULL) {
		p += strspn(p + 1, " \t") + 1;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		snprintf(hi->model, sizeof(hi->model), "%s", p);
	}
	free(s);
}

/* Sums the first cpu line of /proc/stat into busy and total jiffies. */
static int
hostinfo_cpustat(uint64_t *busy, uint64_t *total)
{
	FILE *fp = fopen("/proc/stat", "r");
	unsigned long long v[8] = { 0 };
	int n, i;

	if (fp == NULL)
		return -1;
	n = fscanf(fp, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
	    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(fp);
	if (n < 4)
		return -1;
	*total = 0;
	for (i = 0; i < 8; i++)
		*total += v[i];
	*busy = *total - v[3] - v[4];	/* minus idle and iowait */
	return 0;
}

/* Runnable tasks now, from the 4th field of /proc/loadavg ("2/345"). */
static int
hostinfo_runnable(void)
{
	FILE *fp = fopen("/proc/loadavg", "r");
	int run = 0;

	if (fp == NULL)
		return 0;
	if (fscanf(fp, "%*f %*f %*f %d/", &run) != 1)
		run = 0;
	fclose(fp);
	return run > 0 ? run - 1 : 0;	/* not counting ourselves */
}

void
hostinfo_sample(struct hostinfo_sampler *s)
{
	uint64_t busy, total;
	/* exp(-1/15): 1 s samples, a 15 s time constant (no libm needed) */
	const double decay = 0.9355069850316178;

	int run = hostinfo_runnable();

	load_sample(&s->load);

	/* start from the current value, not from an idle zero */
	s->r15s = s->primed ? s->r15s * decay + run * (1.0 - decay) : run;
	if (hostinfo_cpustat(&busy, &total) < 0)
		return;
	if (s->primed && total > s->total)
		s->ut = (double)(busy - s->busy) / (double)(total - s->total);
	s->busy = busy;
	s->total = total;
	s->primed = 1;
}

void
hostinfo_read(struct hostinfo *hi, const struct hostinfo_sampler *s,
    int ncpus, uint64_t mem_kb)
{
	struct utsname u;
	long n;

	memset(hi, 0, sizeof(*hi));
	n = sysconf(_SC_NPROCESSORS_ONLN);
	hi->ncpus = n > 0 ? (int)n : 1;
	hostinfo_meminfo(hi);
	hostinfo_loadavg(hi);
	hostinfo_model(hi);
	if (uname(&u) == 0)
		snprintf(hi->arch, sizeof(hi->arch), "%s", u.machine);
	if (s != NULL) {
		hi->load[0] = (double)(long)(s->r15s * 100 + 0.5) / 100;
		hi->ut = (double)(long)(s->ut * 1000 + 0.5) / 1000;
		load_read(&hi->li, &s->load);
	}
	if (ncpus > 0)
		hi->ncpus = ncpus;
	if (mem_kb > 0) {
		hi->mem_total = mem_kb;
		if (hi->mem_free > mem_kb)
			hi->mem_free = mem_kb;
	}
}
