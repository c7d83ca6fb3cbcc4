/*
 * test_queryq.c - fairness between users' listings (queryq.c): pages are
 * served one per user per turn, users in turn; past PUMICE_QUERY_PER_USER
 * waiting pages a request is answered busy and never served; a closed
 * connection's waiting pages go with it. The loop never runs: turns are
 * called by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/event.h>

#include "../../daemons/master/master.h"
#include "testlib.h"
#include "util.h"

struct tq {
	struct master m;
	char dir[64];
	struct conn *conn;
	int peer;
	char served[256];	/* "uid:tag " per page served */
};

static struct tq *tq_now;

static void
tq_never(evutil_socket_t fd, short what, void *arg)
{
	fail_msg("the test's event loop never runs");
}

static int
tq_setup(void **state)
{
	struct tq *t = xcalloc(1, sizeof(*t));
	char err[512];
	int sv[2];

	strcpy(t->dir, "/tmp/test_queryq.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	tl_put(t->dir, "lsf.conf", "LSF_CLUSTER_NAME=demo\nPUMICE_QUERY_PER_USER=2\n");
	if ((t->m.conf = conf_load(t->dir, 1, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	master_init(&t->m);
	assert_non_null(t->m.base = event_base_new());
	t->m.commit_ev = event_new(t->m.base, -1, 0, tq_never, NULL);
	t->m.query_ev = event_new(t->m.base, -1, 0, tq_never, NULL);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t->conn = conn_new(&t->m, sv[0], CONN_CLI, 0, 0);
	t->peer = sv[1];
	tq_now = t;
	*state = t;
	return 0;
}

static int
tq_teardown(void **state)
{
	struct tq *t = *state;
	char *cmd = xasprintf("rm -rf %s", t->dir);

	queryq_free(&t->m);
	event_free(t->m.commit_ev);
	event_free(t->m.query_ev);
	t->m.query_ev = NULL;
	conn_free_all(&t->m);
	loop_drain(&t->m);	/* closed connections are freed from an event */
	event_base_free(t->m.base);
	conf_free(t->m.conf);
	close(t->peer);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t);
	return 0;
}

/* The page "built": notes who and which, answers nothing. */
static void
tq_page(struct master *m, struct reqctx *rq, json_t *args)
{
	char *s = xasprintf("%s%ld:%s ", tq_now->served, rq->uid,
	    json_string_value(json_object_get(args, "tag")));

	snprintf(tq_now->served, sizeof(tq_now->served), "%s", s);
	free(s);
	reqctx_free(rq);
}

static void
tq_add(struct tq *t, long uid, const char *tag)
{
	struct reqctx *rq = xcalloc(1, sizeof(*rq));
	json_t *args = json_pack("{s:s}", "tag", tag);

	rq->conn = t->conn;
	rq->rid = -1;
	rq->uid = uid;
	rq->user = xasprintf("u%ld", uid);
	queryq_add(&t->m, rq, args, tq_page);
	json_decref(args);
}

static void
test_round_robin(void **state)
{
	struct tq *t = *state;

	tq_add(t, 1, "a");
	tq_add(t, 1, "b");
	tq_add(t, 1, "c");	/* a third waiting page of uid 1: busy */
	tq_add(t, 2, "x");
	assert_string_equal(t->served, "");	/* nothing before a turn */
	queryq_turn(&t->m);
	assert_string_equal(t->served, "1:a 2:x ");
	tq_add(t, 2, "y");
	tq_add(t, 3, "z");
	queryq_turn(&t->m);
	assert_string_equal(t->served, "1:a 2:x 1:b 2:y 3:z ");
	queryq_turn(&t->m);	/* nothing left: nothing served */
	assert_string_equal(t->served, "1:a 2:x 1:b 2:y 3:z ");
	tq_add(t, 1, "d");	/* uid 1 has room again */
	queryq_turn(&t->m);
	assert_string_equal(t->served, "1:a 2:x 1:b 2:y 3:z 1:d ");
}

static void
test_conn_gone(void **state)
{
	struct tq *t = *state;

	tq_add(t, 1, "a");
	tq_add(t, 2, "b");
	queryq_conn_gone(&t->m, t->conn);
	queryq_turn(&t->m);
	assert_string_equal(t->served, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_robin, tq_setup, tq_teardown),
		cmocka_unit_test_setup_teardown(test_conn_gone, tq_setup, tq_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
