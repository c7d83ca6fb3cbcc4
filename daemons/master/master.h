/*
 * master.h - the master's context and the types its modules share.
 *
 * One struct master holds everything (no globals): the configuration, the
 * libevent base, the sqlite store, the job and host tables. Jobs change only
 * through events (job_apply), live and at start-up replay alike. Anything a
 * peer may act on (a reply, a run order, a finish ack) is sent only after
 * the transaction holding its events commits (conn_send_after_commit).
 */
#ifndef PUMICE_MASTER_H
#define PUMICE_MASTER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <jansson.h>

#include "arrayspec.h"
#include "auth.h"
#include "conf.h"
#include "depexpr.h"
#include "hostfault.h"
#include "strmap.h"

struct event_base;
struct event;
struct bufferevent;
struct evconnlistener;
struct store;
struct conn;
struct host;
struct job;
struct peekreq;
struct jobreq;
struct sched_state;
struct stats;
struct envent;
struct envtab;
struct queryq;
struct acct;
struct flows;

#define JOB_NSTATE 7	/* stored element states: JS_PEND (bit 0) .. JS_DONE (bit 6) */

/*
 * What few elements have, apart so that the others pay one pointer for
 * all of it (jobresult.c): made on first use, freed with the element.
 */
struct elem_extra {
	char *cwd;		/* where it ran when not where asked, or NULL */
	char *result;		/* its outcome record, compact JSON text */
	char *result_error;	/* why the outcome file was refused */
	long ntasks;		/* blaunch tasks started (the last one's number) */
	double task_cpu;	/* cpu seconds of the tasks that ended */
	long task_maxrss;	/* KB, the largest of theirs */
};

/* One runnable unit: a plain job (idx 0) or an array element. */
struct elem {
	struct job *job;
	long idx;
	int state;		/* JS_* */
	int nslots;
	long start_time, finish_time;
	int exit_code, signal;
	char *reason;		/* exit reason text, or NULL */
	char *kill_reason;	/* set when a kill was asked while running */
	struct elem_extra *x;	/* cwd, result (jobresult.c), or NULL */
	char **hosts;		/* one per slot */
	struct host *host;	/* first execution host while running */
	double cpu;
	long maxrss;
	long mem;		/* KB now (agent samples while running; not recorded) */
	int nproc;
	int attempt;		/* dispatches so far: the fencing token of the
				   copy that runs (start event "attempt") */
	long usage_time;	/* when the last sample came, 0: none */
	int requeue;		/* brequeue of a running element: JS_PEND or
				   JS_PSUSP to return to when its end comes */
	bool kill_done;		/* bkill -d: record DONE when it ends */
	json_t *alloc;		/* consumables held while running (consum.h) */
	TAILQ_ENTRY(elem) host_entry;	/* on host->running */
	struct elem *hnext;	/* job's element hash chain */
};
TAILQ_HEAD(elem_list, elem);

struct job {
	long id;
	char *name;		/* without [...] */
	const char *user;	/* user, queue, from_host: interned (jobspec_str) */
	long uid, gid;
	const char *queue;
	const char *from_host;
	long submit_time;
	char *spec_enc;		/* the submit event's data without its
				   environment, compact (jobspec.c) */
	struct envent *env;	/* interned environment, or NULL (envtab.c) */
	struct arrayspec arr;	/* arr.nr == 0: not an array */
	struct dep_node *dep;
	/* elements: hash by idx; arrays create them only when they start */
	struct elem **ehash;
	size_t ehash_size, nelem;
	struct elem *ehash1;	/* ehash of a plain job: its one bucket */
	long next_pos;		/* arrays: next position in arr to dispatch */
	/* the small members together: no padding between them (a million
	   pending jobs) */
	int nslots;
	bool on_pending;	/* on master->pending */
	bool pend_killed;	/* arrays: every not-started element ended */
	bool pend_held;		/* arrays: not-started elements without a record
				   are PSUSP (bstop/bsub -H on the whole array) */
	bool spec_slab;		/* spec_enc is jobslab's, else malloc's */
	bool has_msgs;		/* a bpost was recorded: bjobs -l reads the store */
	/*
	 * Dispatch order within a queue (btop/bbot, jobctl.c): the scheduler
	 * sorts pending jobs by queue priority, then by order, then by id.
	 * Defaults to the id; btop makes it smaller than every other pending
	 * job's of the queue, bbot larger; a middle position renumbers.
	 */
	long order;
	char *pend_kill_reason;
	long pend_kill_time;
	/* counters over all indices (int: an array has at most
	   MAX_JOB_ARRAY_SIZE elements, and every job pays for them) */
	int count, nrun, ndone, nexit;
	/* elements with a record, by state (bit position of JS_PEND .. JS_DONE;
	   elem_set_state keeps them); job_nstate adds the unstarted ones */
	int nstate[JOB_NSTATE];
	const char *pend_reason;	/* set by the scheduler */
	char *pend_detail;
	struct jobreq *req;	/* parsed requirements (jobreq.c), on first use */
	long begin_time, term_time;	/* bsub -b, -t (epoch, 0 none; jobtime.c) */
	long term_warned;	/* -t: when SIGUSR2 went (0 not yet; memory only) */
	TAILQ_ENTRY(job) pend_entry;	/* on master->pending while any pend */
	TAILQ_ENTRY(job) id_entry;	/* on master->byid */
	struct job *hnext;	/* id hash chain */
};
TAILQ_HEAD(job_list, job);

