/*
 * control.c - commands: the table of operations a client may ask for,
 * whether from the master's own unix socket (peer uid from SO_PEERCRED) or
 * relayed by an agent that vouched for the uid. Each handler answers
 * exactly once through control_reply, which holds the answer until the
 * transaction it depends on has committed; "wait" parks the request on
 * master->waiters until the job reaches the asked state.
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jobstate.h"
#include "log.h"
#include "master.h"
#include "proto.h"
#include "schedconf.h"
#include "shellwords.h"
#include "util.h"

struct control_op {
	const char *name;
	void (*fn)(struct master *, struct reqctx *, json_t *);
	bool admin_only;
};

static void control_submit(struct master *, struct reqctx *, json_t *);
static void control_jobs(struct master *, struct reqctx *, json_t *);
static void control_kill(struct master *, struct reqctx *, json_t *);
static void control_wait(struct master *, struct reqctx *, json_t *);
static void control_hosts(struct master *, struct reqctx *, json_t *);
static void control_queues(struct master *, struct reqctx *, json_t *);
static void control_info(struct master *, struct reqctx *, json_t *);

static const struct control_op control_ops[] = {
	{ "submit", control_submit, false },
	{ "submit_many", bulk_submit_many, false },
	{ "jobs", control_jobs, false },
	{ "history", history_op, false },
	{ "kill", control_kill, false },
	{ "stop", jobcmd_stop, false },
	{ "resume", jobcmd_resume, false },
	{ "requeue", jobcmd_requeue, false },
	{ "modify", jobmod_modify, false },
	{ "switch", jobcmd_switch, false },
	{ "move", jobmove_move, false },
	{ "depwait", jobcmd_depwait, false },
	{ "wait", control_wait, false },
	{ "hosts", control_hosts, false },
	{ "queues", control_queues, false },
	{ "info", control_info, false },
	{ "peek", peek_op, false },
	{ "admin", admin_op, false },		/* admin.c checks rq->admin */
	{ "ckconfig", reconfig_ckconfig_op, false },
	{ "reconfig", reconfig_op, false },
	{ "params", params_op, false },
	{ "showconf", showconf_op, false },
	{ "clusters", clusters_op, false },
	{ "stats", stats_op, false },		/* scheduler pass times (stats.c) */
};

void
reqctx_free(struct reqctx *rq)
{
	json_decref(rq->reqid);
	dep_free(rq->wait_dep);
	free(rq->user);
	free(rq->from_host);
	free(rq);
}

void
control_reply(struct master *m, struct reqctx *rq, bool ok, json_t *data,
    const char *code, const char *fmt, ...)
{
	json_t *rep = json_pack("{s:s, s:O, s:b}", "t", "rep", "id",
	    rq->reqid ? rq->reqid : json_null(), "ok", ok);
	va_list ap;

	if (ok)
		json_object_set_new(rep, "data", data ? data : json_object());
	else {
		char *msg;
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
		json_object_set_new(rep, "err", json_string(msg ? msg : "error"));
		json_object_set_new(rep, "code", json_string(code ? code : "rejected"));
		free(msg);
		json_decref(data);
	}
	if (rq->rid >= 0)
		rep = json_pack("{s:s, s:I, s:o}", "t", "relay_rep", "rid",
		    (json_int_t)rq->rid, "rep", rep);
	conn_send_after_commit(rq->conn, rep);
	reqctx_free(rq);
}

void
control_request(struct master *m, struct reqctx *rq, json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	json_t *args = json_object_get(req, "args");
	size_t i;

	rq->reqid = json_incref(json_object_get(req, "id"));
	if (args == NULL)
		args = json_object();
	else
		json_incref(args);
	for (i = 0; op != NULL && i < nitems(control_ops); i++) {
		if (strcmp(control_ops[i].name, op) != 0)
			continue;
		if (control_ops[i].admin_only && !rq->admin)
			control_reply(m, rq, false, NULL, "denied",
			    "Permission denied: only administrators may %s", op);
		else if (!json_is_object(args))
			control_reply(m, rq, false, NULL, "rejected", "%s: arguments must be an object", op);
		else
			control_ops[i].fn(m, rq, args);
		history_release(m);
		json_decref(args);
		return;
	}
	control_reply(m, rq, false, NULL, "rejected", "unknown operation '%s'",
	    op ? op : "(none)");
	json_decref(args);
}

