/*
 * jobmsg.c - bpost and bread (LSF.md §4), LSF's job messages.
 *
 *   bpost [-i message_index] [-d "description"] [-a data_file] job_ID
 *   bread [-i message_index] [-a file] [-w] job_ID
 *
 * A message is a description (default "no description", at most 512
 * characters) and optionally the content of a file (at most
 * JOBMSG_MAX_DATA bytes, kept by the master with the job's events), at an
 * index 0..127 (default 0); a new post to an index replaces the message
 * there. bread prints one message as a table row (JOBID MSG_ID FROM
 * POST_TIME MESSAGE ATTACHMENT) and with -a copies the attached data to a
 * file. The options of each command come from its own small table (the
 * shared option parser is another piece of work).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "cli.h"
#include "util.h"

#define JOBMSG_MAX_DATA (1024 * 1024)

enum { JM_I, JM_D, JM_A, JM_W, JM_COUNT };

struct jobmsg_opt {
	const char *name;
	int id;
	bool value;
};

static const struct jobmsg_opt bpost_opts[] = {
	{ "i", JM_I, true }, { "d", JM_D, true }, { "a", JM_A, true },
	{ NULL, 0, false },
};

static const struct jobmsg_opt bread_opts[] = {
	{ "i", JM_I, true }, { "a", JM_A, true }, { "w", JM_W, false },
	{ NULL, 0, false },
};

struct jobmsg_args {
	const char *val[JM_COUNT];
	const char *job;
};

/* Options of table t ("-i 3", "-i3"), then exactly one job id; 0 or -1. */
static int
jobmsg_parse(const char *cmd, const struct jobmsg_opt *t, int argc, char **argv,
    struct jobmsg_args *a)
{
	const struct jobmsg_opt *o;
	int k;

	memset(a, 0, sizeof(*a));
	for (k = 1; k < argc && argv[k][0] == '-' && argv[k][1] != '\0'; k++) {
		for (o = t; o->name != NULL; o++)
			if (argv[k][1] == o->name[0] &&
			    (argv[k][2] == '\0' || o->value))
				break;
		if (o->name == NULL) {
			fprintf(stderr, "%s: illegal option -- %s\n", cmd, argv[k] + 1);
			return -1;
		}
		if (!o->value)
			a->val[o->id] = "";
		else if (argv[k][2] != '\0')
			a->val[o->id] = argv[k] + 2;
		else if (k + 1 < argc)
			a->val[o->id] = argv[++k];
		else {
			fprintf(stderr, "%s: option requires an argument -- %s\n", cmd,
			    o->name);
			return -1;
		}
	}
	if (argc - k != 1)
		return -1;
	a->job = argv[k];
	return 0;
}

/* {id, idx, i} of the parsed arguments, or NULL after a message. */
static json_t *
jobmsg_request(const struct jobmsg_args *a)
{
	const char *list;
	json_t *sel;
	char *end;
	long i = 0, k;

	if (a->val[JM_I] != NULL && ((i = strtol(a->val[JM_I], &end, 10)) < 0 ||
	    *end != '\0' || end == a->val[JM_I])) {
		fprintf(stderr, "%s: Bad message index\n", a->val[JM_I]);
		return NULL;
	}
	if ((sel = jobsel_parse(a->job)) == NULL) {
		fprintf(stderr, "%s: Illegal job ID.\n", a->job);
		return NULL;
	}
	if ((list = json_string_value(json_object_get(sel, "idx"))) != NULL) {
		if ((k = strtol(list, &end, 10)) < 1 || *end != '\0') {
			fprintf(stderr, "%s: one job or one array element\n", a->job);
			json_decref(sel);
			return NULL;
		}
		json_object_set_new(sel, "idx", json_integer(k));
	}
	json_object_set_new(sel, "i", json_integer(i));
	return sel;
}

/* The file's bytes, base64, into req {data, size}; 0 or -1 after a message. */
static int
jobmsg_attach(json_t *req, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf, *text;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(JOBMSG_MAX_DATA + 1);
	n = fread(buf, 1, JOBMSG_MAX_DATA + 1, f);
	fclose(f);
	if (n > JOBMSG_MAX_DATA) {
		fprintf(stderr, "%s: larger than %d bytes, the most a message holds\n",
		    path, JOBMSG_MAX_DATA);
		free(buf);
		return -1;
	}
	text = b64_encode(buf, n);
	json_object_set_new(req, "data", json_string(text));
	json_object_set_new(req, "size", json_integer((json_int_t)n));
	free(text);
	free(buf);
	return 0;
}

