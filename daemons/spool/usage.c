/*
 * usage.c - sampling a job's process group and handing the figures from
 * the shepherd to the agent through the job's spool directory (usage.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usage.h"
#include "util.h"

int
usage_parse_stat(const char *text, long *pgrp, long *rss_pages, long *utime, long *stime)
{
	const char *p = strrchr(text, ')');
	long f[21];
	int i;
	char *end;

	/* pid (comm) state ppid pgrp ... ; comm may hold ')', so the last one */
	if (p == NULL || p[1] != ' ')
		return -1;
	p += 2;
	if (*p == '\0' || p[1] != ' ')
		return -1;
	p += 2;			/* the state letter; f[k] is field k + 4 */
	for (i = 0; i < 21; i++) {
		f[i] = strtol(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	*pgrp = f[1];
	*utime = f[10];
	*stime = f[11];
	*rss_pages = f[20];
	return 0;
}

void
usage_sample(pid_t pgid, struct usage *u)
{
	long page_kb = sysconf(_SC_PAGESIZE) / 1024, hz = sysconf(_SC_CLK_TCK);
	long pgrp, rss, ut, st;
	char path[300], buf[1024];
	struct dirent *de;
	uint64_t ticks = 0;
	DIR *d = opendir("/proc");
	FILE *fp;

	u->mem_kb = 0;
	u->nproc = 0;
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), fp) != NULL &&
		    usage_parse_stat(buf, &pgrp, &rss, &ut, &st) == 0 && pgrp == pgid) {
			u->mem_kb += rss > 0 ? (uint64_t)rss * (uint64_t)page_kb : 0;
			ticks += (uint64_t)(ut + st);
			if (u->nproc < USAGE_MAX_PIDS)
				u->pids[u->nproc] = (pid_t)atol(de->d_name);
			u->nproc++;
		}
		fclose(fp);
	}
	closedir(d);
	if (u->mem_kb > u->max_mem_kb)
		u->max_mem_kb = u->mem_kb;
	/* processes that ended take their ticks along: never go backwards */
	if (hz > 0 && (double)ticks / (double)hz > u->cpu)
		u->cpu = (double)ticks / (double)hz;
}

int
usage_write(const char *jobdir, const struct usage *u)
{
	json_t *o, *pids = json_array();
	char *path, *text;
	int i, rc;

	for (i = 0; i < u->nproc && i < USAGE_MAX_PIDS; i++)
		json_array_append_new(pids, json_integer(u->pids[i]));
	o = json_pack("{s:I, s:I, s:f, s:i, s:o}", "mem", (json_int_t)u->mem_kb,
	    "max_mem", (json_int_t)u->max_mem_kb, "cpu", u->cpu, "nproc", u->nproc,
	    "pids", pids);
	if (o == NULL || (text = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return -1;
	}
	/* replaced whole, not made durable: a sample is stale in seconds anyway */
	path = xasprintf("%s/usage.json", jobdir);
	rc = file_write_replace(path, text, strlen(text), 0600);
	free(path);
	free(text);
	json_decref(o);
	return rc;
}

json_t *
usage_read(const char *jobdir)
{
	char *path = xasprintf("%s/usage.json", jobdir);
	json_t *o = json_load_file(path, 0, NULL);

	free(path);
	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