void
control_handle(struct master *m, struct conn *c, json_t *msg)
{
	const char *t = proto_type(msg);
	struct reqctx *rq;
	struct passwd *pw;

	if (strcmp(t, "hello") == 0) {
		if (json_integer_value(json_object_get(msg, "v")) != PROTO_VERSION)
			conn_close(c, "command client speaks another protocol version");
		return;
	}
	if (strcmp(t, "req") != 0) {
		conn_close(c, "command client sent an unknown message type");
		return;
	}
	rq = xcalloc(1, sizeof(*rq));
	rq->conn = c;
	rq->rid = -1;
	rq->uid = conn_peer_uid(c);
	rq->gid = conn_peer_gid(c);
	pw = getpwuid((uid_t)rq->uid);
	rq->user = pw ? xstrdup(pw->pw_name) : xasprintf("%ld", rq->uid);
	rq->from_host = xstrdup(m->hostname);
	rq->admin = rq->uid == 0 || conf_is_admin(m->conf, rq->user);
	control_request(m, rq, msg);
}

void
control_conn_gone(struct master *m, struct conn *c)
{
	struct reqctx *rq, *next;

	for (rq = TAILQ_FIRST(&m->waiters); rq != NULL; rq = next) {
		next = TAILQ_NEXT(rq, entry);
		if (rq->conn != c)
			continue;
		TAILQ_REMOVE(&m->waiters, rq, entry);
		reqctx_free(rq);
	}
}

/* ---- submit ---- */

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long
control_new_id(struct master *m)
{
	long id = m->next_id > 0 ? m->next_id : 1;

	while (id > m->conf->max_jobid || job_find(m, id) != NULL)
		id = id > m->conf->max_jobid ? 1 : id + 1;
	m->next_id = id + 1;
	return id;
}

/*
 * The queue of a job: -q, else the submitter's LSB_DEFAULTQUEUE, else
 * DEFAULT_QUEUE; -q and LSB_DEFAULTQUEUE may list candidates ("q1 q2"),
 * every one of which must exist, and the job goes to the first that is
 * open and accepts it (user list, limits, requirements). Errors name the
 * first candidate's reason.
 */
static int
control_pick_queue(struct master *m, struct reqctx *rq, json_t *job,
    const char **queue, char *err, size_t errlen)
{
	const char *list = jstr(job, "queue") ? jstr(job, "queue") : jstr(job, "default_queue");
	char **words = NULL, e[512] = "";
	const struct conf_queue *q;
	int i, n, rc = -1;

	*queue = NULL;
	if (list == NULL)
		list = m->conf->default_queue;
	if ((n = shellwords_split(list, &words, NULL, 0)) <= 0) {
		shellwords_free(words);
		return errf(err, errlen, "%s: No such queue", list);
	}
	for (i = 0; i < n; i++)
		if (conf_queue(m->conf, words[i]) == NULL) {
			errf(err, errlen, "%s: No such queue", words[i]);
			goto out;
		}
	for (i = 0; i < n && rc < 0; i++) {
		q = conf_queue(m->conf, words[i]);
		if (admin_queue_closed(m, q->name))
			errf(e, sizeof(e), "%s: Queue has been closed", q->name);
		else if (jobreq_check(m, job, q->name, rq->user, e, sizeof(e)) == 0)
			rc = 0;
		if (rc == 0)
			*queue = q->name;
		else if (i == 0)
			errf(err, errlen, "%s", e);
	}
out:
	shellwords_free(words);
	return rc;
}

static int
control_check_submit(struct master *m, json_t *job, char *err, size_t errlen)
{
	const char *array = jstr(job, "array");
	const char *app = jstr(json_object_get(job, "opts"), "app");
	struct arrayspec arr;
	json_int_t n;

	if (jstr(job, "cmd") == NULL || *jstr(job, "cmd") == '\0')
		return errf(err, errlen, "No command is specified");
	if (app != NULL)	/* no lsb.applications: every profile is unknown */
		return errf(err, errlen, "%s: No such application profile", app);
	n = json_integer_value(json_object_get(job, "nslots"));
	if (json_object_get(job, "nslots") != NULL && (n < 1 || n > 100000))
		return errf(err, errlen, "Bad argument for option -n");
	if (array != NULL) {
		if (arrayspec_parse_list(array, m->conf->max_job_array_size, &arr, err,
		    errlen) < 0)
			return -1;
		arrayspec_free(&arr);
	}
	if (json_integer_value(json_object_get(job, "limit")) < 0)
		return errf(err, errlen, "Bad job array slot limit");
	return 0;
}

