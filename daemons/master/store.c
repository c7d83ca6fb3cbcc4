/*
 * store.c - the durable record: an sqlite database (WAL) holding the job
 * events in order. The master's memory is rebuilt at start-up by handing
 * them, in order, through a cursor (store_events_next; event.c's
 * job_replay reads it on a thread of its own and applies the events through
 * the function that applies them live).
 *
 * Invariant: a transaction is open exactly while store_dirty() is true;
 * the loop commits it once per loop turn (group commit), and only then are
 * replies and orders that depend on it sent.
 *
 * A write that fails (the disk is full, an I/O error) does not stop the
 * master: every write of the open transaction is also kept as an op, in
 * order, until it commits. When one fails the transaction is rolled back,
 * the store is "degraded" and keeps appending ops in memory only; the
 * loop asks store_retry once a second, which writes them all again in one
 * transaction. Nothing is acknowledged meanwhile (the loop does not
 * release held replies while store_commit says 1), so nothing
 * acknowledged can be lost by a crash in between.
 *
 * History: a "purge" event moves a finished job out of the master's memory;
 * its events stay here, listed in the history table (job, user, purge
 * time), until store_expire deletes them. Replay skips jobs in history.
 *
 * Environments: the envs table holds each distinct job environment once
 * (envtab.c names it by the SHA-256 of its text); a submit event carries
 * "env_id" instead of the "env" object. Databases written before the table
 * existed get it on open, and their inline "env" objects still replay.
 * Once events are deleted, store_envs_collect deletes the environments no
 * event names any more (the master says which ones it holds).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "envtab.h"
#include "log.h"
#include "master.h"
#include "util.h"

/* One write of the open transaction, kept until it commits. */
enum store_op_kind { STORE_OP_EVENT, STORE_OP_ENV, STORE_OP_DELETE,
	STORE_OP_DELETE_FLOW, STORE_OP_SHARE };

struct store_op {
	enum store_op_kind kind;
	long id, idx, when;
	char type[24];		/* event type; "" for the others */
	char *key;		/* environment id; a purge's user; share account */
	char *text;		/* event data, environment text */
	double usage;		/* a share account's */
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *ins, *del, *env_get, *env_put, *share_put;
	bool in_txn;
	long max_job;		/* highest job id with events: reuse check */
	bool deleted;		/* events deleted since store_envs_collect */
	struct store_op *ops;	/* the open transaction's writes, in order */
	size_t nops, opcap;
	bool degraded;		/* a write failed: ops wait for store_retry */
	char cause[256];	/* why, for refusals and the log */
};

static void store_ops_clear(struct store *s);

static const char store_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    /* 256 KB of page cache, not sqlite's 2 MB: the master keeps what it
     * needs in memory, appends touch the right edge of two b-trees, and
     * replay reads once */
    "PRAGMA cache_size=-256;"
    "CREATE TABLE IF NOT EXISTS events ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  job INTEGER NOT NULL, idx INTEGER NOT NULL,"
    "  type TEXT NOT NULL, time INTEGER NOT NULL, data TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_job ON events(job);"
    "CREATE TABLE IF NOT EXISTS history ("
    "  job INTEGER PRIMARY KEY, user TEXT NOT NULL, purged INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS envs ("
    "  id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;"
    /* fairshare.c: decayed usage of an account as it was at time */
    "CREATE TABLE IF NOT EXISTS shares ("
    "  account TEXT PRIMARY KEY, usage REAL NOT NULL, time INTEGER NOT NULL)"
    "  WITHOUT ROWID;";

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

static long
store_max_job(struct store *s)
{
	sqlite3_stmt *st;
	long v = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT max(job) FROM events", -1, &st,
	    NULL) != SQLITE_OK)
		return LONG_MAX;	/* unknown: every submit checks */
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * The events hold every job's environment (tokens, passwords): the state
 * directory and its files are the master's alone, also where an older
 * version or another umask made them readable.
 */
static int
store_private(const char *dir, char *err, size_t errlen)
{
	static const char *files[] = { "pumice.db", "pumice.db-wal", "pumice.db-shm",
	    "pumice.db-journal" };
	char *p;
	size_t i;
	int r = 0;

	if (mkdir_p(dir, 0700) < 0 || chmod(dir, 0700) < 0)
		return errf(err, errlen, "%s: %s", dir, strerror(errno));
	for (i = 0; i < nitems(files) && r == 0; i++) {
		p = xasprintf("%s/%s", dir, files[i]);
		if (chmod(p, 0600) < 0 && errno != ENOENT)
			r = errf(err, errlen, "%s: %s", p, strerror(errno));
		free(p);
	}
	return r;
}

