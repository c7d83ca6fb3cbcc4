/*
 * bpeek.c - bpeek [-f] [-json] [ID | "ID[idx]" | -J name] (LSF.md §4): the
 * output a running job wrote so far, fetched through the master from the
 * agent that runs it, in pieces (each reply names the next offset). -f
 * keeps asking once a second until the job ends, like tail -f. Not started
 * or already finished: "Job <123> : Not yet started." on stderr, exit 255.
 * -json (beyond LSF) prints {"COMMAND":"bpeek", "JOBID", "OUTPUT",
 * "OUTPUT_FILE"} instead, or {"COMMAND", "JOBID", "ERROR"} with exit 255.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "cli.h"
#include "opts.h"
#include "util.h"

struct bpeek {
	const char *label;	/* how the job is named in messages */
	json_t *args;		/* {id, idx | name, off} */
	json_int_t off;
	bool follow, shown_head;
	char *file;		/* where the output goes, from the last reply */
	bool json;		/* -json: collect into out, print at the end */
	char *out;
	size_t outlen;
	char *jobid;		/* "12" or "12[3]", from the reply */
};

static void
bpeek_usage(void)
{
	fprintf(stderr, "usage: bpeek [-f | -json] [jobId | \"jobId[index]\" | -J job_name]\n");
}

/* The job as the reply names it, "12" or "12[3]". */
static void
bpeek_jobid(struct bpeek *b, const json_t *data)
{
	json_int_t id = json_integer_value(json_object_get(data, "id"));
	json_int_t idx = json_integer_value(json_object_get(data, "idx"));

	if (b->jobid != NULL || id <= 0)
		return;
	b->jobid = idx > 0 ? xasprintf("%lld[%lld]", (long long)id, (long long)idx) :
	    xasprintf("%lld", (long long)id);
}

/*
 * The output as a JSON string: bytes that are not UTF-8 become U+FFFD
 * (a job may write anything; JSON text must be UTF-8).
 */
static json_t *
bpeek_text(const char *s, size_t n)
{
	char *u = xmalloc(n * 3 + 1);
	size_t i = 0, k = 0, len, j;
	unsigned char c;
	json_t *str;

	while (i < n) {
		c = (unsigned char)s[i];
		len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 :
		    (c >> 3) == 30 ? 4 : 0;
		for (j = 1; len > 0 && j < len; j++)
			if (i + j >= n || ((unsigned char)s[i + j] >> 6) != 2)
				len = 0;
		if (len == 0 || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4)) {
			memcpy(u + k, "\xef\xbf\xbd", 3);
			k += 3;
			i++;
			continue;
		}
		memcpy(u + k, s + i, len);
		k += len;
		i += len;
	}
	str = json_stringn(u, k);
	free(u);
	return str ? str : json_string("");
}

/* -json: the one object, with the output or the error. */
static void
bpeek_json(struct bpeek *b, const char *error)
{
	json_t *o = json_object();

	json_object_set_new(o, "JOBID", json_string(b->jobid ? b->jobid : b->label));
	if (error != NULL)
		json_object_set_new(o, "ERROR", json_string(error));
	else {
		json_object_set_new(o, "OUTPUT", bpeek_text(b->out ? b->out : "",
		    b->outlen));
		json_object_set_new(o, "OUTPUT_FILE", json_string(b->file ? b->file : ""));
	}
	cli_print_json(stdout, "bpeek", o);
	json_decref(o);
}

/* Writes one reply's bytes; 1 when more are waiting, 0 when caught up. */
static int
bpeek_show(struct bpeek *b, json_t *data)
{
	const char *text = json_string_value(json_object_get(data, "data"));
	const char *file = json_string_value(json_object_get(data, "file"));
	json_int_t off = json_integer_value(json_object_get(data, "off"));
	json_int_t size = json_integer_value(json_object_get(data, "size"));
	size_t n = 0;
	char *bytes = text ? b64_decode(text, &n) : NULL;

	bpeek_jobid(b, data);
	if (!b->shown_head) {
		if (!b->json)
			printf("<< output from stdout >>\n");
		if (off > b->off && file != NULL)
			fprintf(stderr, "bpeek: the first %lld bytes are only in %s\n",
			    (long long)off, file);
		b->shown_head = true;
	}
	if (bytes != NULL && n > 0 && b->json) {
		b->out = xrealloc(b->out, b->outlen + n + 1);
		memcpy(b->out + b->outlen, bytes, n);
		b->outlen += n;
	} else if (bytes != NULL && n > 0)
		fwrite(bytes, 1, n, stdout);
	if (file != NULL && (b->file == NULL || strcmp(b->file, file) != 0)) {
		free(b->file);
		b->file = xstrdup(file);
	}
	fflush(stdout);
	free(bytes);
	if (json_integer_value(json_object_get(data, "next")) > b->off)
		b->off = json_integer_value(json_object_get(data, "next"));
	return b->off < size;
}

