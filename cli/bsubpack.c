/*
 * bsubpack.c - bsub -pack FILE: many jobs in few requests. Each line of
 * FILE ("-" = stdin) is one job, written as the words of a bsub command
 * line without "bsub" ([options] command [args]); blank lines and lines
 * starting with '#' are skipped. Jobs go to the master in packs of up to
 * BSUBPACK_MAX jobs ("submit_many", one commit per pack); each accepted
 * job prints the usual "Job <N> is submitted to ..." line, in file order,
 * and each refused one "bsub: line N: <reason>. Job not submitted." on
 * stderr. Exit 0 when every job was submitted, else 255.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "shellwords.h"
#include "util.h"

#define BSUBPACK_MAX 5000		/* jobs per request (master takes 10000) */
#define BSUBPACK_BYTES (16u << 20)	/* and about this many bytes of JSON */

struct bsubpack {
	struct client c;
	json_t *jobs;		/* the pack being filled */
	long *lines;		/* its jobs' line numbers */
	size_t bytes;		/* its estimated encoded size */
	size_t per_job;		/* encoded size of the first job seen */
	long nok, nfail;
};

static void
bsubpack_refused(long line, const char *why)
{
	fflush(stdout);
	fprintf(stderr, "bsub: line %ld: %s. Job not submitted.\n", line, why);
}

/* Prints one result of a pack. */
static void
bsubpack_result(struct bsubpack *p, json_t *r, long line)
{
	const char *e = json_string_value(json_object_get(r, "err"));
	const char *q = json_string_value(json_object_get(r, "queue"));

	if (e != NULL || !json_is_integer(json_object_get(r, "id"))) {
		bsubpack_refused(line, e ? e : "no job id in the reply");
		p->nfail++;
		return;
	}
	printf("Job <%lld> is submitted to %squeue <%s>.\n",
	    (long long)json_integer_value(json_object_get(r, "id")),
	    json_is_true(json_object_get(r, "default_queue")) ? "default " : "",
	    q ? q : "");
	p->nok++;
}

/* Sends the pack and prints its results; dies if the master is gone. */
static void
bsubpack_flush(struct bsubpack *p)
{
	size_t n = json_array_size(p->jobs), i;
	json_t *data, *results, *args;
	char err[1024];
	int rc;

	if (n == 0)
		return;
	args = json_pack("{s:O}", "jobs", p->jobs);
	rc = client_request(&p->c, "submit_many", args, &data, err, sizeof(err));
	json_decref(args);
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bsub", err);
	results = rc == CLIENT_OK ? json_object_get(data, "results") : NULL;
	for (i = 0; i < n; i++) {
		if (rc != CLIENT_OK) {
			bsubpack_refused(p->lines[i], err);
			p->nfail++;
		} else
			bsubpack_result(p, json_array_get(results, i), p->lines[i]);
	}
	fflush(stdout);
	json_decref(data);
	json_array_clear(p->jobs);
	p->bytes = 0;
}

/* Adds one SUBMIT object; sends the pack when it is full. */
static void
bsubpack_add(struct bsubpack *p, json_t *sub, long line)
{
	size_t n = json_array_size(p->jobs);

	if (p->per_job == 0) {
		char *text = json_dumps(sub, JSON_COMPACT);
		p->per_job = text ? strlen(text) + 1 : 4096;
		free(text);
	}
	p->lines[n] = line;
	json_array_append_new(p->jobs, sub);
	p->bytes += p->per_job;
	if (n + 1 >= BSUBPACK_MAX || p->bytes >= BSUBPACK_BYTES)
		bsubpack_flush(p);
}

/* One line of the file: skipped, refused, or added to the pack. */
static void
bsubpack_line(struct bsubpack *p, const char *text, long line)
{
	char err[1024], **argv = NULL;
	json_t *sub;
	int argc;

	text += strspn(text, " \t\r\n");
	if (*text == '\0' || *text == '#')
		return;
	if ((argc = shellwords_split(text, &argv, err, sizeof(err))) < 0) {
		bsubpack_refused(line, err);
		p->nfail++;
		return;
	}
	sub = argc > 0 ? bsub_pack_line(argc, argv, err, sizeof(err)) : NULL;
	shellwords_free(argv);
	if (sub == NULL) {
		bsubpack_refused(line, argc > 0 ? err : "No command is specified");
		p->nfail++;
		return;
	}
	bsubpack_add(p, sub, line);
}

int
bsubpack_main(int argc, char **argv)
{
	struct bsubpack p;
	char err[1024], *buf = NULL;
	size_t cap = 0;
	long line = 0;
	FILE *fp;

	if (argc != 3) {
		fprintf(stderr, "Usage: bsub -pack job_submission_file\n"
		    "       (one job per line: [options] command [args]; - reads stdin)\n");
		return CLI_EXIT_FAIL;
	}
	fp = strcmp(argv[2], "-") == 0 ? stdin : fopen(argv[2], "r");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s. Job not submitted.\n", argv[2], strerror(errno));
		return CLI_EXIT_FAIL;
	}
	memset(&p, 0, sizeof(p));
	if (client_open(&p.c, err, sizeof(err)) != CLIENT_OK)
		client_die_unreachable("bsub", err);
	p.jobs = json_array();
	p.lines = xcalloc(BSUBPACK_MAX, sizeof(*p.lines));
	while (getline(&buf, &cap, fp) >= 0)
		bsubpack_line(&p, buf, ++line);
	bsubpack_flush(&p);
	if (fp != stdin)
		fclose(fp);
	free(buf);
	free(p.lines);
	json_decref(p.jobs);
	client_close(&p.c);
	if (p.nok == 0 && p.nfail == 0)
		fprintf(stderr, "%s: No job in the file. Job not submitted.\n", argv[2]);
	return p.nfail > 0 || p.nok == 0 ? CLI_EXIT_FAIL : 0;
}
