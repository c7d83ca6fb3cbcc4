/*
 * flow.h - workflows (bflow) in the master: the flow table and its hooks
 * (flow.c), the submit op (flowsub.c), the status and kill ops
 * (flowop.c). A flow is recorded by one "flow" event (job 0); its steps
 * are ordinary jobs.
 */
#ifndef PUMICE_FLOW_H
#define PUMICE_FLOW_H

#include <stdbool.h>
#include <sys/queue.h>
#include <jansson.h>

struct master;
struct job;
struct elem;
struct reqctx;
struct jevent;

#define FLOW_MAX_STEPS 10000	/* steps of one workflow (one transaction) */
#define FLOW_MAX_DEPTH 32	/* nesting of chain/group/chord */
#define FLOW_MAX_RETRY 10	/* retries of one step */

struct flow;

struct flow_step {
	struct flow *flow;
	long job;
	const char *name;	/* held by the flow's tree */
	int retry;		/* runs again after an EXIT, this many times */
	json_t *node;		/* its node in the tree */
	struct flow_step **next;	/* the steps that wait on it */
	size_t nnext;
	bool flow_killed;	/* killed because a step it waited on failed */
};

struct flow {
	long id;
	char *name, *user;
	bool cont;		/* "continue": dependants run after failures */
	bool killing;		/* bflow kill is killing every step */
	long submit_time;
	json_t *tree;		/* as recorded */
	struct flow_step *steps;	/* in tree order */
	size_t nsteps;
	char *cause;		/* the first step that failed, this run */
	TAILQ_ENTRY(flow) entry;
};
TAILQ_HEAD(flow_list, flow);

/* flow.c */
long flow_next_id(struct master *m);
struct flow *flow_find(struct master *m, long id);
struct flow_list *flow_list(struct master *m);
/* The step job jobid is, or NULL; the job of step job jobid, or NULL
 * (purged, its id maybe reused). */
struct flow_step *flow_step_of(struct master *m, long jobid);
struct job *flow_step_job(struct master *m, long jobid);
/* The "flow" event, live and at replay (event.c's table). */
int flow_apply(struct master *m, struct job *none, const struct jevent *ev,
    char *err, size_t errlen);
/* After a recorded event of j: kills the steps its failure made
 * impossible (job_event). */
void flow_job_changed(struct master *m, struct job *j);
/* An element of a step exited: requeued (true) while it has retries. */
bool flow_retry(struct master *m, struct elem *e, const json_t *msg);
/* A step's input for its run order, JSON text (malloc'd), or NULL: not a
 * step, a first step, or over FLOW_INPUT_MAX. One predecessor that is a
 * plain job: its result (null: none); else an array of the results of
 * every step it waits on, in tree order, an array's in index order. */
#define FLOW_INPUT_MAX (16u << 20)
char *flow_input(struct master *m, struct job *j);
/* Forgets the workflows none of whose steps' jobs is in memory any more
 * (all purged after CLEAN_PERIOD), and deletes their records. */
void flow_forget_gone(struct master *m);
void flow_free_all(struct master *m);

/* flowsub.c: op flow_submit. */
void flowsub_op(struct master *m, struct reqctx *rq, json_t *args);
/* flowop.c: ops flow_status, flow_kill. */
void flowop_status(struct master *m, struct reqctx *rq, json_t *args);
void flowop_kill(struct master *m, struct reqctx *rq, json_t *args);

#endif