/*
 * Checks one SUBMIT object and records its submit event (not yet
 * committed). Returns the new id, or -1 with err; *queue is the queue.
 * bulk.c's submit_many calls it once per job of a pack.
 */
long
control_submit_job(struct master *m, struct reqctx *rq, json_t *job,
    const char **queue, char *err, size_t errlen)
{
	const char *dep;
	json_t *data;
	long id;

	*queue = NULL;
	if (!json_is_object(job))
		return errf(err, errlen, "no job given");
	if (control_check_submit(m, job, err, errlen) < 0 ||
	    control_pick_queue(m, rq, job, queue, err, errlen) < 0 ||	/* -R -M -m ... */
	    jobrlim_check(m->conf, job, err, errlen) < 0)	/* -c -v -C ... */
		return -1;
	if ((dep = jstr(job, "dep")) != NULL) {
		struct job tmp = { .user = rq->user };
		int rc;
		if ((tmp.dep = dep_parse(dep, err, errlen)) == NULL)
			return -1;
		rc = sched_dep_check(m, &tmp, rq->user, err, errlen);
		dep_free(tmp.dep);
		if (rc < 0)
			return -1;
	}
	data = json_copy(job);	/* shallow: the env is interned, not copied */
	json_object_set_new(data, "queue", json_string(*queue));
	json_object_set_new(data, "user", json_string(rq->user));
	json_object_set_new(data, "uid", json_integer(rq->uid));
	json_object_set_new(data, "gid", json_integer(rq->gid));
	json_object_set_new(data, "from_host", json_string(rq->from_host));
	if (jstr(data, "name") == NULL)
		json_object_set_new(data, "name", json_string(jstr(job, "cmd")));
	id = control_new_id(m);
	if (job_event(m, id, 0, "submit", data) < 0)
		return errf(err, errlen, "job could not be recorded");
	if (json_is_true(json_object_get(json_object_get(job, "opts"), "H")))
		job_event(m, id, -1, "stop", json_pack("{s:s}", "by", rq->user));	/* -H */
	log_info("job %ld submitted by %s to queue %s", id, rq->user, *queue);
	return id;
}

static void
control_submit(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *job = json_object_get(args, "job");
	const char *queue;
	char err[512];
	long id;

	if ((id = control_submit_job(m, rq, job, &queue, err, sizeof(err))) < 0)
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	control_reply(m, rq, true, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id,
	    "queue", queue, "default_queue", jstr(job, "queue") == NULL), NULL, NULL);
}

/* ---- job selection, shared by jobs and kill ---- */

static int
control_cmp_job(const void *a, const void *b)
{
	const struct job *x = *(struct job *const *)a, *y = *(struct job *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Every job, in id order; *n gets the count. */
static struct job **
control_all_jobs(struct master *m, size_t *n)
{
	struct job **v = xcalloc(m->njobs + 1, sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < m->jhash_size; i++) {
		struct job *j;
		for (j = m->jhash[i]; j != NULL; j = j->hnext)
			v[k++] = j;
	}
	qsort(v, k, sizeof(*v), control_cmp_job);
	*n = k;
	return v;
}

/* '*' matches any run of characters; nothing else is special. */
static bool
control_glob(const char *p, const char *s)
{
	if (*p == '\0')
		return *s == '\0';
	if (*p == '*')
		return control_glob(p + 1, s) || (*s != '\0' && control_glob(p, s + 1));
	return *p == *s && control_glob(p + 1, s + 1);
}

static int
control_state_mask(json_t *args)
{
	static const struct { const char *w; int mask; } words[] = {
		{ "pending", JS_PENDING }, { "running", JS_RUN | JS_UNKWN },
		{ "suspended", JS_SUSPENDED }, { "finished", JS_FINISHED },
		{ "done", JS_FINISHED },
	};
	json_t *states = json_object_get(args, "states"), *v;
	int mask = 0;
	size_t i, k;

	if (json_is_true(json_object_get(args, "all_states")))
		return ~0;
	json_array_foreach(states, i, v) {
		const char *w = json_string_value(v);
		if (w == NULL)
			continue;
		mask |= jobstate_parse(w);
		for (k = 0; k < nitems(words); k++)
			if (strcasecmp(words[k].w, w) == 0)
				mask |= words[k].mask;
	}
	return mask ? mask : JS_UNFINISHED;
}

struct control_filter {
	const char *user;	/* NULL = any */
	const struct schedconf *ugroups;	/* user is a UserGroup of these */
	const char *name;	/* pattern, [idx] already split off */
	long name_idx;		/* -1 = any */
	const char *queue, *host;
	int mask;
};

static bool
control_elem_hosted(struct job *j, long idx, const char *host)
{
	struct elem *e = job_elem(j, idx);
	int i;

	for (i = 0; e != NULL && e->hosts != NULL && i < e->nslots; i++)
		if (strcmp(e->hosts[i], host) == 0)
			return true;
	return false;
}

/* Whether any unfinished element of j runs on host (bkill -m). */
static bool
control_job_hosted(struct job *j, const char *host)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if (!(e->state & JS_FINISHED) && control_elem_hosted(j, e->idx, host))
				return true;
	}
	return false;
}

