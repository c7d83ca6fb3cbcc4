/*
 * bresult.c - set a job's outcome record (issue 16; result.h), the way a
 * job that prefers a command to $PUMICE_RESULT does it:
 *
 *   bresult -r '{"loss": 0.12}' [job_ID | "job_ID[index]"]
 *   bresult -f file.json [job_ID | "job_ID[index]"]      (-f -: stdin)
 *
 * Without a job, the job the command runs in ($LSB_JOBID, $LSB_JOBINDEX).
 * The record is checked here as the shepherd checks the file (a JSON
 * object of at most RESULT_MAX bytes), and again by the master (op
 * "result"), which records it as an event of the element: a later
 * bresult, or the file read when the job ends, replaces it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "result.h"
#include "util.h"

enum { BR_R, BR_F, BR_H };

static const struct opt bresult_opts[] = {
	{ "r", BR_R, OPT_VALUE, NULL }, { "f", BR_F, OPT_VALUE, NULL },
	{ "h", BR_H, 0, NULL },
};

static int
bresult_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "bresult: %s\n", why);
	fprintf(stderr, "Usage: bresult -r 'JSON object' | -f file "
	    "[job_ID | \"job_ID[index]\"]\n");
	return CLI_EXIT_FAIL;
}

/* The bytes of path ("-": stdin), at most RESULT_MAX + 1; NULL after a
 * message. */
static char *
bresult_read(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;

	if (f == NULL) {
		fprintf(stderr, "bresult: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(RESULT_MAX + 2);
	*len = fread(buf, 1, RESULT_MAX + 1, f);
	if (ferror(f)) {
		fprintf(stderr, "bresult: %s: %s\n", path, strerror(errno));
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* {id, idx} of the job named, or of the job we run in; NULL after a message. */
static json_t *
bresult_job(const char *arg)
{
	const char *id = getenv("LSB_JOBID"), *idx = getenv("LSB_JOBINDEX");
	json_t *sel;
	char *text, *end;
	const char *list;
	long k;

	if (arg == NULL && (id == NULL || *id == '\0')) {
		bresult_usage("no job given, and not inside a job ($LSB_JOBID)");
		return NULL;
	}
	text = arg ? xstrdup(arg) : idx && strcmp(idx, "0") != 0 && *idx ?
	    xasprintf("%s[%s]", id, idx) : xstrdup(id);
	if ((sel = jobsel_parse(text)) == NULL)
		fprintf(stderr, "%s: Illegal job ID.\n", text);
	else if ((list = json_string_value(json_object_get(sel, "idx"))) != NULL) {
		if ((k = strtol(list, &end, 10)) < 1 || *end != '\0') {
			fprintf(stderr, "%s: one job or one array element\n", text);
			json_decref(sel);
			sel = NULL;
		} else
			json_object_set_new(sel, "idx", json_integer(k));
	}
	free(text);
	return sel;
}

/* The record of -r or -f, checked; NULL after a message. */
static json_t *
bresult_record(const char *json, const char *file)
{
	char err[512], *buf = NULL;
	size_t len;
	json_t *obj;

	if (file != NULL && (buf = bresult_read(file, &len)) == NULL)
		return NULL;
	if (buf == NULL)
		len = strlen(json);
	obj = result_parse(buf ? buf : json, len, err, sizeof(err));
	if (obj == NULL)
		fprintf(stderr, "bresult: %s\n", err);
	free(buf);
	return obj;
}

int
bresult_main(int argc, char **argv)
{
	const char *json = NULL, *file = NULL;
	json_t *req, *obj, *data;
	struct opts o;
	char err[1024];
	int id, rc;

	opts_init(&o, bresult_opts, nitems(bresult_opts), argc, argv, 1);
	while ((id = opts_next(&o)) >= 0) {
		if (id == BR_H)
			return bresult_usage(NULL);
		*(id == BR_R ? &json : &file) = o.value;
	}
	if (id == OPTS_ERR)
		return bresult_usage(o.err);
	if ((json == NULL) == (file == NULL))
		return bresult_usage("one of -r and -f is needed");
	if (argc - o.ind > 1)
		return bresult_usage("one job at a time");
	if ((obj = bresult_record(json, file)) == NULL)
		return CLI_EXIT_FAIL;
	if ((req = bresult_job(o.ind < argc ? argv[o.ind] : NULL)) == NULL) {
		json_decref(obj);
		return CLI_EXIT_FAIL;
	}
	json_object_set_new(req, "result", obj);
	if (json_object_get(req, "idx") == NULL)
		json_object_set_new(req, "idx", json_integer(0));
	rc = client_call("result", req, &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bresult", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	rc = (int)json_integer_value(json_object_get(data, "idx"));
	if (rc > 0)
		printf("Job <%lld[%d]>: Result has been recorded.\n",
		    (long long)json_integer_value(json_object_get(data, "id")), rc);
	else
		printf("Job <%lld>: Result has been recorded.\n",
		    (long long)json_integer_value(json_object_get(data, "id")));
	json_decref(data);
	return 0;
}