/* One call; 0, or 255 after printing the master's refusal. */
static int
jobmsg_call(const char *cmd, const char *op, json_t *req, json_t **data)
{
	char err[1024];
	int rc = client_call(op, req, data, err, sizeof(err));

	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable(cmd, err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "%s\n", err);
		return CLI_EXIT_FAIL;
	}
	return 0;
}

int
bpost_main(int argc, char **argv)
{
	struct jobmsg_args a;
	json_t *req, *data;

	if (jobmsg_parse("bpost", bpost_opts, argc, argv, &a) < 0) {
		fprintf(stderr, "Usage: bpost [-i message_index] [-d \"description\"] "
		    "[-a data_file] job_ID | \"job_ID[index]\"\n");
		return CLI_EXIT_FAIL;
	}
	if ((req = jobmsg_request(&a)) == NULL)
		return CLI_EXIT_FAIL;
	json_object_set_new(req, "desc", json_string(a.val[JM_D] ? a.val[JM_D] :
	    "no description"));
	if (a.val[JM_A] != NULL && jobmsg_attach(req, a.val[JM_A]) < 0) {
		json_decref(req);
		return CLI_EXIT_FAIL;
	}
	if (jobmsg_call("bpost", "post", req, &data) != 0)
		return CLI_EXIT_FAIL;
	printf("Job <%s>: Message <%lld> has been posted.\n", a.job,
	    (long long)json_integer_value(json_object_get(data, "i")));
	json_decref(data);
	return 0;
}

/* The attached data into path; 0 or -1 after a message. */
static int
jobmsg_save(json_t *data, const char *path)
{
	const char *text = json_string_value(json_object_get(data, "data"));
	void *bytes;
	size_t n;
	FILE *f;
	int rc = 0;

	if (text == NULL) {
		fprintf(stderr, "No attached data for this message\n");
		return -1;
	}
	if ((bytes = b64_decode(text, &n)) == NULL) {
		fprintf(stderr, "The attached data is damaged\n");
		return -1;
	}
	if ((f = fopen(path, "wb")) == NULL || fwrite(bytes, 1, n, f) != n ||
	    fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(bytes);
	return rc;
}

static void
jobmsg_print(const char *job, json_t *data)
{
	time_t t = (time_t)json_integer_value(json_object_get(data, "time"));
	char when[32];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%b %e %H:%M", &tm);
	printf("%-10s %-6s %-10s %-12s %-20s %s\n", "JOBID", "MSG_ID", "FROM",
	    "POST_TIME", "MESSAGE", "ATTACHMENT");
	printf("%-10s %-6lld %-10s %-12s %-20s %s\n", job,
	    (long long)json_integer_value(json_object_get(data, "i")),
	    json_string_value(json_object_get(data, "from")) ?: "-", when,
	    json_string_value(json_object_get(data, "desc")) ?: "-",
	    json_is_true(json_object_get(data, "attached")) ? "Y" : "N");
}

int
bread_main(int argc, char **argv)
{
	struct jobmsg_args a;
	json_t *req, *data;
	int rc = 0;

	if (jobmsg_parse("bread", bread_opts, argc, argv, &a) < 0) {
		fprintf(stderr, "Usage: bread [-i message_index] [-a file_name] [-w] "
		    "job_ID | \"job_ID[index]\"\n");
		return CLI_EXIT_FAIL;
	}
	if ((req = jobmsg_request(&a)) == NULL)
		return CLI_EXIT_FAIL;
	json_object_set_new(req, "data", json_boolean(a.val[JM_A] != NULL));
	if (jobmsg_call("bread", "read", req, &data) != 0)
		return CLI_EXIT_FAIL;
	jobmsg_print(a.job, data);
	if (a.val[JM_A] != NULL && jobmsg_save(data, a.val[JM_A]) < 0)
		rc = CLI_EXIT_FAIL;
	json_decref(data);
	return rc;
}