enum host_status { HOST_UNAVAIL, HOST_OK, HOST_CLOSED };

struct host {
	char *name;
	struct conn *conn;	/* NULL while unreachable */
	enum host_status status;
	int ncpus, maxslots, used;
	long mem_total, mem_free, swap_total, swap_free;
	double load[3], ut;
	double pg, io, it;	/* load indices (lsload), agent heartbeats */
	int ls;
	long tmp_free, tmp_total;	/* KB in /tmp */
	char *arch, *model, *version;
	uint64_t last_hb;
	bool adm_closed;	/* badmin hclose: no new jobs (admin.c) */
	bool excl;		/* an exclusive job runs (set by each sched pass) */
	int rsv;		/* free slots held for pending jobs (each pass) */
	char *adm_comment;	/* hclose -C text, or NULL */
	uint64_t lost_ms;	/* monotonic ms since its agent is away; 0 linked */
	struct hostfault fault;	/* closed_Fault: starts refused (hostfault.h) */
	int ngpus;		/* GPUs its agent detected (consum.h) */
	struct elem_list running;
	TAILQ_ENTRY(host) entry;
};
TAILQ_HEAD(host_list, host);

/* One recorded event, as applied (event.c's table names the function). */
struct jevent {
	long id, idx;		/* idx -1: the whole job */
	const char *type;
	long when;
	json_t *data;		/* NULL for a submit replayed from its text */
	const char *text;	/* replayed: the event as stored, else NULL */
	char **text_own;	/* replayed: text's block, a submit keeps it */
};
#define JEVENT_FN(name) int name(struct master *m, struct job *j, \
    const struct jevent *ev, char *err, size_t errlen)

struct evbuffer;

/* A request from a command, local or relayed through an agent. */
struct reqctx {
	struct conn *conn;
	long rid;		/* relay id, or -1 for a local client */
	json_t *reqid;
	long uid, gid;
	char *user;
	char *from_host;
	bool admin;
	bool now;		/* answered at once: the store is degraded */
	TAILQ_ENTRY(reqctx) entry;	/* on master->waiters */
	long wait_id;
	bool wait_end;
	struct dep_node *wait_dep;	/* bwait -w: parked until true (jobcmd.c) */
	/* Not a connection's: the reply goes here (http.c), at once. data
	 * or text (one of them, stolen) when ok, else code and err. */
	void (*reply_fn)(void *arg, bool ok, json_t *data, struct evbuffer *text,
	    const char *code, const char *err);
	void *reply_arg;
};
TAILQ_HEAD(req_list, reqctx);