static bool
control_job_match(const struct control_filter *f, struct job *j)
{
	if (f->user && (f->ugroups != NULL ? !schedconf_ugroup_has(f->ugroups,
	    f->user, j->user) : strcmp(f->user, j->user) != 0))
		return false;
	if (f->queue && strcmp(f->queue, j->queue) != 0)
		return false;
	if (f->name && !control_glob(f->name, j->name))
		return false;
	if (f->name_idx >= 0 && (!job_is_array(j) || !arrayspec_has(&j->arr, f->name_idx)))
		return false;
	return true;
}

static bool
control_elem_match(const struct control_filter *f, struct job *j, long idx)
{
	int state = job_elem_state(j, idx, NULL);
	struct elem *e = job_elem(j, idx);

	if (e && (e->state & JS_RUN) && e->host && e->host->status == HOST_UNAVAIL)
		state = JS_UNKWN;
	if (!(state & f->mask))
		return false;
	if (f->name_idx >= 0 && idx != f->name_idx)
		return false;
	return f->host == NULL || control_elem_hosted(j, idx, f->host);
}

/* Calls fn for each index of j (in idxlist when given). */
static void
control_foreach_idx(struct job *j, const struct arrayspec *sel,
    void (*fn)(struct job *, long, void *), void *arg)
{
	long pos;

	if (!job_is_array(j)) {
		fn(j, 0, arg);
		return;
	}
	if (sel != NULL) {
		for (pos = 0; pos < sel->count; pos++) {
			long idx = arrayspec_at(sel, pos);
			if (arrayspec_has(&j->arr, idx))
				fn(j, idx, arg);
		}
		return;
	}
	for (pos = 0; pos < j->arr.count; pos++)
		fn(j, arrayspec_at(&j->arr, pos), arg);
}

/* Whether user is known: a local account, a user group, or a job owner. */
static bool
control_user_known(struct master *m, const char *user)
{
	struct job *j;
	size_t i;

	if (strcmp(user, "all") == 0 || schedconf_ugroup(m->conf->sched, user) != NULL ||
	    getpwnam(user) != NULL)
		return true;
	for (i = 0; i < m->jhash_size; i++)
		for (j = m->jhash[i]; j != NULL; j = j->hnext)
			if (strcmp(j->user, user) == 0)
				return true;
	return false;
}

/* -q and -u name something that exists; -1 with LSF's text if not. */
static int
control_filter_check(struct master *m, json_t *args, char *err, size_t errlen)
{
	const char *queue = jstr(args, "queue"), *user = jstr(args, "user");

	if (queue != NULL && conf_queue(m->conf, queue) == NULL)
		return errf(err, errlen, "%s: No such queue", queue);
	if (user != NULL && !control_user_known(m, user))
		return errf(err, errlen, "%s: No such user", user);
	return 0;
}

static void
control_filter_init(struct master *m, struct reqctx *rq, json_t *args,
    struct control_filter *f, char **namebuf)
{
	const char *user = jstr(args, "user"), *name = jstr(args, "name");
	char *br;

	memset(f, 0, sizeof(*f));
	f->user = user == NULL ? rq->user : strcmp(user, "all") == 0 ? NULL : user;
	if (f->user != NULL && schedconf_ugroup(m->conf->sched, f->user) != NULL)
		f->ugroups = m->conf->sched;
	f->name_idx = -1;
	f->queue = jstr(args, "queue");
	f->host = jstr(args, "host");
	f->mask = control_state_mask(args);
	*namebuf = NULL;
	if (name != NULL) {
		*namebuf = xstrdup(name);
		if ((br = strchr(*namebuf, '[')) != NULL && br[strlen(br) - 1] == ']') {
			f->name_idx = strtol(br + 1, NULL, 10);
			*br = '\0';
		}
		f->name = *namebuf;
	}
}

