/*
 * cli.h - what the command files of the multi-call binary share: exit
 * codes, the daemon connection (client.c), job id selectors (jobsel.c),
 * bsub options (bsubopt.c) and the bjobs formats (jobfmt.c). The command
 * handlers themselves are listed in main.c's table.
 */
#ifndef PUMICE_CLI_H
#define PUMICE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#define CLI_EXIT_FAIL 255		/* rejected, as LSF's -1 */
#define CLI_EXIT_UNREACHABLE 69		/* EX_UNAVAILABLE: no daemon answered */

/* client.c: one connection to the local daemon. */
enum { CLIENT_OK = 0, CLIENT_REJECTED = -1, CLIENT_UNREACHABLE = -2 };

struct client {
	int fd;
	int next_id;
	bool hello_sent;
	unsigned char *buf;
	size_t len, cap;
	size_t used;		/* bytes of the last frame read, still in buf */
};

/* The socket path: $PUMICE_SOCKET, else lsf.conf; NULL with err. */
char *client_socket_path(char *err, size_t errlen);
/* Connects, retrying ENOENT/ECONNREFUSED up to $PUMICE_CONNECT_TIMEOUT s. */
int client_open(struct client *c, char *err, size_t errlen);
/* One try, no retry and no note (a side query that must not stall). */
int client_open_once(struct client *c, char *err, size_t errlen);
/* One request on an open connection; CLIENT_* codes, *data a new ref. */
int client_request(struct client *c, const char *op, json_t *args,
    json_t **data, char *err, size_t errlen);
void client_close(struct client *c);
/* The same in two steps, so that a command may ask for its next page
 * before it handles this one: client_send, then client_recv, which asks
 * again (with op and args, as they were sent) while the daemon answers
 * busy or could not forward it, updating *id. *tail, *taillen: the raw
 * bytes after the reply's JSON (data "rows" counts them), writable and
 * kept until the next read. */
int client_send(struct client *c, const char *op, json_t *args, int *id,
    char *err, size_t errlen);
int client_recv(struct client *c, const char *op, json_t *args, int *id,
    json_t **data, char **tail, size_t *taillen, char *err, size_t errlen);
/* The next frame the daemon sends (after a request's reply: a stream);
 * -1 with err at EOF or on error. */
int client_read(struct client *c, json_t **msg, char *err, size_t errlen);
/* Whether bytes past the last frame are already read (poll() would miss
 * them). */
bool client_pending(const struct client *c);
/* jobpages.c: a "jobs" listing page by page, range records expanded;
 * fn gets the records (or, key "arrays", the -A rows) in chunks and may
 * edit the chunk, but keeps no record past its call (they are reused);
 * nonzero from fn stops. *missing: the reply's missing texts. */
typedef int (*jobpages_fn)(json_t *recs, void *arg);
int jobpages_each(struct client *c, json_t *args, const char *key, jobpages_fn fn,
    void *arg, json_t **missing, char *err, size_t errlen);
/* The same listing as rows (jobrow.h), asked for in the row encoding
 * (rowtext.h; args must name "fields"); a master that answers in JSON
 * is read too. fn may read (and so change) the rows, keeps none. */
struct jobrow;
typedef int (*jobrows_fn)(struct jobrow *rows, size_t n, void *arg);
int jobpages_rows(struct client *c, json_t *args, jobrows_fn fn, void *arg,
    json_t **missing, char *err, size_t errlen);
/* One page's text (changed in place), cols naming its values, handed to
 * fn as jobpages_rows would; -1 with err when malformed (fuzz_rowtext). */
int jobpages_rows_text(char *text, size_t len, const json_t *cols,
    jobrows_fn fn, void *arg, char *err, size_t errlen);

/* Opens, sends one request (args stolen), closes; CLIENT_* codes. */
int client_call(const char *op, json_t *args, json_t **data, char *err,
    size_t errlen);
/* Prints "<cmd>: cluster unreachable: <err>" and exits 69; when the last
 * client_open failed on lsf.conf, "<cmd>: configuration error: <err>" and
 * exits 255. */
void client_die_unreachable(const char *cmd, const char *err)
    __attribute__((noreturn));
/* Whether the last client_open failed because lsf.conf could not be read. */
bool client_config_error(void);
/* The retry note's time left, rounded up: "0.5 s" under 10 s, else "27 s". */
void client_left(uint64_t ms, char *buf, size_t len);

/* jobsel.c: "123", "123[4]", "123[1-5,7]" -> SEL {id, idx}; NULL if bad. */
json_t *jobsel_parse(const char *text);
/* Prints "<text>: Illegal job ID." style errors; returns an array or NULL. */
json_t *jobsel_parse_args(const char *cmd, int argc, char **argv);