struct master {
	struct conf *conf;
	char *envdir;
	char *hostname;
	struct auth_key key;
	struct event_base *base;
	struct store *store;
	struct acct *acct;	/* lsb.acct writer (acct.c), NULL until used */
	struct acct *events;	/* lsb.events writer (acct.c, lsbevents.c) */
	struct evconnlistener *tcp_listener;
	struct event *unix_ev;	/* the command socket's accept (loop.c) */
	int cmd_epfd;		/* command sockets, for loop_cmd_waiting; valid
				   only with unix_ev */
	struct event *commit_ev, *sched_ev, *tick_ev, *sig_ev[3];
	struct event *query_ev;		/* serves queued listing pages (queryq.c) */
	struct queryq *queryq;
	TAILQ_HEAD(, conn) conns;
	TAILQ_HEAD(, conn) dirty;	/* conns with output held until commit */
	struct host_list hosts;
	struct strmap host_names;	/* name -> host (p), host.c */
	struct job **jhash;
	size_t jhash_size, njobs;
	struct job_list byid;		/* every job in memory, by id (a query
					   resumes after an id: query.c) */
	struct job_list pending;	/* jobs with pending elements, by id, but
					   those waiting for their -b time */
	long *timed;		/* ids of jobs with -b or -t (jobtime.c) */
	size_t ntimed, timed_cap;
	struct req_list waiters;
	TAILQ_HEAD(, peekreq) peeks;	/* bpeek requests sent to agents (peek.c) */
	long next_peek;
	long next_id;
	bool replaying;
	long replayed;		/* events replayed at start-up */
	bool sched_wanted;
	bool sched_due;		/* the wanted pass is due now, not deferred (loop.c) */
	struct sched_state *sched;	/* kept between passes (sched.h) */
	struct consum *consum;	/* consumables running jobs hold (consum.h) */
	struct stats *stats;	/* scheduler pass times (stats.c) */
	struct watch *watch;	/* the event stream (watch.c) */
	struct http *http;	/* the HTTP server, or NULL (http.c) */
	json_t *tokens;		/* HTTP tokens: SHA-256 hex -> {user, time} (token.c) */
	json_t *qadmin;		/* admin.c: queue name -> closed/inactive bits */
	struct master *hist;	/* scratch for history jobs of one request */
	const struct conn_ops *conn_ops;	/* by enum conn_kind (loop.c) */
	struct envtab *envs;	/* interned environments (envtab.c) */
	json_t *spec_memo;	/* the spec last decoded for a record, */
	char *spec_memo_text;	/* and its text (jobspec_view) */
	struct flows *flows;	/* workflows (flow.c), NULL until the first */
	bool restart;		/* badmin mbdrestart: main() re-executes the master */
};

/* loop.c: event priorities, most urgent first (loop.c says why) */
enum { LOOP_PRIO_CMD, LOOP_PRIO_WORK, LOOP_NPRIO };
int loop_init(struct master *m, char *err, size_t errlen);
void loop_run(struct master *m);
void loop_free(struct master *m);
void loop_drain(struct master *m);
void loop_want_commit(struct master *m);
void loop_want_commit_soon(struct master *m);	/* a command waits for it */
void loop_want_sched(struct master *m);
void loop_want_query(struct master *m);
void loop_want_sched_in(struct master *m, uint64_t us);	/* not before */
/* A command waits: to be accepted, or read (a scheduling slice yields). */
bool loop_cmd_waiting(struct master *m);
void loop_exit_soon(struct master *m);	/* ends loop_run once replies went out */
/* Watches a command connection for loop_cmd_waiting. */
void loop_cmd_watch(struct master *m, int fd);

/* conn.c */
enum conn_kind { CONN_AGENT, CONN_CLI };
/* What the layers above do with a connection of one kind. */
struct conn_ops {
	void (*on_msg)(struct master *m, struct conn *c, json_t *msg);
	void (*on_gone)(struct master *m, struct conn *c);	/* once, at close */
};
struct conn *conn_new(struct master *m, int fd, enum conn_kind kind, long peer_uid,
    long peer_gid);
void conn_send(struct conn *c, json_t *msg);		/* steals msg */
void conn_send_after_commit(struct conn *c, json_t *msg);	/* steals msg */
/* The same for a message already written as JSON text; head (the same
 * message without its data) makes the error if text is over the limit.
 * Steals both. */
struct evbuffer;
void conn_reply_text(struct conn *c, json_t *head, struct evbuffer *text,
    bool now, bool unordered);
/* A reply: held for the commit, or at once when `now` (conn.c). */
void conn_reply(struct conn *c, json_t *msg, bool now, bool unordered);	/* steals msg */
void conn_close(struct conn *c, const char *why);
void conn_flush_held(struct master *m);
struct host *conn_host(struct conn *c);
void conn_set_host(struct conn *c, struct host *h);
void conn_free_all(struct master *m);
void conn_close_after_write(struct conn *c);
long conn_peer_uid(struct conn *c);
long conn_peer_gid(struct conn *c);
/* Bytes of output not yet written to the peer (held ones too). */
size_t conn_out_len(struct conn *c);
void **conn_agent_state(struct conn *c);
struct sockaddr;
void conn_set_peer(struct conn *c, const struct sockaddr *sa);	/* for logs */
const char *conn_peer(const struct conn *c);	/* "addr:port", "local" */
void conn_set_authed(struct conn *c);	/* the peer proved the cluster key */
/* Whether a new agent-port peer is within the unauthenticated bounds. */
bool conn_admit(struct master *m, const struct sockaddr *sa);