/* "Job <123> is not found" (bjobs), "Job <123>: No matching job found"
 * (the job control commands). */
static char *
control_notfound(const char *label, bool ctl)
{
	return ctl ? xasprintf("Job <%s>: No matching job found", label) :
	    xasprintf("Job <%s> is not found", label);
}

/*
 * Resolves an explicit selection {id, idx}: the job and, for "123[1-5]",
 * the index list. Returns NULL and a "missing" text when it names nothing,
 * worded for bjobs or, with ctl, for the job control commands.
 */
static struct job *
control_resolve_sel(struct master *m, json_t *sel, struct arrayspec *idx,
    bool *has_idx, bool ctl, char **missing)
{
	char *label;

	long id = (long)json_integer_value(json_object_get(sel, "id"));
	const char *list = jstr(sel, "idx");
	struct job *j = job_find(m, id);
	char err[256];
	long pos;

	if (j == NULL)
		j = history_job(m, id);	/* purged from memory, still on disk */
	*has_idx = false;
	*missing = NULL;
	if (j == NULL) {
		label = list ? xasprintf("%ld[%s]", id, list) : xasprintf("%ld", id);
		*missing = control_notfound(label, ctl);
		free(label);
		return NULL;
	}
	if (list == NULL)
		return j;
	if (!job_is_array(j)) {
		*missing = xasprintf("Job <%ld[%s]> is not a job array", id, list);
		return NULL;
	}
	if (arrayspec_parse_list(list, 2147483646L, idx, err, sizeof(err)) < 0) {
		*missing = xasprintf("Job <%ld[%s]>: %s", id, list, err);
		return NULL;
	}
	for (pos = 0; pos < idx->count; pos++)
		if (arrayspec_has(&j->arr, arrayspec_at(idx, pos)))
			break;
	if (pos == idx->count) {
		label = xasprintf("%ld[%s]", id, list);
		*missing = control_notfound(label, ctl);
		free(label);
		arrayspec_free(idx);
		return NULL;
	}
	*has_idx = true;
	return j;
}

/*
 * The runs of sel's indices that j lacks, as labels "6[9]", "6[9-12]",
 * "6[9-15:3]" (one per run, so a wide list costs a few lines, not one a
 * missing index).
 */
static json_t *
control_missing_elems(struct job *j, const struct arrayspec *sel)
{
	json_t *out = json_array();
	const struct arr_range *r;
	long idx, first;
	size_t k;

	for (k = 0; k < sel->nr; k++) {
		r = &sel->r[k];
		for (idx = r->start, first = -1; idx <= r->end + r->step; idx += r->step) {
			bool gone = idx <= r->end && !arrayspec_has(&j->arr, idx);
			if (gone && first < 0)
				first = idx;
			if (gone || first < 0)
				continue;
			if (first == idx - r->step)
				json_array_append_new(out, json_sprintf("%ld[%ld]", j->id, first));
			else if (r->step == 1)
				json_array_append_new(out, json_sprintf("%ld[%ld-%ld]", j->id,
				    first, idx - 1));
			else
				json_array_append_new(out, json_sprintf("%ld[%ld-%ld:%ld]", j->id,
				    first, idx - r->step, r->step));
			first = -1;
		}
	}
	return out;
}

/* Appends "Job <label> is not found" (or the ctl wording) for each label. */
static void
control_missing_add(json_t *missing, json_t *labels, bool ctl)
{
	const json_t *l;
	size_t i;
	char *text;

	json_array_foreach(labels, i, l) {
		text = control_notfound(json_string_value(l), ctl);
		json_array_append_new(missing, json_string(text));
		free(text);
	}
	json_decref(labels);
}

/* ---- jobs ---- */

struct control_jobs_ctx {
	struct master *m;
	const struct control_filter *f;
	json_t *out;
};

static void
control_jobs_one(struct job *j, long idx, void *arg)
{
	struct control_jobs_ctx *x = arg;

	if (control_elem_match(x->f, j, idx))
		json_array_append_new(x->out, job_record(x->m, j, idx));
}