/* bsubopt.c: bsub options, from the command line and from #BSUB lines. */
enum bsub_opt {
	BO_J, BO_n, BO_q, BO_o, BO_e, BO_oo, BO_eo, BO_cwd, BO_w, BO_K,
	BO_R, BO_M, BO_W, BO_P, BO_G, BO_g, BO_x, BO_m, BO_E, BO_Ep, BO_r,
	BO_rn, BO_env, BO_outdir, BO_u, BO_B, BO_N, BO_b, BO_t, BO_sp, BO_H,
	BO_a, BO_i, BO_L, BO_app, BO_c, BO_v, BO_C, BO_D, BO_F, BO_S, BO_p,
	BO_T, BO_k, BO_I, BO_Ip, BO_Is, BO_Jd, BO_gpu, BO_IS, BO_ISp, BO_ISs, BO_COUNT
};

struct bsub_opts {
	char *val[BO_COUNT];	/* value, or "" for flags; NULL = unset */
	unsigned char from_cmdline[BO_COUNT];
	char **R;		/* every -R, in order */
	size_t nR;
	unsigned char unset[BO_COUNT];	/* bmod -Xn: option X unset */
	bool json;		/* bmod -json */
	int cmd_argc;		/* words after the options */
	char **cmd_argv;
};

/*
 * Parses options from argv[0..argc) (argv[0] is an option, not the program
 * name). cmdline = 1 for the command line (stops at the first word that is
 * not an option, which starts the command); 0 for #BSUB words, which fill
 * only options the command line did not set; BSUBOPT_BMOD for bmod's
 * command line, which also takes -Xn (o->unset) and -json (o->json).
 * Returns 0 or -1 with err.
 */
#define BSUBOPT_BMOD 2
int bsubopt_parse(struct bsub_opts *o, int argc, char **argv, int cmdline,
    char *err, size_t errlen);
/* Checks values (-n, -M, -W, -J, -w, ...) locally; 0 or -1 with err. */
int bsubopt_check(const struct bsub_opts *o, char *err, size_t errlen);
/* Every option set, as the SUBMIT.opts object: {"J":"x","R":["a"],"K":true}. */
json_t *bsubopt_json(const struct bsub_opts *o);
const char *bsubopt_name(enum bsub_opt id);
/* bsub -I, -IS: BSUBOPT_IO_PIPE; -Ip, -Is, -ISp, -ISs: BSUBOPT_IO_PTY. */
enum { BSUBOPT_IO_NONE = 0, BSUBOPT_IO_PIPE, BSUBOPT_IO_PTY };
int bsubopt_interactive(const struct bsub_opts *o);
void bsubopt_free(struct bsub_opts *o);
/* bsubenv.c: the SUBMIT.env object from environ, honouring -env. */
json_t *bsubenv_build(const char *spec, char **environ_, char *err, size_t errlen);

/* bsub.c: one -pack line's words (no program name) as a SUBMIT object. */
json_t *bsub_pack_line(int argc, char **argv, char *err, size_t errlen);
/* bsubpack.c: bsub -pack FILE ("-" = stdin): many jobs, few requests. */
int bsubpack_main(int argc, char **argv);

/* bsubwait.c: bsub -K after the submit line; returns bsub's exit code. */
int bsubwait_run(struct client *c, long id, bool array);
/* The wait for the start, reconnecting as -K does; prints <<Starting on
 * HOST>>: 0 once started, else bsub's exit code. */
int bsubwait_start(struct client *c, long id);
/* What a wait "start" reply's job says: <<Starting on HOST>> and 0, or
 * <<Terminated while pending>> and 126. */
int bsubwait_show_start(const json_t *job);
/* The wait for the end: bsub's exit code, the job's. */
int bsubwait_end(struct client *c, long id);

/* bsubio.c: bsub -I and kin after the submit line: relays the job's I/O,
 * returns bsub's exit code. */
int bsubio_run(struct client *c, long id, int mode, bool stdin_file);
/* The submit's "tty" {rows, cols} of bsub's terminal, or NULL. */
json_t *bsubio_winsize(void);
/* blaunch: relays one task's I/O (extra: the fields that name it in each
 * io request, who: the messages' prefix) until its end; its exit code, or
 * -1 when the relay failed (said on stderr). */
int bsubio_relay(struct client *c, long id, json_t *extra, const char *who,
    bool stdin_open);

/* jobfmt.c: bjobs output. */
struct jobfmt {
	bool wide;		/* -w */
	bool noheader;
	bool reasons;		/* -p / -s: reason lines after a row */
	bool short_hosts;	/* LSB_SHORT_HOSTLIST=1 */
};