/* memtrim.c: freed heap back to the system after big work. */
bool memtrim_worth(size_t len);	/* a frame of len bytes: trim after it */
void memtrim_now(void);
void memtrim_after_frame(size_t len);

/* agentlink.c */
/* Seconds without a message after which an agent's link is dropped
 * (three heartbeats and ten seconds); rerunnable jobs wait as long. */
int agent_link_timeout(const struct conf *c);
void agent_handle(struct master *m, struct conn *c, json_t *msg);
void agent_lost(struct master *m, struct conn *c);
bool agent_authed(struct conn *c);
void agent_send_run(struct master *m, struct elem *e);
/* The element's specification as its run order carries it (new reference). */
json_t *agent_jobspec(struct master *m, struct elem *e);
void agent_send_signal(struct master *m, struct elem *e, const char *sig, bool kill);

/* control.c: the op table and its dispatch. */
void control_handle(struct master *m, struct conn *c, json_t *msg);
void control_request(struct master *m, struct reqctx *rq, json_t *req);
void control_reply(struct master *m, struct reqctx *rq, bool ok, json_t *data,
    const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same (ok) for data already written as JSON text: sent as is. */
void control_reply_text(struct master *m, struct reqctx *rq,
    struct evbuffer *data);
/* A page of the row encoding (rowtext.h): data with "rows", the byte
 * count of the rows sent raw after the frame's JSON; to a relayed request
 * (the agent passes JSON only), the rows as a JSON string. Takes both. */
void control_reply_rows(struct master *m, struct reqctx *rq, json_t *data,
    struct evbuffer *rows);
void reqctx_free(struct reqctx *rq);

/* submit.c: op submit. */
void submit_op(struct master *m, struct reqctx *rq, json_t *args);
long control_submit_job(struct master *m, struct reqctx *rq, json_t *job,
    const char **queue, char *err, size_t errlen);
/* The two halves of control_submit_job: check (the event's data, or NULL
 * with err), then record under a fresh id (data taken; -1 with err). */
json_t *submit_prepare(struct master *m, struct reqctx *rq, json_t *job,
    const char **queue, char *err, size_t errlen);
long submit_record(struct master *m, struct reqctx *rq, json_t *data,
    const char *queue, char *err, size_t errlen);

/* jobsel.c: selection shared by queries and job control (jobsel.h). */
bool control_may_act(struct reqctx *rq, struct job *j);
/* A job control action on one job (idx -1) or element; *msg its result line. */
typedef bool (*control_unit_fn)(struct master *m, struct reqctx *rq, struct job *j,
    long idx, void *arg, char **msg);
/* Runs fn on the jobs args select (ids, or the 0/-J/-u/-q/-m filters);
 * returns the results array [{job, ok, msg}]. */
json_t *control_select(struct master *m, struct reqctx *rq, json_t *args,
    control_unit_fn fn, void *arg);

/* query.c: ops jobs, hosts, queues, info. */
void query_jobs_op(struct master *m, struct reqctx *rq, json_t *args);
void query_jobs(struct master *m, struct reqctx *rq, json_t *args);	/* a page */
void query_hosts(struct master *m, struct reqctx *rq, json_t *args);
void query_queues(struct master *m, struct reqctx *rq, json_t *args);
void query_info(struct master *m, struct reqctx *rq, json_t *args);

/* queryq.c: listing pages queued per user, served round-robin. */
typedef void (*queryq_fn)(struct master *m, struct reqctx *rq, json_t *args);
/* Queues fn's request behind the user's others (answers "busy" past
 * PUMICE_QUERY_PER_USER); runs it at once without a loop (tests). */
void queryq_add(struct master *m, struct reqctx *rq, json_t *args, queryq_fn fn);
void queryq_turn(struct master *m);
/* Listing pages wait in the queue (a scheduling slice then yields). */
bool queryq_waiting(const struct master *m);
void queryq_conn_gone(struct master *m, struct conn *c);
void queryq_free(struct master *m);

/* killcmd.c: op kill (bkill). */
void killcmd_op(struct master *m, struct reqctx *rq, json_t *args);

/* wait.c: op wait, parked on master->waiters. */
void wait_op(struct master *m, struct reqctx *rq, json_t *args);
void control_wake_waiters(struct master *m, struct job *j);
void control_conn_gone(struct master *m, struct conn *c);

/* peek.c: bpeek, relayed to the agent that runs the job. */
void peek_op(struct master *m, struct reqctx *rq, json_t *args);
void peek_on_reply(struct master *m, struct conn *c, json_t *msg);
void peek_conn_gone(struct master *m, struct conn *c);
/* Sends order (stolen; pid, id, idx added) to the agent of e; its
 * reply (peek_rep, io_rep) answers rq through peek_on_reply. */
void peek_forward(struct master *m, struct reqctx *rq, struct elem *e,
    struct conn *agent, json_t *order);
/* jobio.c: interactive jobs' I/O (bsub -I), relayed like bpeek. */
void jobio_op(struct master *m, struct reqctx *rq, json_t *args);

/* blaunch.c: tasks of a running job on the hosts of its allocation. */
void blaunch_jobspec(struct master *m, struct elem *e, json_t *spec);
void blaunch_op(struct master *m, struct reqctx *rq, json_t *args);
void blaunch_io(struct master *m, struct reqctx *rq, json_t *args);
void blaunch_signal(struct master *m, struct elem *e, const char *sig, bool kill);
void blaunch_job_ended(struct master *m, struct elem *e);
void blaunch_on_task_done(struct master *m, struct conn *c, json_t *msg);
void blaunch_charge(const struct elem *e, json_t *finish);
void jobio_jobspec(json_t *spec);
/* lsb.queues INTERACTIVE = YES | NO | ONLY for a SUBMIT: 0 or -1 with err. */
int jobio_queue_check(const struct conf_queue *q, const json_t *job, char *err,
    size_t errlen);

/* bulk.c */
void bulk_submit_many(struct master *m, struct reqctx *rq, json_t *args);

/* job.c */
/* The job table's hash sized for n jobs (replay sizes it once, from an
 * upper bound, and fits it to the jobs found after). */
void job_table_resize(struct master *m, size_t n);
struct job *job_find(struct master *m, long id);
struct elem *job_elem(struct job *j, long idx);
struct elem *job_elem_get(struct job *j, long idx);	/* creates pending record */
int job_elem_state(struct job *j, long idx, const char **reason);
/* Every change of a stored element's state goes through here (counters). */
void elem_set_state(struct elem *e, int state);
/* How many elements of j are in a state of mask (JS_* bits), records and
 * unstarted array elements alike; O(1) whatever the array's size. */
long job_nstate(const struct job *j, int mask);
/* event.c: applies one event (live and at replay) / applies and records it. */
int job_apply(struct master *m, long id, long idx, const char *type, long when,
    json_t *data, char *err, size_t errlen);
int job_event(struct master *m, long id, long idx, const char *type, json_t *data);
/* Rebuilds the job table from the store at start-up (event.c). */
int job_replay(struct master *m, char *err, size_t errlen);
/* job.c: the events of a job's life (event.c's table). */
JEVENT_FN(job_apply_submit);
JEVENT_FN(job_apply_start);
JEVENT_FN(job_apply_finish);
JEVENT_FN(job_apply_kill);
JEVENT_FN(job_apply_requeue);
JEVENT_FN(job_apply_purge);
long job_pending_count(const struct job *j);
bool job_finished(const struct job *j);
/* job.c: the empty tables of a new master (lists, first job id). */
void master_init(struct master *m);
void job_free_all(struct master *m);
/* jobslab.c: zeroed blocks kept densely for as long as a job lives;
 * jobslab_free is given the size jobslab_alloc was. */
void *jobslab_alloc(size_t n);
void jobslab_free(void *p, size_t n);
char *jobslab_strdup(const char *s);
void jobslab_free_str(char *s);
void job_purge_old(struct master *m, long now);
json_t *job_record(struct master *m, struct job *j, long idx);
/* bsub -P, else the submitter's LSB_DEFAULTPROJECT, else DEFAULT_PROJECT,
 * else "default"; spec is the job's (jobspec_tree). */
const char *job_project(struct master *m, const json_t *spec);
void job_pending_link(struct master *m, struct job *j);
void job_pending_unlink(struct master *m, struct job *j);
void elem_release_host(struct master *m, struct elem *e);
void elem_free_hosts(struct elem *e);
void elem_end(struct job *j, struct elem *e, int state, long when, const char *reason);
char *job_display_name(const struct job *j, long idx);
bool job_is_array(const struct job *j);

/* jobtime.c: bsub -b (held off the pending list until then) and -t. */
void jobtime_changed(struct master *m, struct job *j);	/* bmod -b / -t */
#define JOBTIME_BEGIN_REASON "The job has a specified start time"
#define JOBTIME_TERM_REASON "TERM_DEADLINE: job killed after deadline"
/* Watches j when it has a begin or termination time. */
void jobtime_watch(struct master *m, struct job *j);
/* Once a second: links jobs whose begin time came, kills those past -t. */
void jobtime_tick(struct master *m, long now);

/* jobrlim.c: -c -v -C -D -F -S -p -T as the JOBSPEC rlimits. */
int jobrlim_check(const struct conf *c, const json_t *spec, char *err,
    size_t errlen);
void jobrlim_jobspec(const struct conf *c, json_t *spec);

/* jobctl.c: job control events (stop, resume, mod, switch, move,
 * requeue_user) applied to the job table, live and at replay. */
JEVENT_FN(jobctl_apply_stop);
JEVENT_FN(jobctl_apply_resume);
JEVENT_FN(jobctl_apply_requeue);
JEVENT_FN(jobctl_apply_mod);
JEVENT_FN(jobctl_apply_switch);
JEVENT_FN(jobctl_apply_move);
void jobctl_kill_flags(struct master *m, struct job *j, long idx, long when,
    json_t *data);
int jobctl_requeue_ended(struct master *m, struct job *j, struct elem *e);

/* jobcmd.c: the job control ops of the command table. */
void jobcmd_stop(struct master *m, struct reqctx *rq, json_t *args);
void jobcmd_resume(struct master *m, struct reqctx *rq, json_t *args);
void jobcmd_requeue(struct master *m, struct reqctx *rq, json_t *args);
void jobcmd_switch(struct master *m, struct reqctx *rq, json_t *args);
void jobcmd_depwait(struct master *m, struct reqctx *rq, json_t *args);
/* A parked bwait: answers it when its condition became true or never can. */
bool jobcmd_depwait_poll(struct master *m, struct reqctx *rq);
bool jobcmd_stop_unit(struct master *m, struct reqctx *rq, struct job *j,
    long idx, void *arg, char **msg);
bool jobcmd_resume_unit(struct master *m, struct reqctx *rq, struct job *j,
    long idx, void *arg, char **msg);

/* jobmod.c: bmod (op modify). */
void jobmod_modify(struct master *m, struct reqctx *rq, json_t *args);

/* jobmove.c: btop/bbot (op move). */
void jobmove_move(struct master *m, struct reqctx *rq, json_t *args);

/* acct.c: lsb.acct. acct_ended before an event, acct_note after it
 * (formats the lines of the elements it ended); acct_flush writes them
 * once committed, acct_tick syncs, acct_close at exit. */
long acct_ended(struct master *m, long id);
void acct_note(struct master *m, long id, long idx, long when, long ended_before);
void acct_flush(struct master *m);
void acct_tick(struct master *m);
void acct_close(struct master *m);
/* Queues one lsb.events line (written with lsb.acct's, after commit). */
void acct_event_line(struct master *m, const char *line);
/* lsbevents.c: lsb.events. lsbevents_before before an event (the state
 * of the element it names), lsbevents_note after it (its records). */
int lsbevents_before(struct master *m, long id, long idx);
void lsbevents_note(struct master *m, long id, long idx, const char *type,
    long when, int state_before, const json_t *data);

/* jobmsg.c: bpost/bread (ops post, read; the "post" event). */
#define JOBMSG_MAX_NUM 128		/* indexes 0..127, LSF's MAX_JOB_MSG_NUM */
#define JOBMSG_MAX_DESC 512		/* characters, as LSF's */
void jobmsg_post(struct master *m, struct reqctx *rq, json_t *args);
void jobmsg_read(struct master *m, struct reqctx *rq, json_t *args);
JEVENT_FN(jobmsg_apply_post);
/* The latest message of each index of element idx of j, by index, for
 * bjobs -l: [{i, from, time, desc, attached, level}], or NULL for none. */
json_t *jobmsg_list(struct master *m, struct job *j, long idx);

/* jobresult.c: an element's outcome record (result.h) and its other rare
 * members (struct elem_extra); the "result" event and op (bresult). */
struct elem_extra *elem_extra(struct elem *e);	/* made on first use */
void elem_extra_free(struct elem *e);
const char *elem_cwd(const struct elem *e);	/* NULL: where asked */
void elem_set_cwd(struct elem *e, const char *cwd);
/* The record of element idx as compact JSON text, or NULL (none, or an
 * element that never started); and why its file was refused, or NULL. */
const char *job_result(struct job *j, long idx);
const char *job_result_error(struct job *j, long idx);
/* Every element's record in index order as one JSON array text,
 * "[{...},null,...]" (null: none), without decoding any; a plain job's
 * is one item. For a reduce step over an array (malloc'd). */
char *job_results_json(struct job *j);
/* A finish event's "result"/"result_error" onto e; a start clears both. */
void jobresult_finish(struct elem *e, const json_t *data);
void jobresult_clear(struct elem *e);
void jobresult_op(struct master *m, struct reqctx *rq, json_t *args);
JEVENT_FN(jobresult_apply);

/* host.c */
struct host *host_find(struct master *m, const char *name);
struct host *host_get(struct master *m, const char *name);
json_t *host_record(struct master *m, struct host *h);
void host_remove(struct master *m, struct host *h);
/* Its agent refused a start for a host-side reason (refuse.h): closed. */
void host_fault_refused(struct master *m, struct host *h, const char *cause);
/* A start succeeded there, badmin hopen or a new agent link: the fault and
 * its back-off are forgotten (the host opens at once if closed). */
void host_fault_reset(struct master *m, struct host *h, const char *why);
/* Reopens the hosts whose back-off is over (the once-a-second tick). */
void host_fault_tick(struct master *m);
/* "node1 closed_Fault: <cause>; tried again at 07:40:12" into buf. */
void host_fault_detail(const struct host *h, char *buf, size_t len);
void host_free_all(struct master *m);

/* sched.c */
void sched_pass(struct master *m);
void sched_free(struct master *m);
void jobreq_free(struct jobreq *r);
int jobreq_check(struct master *m, const json_t *spec, const char *queue,
    const char *user, char *err, size_t errlen);
void jobreq_jobspec(struct master *m, struct job *j, json_t *spec);
/* A host's job slots: lsb.hosts MXJ, else what its agent reports. */
int snapshot_max_slots(struct master *m, const struct host *h);
/* Its lsb.hosts JL/U, -1 none. */
int snapshot_jlu(struct master *m, const struct host *h);
/* What changed, reported by the modules that change it (no-ops until a
 * pass built the snapshot): a host's state, load or attributes; the host
 * table or the configuration (everything is built again); an element
 * that started or leaves its hosts; a job whose running elements now
 * count differently (queue, requirements). */
void snapshot_host_changed(struct master *m, struct host *h);
void snapshot_hosts_changed(struct master *m);
void snapshot_elem_started(struct master *m, struct elem *e);
void snapshot_elem_released(struct master *m, struct elem *e);
void snapshot_job_changed(struct master *m, struct job *j);
dep_value sched_dep_eval(struct master *m, struct job *j);
int sched_dep_check(struct master *m, struct job *j, const char *user, char *err,
    size_t errlen);

/* stats.c: the master's running costs (op "stats", make bench-scale). */
void stats_sched_pass(struct master *m, uint64_t us, long started);
void stats_query_page(struct master *m, uint64_t us);	/* a listing page */
void stats_commit(struct master *m, bool with_pass);
void stats_op(struct master *m, struct reqctx *rq, json_t *args);
void stats_free(struct master *m);

/* admin.c: badmin hclose/hopen/qclose/qopen/qact/qinact (events of job 0) */
JEVENT_FN(admin_apply);	/* hclose hopen qclose qopen qinact qact */
/* token.c: the HTTP API's per-user tokens (btoken). */
JEVENT_FN(token_apply);	/* token, token_revoke */
void token_op(struct master *m, struct reqctx *rq, json_t *args);
const char *token_user(struct master *m, const char *token);	/* NULL: none */
void token_free(struct master *m);
void admin_op(struct master *m, struct reqctx *rq, json_t *args);
bool admin_queue_closed(struct master *m, const char *queue);
bool admin_queue_inactive(struct master *m, const char *queue);
const char *admin_queue_status(struct master *m, const char *queue);
const char *admin_dispatch_block(struct master *m, const char *queue);
void admin_queue_decorate(struct master *m, const struct conf_queue *q, json_t *rec);
void admin_free(struct master *m);
void admin_expire_hosts(struct master *m);	/* LSF_DYNAMIC_HOST_TIMEOUT, each tick */

/* reconfig.c: badmin ckconfig / reconfig */
void reconfig_ckconfig_op(struct master *m, struct reqctx *rq, json_t *args);
void reconfig_op(struct master *m, struct reqctx *rq, json_t *args);
void reconfig_mbdrestart_op(struct master *m, struct reqctx *rq, json_t *args);

/* params.c: bparams, showconf, lsclusters */
json_t *params_list(const struct conf *c);
void params_op(struct master *m, struct reqctx *rq, json_t *args);
void showconf_op(struct master *m, struct reqctx *rq, json_t *args);
void clusters_op(struct master *m, struct reqctx *rq, json_t *args);

/* store.c */
struct store *store_open(const char *dir, char *err, size_t errlen);
void store_close(struct store *s);
int store_append(struct store *s, long id, long idx, const char *type, long when,
    json_t *data);
int store_commit(struct store *s);
int store_retry(struct store *s);
bool store_degraded(const struct store *s);
const char *store_cause(const struct store *s);
bool store_dirty(struct store *s);
/* An upper bound of the jobs in the log, read from indexes only. */
size_t store_jobs_hint(struct store *s);
/*
 * Every event of the jobs in memory, in order, through a cursor; the
 * cursor may be read on another thread than the store's other calls when
 * store_threadsafe(). A row's strings last until the next call.
 * Closed, *last_submit is the last id ever submitted.
 */
struct store_cursor;
struct store_row {
	long id, idx, when;
	const char *type;
	const char *text;	/* the data as stored */
	size_t len;		/* of text */
};
struct store_cursor *store_events_open(struct store *s, char *err, size_t errlen);
int store_events_next(struct store_cursor *c, struct store_row *r);	/* 1, 0 end, -1 */
int store_events_close(struct store_cursor *c, long *last_submit, char *err,
    size_t errlen);
/* sqlite locks each call: a cursor may be read on another thread. */
bool store_threadsafe(void);
int store_delete_job(struct store *s, long id);
/* Deletes workflow fid's record (its "flow" event). */
int store_delete_flow(struct store *s, long fid);
int store_forget_reused(struct store *s, long id);
int store_expire(struct store *s, long before);
json_t *store_job_events(struct store *s, long id);
json_t *store_history_jobs(struct store *s, const char *user, long limit);
bool store_in_history(struct store *s, long id);
/* The envs table: each distinct job environment once (envtab.c). */
char *store_env_text(struct store *s, const char *id);
int store_put_env(struct store *s, const char *id, const char *text);
/* Fairshare usage per "queue|account" (fairshare.c). */
int store_put_share(struct store *s, const char *account, double usage,
    long when);
typedef void (*store_share_fn)(void *arg, const char *account, double usage,
    long when);
int store_shares_load(struct store *s, store_share_fn fn, void *arg);
/* True when environment id is held in memory (a job the master keeps). */
typedef bool (*store_env_live_fn)(void *arg, const char *id);
/* Deletes the environments no event names any more, once events were
 * deleted (expiry, a reused id): the number deleted, or -1. */
int store_envs_collect(struct store *s, store_env_live_fn live, void *arg);

/* requeue.c: REQUEUE_EXIT_VALUES and RERUNNABLE (requeue events). */
/* Records a requeue instead of the finish msg reports, when the queue
 * asks for it; false when the job really ended. */
bool requeue_on_exit(struct master *m, struct elem *e, const json_t *msg);
/* Requeues the rerunnable jobs of hosts away longer than the link timeout. */
void requeue_lost_hosts(struct master *m);

/* history.c: jobs purged from memory, read back from the store. */
struct job *history_job(struct master *m, long id);	/* valid until release */
void history_release(struct master *m);
void history_expire(struct master *m, long now);
void history_op(struct master *m, struct reqctx *rq, json_t *args);

#endif