static void
control_jobs(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *ids = json_object_get(args, "ids"), *sel, *missing = json_array();
	struct control_jobs_ctx x = { m, NULL, json_array() };
	struct control_filter f;
	char *namebuf, err[256];
	size_t i, n;

	if (control_filter_check(m, args, err, sizeof(err)) < 0) {
		json_decref(missing);
		json_decref(x.out);
		return control_reply(m, rq, false, NULL, "rejected", "%s", err);
	}
	control_filter_init(m, rq, args, &f, &namebuf);
	x.f = &f;
	if (json_array_size(ids) > 0) {
		f.mask = ~0;
		f.user = NULL;
		json_array_foreach(ids, i, sel) {
			struct arrayspec idx;
			bool has_idx;
			char *miss;
			struct job *j = control_resolve_sel(m, sel, &idx, &has_idx, false,
			    &miss);

			if (j == NULL) {
				json_array_append_new(missing, json_string(miss));
				free(miss);
				continue;
			}
			control_foreach_idx(j, has_idx ? &idx : NULL, control_jobs_one, &x);
			if (has_idx) {
				control_missing_add(missing, control_missing_elems(j, &idx), false);
				arrayspec_free(&idx);
			}
		}
	} else {
		struct job **all = control_all_jobs(m, &n);
		for (i = 0; i < n; i++)
			if (control_job_match(&f, all[i]))
				control_foreach_idx(all[i], NULL, control_jobs_one, &x);
		free(all);
	}
	free(namebuf);
	control_reply(m, rq, true, json_pack("{s:o, s:o}", "jobs", x.out, "missing",
	    missing), NULL, NULL);
}

/* ---- kill, and the selection every job control op shares ---- */

bool
control_may_act(struct reqctx *rq, struct job *j)
{
	return rq->admin || strcmp(rq->user, j->user) == 0;
}

static const char *
control_kill_reason(struct reqctx *rq, struct job *j)
{
	return strcmp(rq->user, j->user) == 0 ? "TERM_OWNER: job killed by owner" :
	    "TERM_ADMIN: job killed by root or LSF administrator";
}

static void
control_signal_running(struct master *m, struct job *j, long idx, const char *sig,
    bool kill)
{
	size_t i;

	for (i = 0; i < j->ehash_size; i++) {
		struct elem *e;
		for (e = j->ehash[i]; e != NULL; e = e->hnext)
			if ((idx < 0 || e->idx == idx) && (e->state & (JS_RUN |
			    JS_SSUSP | JS_USUSP | JS_UNKWN)))
				agent_send_signal(m, e, sig, kill);
	}
}

/* bkill's options: -s sig, -d (record DONE), -r (forget now). */
struct control_kill_opts {
	const char *sig;
	bool done, forget;
};

static void
control_kill_event(struct master *m, struct reqctx *rq, struct job *j, long idx,
    const struct control_kill_opts *ko)
{
	json_t *data = json_pack("{s:s, s:s}", "reason", control_kill_reason(rq, j),
	    "by", rq->user);

	if (ko->forget)
		json_object_set_new(data, "forget", json_true());
	else if (ko->done)
		json_object_set_new(data, "done", json_true());
	/* signals first: -r ends the elements, and they lose their host */
	control_signal_running(m, j, idx, "KILL", true);
	job_event(m, j->id, idx, "kill", data);
}

static bool
control_kill_unit(struct master *m, struct reqctx *rq, struct job *j, long idx,
    void *arg, char **msg)
{
	const struct control_kill_opts *ko = arg;
	char *label = idx < 0 ? xasprintf("%ld", j->id) : xasprintf("%ld[%ld]", j->id, idx);
	int state = idx < 0 ? 0 : job_elem_state(j, idx, NULL);
	bool ok = false;

	if (ko->sig != NULL && (strcmp(ko->sig, "STOP") == 0 ||
	    strcmp(ko->sig, "CONT") == 0)) {
		/* as bstop/bresume, but worded as LSF's bkill -s words it */
		ok = (strcmp(ko->sig, "STOP") == 0 ? jobcmd_stop_unit :
		    jobcmd_resume_unit)(m, rq, j, idx, NULL, msg);
		if (ok) {
			free(*msg);
			*msg = xasprintf("Job <%s> is being signaled", label);
		}
	} else if (!control_may_act(rq, j))
		*msg = xasprintf("Job <%s>: User permission denied", label);
	else if (idx < 0 ? job_finished(j) : (state & JS_FINISHED) != 0)
		*msg = xasprintf("Job <%s>: Job has already finished", label);
	else if (ko->sig != NULL) {
		control_signal_running(m, j, idx, ko->sig, false);
		*msg = xasprintf("Job <%s> is being signaled", label);
		ok = true;
	} else {
		control_kill_event(m, rq, j, idx, ko);
		*msg = xasprintf("Job <%s> is being terminated", label);
		ok = true;
	}
	free(label);
	return ok;
}

