/*
 * bwait.c - wait for a dependency condition (LSF.md §4, §5): "bwait -w
 * cond [-t minutes] [-r minutes]". The master evaluates the condition with
 * the bsub -w rules and answers when it is true, or at once when it can
 * never become true; the timeout is kept here (SO_RCVTIMEO), and a link
 * that drops (a master restart) is dialled again and the wait re-sent.
 * Exit codes: 0 satisfied, 1 timed out, 2 can never be satisfied, 255
 * rejected (syntax, unknown job, bad option), 69 cluster unreachable.
 * -t takes fractional minutes too (a Pumice extension); -r is accepted
 * and ignored (the master re-evaluates on every job event). On a
 * terminal it says once what it waits for, then keeps a status line with
 * the elapsed time and the state of the first job it names by id that has
 * not ended (waitline.c); piped, it prints only what it always did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "cli.h"
#include "opts.h"
#include "util.h"
#include "waitline.h"

enum { BWAIT_OK = 0, BWAIT_TIMEOUT = 1, BWAIT_NEVER = 2 };

static int
bwait_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "bwait: %s\n", why);
	fprintf(stderr, "Usage: bwait -w \"wait_condition\" [-t timeout] "
	    "[-r rereg_interval] [-json]\n");
	return CLI_EXIT_FAIL;
}

static int
bwait_minutes(const char *s, double *min)
{
	char *end;

	*min = strtod(s, &end);
	return (*end != '\0' || end == s || *min <= 0 || *min > 525600) ? -1 : 0;
}

/* Options; 0 or an exit code after a message. */
static int
bwait_parse(int argc, char **argv, const char **cond, double *tmin, bool *json)
{
	static const struct opt opts[] = {
		{ "w", 'w', OPT_VALUE, NULL }, { "t", 't', OPT_VALUE, NULL },
		{ "r", 'r', OPT_VALUE, NULL }, { "json", 'j', 0, NULL },
	};
	struct opts p;
	double r;
	int id;

	opts_init(&p, opts, nitems(opts), argc, argv, 1);
	while ((id = opts_next(&p)) >= 0) {
		if (id == 'j')
			*json = true;
		else if (id == 'w')
			*cond = p.value;
		else if (bwait_minutes(p.value, id == 't' ? tmin : &r) < 0)
			return bwait_usage("a time must be 1 to 525600 minutes");
	}
	if (id == OPTS_ERR)
		return bwait_usage(p.err);
	if (p.ind < argc)
		return bwait_usage("unexpected argument");
	return *cond == NULL ? bwait_usage("-w is required") : 0;
}

static void
bwait_set_timeout(struct client *c, uint64_t deadline)
{
	uint64_t now = now_mono_ms(), left = deadline > now ? deadline - now : 1;
	struct timeval tv = { (time_t)(left / 1000), (suseconds_t)(left % 1000) * 1000 };

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Asks until answered; returns BWAIT_* or CLI_EXIT_FAIL. */
static int
bwait_loop(struct waitline *w, const char *cond, uint64_t deadline, char *err,
    size_t errlen)
{
	struct client c;
	json_t *data, *args;
	const char *res;
	int rc;

	for (;;) {
		if (client_open(&c, err, errlen) != CLIENT_OK) {
			waitline_clear(w);
			client_die_unreachable("bwait", err);
		}
		if (deadline)
			bwait_set_timeout(&c, deadline);
		args = json_pack("{s:s}", "cond", cond);
		rc = waitline_request(w, &c, "depwait", args, &data, err, errlen);
		json_decref(args);
		client_close(&c);
		if (rc == CLIENT_REJECTED)
			return CLI_EXIT_FAIL;
		if (rc == CLIENT_OK) {
			res = json_string_value(json_object_get(data, "result"));
			rc = res && strcmp(res, "satisfied") == 0 ? BWAIT_OK : BWAIT_NEVER;
			json_decref(data);
			return rc;
		}
		if (deadline && now_mono_ms() + 50 >= deadline)
			return BWAIT_TIMEOUT;
		nanosleep(&(struct timespec){ 1, 0 }, NULL);
	}
}

static const char *
bwait_word(int rc)
{
	return rc == BWAIT_OK ? "SATISFIED" : rc == BWAIT_TIMEOUT ? "TIMEOUT" :
	    rc == BWAIT_NEVER ? "NEVER" : "ERROR";
}

int
bwait_main(int argc, char **argv)
{
	const char *cond = NULL;
	double tmin = 0;
	bool json = false;
	char err[1024] = "";
	struct waitstat ws = { 0, false, NULL };
	struct waitline w;
	int rc;

	if ((rc = bwait_parse(argc, argv, &cond, &tmin, &json)) != 0)
		return rc;
	ws.ids = waitstat_cond_ids(cond);
	waitline_init(&w, ws.ids != NULL ? waitstat_text : NULL, &ws);
	w.deadline = tmin > 0 ? w.start + (uint64_t)(tmin * 60000) : 0;
	if (w.on)
		fprintf(stderr, "<<Waiting for %s>>\n", cond);
	rc = bwait_loop(&w, cond, w.deadline, err, sizeof(err));
	waitline_clear(&w);
	json_decref(ws.ids);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "COMMAND", "bwait",
		    "CONDITION", cond, "RESULT", bwait_word(rc), "MESSAGE",
		    rc == CLI_EXIT_FAIL ? err : "");
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else if (rc == BWAIT_TIMEOUT)
		fprintf(stderr, "bwait: Wait condition <%s> timed out\n", cond);
	else if (rc == BWAIT_NEVER)
		fprintf(stderr, "bwait: Wait condition <%s> can never be satisfied\n", cond);
	else if (rc == CLI_EXIT_FAIL)
		fprintf(stderr, "bwait: %s\n", err);
	return rc;
}