/* "Nov 22 02:40"; "" for 0. */
void jobfmt_time(long t, char *buf, size_t len);
/* The header line of the default table. */
void jobfmt_header(FILE *fp);
/* The default table for an array of JOBRECs. */
void jobfmt_table(FILE *fp, const json_t *jobs, const struct jobfmt *f);
struct jobrow;
void jobfmt_table_rows(FILE *fp, struct jobrow *rows, size_t n,
    const struct jobfmt *f);
/* name[idx] of a row (the name as it is for a plain job). */
char *jobfmt_row_name(struct jobrow *r);
/* jobcols.c: -o "field[:width] ... delimiter='c'"; NULL + err if bad. */
struct jobfmt_cols *jobfmt_cols_parse(const char *spec, char *err, size_t errlen);
void jobfmt_cols_free(struct jobfmt_cols *c);
/* -o text output, and -o with -json. */
void jobfmt_cols_print(FILE *fp, const struct jobfmt_cols *c, const json_t *jobs,
    bool noheader);
void jobfmt_cols_json(FILE *fp, const struct jobfmt_cols *c, const json_t *jobs,
    const json_t *missing);
/* Appends each job's -json record (fields of c) to records. */
void jobfmt_cols_records(const struct jobfmt_cols *c, const json_t *jobs,
    json_t *records);
/* The same for rows (jobrow.h), as bjobs reads a listing. */
void jobfmt_cols_print_rows(FILE *fp, const struct jobfmt_cols *c,
    struct jobrow *rows, size_t n, bool noheader);
void jobfmt_cols_records_rows(const struct jobfmt_cols *c, struct jobrow *rows,
    size_t n, json_t *records);
/* Every field once, in table order (bjobs -json -l). */
struct jobfmt_cols *jobfmt_cols_all(void);
/* The text of column k of c for one row ("" when it has none). */
char *jobfmt_cols_value(const struct jobfmt_cols *c, size_t k, struct jobrow *r);
/* -hms: run_time, cpu_used, time_left, runtimelimit as hh:mm:ss. */
void jobfmt_cols_hms(struct jobfmt_cols *c, bool hms);
/* {"COMMAND":"bjobs","JOBS":n,"RECORDS":[...]}: records (objects of
 * strings, in their order), then one {"ERROR":text} per missing id. */
void jobfmt_json_records(FILE *fp, const json_t *records, const json_t *missing);
/* A JOBREC's name as bjobs shows it: name, or name[idx] for elements. */
char *jobfmt_name(const json_t *job);
/* The JOBREC members a format reads, for the jobs request's "fields"
 * (the master then builds only those): the space-separated words of
 * names, the default table's (f), or the columns' (c). */
void jobfmt_fields_add(json_t *fields, const char *names);
void jobfmt_fields(const struct jobfmt *f, json_t *fields);
void jobfmt_cols_fields(const struct jobfmt_cols *c, json_t *fields);

/* Commands (one file each). */
int bsub_main(int argc, char **argv);
int bjobs_main(int argc, char **argv);
int bkill_main(int argc, char **argv);
int bstop_main(int argc, char **argv);
int bresume_main(int argc, char **argv);
int brequeue_main(int argc, char **argv);
int bmod_main(int argc, char **argv);
int bswitch_main(int argc, char **argv);
int btop_main(int argc, char **argv);
int bbot_main(int argc, char **argv);
int bpost_main(int argc, char **argv);	/* jobmsg.c */
int bread_main(int argc, char **argv);
int bresult_main(int argc, char **argv);	/* bresult.c */
int bwait_main(int argc, char **argv);
int bflow_main(int argc, char **argv);
int bwatch_main(int argc, char **argv);
int btoken_main(int argc, char **argv);
int bpeek_main(int argc, char **argv);
int blaunch_main(int argc, char **argv);
int bhosts_main(int argc, char **argv);
int bqueues_main(int argc, char **argv);
int lsid_main(int argc, char **argv);
int badmin_main(int argc, char **argv);
int lsadmin_main(int argc, char **argv);
int lsrmhost_main(int argc, char **argv);
/* argv[0] a word of admin_words (badmin.c): hclose, hrestart, lsrmhost, q...,
 * then [-C comment] and names: the master's "admin" op (badmin.c). */
int admin_hosts_cmd(const char *cmd, int argc, char **argv);
int bparams_main(int argc, char **argv);
int lsclusters_main(int argc, char **argv);
int lsload_main(int argc, char **argv);
int lshosts_main(int argc, char **argv);
/* lsload.c: sizes as the load commands show them; the hosts op, filtered. */
void lsload_size(long long kb, char *buf, size_t len);
json_t *lsload_hosts(const char *cmd, int argc, char **argv, int *bad);
int bhist_main(int argc, char **argv);
int bacct_main(int argc, char **argv);