/*
 * -f saw the job end: what it wrote after our last look is no longer on
 * its host's spool, but a path on a shared file system (or this host)
 * can be read here, with the caller's own permissions.
 */
static void
bpeek_rest(struct bpeek *b)
{
	char buf[65536];
	size_t n;
	FILE *fp;

	if (b->file == NULL || b->file[0] != '/' || (fp = fopen(b->file, "r")) == NULL)
		return;
	if (fseeko(fp, (off_t)b->off, SEEK_SET) == 0)
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			fwrite(buf, 1, n, stdout);
	fclose(fp);
}

/* 0 done, 1 ask again, or an exit code after an error was printed. */
static int
bpeek_once(struct bpeek *b, struct client *c)
{
	json_t *data = NULL;
	char err[1024];
	int rc, more;

	json_object_set_new(b->args, "off", json_integer(b->off));
	rc = client_request(c, "peek", b->args, &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bpeek", err);
	if (rc != CLIENT_OK) {
		if (b->shown_head && strcmp(err, "Already finished") == 0) {
			bpeek_rest(b);	/* -f: the job ended */
			return 0;
		}
		if (strcmp(err, "Not yet started") == 0 || strcmp(err, "Already finished") == 0) {
			char *msg = xasprintf("Job <%s> : %s.", b->label, err);
			if (b->json)
				bpeek_json(b, msg);
			else
				fprintf(stderr, "%s\n", msg);
			free(msg);
		} else if (b->json)
			bpeek_json(b, err);
		else
			fprintf(stderr, "bpeek: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	more = bpeek_show(b, data);
	json_decref(data);
	if (more)
		return 1;
	if (!b->follow) {
		if (b->json)
			bpeek_json(b, NULL);
		return 0;
	}
	sleep(1);
	return 1;
}

/* -J name, or the job argument, into the request arguments. */
static int
bpeek_target(struct bpeek *b, const char *name, int argc, char **argv)
{
	json_t *sel, *idx;

	b->args = json_object();
	if (name != NULL) {
		json_object_set_new(b->args, "name", json_string(name));
		b->label = name;
		return 0;
	}
	if (argc == 0) {
		b->label = "(most recent)";
		return 0;
	}
	if ((sel = jobsel_parse(argv[0])) == NULL) {
		fprintf(stderr, "%s: Illegal job ID.\n", argv[0]);
		return -1;
	}
	idx = json_object_get(sel, "idx");
	json_object_set(b->args, "id", json_object_get(sel, "id"));
	if (idx != NULL)
		json_object_set_new(b->args, "idx", json_integer(atoll(json_string_value(idx))));
	json_decref(sel);
	b->label = argv[0];
	return 0;
}

int
bpeek_main(int argc, char **argv)
{
	struct bpeek b = { 0 };
	struct client c;
	const char *name = NULL;
	char err[1024];
	static const struct opt opts[] = {
		{ "f", 'f', 0, NULL }, { "J", 'J', OPT_VALUE, NULL },
		{ "json", 'j', 0, NULL },
	};
	struct opts p;
	int id, rc;

	opts_init(&p, opts, nitems(opts), argc, argv, 1);
	while ((id = opts_next(&p)) >= 0) {
		if (id == 'f')
			b.follow = true;
		else if (id == 'J')
			name = p.value;
		else
			b.json = true;
	}
	if (id == OPTS_ERR)
		fprintf(stderr, "bpeek: %s\n", p.err);
	if (id == OPTS_ERR || argc - p.ind > 1 || (name != NULL && argc > p.ind) ||
	    (b.json && b.follow))
		return bpeek_usage(), CLI_EXIT_FAIL;
	if (bpeek_target(&b, name, argc - p.ind, argv + p.ind) < 0)
		return CLI_EXIT_FAIL;
	if (client_open(&c, err, sizeof(err)) < 0)
		client_die_unreachable("bpeek", err);
	while ((rc = bpeek_once(&b, &c)) == 1)
		;
	client_close(&c);
	json_decref(b.args);
	free(b.file);
	free(b.out);
	free(b.jobid);
	return rc;
}
