/*
 * store.c - the durable record: an sqlite database (WAL) holding the job
 * events in order. The master's memory is rebuilt at start-up by replaying
 * them through job_apply, the same function that applies them live.
 *
 * Invariant: a transaction is open exactly while store_dirty() is true;
 * the loop commits it once per loop turn (group commit), and only then are
 * replies and orders that depend on it sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "log.h"
#include "master.h"
#include "util.h"

struct store {
	sqlite3 *db;
	sqlite3_stmt *ins, *del;
	bool in_txn;
};

static const char store_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS events ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  job INTEGER NOT NULL, idx INTEGER NOT NULL,"
    "  type TEXT NOT NULL, time INTEGER NOT NULL, data TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_job ON events(job);";

static int
store_exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("sqlite: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct store *
store_open(const char *dir, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	char *path;
	char *msg = NULL;

	if (mkdir_p(dir, 0700) < 0) {
		errf(err, errlen, "%s: %s", dir, strerror(errno));
		free(s);
		return NULL;
	}
	path = xasprintf("%s/pumice.db", dir);
	if (sqlite3_open(path, &s->db) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, store_schema, NULL, NULL, &msg) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", path, msg ? msg : "schema");
		sqlite3_free(msg);
		goto fail;
	}
	if (sqlite3_prepare_v2(s->db, "INSERT INTO events(job,idx,type,time,data) "
	    "VALUES(?,?,?,?,?)", -1, &s->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM events WHERE job=?", -1,
	    &s->del, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	free(path);
	return s;
fail:
	free(path);
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->in_txn)
		store_commit(s);
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->del);
	sqlite3_close(s->db);
	free(s);
}

static int
store_begin(struct store *s)
{
	if (s->in_txn)
		return 0;
	if (store_exec(s, "BEGIN") < 0)
		return -1;
	s->in_txn = true;
	return 0;
}

int
store_append(struct store *s, long id, long idx, const char *type, long when,
    json_t *data)
{
	char *text;
	int rc;

	if (store_begin(s) < 0)
		return -1;
	text = json_dumps(data, JSON_COMPACT);
	sqlite3_bind_int64(s->ins, 1, id);
	sqlite3_bind_int64(s->ins, 2, idx);
	sqlite3_bind_text(s->ins, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins, 4, when);
	sqlite3_bind_text(s->ins, 5, text, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s->ins);
	sqlite3_reset(s->ins);
	free(text);
	if (rc != SQLITE_DONE) {
		log_warnx("sqlite: appending %s event of job %ld: %s", type, id,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
store_delete_job(struct store *s, long id)
{
	int rc;

	if (store_begin(s) < 0)
		return -1;
	sqlite3_bind_int64(s->del, 1, id);
	rc = sqlite3_step(s->del);
	sqlite3_reset(s->del);
	return rc == SQLITE_DONE ? 0 : -1;
}

bool
store_dirty(struct store *s)
{
	return s->in_txn;
}

int
store_commit(struct store *s)
{
	if (!s->in_txn)
		return 0;
	s->in_txn = false;
	if (store_exec(s, "COMMIT") < 0) {
		store_exec(s, "ROLLBACK");
		return -1;
	}
	return 0;
}

int
store_replay(struct store *s, struct master *m, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char aerr[256];
	long n = 0;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT job,idx,type,time,data FROM events "
	    "ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return errf(err, errlen, "replay: %s", sqlite3_errmsg(s->db));
	m->replaying = true;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 2);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		json_t *data = json_loads(text ? text : "{}", 0, NULL);

		if (data == NULL || job_apply(m, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), type, sqlite3_column_int64(st, 3),
		    data, aerr, sizeof(aerr)) < 0)
			log_warnx("replay: skipping %s event of job %lld: %s", type,
			    (long long)sqlite3_column_int64(st, 0),
			    data ? aerr : "bad JSON");
		json_decref(data);
		n++;
	}
	m->replaying = false;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return errf(err, errlen, "replay: %s", sqlite3_errmsg(s->db));
	log_info("replayed %ld events, %zu jobs", n, m->njobs);
	return 0;
}