static void
control_kill_result(json_t *results, const char *job, bool ok, char *msg)
{
	json_array_append_new(results, json_pack("{s:s, s:b, s:s}", "job", job, "ok",
	    ok, "msg", msg));
	free(msg);
}

static void
control_select_sel(struct master *m, struct reqctx *rq, json_t *sel,
    control_unit_fn fn, void *arg, json_t *results)
{
	struct arrayspec idx;
	bool has_idx, ok;
	char *msg, *label;
	struct job *j = control_resolve_sel(m, sel, &idx, &has_idx, true, &msg);
	json_t *gone, *g;
	size_t k;
	long pos;

	if (j == NULL) {
		label = xasprintf("%lld", (long long)json_integer_value(json_object_get(sel, "id")));
		control_kill_result(results, label, false, msg);
		free(label);
		return;
	}
	if (!has_idx) {
		label = xasprintf("%ld", j->id);
		ok = fn(m, rq, j, -1, arg, &msg);
		control_kill_result(results, label, ok, msg);
		free(label);
		return;
	}
	for (pos = 0; pos < idx.count; pos++) {
		long i = arrayspec_at(&idx, pos);
		if (!arrayspec_has(&j->arr, i))
			continue;
		label = xasprintf("%ld[%ld]", j->id, i);
		ok = fn(m, rq, j, i, arg, &msg);
		control_kill_result(results, label, ok, msg);
		free(label);
	}
	gone = control_missing_elems(j, &idx);
	json_array_foreach(gone, k, g)
		control_kill_result(results, json_string_value(g), false,
		    control_notfound(json_string_value(g), true));
	json_decref(gone);
	arrayspec_free(&idx);
}

static void
control_select_filtered(struct master *m, struct reqctx *rq, json_t *args,
    control_unit_fn fn, void *arg, json_t *results)
{
	bool all = json_is_true(json_object_get(args, "all")), ok;
	struct control_filter f;
	struct job **v, *last = NULL;
	char *namebuf, *msg, *label, err[256];
	size_t i, n;

	if (control_filter_check(m, args, err, sizeof(err)) < 0) {
		control_kill_result(results, "", false, xstrdup(err));
		return;
	}
	control_filter_init(m, rq, args, &f, &namebuf);
	v = control_all_jobs(m, &n);
	for (i = 0; i < n; i++) {
		if (!control_job_match(&f, v[i]) || job_finished(v[i]) ||
		    (f.host != NULL && !control_job_hosted(v[i], f.host)))
			continue;
		if (!all) {
			last = v[i];
			continue;
		}
		label = xasprintf("%ld", v[i]->id);
		ok = fn(m, rq, v[i], f.name_idx, arg, &msg);	/* before msg is read */
		control_kill_result(results, label, ok, msg);
		free(label);
	}
	if (!all && last != NULL) {
		label = xasprintf("%ld", last->id);
		ok = fn(m, rq, last, f.name_idx, arg, &msg);
		control_kill_result(results, label, ok, msg);
		free(label);
	}
	if (json_array_size(results) == 0)
		control_kill_result(results, "", false, xstrdup("No matching job found"));
	free(v);
	free(namebuf);
}

json_t *
control_select(struct master *m, struct reqctx *rq, json_t *args,
    control_unit_fn fn, void *arg)
{
	json_t *ids = json_object_get(args, "ids"), *sel, *results = json_array();
	size_t i;

	if (json_array_size(ids) > 0) {
		json_array_foreach(ids, i, sel)
			control_select_sel(m, rq, sel, fn, arg, results);
	} else
		control_select_filtered(m, rq, args, fn, arg, results);
	return results;
}

static void
control_kill(struct master *m, struct reqctx *rq, json_t *args)
{
	struct control_kill_opts ko = { jstr(args, "sig"),
	    json_is_true(json_object_get(args, "done")),
	    json_is_true(json_object_get(args, "forget")) };

	control_reply(m, rq, true, json_pack("{s:o}", "results",
	    control_select(m, rq, args, control_kill_unit, &ko)), NULL, NULL);
}

/* ---- wait ---- */

static bool
control_wait_done(struct job *j, bool until_end)
{
	if (until_end)
		return job_finished(j);
	return j->nrun + j->ndone + j->nexit > 0;
}