/* bjobs.c: the command line, the jobs request, the nothing-found text. */
struct bjobs_args {
	bool a, d, p, r, s, w, noheader, json;
	bool l, A, UF, x, X;	/* long, array summary, unwrapped, exceptions */
	bool hms;		/* -hms (or LSB_HMS_TIME_FORMAT=y) */
	const char *wextra;	/* -W/-WL/-WP/-WF: their -o field list */
	const char *project, *group;	/* -P, -g */
	const char *desc;	/* -Jd: bsub -Jd pattern ('*' any run) */
	const char *user, *name, *queue, *host, *fmt;
	const char *sort, *filter, *n;	/* -sort, -filter, -n (jobsort.c) */
	int nids;
	char **ids;
};
int bjobs_parse(struct bjobs_args *a, int argc, char **argv);

/*
 * jobsort.c: bjobs -filter "FIELD OP VALUE [&& ...]", -sort [-]FIELD and
 * -n COUNT, on the client, over JOBRECs: FIELD is any -o field, result.PATH
 * included; OP one of < <= > >= == !=, numbers compared as numbers.
 */
struct jobsort;
/* NULL into *out when none of the three is given; -1 with err. */
int jobsort_new(const char *sort, const char *filter, const char *n,
    struct jobsort **out, char *err, size_t errlen);
void jobsort_free(struct jobsort *s);
/* The JOBREC members the keys read, into fields. */
void jobsort_fields(const struct jobsort *s, json_t *fields);
/* Drops the records of jobs that -filter leaves out. */
void jobsort_filter(const struct jobsort *s, json_t *jobs);
/* Sorts jobs (all of them, once) by -sort and keeps the first -n. */
void jobsort_finish(const struct jobsort *s, json_t *jobs);
json_t *bjobs_request(const struct bjobs_args *a);
void bjobs_none(FILE *fp, const struct bjobs_args *a);

/* bkill.c: "-s" names and numbers to protocol names; the kill request. */
const char *bkill_signame(const char *s);
json_t *bkill_request(int argc, char **argv);

/* ctlcmd.c: the job selection and result lines bkill, bstop, bresume,
 * brequeue and bswitch share. */
struct ctlcmd_opt {
	const char *name;	/* without the dash */
	const char *key;	/* its key in the request's args */
	bool has_arg;		/* false: a flag, sent as true */
};
struct ctlcmd {
	const char *name;	/* the command, for messages */
	const char *op;		/* the protocol op */
	const char *usage;
	const struct ctlcmd_opt *opts;	/* besides -J -q -m -u -json */
	size_t nopts;
	const char *poskey;	/* a leading operand (bswitch's queue), or NULL */
};
/* The request args; NULL after a message. *json: -json was given. */
json_t *ctlcmd_request(const struct ctlcmd *cmd, int argc, char **argv, bool *json);
/* Prints [{job, ok, msg}] as lines or -json; 255 if any failed, else 0. */
int ctlcmd_results(const char *cmd, const json_t *results, bool json);
void ctlcmd_json(FILE *fp, const char *cmd, const json_t *results);
int ctlcmd_main(const struct ctlcmd *cmd, int argc, char **argv);

/* bmod.c: the modify request {id, idx, set, unset, opts}; NULL + err. */
json_t *bmod_request(int argc, char **argv, bool *json, char *err, size_t errlen);

/* bhosts.c / bqueues.c formatting, callable from tests. */
void bhosts_print(FILE *fp, const json_t *hosts, bool wide);
void bqueues_print(FILE *fp, const json_t *queues, bool wide);
/* lsid.c */
void lsid_print(FILE *fp, const json_t *info);
/* Administration and configuration output, callable from tests. */
void bhosts_print_long(FILE *fp, const json_t *hosts);
/* hostcons.c: a host's consumables (bhosts -l, -gpu; lshosts, -gpu). */
void hostcons_print_long(FILE *fp, const json_t *h);
void hostcons_print_gpus(FILE *fp, const json_t *hosts, bool lim);
size_t hostcons_words(const json_t *h, char *buf, size_t len);
void bqueues_print_long(FILE *fp, const json_t *queues);
void bparams_print(FILE *fp, const json_t *params, bool all, bool longf);
void lsclusters_print(FILE *fp, const json_t *clusters);
void showconf_print(FILE *fp, const json_t *data);
int showconf_run(const char *cmd, const char *want, int argc, char **argv);
/* jsonout.c: -json of the query commands: data plus "COMMAND", indented. */
void cli_print_json(FILE *fp, const char *cmd, const json_t *data);

#endif