struct store *
store_open(const char *dir, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	char *path;
	char *msg = NULL;

	if (store_private(dir, err, errlen) < 0) {
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
	    &s->del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "SELECT data FROM envs WHERE id=?", -1,
	    &s->env_get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO envs(id,data) "
	    "VALUES(?,?)", -1, &s->env_put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO shares(account,usage,"
	    "time) VALUES(?,?,?)", -1, &s->share_put, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	s->max_job = store_max_job(s);
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
	if (s->degraded)
		store_retry(s);
	else if (s->in_txn)
		store_commit(s);
	if (s->degraded)
		log_warnx("%zu writes could not be recorded: %s", s->nops, s->cause);
	store_ops_clear(s);
	free(s->ops);
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->env_get);
	sqlite3_finalize(s->env_put);
	sqlite3_finalize(s->share_put);
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

/* Lists a purged job in the history table. */
static int
store_history_mark(struct store *s, long id, const char *user, long when)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO history(job,user,purged) "
	    "VALUES(?,?,?)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, user ? user : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, when);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Runs one statement with one integer parameter. */
static int
store_exec_id(struct store *s, const char *sql, long v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("sqlite: %s: %s", sql, sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Steps a prepared write once and readies it for the next. */
static int
store_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
store_exec_event(struct store *s, const struct store_op *op)
{
	sqlite3_bind_int64(s->ins, 1, op->id);
	sqlite3_bind_int64(s->ins, 2, op->idx);
	sqlite3_bind_text(s->ins, 3, op->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins, 4, op->when);
	sqlite3_bind_text(s->ins, 5, op->text, -1, SQLITE_STATIC);
	if (store_step(s->ins) < 0)
		return -1;
	if (op->id > s->max_job)
		s->max_job = op->id;
	if (strcmp(op->type, "purge") == 0)
		return store_history_mark(s, op->id, op->key, op->when);
	return 0;
}

static int
store_exec_env(struct store *s, const struct store_op *op)
{
	sqlite3_bind_text(s->env_put, 1, op->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->env_put, 2, op->text, -1, SQLITE_STATIC);
	return store_step(s->env_put);
}

static int
store_exec_delete(struct store *s, const struct store_op *op)
{
	sqlite3_bind_int64(s->del, 1, op->id);
	if (store_step(s->del) < 0)
		return -1;
	s->deleted = true;
	return store_exec_id(s, "DELETE FROM history WHERE job=?", op->id);
}

/* A workflow's record (the "flow" event of job 0 whose fid is op->id). */
static int
store_exec_delete_flow(struct store *s, const struct store_op *op)
{
	return store_exec_id(s, "DELETE FROM events WHERE job=0 AND type='flow' "
	    "AND json_extract(data, '$.fid')=?", op->id);
}

static int
store_exec_share(struct store *s, const struct store_op *op)
{
	sqlite3_bind_text(s->share_put, 1, op->key, -1, SQLITE_STATIC);
	sqlite3_bind_double(s->share_put, 2, op->usage);
	sqlite3_bind_int64(s->share_put, 3, op->when);
	return store_step(s->share_put);
}

static int (*const store_exec_op[])(struct store *, const struct store_op *) = {
	[STORE_OP_EVENT] = store_exec_event,
	[STORE_OP_ENV] = store_exec_env,
	[STORE_OP_DELETE] = store_exec_delete,
	[STORE_OP_DELETE_FLOW] = store_exec_delete_flow,
	[STORE_OP_SHARE] = store_exec_share,
};

static void
store_ops_clear(struct store *s)
{
	size_t i;

	for (i = 0; i < s->nops; i++) {
		free(s->ops[i].key);
		free(s->ops[i].text);
	}
	s->nops = 0;
}

/* Keeps one write (key and text are taken over) until it commits. */
static struct store_op *
store_op_push(struct store *s, enum store_op_kind kind, long id, long idx,
    long when, const char *type, char *key, char *text)
{
	struct store_op *op;

	if (s->nops == s->opcap) {
		s->opcap = s->opcap ? s->opcap * 2 : 64;
		s->ops = xrealloc(s->ops, s->opcap * sizeof(*s->ops));
	}
	op = &s->ops[s->nops++];
	*op = (struct store_op){ kind, id, idx, when, "", key, text, 0 };
	if (type != NULL)
		snprintf(op->type, sizeof(op->type), "%s", type);
	return op;
}

/* The cause of the last failed write, as the system names it (sqlite
 * reports a short write as SQLITE_FULL without keeping errno). */
static void
store_note_cause(struct store *s)
{
	int e = sqlite3_system_errno(s->db);

	if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_FULL)
		e = ENOSPC;
	if (e != 0)
		snprintf(s->cause, sizeof(s->cause), "%s", strerror(e));
	else
		snprintf(s->cause, sizeof(s->cause), "%s", sqlite3_errmsg(s->db));
}

/* A write failed: the transaction goes, its ops stay for store_retry. */
static void
store_degrade(struct store *s)
{
	store_note_cause(s);
	if (!sqlite3_get_autocommit(s->db))
		store_exec(s, "ROLLBACK");
	s->in_txn = false;
	s->deleted = true;	/* a rolled back collection is due again */
	if (!s->degraded)
		log_warnx("cannot record job events: %s; new jobs are refused and "
		    "the %zu writes waiting are retried every second", s->cause,
		    s->nops);
	s->degraded = true;
}

/* Writes op now, unless earlier writes wait: then it waits with them. */
static int
store_run(struct store *s, const struct store_op *op)
{
	if (s->degraded)
		return 0;
	if (store_begin(s) < 0 || store_exec_op[op->kind](s, op) < 0)
		store_degrade(s);
	return 0;
}

int
store_append(struct store *s, long id, long idx, const char *type, long when,
    json_t *data)
{
	char *user = NULL;

	if (strcmp(type, "purge") == 0)
		user = xstrdup(json_string_value(json_object_get(data, "user")) ?
		    json_string_value(json_object_get(data, "user")) : "");
	return store_run(s, store_op_push(s, STORE_OP_EVENT, id, idx, when, type,
	    user, json_dumps(data, JSON_COMPACT)));
}

int
store_delete_job(struct store *s, long id)
{
	return store_run(s, store_op_push(s, STORE_OP_DELETE, id, 0, 0, NULL,
	    NULL, NULL));
}

int
store_delete_flow(struct store *s, long fid)
{
	return store_run(s, store_op_push(s, STORE_OP_DELETE_FLOW, fid, 0, 0,
	    NULL, NULL, NULL));
}

/* Joins the open transaction (fairshare.c calls it only while one is
 * open, so usage adds no commit of its own). */
int
store_put_share(struct store *s, const char *account, double usage, long when)
{
	struct store_op *op = store_op_push(s, STORE_OP_SHARE, 0, 0, when, NULL,
	    xstrdup(account), NULL);

	op->usage = usage;
	return store_run(s, op);
}

/* Calls fn on every account's stored usage; 0, or -1. */
int
store_shares_load(struct store *s, store_share_fn fn, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT account, usage, time FROM shares",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_double(st, 1), (long)sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

bool
store_dirty(struct store *s)
{
	return s->in_txn || s->degraded;
}

bool
store_degraded(const struct store *s)
{
	return s != NULL && s->degraded;
}

const char *
store_cause(const struct store *s)
{
	return s->cause;
}

/* 0: committed (replies may go); 1: not recorded yet (they wait). */
int
store_commit(struct store *s)
{
	if (s->degraded)
		return 1;
	if (!s->in_txn) {
		store_ops_clear(s);
		return 0;
	}
	if (store_exec(s, "COMMIT") < 0) {
		store_degrade(s);
		return 1;
	}
	s->in_txn = false;
	store_ops_clear(s);
	return 0;
}

/* Writes every waiting op again in one transaction, quietly (the log
 * says when the state changes, not per attempt). 1: they are recorded now
 * and the store is whole again; 0: nothing to do, or still failing. */
int
store_retry(struct store *s)
{
	size_t i;

	if (s == NULL || !s->degraded)
		return 0;
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	s->in_txn = true;
	for (i = 0; i < s->nops; i++)
		if (store_exec_op[s->ops[i].kind](s, &s->ops[i]) < 0)
			goto fail;
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	s->in_txn = false;
	s->degraded = false;
	log_warnx("job events are recorded again (%zu writes had waited); new "
	    "jobs are accepted", s->nops);
	s->cause[0] = '\0';
	store_ops_clear(s);
	return 1;
fail:
	store_note_cause(s);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_txn = false;
	return 0;
}

/* The id of the last job submitted, 0 none: jobs in history are not
 * replayed, yet their ids stay taken. */
static long
store_last_submit(struct store *s)
{
	sqlite3_stmt *st;
	long id = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT job FROM events WHERE type='submit' "
	    "ORDER BY seq DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* At most how many jobs the events are of, without reading them: fewer
 * than the events and than the span of their ids (both from an index). */
size_t
store_jobs_hint(struct store *s)
{
	sqlite3_stmt *st;
	long events = 0, span = 0;

	/* one min or max a query: sqlite reads it off the index */
	if (sqlite3_prepare_v2(s->db, "SELECT (SELECT max(seq) FROM events) - "
	    "(SELECT min(seq) FROM events) + 1, (SELECT max(job) FROM events) - "
	    "(SELECT min(job) FROM events) + 1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		events = (long)sqlite3_column_int64(st, 0);
		span = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return (size_t)(events < span ? events : span > 0 ? span : 0);
}

static bool
store_history_empty(struct store *s)
{
	sqlite3_stmt *st;
	bool empty = false;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM history LIMIT 1", -1, &st,
	    NULL) != SQLITE_OK)
		return false;
	empty = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return empty;
}

/* Replay reads the whole log once, in order: mapped, its pages are not
 * copied into sqlite's cache one by one. The mapping goes once read, or
 * the master's RSS would count the database. */
static const char store_map_on[] = "PRAGMA mmap_size=2147418112";
static const char store_map_off[] = "PRAGMA mmap_size=0";

struct store_cursor {
	struct store *s;
	sqlite3_stmt *st;
	int rc;			/* of the last step */
};

struct store_cursor *
store_events_open(struct store *s, char *err, size_t errlen)
{
	struct store_cursor *c = xcalloc(1, sizeof(*c));

	c->s = s;
	store_exec(s, store_map_on);
	/* without history, no row is looked up in it */
	if (sqlite3_prepare_v2(s->db, store_history_empty(s) ?
	    "SELECT job,idx,type,time,data FROM events ORDER BY seq" :
	    "SELECT job,idx,type,time,data FROM events "
	    "WHERE job NOT IN (SELECT job FROM history) ORDER BY seq", -1, &c->st,
	    NULL) != SQLITE_OK) {
		errf(err, errlen, "replay: %s", sqlite3_errmsg(s->db));
		store_exec(s, store_map_off);
		free(c);
		return NULL;
	}
	return c;
}

int
store_events_next(struct store_cursor *c, struct store_row *r)
{
	const char *text;

	if ((c->rc = sqlite3_step(c->st)) != SQLITE_ROW)
		return c->rc == SQLITE_DONE ? 0 : -1;
	text = (const char *)sqlite3_column_text(c->st, 4);
	r->id = (long)sqlite3_column_int64(c->st, 0);
	r->idx = (long)sqlite3_column_int64(c->st, 1);
	r->type = (const char *)sqlite3_column_text(c->st, 2);
	r->when = (long)sqlite3_column_int64(c->st, 3);
	r->text = text ? text : "{}";
	r->len = text ? (size_t)sqlite3_column_bytes(c->st, 4) : 2;
	return 1;
}

bool
store_threadsafe(void)
{
	return sqlite3_threadsafe() != 0;
}

int
store_events_close(struct store_cursor *c, long *last_submit, char *err,
    size_t errlen)
{
	struct store *s = c->s;
	bool ok = c->rc == SQLITE_DONE;

	if (!ok)
		errf(err, errlen, "replay: %s", sqlite3_errmsg(s->db));
	sqlite3_finalize(c->st);
	free(c);
	store_exec(s, store_map_off);
	if (!ok)
		return -1;
	*last_submit = store_last_submit(s);
	return 0;
}

/* A submit reuses an id (MAX_JOBID wrapped): the old job's history goes. */
int
store_forget_reused(struct store *s, long id)
{
	if (id > s->max_job)
		return 0;
	return store_delete_job(s, id);
}

/* True when some job left memory before `before` (cheap, no transaction). */
static bool
store_expired_any(struct store *s, long before)
{
	sqlite3_stmt *st;
	bool any;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM history WHERE purged < ? LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		return true;
	sqlite3_bind_int64(st, 1, before);
	any = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return any;
}

/* Deletes the events of jobs purged from memory before `before`. */
int
store_expire(struct store *s, long before)
{
	if (s->degraded || !store_expired_any(s, before))
		return 0;
	if (store_begin(s) < 0 ||
	    store_exec_id(s, "DELETE FROM events WHERE job IN "
	    "(SELECT job FROM history WHERE purged < ?)", before) < 0 ||
	    store_exec_id(s, "DELETE FROM history WHERE purged < ?", before) < 0)
		return -1;
	s->deleted = true;
	return sqlite3_changes(s->db);
}

/* The environments of the envs table that are not live (held in memory),
 * as candidates in a temporary table. */
static int
store_envs_candidates(struct store *s, store_env_live_fn live, void *arg)
{
	sqlite3_stmt *sel, *ins;
	int n = 0;

	if (store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS env_dead("
	    "id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM env_dead") < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT id FROM envs", -1, &sel, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO env_dead(id) VALUES(?)", -1, &ins,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(sel);
		return -1;
	}
	while (sqlite3_step(sel) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(sel, 0);

		if (id == NULL || live(arg, id))
			continue;
		sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) == SQLITE_DONE)
			n++;
		sqlite3_reset(ins);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return n;
}

/*
 * A submit event names its environment; the events of jobs in memory are
 * named by what the master holds (live), those of jobs in history are
 * read (one pass over history's submits, only when some environment is
 * not live). An environment neither names goes. Nothing to do until some
 * events were deleted.
 */
int
store_envs_collect(struct store *s, store_env_live_fn live, void *arg)
{
	int n, rc;

	if (!s->deleted || s->degraded)
		return 0;
	if (store_begin(s) < 0 || (n = store_envs_candidates(s, live, arg)) < 0)
		return -1;
	s->deleted = false;
	if (n == 0)
		return 0;
	/* an id is the 32 hex digits after "env_id":" (ENVTAB_ID_LEN) */
	rc = store_exec(s, "DELETE FROM envs WHERE id IN (SELECT id FROM env_dead) "
	    "AND id NOT IN (SELECT substr(e.data, instr(e.data, '\"env_id\":\"') + 10, "
	    "32) FROM history h JOIN events e ON e.job = h.job "
	    "WHERE e.type = 'submit')");
	n = sqlite3_changes(s->db);
	store_exec(s, "DELETE FROM env_dead");
	return rc < 0 ? -1 : n;
}

/* The events of one job, oldest first: [{idx, type, time, data}]. */
json_t *
store_job_events(struct store *s, long id)
{
	sqlite3_stmt *st;
	json_t *out = json_array();

	if (sqlite3_prepare_v2(s->db, "SELECT idx,type,time,data FROM events "
	    "WHERE job=? ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		log_warnx("sqlite: events of job %ld: %s", id, sqlite3_errmsg(s->db));
		return out;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 3);
		json_t *data = json_loads(text ? text : "{}", 0, NULL);

		json_array_append_new(out, json_pack("{s:I, s:s, s:I, s:o}",
		    "idx", (json_int_t)sqlite3_column_int64(st, 0),
		    "type", (const char *)sqlite3_column_text(st, 1),
		    "time", (json_int_t)sqlite3_column_int64(st, 2),
		    "data", data ? data : json_object()));
	}
	sqlite3_finalize(st);
	return out;
}

/* Ids of jobs in history (user NULL: everyone's), newest `limit` (0: all). */
json_t *
store_history_jobs(struct store *s, const char *user, long limit)
{
	sqlite3_stmt *st;
	json_t *out = json_array();

	if (sqlite3_prepare_v2(s->db, "SELECT job FROM (SELECT job FROM history "
	    "WHERE ?1 IS NULL OR user=?1 ORDER BY purged DESC LIMIT ?2) ORDER BY job",
	    -1, &st, NULL) != SQLITE_OK) {
		log_warnx("sqlite: history: %s", sqlite3_errmsg(s->db));
		return out;
	}
	if (user != NULL)
		sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(out, json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_finalize(st);
	return out;
}

/* True when the job's events are in history (purged from memory). */
bool
store_in_history(struct store *s, long id)
{
	sqlite3_stmt *st;
	bool found;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM history WHERE job=?", -1, &st,
	    NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* The stored text of environment id (malloc'd), or NULL. */
char *
store_env_text(struct store *s, const char *id)
{
	char *text = NULL;

	sqlite3_bind_text(s->env_get, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s->env_get) == SQLITE_ROW &&
	    sqlite3_column_text(s->env_get, 0) != NULL)
		text = xstrdup((const char *)sqlite3_column_text(s->env_get, 0));
	sqlite3_reset(s->env_get);
	sqlite3_clear_bindings(s->env_get);
	return text;
}

/* Records environment id once, in the open transaction. */
int
store_put_env(struct store *s, const char *id, const char *text)
{
	return store_run(s, store_op_push(s, STORE_OP_ENV, 0, 0, 0, NULL,
	    xstrdup(id), xstrdup(text)));
}
