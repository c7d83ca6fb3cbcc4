/*
 * proto.h - the Pumice wire protocol: JSON objects (jansson) in frames
 * behind a 4-byte big-endian length. A frame over PROTO_MAX_FRAME, or one
 * that is not a JSON object with a string "t", closes that connection.
 *
 * Every message is an object whose "t" names its type. All links start with
 * a hello. Field types: ints are JSON integers, times are seconds since the
 * epoch (integer), memory sizes are KB (integer).
 *
 * Agent link (TCP, agent dials the master; mutual HMAC-SHA256 proof of the
 * cluster key, see auth.h; no timestamps, fresh 32-byte nonces each side):
 *   A->M hello     {v:1, role:"agent", host, nonce}
 *   M->A challenge {nonce, mac: auth_mac(key,"master",agent_nonce,host)}
 *   A->M auth      {mac: auth_mac(key,"agent",master_nonce,host)}
 *   M->A welcome   {hb: heartbeat seconds}         (or error {err} + close)
 *   A->M register  {host, ncpus, mem_total, mem_free, swap_total, swap_free,
 *                   load:[r15s,r1m,r15m], ut, LOAD..., arch, model, version,
 *                   jobs:[{id, idx}]   -- every job the agent still holds
 *                                         (running, or finished not yet acked)}
 *   A->M hb        {mem_free, swap_free, load:[r15s,r1m,r15m], ut, LOAD...,
 *                   njobs}
 *     LOAD: pg (pages swapped in+out /s), io (disk KB/s), it (idle minutes
 *     of the least idle login tty, 0 when none), ls (login users), tmp,
 *     tmp_total (KB free / size of /tmp); ut is 0..1 (lsload shows %)
 *   M->A run       {job: JOBSPEC}       -- start one job (or array element)
 *   A->M started   {id, idx, pid}       -- its shepherd runs (spool written)
 *   A->M refused   {id, idx, cause, err} -- could not start; the job goes
 *                   back to PEND. cause names a row of refuse.h's table
 *                   ("spec", "user": the job's; "spool", "shepherd": the
 *                   host's, which closes it for a back-off, hostfault.h)
 *   M->A signal    {id, idx, sig:"INT"|"TERM"|"KILL"|"STOP"|"CONT"|...,
 *                   kill: bool          -- true: escalate INT, TERM, KILL}
 *   A->M finished  {id, idx, exit_code, signal, state:"DONE"|"EXIT",
 *                   reason (optional, e.g. "TERM_CWD_NOTEXIST: ..."),
 *                   requeue (optional, true: the pre-exec failed; the job
 *                   never ran and goes back to PEND with reason as pend
 *                   reason instead of ending),
 *                   start, end, cpu (seconds, real), maxrss (KB)}
 *   M->A finish_ack {id, idx}          -- committed; agent drops its spool
 *   A->M relay     {rid, uid, gid, user, req: REQUEST}  -- a local command
 *   M->A relay_rep {rid, rep: REPLY}
 *   M->A peek      {pid, id, idx, off}  -- bpeek: stdout from byte off on
 *   A->M peek_rep  {pid, ok:true, data (base64, <= 1 MiB), off (may be
 *                   past the asked one: older bytes only on the NFS server),
 *                   next, size, file (path or URL, "" = no output file)}
 *                  | {pid, ok:false, err, code:"finished"|"internal"}
 *   M->A task      {pid, id, idx, job: JOBSPEC with task (its number),
 *                   interactive:"pipe"} -- a blaunch task (tasks.c); answered
 *                   by io_rep {pid, ok, task, host} once its shepherd runs
 *   M->A io        {pid, id, idx, task (a blaunch task's, else absent), off,
 *                   eoff, in, inoff, eof, rows, cols, sig, kill, wait}
 *   A->M io_rep    {pid, ok, out, off, errout, eoff, eof, exit_code, signal
 *                   (a task's, with eof), err, code}
 *   A->M task_done {id, idx, task, exit_code, signal, cpu, maxrss} -- its
 *                   usage, added to the job's finish
 *
 * JOBSPEC: {id, idx (0 unless array element), idx_end, idx_step, name,
 *   user, uid, gid, queue, cmd, cwd, subcwd, subhost, env:{K:V},
 *   out, err (NULL/absent = none), out_trunc, err_trunc (bool, -oo/-eo),
 *   nslots, hosts:["node1",...] (one per slot), submit_time,
 *   mem_limit (KB, absent/0 = none: -M or the queue's MEMLIMIT, the whole
 *   job's memory), run_limit (seconds, absent/0 = none: -W or RUNLIMIT),
 *   pre_exec, post_exec (the job's -E/-Ep), queue_pre_exec,
 *   queue_post_exec (the queue's PRE_EXEC/POST_EXEC), stdin (-i file),
 *   login_shell (-L shell), umask, rlimits (as in SUBMIT, with -c -v -C -D
 *   -F -S replacing entries and -p/-T as nproc), project, job_group (-g),
 *   token (the job's blaunch proof: PUMICE_JOB_TOKEN), task (a blaunch
 *   task's number, in a task order only)}
 *   The agent substitutes %J %I %U %G %P %H %JG %EJ %EI in out/err/cwd/stdin. Before spooling
 *   it adds exec_host (its own name), slots:[k,...] and cpus:[n,...] (the
 *   job's slots there and the cpus they run on), runlimit_grace and
 *   preexec_retry (seconds), mem_watch (true: PUMICE_MEMLIMIT_CGROUP=N).
 *   out/err may be nfs:// URLs (nfsurl.h), written by the shepherd through
 *   libnfs. The spool copy also gets pumice:{nfs_spool_max (bytes),
 *   nfs_timeout, nfs_deadline (seconds)} from lsf.conf, and out =
 *   "PUMICE_OUTPUT_DIR/%J.%I.out" when out is absent and that key is set.
 *
 * Command link (unix socket to the local daemon; the daemon reads the peer
 * uid with SO_PEERCRED and vouches for it; no other credential):
 *   C->D hello {v:1, role:"cli"}       -- may be sent together with a req
 *   C->D req   {id, op, args:{...}}
 *   D->C rep   {id, ok:true, data:{...}} | {id, ok:false, err:"text",
 *               code: "rejected"|"denied"|"notfound"|"internal"}
 * Ops (args -> data), see daemons/master/control.c for the table:
 *   submit {job:SUBMIT}              -> {id, queue, default_queue:bool}
 *   submit_many {jobs:[SUBMIT]}      -> {results:[{id, queue, default_queue}
 *                                       | {err}], submitted}  (bsub -pack;
 *                                       <= 10000 jobs, one commit)
 *   jobs   {ids:[SEL], all_states, states:[...], user, name, queue, host}
 *                                    -> {jobs:[JOBREC], missing:[text]}
 *   kill   {ids:[SEL], all:bool (the 0 form), user, name, queue, host, sig,
 *           done:bool (-d: record DONE), forget:bool (-r: EXIT at once),
 *           bulk:bool (-b, no effect)}
 *                                    -> {results:[{job:"123[4]", ok, msg}]}
 *          sig "STOP"/"CONT" act as stop/resume. The job control ops
 *          below take the same selection (ids, all, user, name, queue,
 *          host; no ids and no all: the most recent match) and answer
 *          the same results list, msg being the line to print:
 *   stop   {...}                     -> RUN->USUSP (SIGSTOP), PEND->PSUSP
 *   resume {...}                     -> USUSP->RUN (SIGCONT), PSUSP->PEND
 *   requeue {..., req_done, req_exit, req_run, req_all, hold: bools}
 *                                    -> back to PEND (PSUSP with hold)
 *   switch {..., dest: queue}        -> the jobs move to queue dest
 *   modify {id, idx, set:{SUBMIT fields}, unset:[field names],
 *           opts:{option: value, null = unset}} -> {id}   (bmod)
 *   move   {id, pos (1 = first), bottom:bool} -> {pos, bottom} (btop/bbot)
 *   depwait {cond: -w text}          -> {result:"satisfied"|"never"},
 *                                       sent when the condition is true
 *                                       or can never be (bwait)
 *   wait   {id, until:"start"|"end"} -> {job: JOBREC}   (replies when true)
 *   hosts  {}                        -> {hosts:[HOSTREC]}
 *   queues {}                        -> {queues:[QUEUEREC]}
 *   info   {}                        -> {cluster, master, version}
 *   blaunch {id, idx, host, cmd, token} -> {task, host, id, idx}: a task
 *          of the caller's running job on a host of its allocation
 *   io     {id, idx, ..., task, host, token} -> a task's output and, with
 *          eof, its exit_code (blaunch; without task: bsub -I's)
 *   peek   {id | name (absent: newest job of the caller), idx, off}
 *                                    -> {data, off, next, size, file} as in
 *           peek_rep, relayed to the job's agent; errors "Not yet started"
 *           (code "notstarted"), "Already finished" (code "finished")
 *   admin  {action:"hclose"|"hopen"|"qclose"|"qopen"|"qact"|"qinact",
 *           names:[host or queue; "all" = every one; none = the caller's
 *           host / the default queue], comment (hclose -C)}
 *                                    -> {results:[{name, ok, msg}]}
 *           Administrators only (else code "denied", "User permission
 *           denied"); recorded as events of job 0 (type = action, data
 *           {host|queue, by, comment}) and replayed at start-up.
 *   ckconfig {}                      -> {errors:["file:line: message"]}
 *   reconfig {}                      -> {warnings:[text]}; with an error
 *           the running configuration stays and the rep is ok:false with
 *           every "file:line: message" in err, one a line (admins only)
 *   params {}                        -> {params:[{key, value, unit, core,
 *                                        desc}]}  (bparams)
 *   showconf {what:"mbd"|"lim"}      -> {header, conf:[{key, value}]}
 *   clusters {}                      -> {clusters:[{name, status, master,
 *                                        admin, hosts, servers}]}
 *   history {ids:[SEL], user ("all" = everyone's; default the caller's),
 *           states:"unfinished"|"finished"|"all", limit (newest N jobs of
 *           the sqlite history; 0/absent = all)}
 *                                    -> {jobs:[{id, records:[JOBREC],
 *                                        events:[EVENT]}], missing:[text]}
 *           Jobs from memory and, past CLEAN_PERIOD, from the history in
 *           sqlite (kept PUMICE_HISTORY_DAYS); ids select any state.
 * EVENT: {idx, type, time, data} as recorded: type "submit" (data SUBMIT
 *   plus user, uid, gid, queue, from_host; env left out here), "start"
 *   {hosts}, "finish" {state, exit_code, signal, reason, cpu, maxrss, ...},
 *   "kill" {reason, by}, "requeue" {reason}, "purge" {user} (the job left
 *   memory), and the job control events of job.c/jobctl.c. idx -1 or 0 on
 *   an array: the whole job.
 * SEL: {id, idx:"1-5,7" (absent = whole job)} ; the CLI resolves text forms.
 * Error texts in a rep are bare reasons without a final period, e.g.
 * "badq: No such queue"; the CLI adds LSF's tail (". Job not submitted.").
 * SUBMIT: {name, array:"1-100:2" (absent = plain job), limit (slot %N),
 *   cmd, cwd (-cwd made absolute, may hold the % patterns), subcwd, env:{},
 *   queue (absent = default; "q1 q2" = candidates, the first that accepts
 *   the job), default_queue, default_project (the submitter's
 *   LSB_DEFAULTQUEUE, LSB_DEFAULTPROJECT), begin_time, term_time (-b, -t
 *   as epoch seconds), nslots, out, err, out_trunc, err_trunc, dep (the -w text), umask (the
 *   submitter's), rlimits:{core, cpu, data, fsize, nofile, stack, as: soft
 *   limit, -1 unlimited}, opts:{every option as given, recorded for bjobs -l}}
 * JOBREC: {id, idx, name, user, stat, queue, from_host, exec_hosts:[],
 *   submit_time, start_time, finish_time (0 = none), exit_code, exit_reason,
 *   pend_reason, cmd, cwd, subcwd, out, err, nslots, dep, cpu, maxrss,
 *   signal, project (bsub -P, else DEFAULT_PROJECT, else "default"),
 *   exec_cwd (cwd, else subcwd), opts (SUBMIT.opts, when given),
 *   pend_detail (when the scheduler has one), array (spec, arrays only)}
 *   A job past CLEAN_PERIOD still in history answers "jobs" by its id.
 * HOSTREC: {name, status:"ok"|"closed_Full"|"closed_Adm"|"closed_Excl"
 *   (a bsub -x job runs)|"closed_Fault" (its agent refused a start for a
 *   host-side cause: fault_cause, fault_retry (epoch), fault_backoff (s),
 *   fault_refused (starts refused in a row) are then given)|"unavail",
 *   max, njobs, run, ssusp,
 *   ususp, rsv, ncpus, mem_total, mem_free, swap_total, swap_free,
 *   load:[..], ut, pg, io, it, ls, tmp, tmp_total, arch, model, comment,
 *   type, resources:[..] (type, model, resources: lsf.cluster's, if given)
 *   (badmin hclose -C, "" for none)}; status "closed_Adm" after hclose
 * QUEUEREC: {name, priority, status:"Open:Active"|"Closed:Active"|
 *   "Open:Inactive"|"Closed:Inactive", max, jl_u, jl_p, jl_h, njobs, pend,
 *   run, susp, description, users:[] (empty = all), hosts:[] (empty = all),
 *   params:{other lsb.queues keys as written}}
 * A rep with code "unreachable" from an agent carries forwarded:bool:
 * false when the request never left the agent (the command asks again
 * within PUMICE_CONNECT_TIMEOUT), true when the link fell while it was
 * with the master (the outcome is unknown).
 */