static long
control_first_idx(struct job *j)
{
	size_t i;

	if (!job_is_array(j))
		return 0;
	for (i = 0; i < j->ehash_size; i++)
		if (j->ehash[i] != NULL)
			return j->ehash[i]->idx;
	return arrayspec_at(&j->arr, 0);
}

static void
control_wait_answer(struct master *m, struct reqctx *rq, struct job *j)
{
	json_t *rec = job_record(m, j, control_first_idx(j));

	json_object_set_new(rec, "ndone", json_integer(j->ndone));
	json_object_set_new(rec, "nexit", json_integer(j->nexit));
	json_object_set_new(rec, "count", json_integer(j->count));
	control_reply(m, rq, true, json_pack("{s:o}", "job", rec), NULL, NULL);
}

static void
control_wait(struct master *m, struct reqctx *rq, json_t *args)
{
	long id = (long)json_integer_value(json_object_get(args, "id"));
	const char *until = jstr(args, "until");
	struct job *j = job_find(m, id);

	if (j == NULL)
		return control_reply(m, rq, false, NULL, "notfound", "Job <%ld> is not found", id);
	rq->wait_id = id;
	rq->wait_end = until == NULL || strcmp(until, "end") == 0;
	if (control_wait_done(j, rq->wait_end))
		return control_wait_answer(m, rq, j);
	TAILQ_INSERT_TAIL(&m->waiters, rq, entry);
}

void
control_wake_waiters(struct master *m, struct job *j)
{
	struct reqctx *rq, *next;

	for (rq = TAILQ_FIRST(&m->waiters); rq != NULL; rq = next) {
		next = TAILQ_NEXT(rq, entry);
		if (rq->wait_dep != NULL) {
			jobcmd_depwait_poll(m, rq);	/* bwait -w */
			continue;
		}
		if (j == NULL || rq->wait_id != j->id ||
		    !control_wait_done(j, rq->wait_end))
			continue;
		TAILQ_REMOVE(&m->waiters, rq, entry);
		control_wait_answer(m, rq, j);
	}
}

/* ---- hosts, queues, info ---- */

static void
control_hosts(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *hosts = json_array();
	struct host *h;

	TAILQ_FOREACH(h, &m->hosts, entry)
		json_array_append_new(hosts, host_record(m, h));
	control_reply(m, rq, true, json_pack("{s:o}", "hosts", hosts), NULL, NULL);
}

static json_t *
control_limit(int v)
{
	return v < 0 ? json_string("-") : json_integer(v);
}

static void
control_queues(struct master *m, struct reqctx *rq, json_t *args)
{
	json_t *queues = json_array();
	size_t qi, i, n;
	struct job **all = control_all_jobs(m, &n);

	for (qi = 0; qi < m->conf->nqueues; qi++) {
		const struct conf_queue *q = &m->conf->queues[qi];
		long pend = 0, run = 0;

		for (i = 0; i < n; i++) {
			if (strcmp(all[i]->queue, q->name) != 0)
				continue;
			pend += job_pending_count(all[i]) * all[i]->nslots;
			run += all[i]->nrun * all[i]->nslots;
		}
		json_array_append_new(queues, json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, "
		    "s:o, s:I, s:I, s:I, s:i}", "name", q->name, "priority", q->priority,
		    "status", "Open:Active", "max", control_limit(q->qjob_limit),
		    "jl_u", control_limit(q->ujob_limit), "jl_p", control_limit(q->pjob_limit),
		    "jl_h", control_limit(q->hjob_limit), "njobs", (json_int_t)(pend + run),
		    "pend", (json_int_t)pend, "run", (json_int_t)run, "susp", 0));
		if (q->description)
			json_object_set_new(json_array_get(queues, json_array_size(queues) - 1),
			    "description", json_string(q->description));
		admin_queue_decorate(m, q, json_array_get(queues, json_array_size(queues) - 1));
	}
	free(all);
	control_reply(m, rq, true, json_pack("{s:o, s:s}", "queues", queues,
	    "default_queue", m->conf->default_queue), NULL, NULL);
}

static void
control_info(struct master *m, struct reqctx *rq, json_t *args)
{
	control_reply(m, rq, true, json_pack("{s:s, s:s, s:s, s:s}", "cluster",
	    m->conf->cluster, "master", m->hostname, "version", PUMICE_VERSION,
	    "user", rq->user), NULL, NULL);
}
