/*
 * jobmsg.c - bpost and bread (LSF.md §4), LSF's job messages.
 *
 *   bpost [-i message_index] [-d "description" [-N INFO|WARNING|ERROR|CRITICAL]]
 *         [-a data_file] job_ID | "job_ID[index]" | -J job_name
 *   bread [-i message_index] [-a file] [-w] job_ID | "job_ID[index]" | -J job_name
 *
 * A message is a description (default "no description", at most 512
 * characters), optionally a notification level (-N) and the content of a
 * file (at most JOBMSG_MAX_DATA bytes, kept by the master with the job's
 * events), at an index 0..127 (default 0); a new post to an index replaces
 * the message there. -J names the caller's own job by name (the latest
 * submitted of that name, as LSF's job names are not unique). bread
 * prints one message as a table row (JOBID MSG_ID FROM POST_TIME MESSAGE
 * ATTACHMENT, and NOTIFICATION when the message has a level) and with -a
 * copies the attached data to a file. The options come from each
 * command's table through the shared parser (opts.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "b64.h"
#include "cli.h"
#include "opts.h"
#include "util.h"

#define JOBMSG_MAX_DATA (1024 * 1024)

enum { JM_I, JM_D, JM_A, JM_W, JM_J, JM_N, JM_COUNT };

static const struct opt bpost_opts[] = {
	{ "i", JM_I, OPT_VALUE, NULL }, { "d", JM_D, OPT_VALUE, NULL },
	{ "a", JM_A, OPT_VALUE, NULL }, { "J", JM_J, OPT_VALUE, NULL },
	{ "N", JM_N, OPT_VALUE, NULL },
};

/* -w (wide) is accepted: bread never truncates a field. */
static const struct opt bread_opts[] = {
	{ "i", JM_I, OPT_VALUE, NULL }, { "a", JM_A, OPT_VALUE, NULL },
	{ "J", JM_J, OPT_VALUE, NULL }, { "w", JM_W, 0, NULL },
};

/* LSF's notification levels of bpost -N. */
static const char *const jobmsg_levels[] = { "INFO", "WARNING", "ERROR", "CRITICAL" };

struct jobmsg_args {
	const char *val[JM_COUNT];
	const char *job;	/* the operand, or the -J name */
};

/* Options of table t, then exactly one job id unless -J; 0 or -1. */
static int
jobmsg_parse(const char *cmd, const struct opt *t, size_t n, int argc, char **argv,
    struct jobmsg_args *a)
{
	struct opts p;
	int id;

	memset(a, 0, sizeof(*a));
	opts_init(&p, t, n, argc, argv, 1);
	while ((id = opts_next(&p)) >= 0)
		a->val[id] = p.value != NULL ? p.value : "";
	if (id == OPTS_ERR) {
		fprintf(stderr, "%s: %s\n", cmd, p.err);
		return -1;
	}
	if (argc - p.ind != (a->val[JM_J] != NULL ? 0 : 1))
		return -1;
	a->job = a->val[JM_J] != NULL ? a->val[JM_J] : argv[p.ind];
	return 0;
}

/* -N's level in capitals, or NULL after a message. */
static const char *
jobmsg_level(const char *text)
{
	size_t i;

	for (i = 0; i < nitems(jobmsg_levels); i++)
		if (strcasecmp(text, jobmsg_levels[i]) == 0)
			return jobmsg_levels[i];
	fprintf(stderr, "%s: Bad notification level; use INFO, WARNING, ERROR or "
	    "CRITICAL\n", text);
	return NULL;
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
	if (a->val[JM_J] != NULL) {
		sel = json_pack("{s:s, s:I}", "name", a->job, "i", (json_int_t)i);
		return sel;
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

	const char *level = NULL;

	if (jobmsg_parse("bpost", bpost_opts, nitems(bpost_opts), argc, argv, &a) < 0) {
		fprintf(stderr, "Usage: bpost [-i message_index] [-d \"description\" "
		    "[-N INFO | WARNING | ERROR | CRITICAL]] [-a data_file] job_ID | "
		    "\"job_ID[index]\" | -J job_name\n");
		return CLI_EXIT_FAIL;
	}
	if (a.val[JM_N] != NULL && a.val[JM_D] == NULL) {
		fprintf(stderr, "bpost: -N needs -d \"description\"\n");
		return CLI_EXIT_FAIL;
	}
	if (a.val[JM_N] != NULL && (level = jobmsg_level(a.val[JM_N])) == NULL)
		return CLI_EXIT_FAIL;
	if ((req = jobmsg_request(&a)) == NULL)
		return CLI_EXIT_FAIL;
	json_object_set_new(req, "desc", json_string(a.val[JM_D] ? a.val[JM_D] :
	    "no description"));
	if (level != NULL)
		json_object_set_new(req, "level", json_string(level));
	if (a.val[JM_A] != NULL && jobmsg_attach(req, a.val[JM_A]) < 0) {
		json_decref(req);
		return CLI_EXIT_FAIL;
	}
	if (jobmsg_call("bpost", "post", req, &data) != 0)
		return CLI_EXIT_FAIL;
	printf("Job <%lld>: Message <%lld> has been posted.\n",
	    (long long)json_integer_value(json_object_get(data, "id")),
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

/* The table row (and NOTIFICATION when the message has a level). */
static void
jobmsg_print(json_t *data)
{
	time_t t = (time_t)json_integer_value(json_object_get(data, "time"));
	long long idx = json_integer_value(json_object_get(data, "idx"));
	const char *level = json_string_value(json_object_get(data, "level"));
	char when[32], job[48];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%b %e %H:%M", &tm);
	snprintf(job, sizeof(job), idx > 0 ? "%lld[%lld]" : "%lld",
	    (long long)json_integer_value(json_object_get(data, "id")), idx);
	printf("%-10s %-6s %-10s %-12s %-20s %s%s\n", "JOBID", "MSG_ID", "FROM",
	    "POST_TIME", "MESSAGE", "ATTACHMENT", level ? "  NOTIFICATION" : "");
	printf("%-10s %-6lld %-10s %-12s %-20s %-*s%s\n", job,
	    (long long)json_integer_value(json_object_get(data, "i")),
	    json_string_value(json_object_get(data, "from")) ?: "-", when,
	    json_string_value(json_object_get(data, "desc")) ?: "-", level ? 12 : 0,
	    json_is_true(json_object_get(data, "attached")) ? "Y" : "N",
	    level ? level : "");
}

int
bread_main(int argc, char **argv)
{
	struct jobmsg_args a;
	json_t *req, *data;
	int rc = 0;

	if (jobmsg_parse("bread", bread_opts, nitems(bread_opts), argc, argv, &a) < 0) {
		fprintf(stderr, "Usage: bread [-i message_index] [-a file_name] [-w] "
		    "job_ID | \"job_ID[index]\" | -J job_name\n");
		return CLI_EXIT_FAIL;
	}
	if ((req = jobmsg_request(&a)) == NULL)
		return CLI_EXIT_FAIL;
	json_object_set_new(req, "data", json_boolean(a.val[JM_A] != NULL));
	if (jobmsg_call("bread", "read", req, &data) != 0)
		return CLI_EXIT_FAIL;
	jobmsg_print(data);
	if (a.val[JM_A] != NULL && jobmsg_save(data, a.val[JM_A]) < 0)
		rc = CLI_EXIT_FAIL;
	json_decref(data);
	return rc;
}