#ifndef PUMICE_PROTO_H
#define PUMICE_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define PROTO_VERSION 1
#define PROTO_MAX_FRAME (64u << 20)

/* Encodes msg as one frame; returns a malloc'd buffer, *len its size. */
uint8_t *proto_encode(const json_t *msg, size_t *len);
/*
 * Tries to take one frame from buf[0..len): 1 and *msg (a new reference)
 * and *used when complete, 0 when more bytes are needed, -1 (err set) when
 * the frame is too large or not a JSON object with a string "t".
 */
int proto_decode(const uint8_t *buf, size_t len, json_t **msg, size_t *used,
    char *err, size_t errlen);
/* The same, where the frame's JSON may be followed by raw bytes (a page
 * of the row encoding, rowtext.h): they start at offset *tail of buf and
 * end at *used. */
int proto_decode_tail(const uint8_t *buf, size_t len, json_t **msg,
    size_t *used, size_t *tail, char *err, size_t errlen);
/* The message type ("t"), or "" when absent. */
const char *proto_type(const json_t *msg);

/* The string member key of o, or NULL (absent, or not a string). */
const char *proto_str(const json_t *o, const char *key);

/*
 * Seconds an agent link may stay silent before either end gives it up: the
 * agent heartbeats every hb seconds and the master answers each with a
 * lease, so three missed rounds and some slack mean the link is gone.
 */
int proto_link_timeout(int hb);

#endif
