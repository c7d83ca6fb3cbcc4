/*
 * bmod.c - change a submitted job (LSF.md §4): "bmod [bsub options]
 * [-Xn ...] job_ID". Options are bsub's own (bsubopt.c checks them the
 * same way); -Xn unsets option X (-Wn, -Mn, -wn, -Rn, -Jn, -on, ...;
 * -rn keeps bsub's meaning, never rerunnable). The request is "modify"
 * {id, idx, set:{SUBMIT fields}, unset:[fields], opts:{X: value|null}};
 * the master decides what a started job may still change. Success:
 * stdout "Parameters of job <123> are being changed"; failure: stderr
 * "<reason>. Job not modified.", exit 255.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arrayspec.h"
#include "cli.h"
#include "lsftime.h"
#include "util.h"

/* Fields of the SUBMIT object that unsetting an option clears. */
static void
bmod_unset_fields(const char *opt, json_t *set, json_t *unset)
{
	static const struct { const char *opt, *fields[2]; } map[] = {
		{ "J", { "name", NULL } }, { "o", { "out", "out_trunc" } },
		{ "oo", { "out", "out_trunc" } }, { "e", { "err", "err_trunc" } },
		{ "eo", { "err", "err_trunc" } }, { "w", { "dep", NULL } },
		{ "cwd", { "cwd", NULL } }, { "b", { "begin_time", NULL } },
		{ "t", { "term_time", NULL } },
	};
	size_t i, k;

	if (strcmp(opt, "n") == 0)
		json_object_set_new(set, "nslots", json_integer(1));
	for (i = 0; i < nitems(map); i++)
		for (k = 0; strcmp(map[i].opt, opt) == 0 && k < 2 && map[i].fields[k]; k++)
			json_array_append_new(unset, json_string(map[i].fields[k]));
}

/* -J for bmod: a new name, or "%N" (a new slot limit); never indices. */
static int
bmod_name(const char *jn, json_t *set, char *err, size_t errlen)
{
	struct arrayspec a;
	char *end;
	long lim;

	if (jn[0] == '%') {
		lim = strtol(jn + 1, &end, 10);
		if (*end != '\0' || lim < 1 || end == jn + 1)
			return errf(err, errlen, "%s: Bad job array slot limit", jn);
		json_object_set_new(set, "limit", json_integer(lim));
		return 0;
	}
	if (arrayspec_parse(jn, 2147483646L, &a, err, errlen) < 0)
		return -1;
	if (a.nr > 0) {
		arrayspec_free(&a);
		return errf(err, errlen, "%s: the index list of a job array cannot "
		    "be changed", jn);
	}
	if (a.name != NULL && *a.name != '\0')
		json_object_set_new(set, "name", json_string(a.name));
	if (a.limit > 0)
		json_object_set_new(set, "limit", json_integer(a.limit));
	arrayspec_free(&a);
	return 0;
}

/* -b and -t as epoch seconds, as bsub sends them: they take effect on the
 * submitted job (jobtime.c). */
static int
bmod_times(const struct bsub_opts *o, json_t *set, char *err, size_t errlen)
{
	static const struct { enum bsub_opt id; const char *field; } t[] = {
		{ BO_b, "begin_time" }, { BO_t, "term_time" },
	};
	time_t now = time(NULL), v;
	size_t i;

	for (i = 0; i < nitems(t); i++) {
		if (o->val[t[i].id] == NULL)
			continue;
		if (lsftime_parse(o->val[t[i].id], now, &v, err, errlen) < 0)
			return -1;
		json_object_set_new(set, t[i].field, json_integer((json_int_t)v));
	}
	return 0;
}

/* SUBMIT fields from the options given. */
static int
bmod_set(const struct bsub_opts *o, json_t *set, char *err, size_t errlen)
{
	if (o->val[BO_J] != NULL && bmod_name(o->val[BO_J], set, err, errlen) < 0)
		return -1;
	if (o->val[BO_q] != NULL)
		json_object_set_new(set, "queue", json_string(o->val[BO_q]));
	if (o->val[BO_n] != NULL)
		json_object_set_new(set, "nslots", json_integer(atol(o->val[BO_n])));
	if (o->val[BO_o] != NULL || o->val[BO_oo] != NULL) {
		json_object_set_new(set, "out",
		    json_string(o->val[BO_o] ? o->val[BO_o] : o->val[BO_oo]));
		json_object_set_new(set, "out_trunc", json_boolean(o->val[BO_oo] != NULL));
	}
	if (o->val[BO_e] != NULL || o->val[BO_eo] != NULL) {
		json_object_set_new(set, "err",
		    json_string(o->val[BO_e] ? o->val[BO_e] : o->val[BO_eo]));
		json_object_set_new(set, "err_trunc", json_boolean(o->val[BO_eo] != NULL));
	}
	if (o->val[BO_w] != NULL)
		json_object_set_new(set, "dep", json_string(o->val[BO_w]));
	if (o->val[BO_cwd] != NULL)
		json_object_set_new(set, "cwd", json_string(o->val[BO_cwd]));
	return bmod_times(o, set, err, errlen);
}

/* The -Xn options given: null in opts, their SUBMIT fields cleared. */
static void
bmod_unsets(const struct bsub_opts *o, json_t *req)
{
	int id;

	for (id = 0; id < BO_COUNT; id++) {
		const char *x = bsubopt_name((enum bsub_opt)id);

		if (!o->unset[id])
			continue;
		json_object_set_new(json_object_get(req, "opts"), x, json_null());
		bmod_unset_fields(x, json_object_get(req, "set"),
		    json_object_get(req, "unset"));
	}
}

/* Whether a job is interactive is fixed by its bsub, which relays it. */
static int
bmod_no_interactive(const struct bsub_opts *o, char *err, size_t errlen)
{
	static const enum bsub_opt io[] = { BO_I, BO_Ip, BO_Is, BO_IS, BO_ISp, BO_ISs };
	size_t i;

	for (i = 0; i < nitems(io); i++)
		if (o->val[io[i]] != NULL || o->unset[io[i]])
			return errf(err, errlen, "-%s%s: only bsub makes a job interactive",
			    bsubopt_name(io[i]), o->unset[io[i]] ? "n" : "");
	return 0;
}

static int
bmod_fill(struct bsub_opts *o, json_t *req, char *err, size_t errlen)
{
	json_t *sel, *given;
	const char *k;
	json_t *v;

	if (bsubopt_check(o, err, errlen) < 0 || bmod_no_interactive(o, err, errlen) < 0)
		return -1;
	if (o->cmd_argc != 1)
		return errf(err, errlen, o->cmd_argc == 0 ? "No job ID specified" :
		    "Only one job ID can be given");
	if ((sel = jobsel_parse(o->cmd_argv[0])) == NULL)
		return errf(err, errlen, "%s: Illegal job ID", o->cmd_argv[0]);
	json_object_update(req, sel);
	json_decref(sel);
	if (bmod_set(o, json_object_get(req, "set"), err, errlen) < 0)
		return -1;
	given = bsubopt_json(o);
	json_object_foreach(given, k, v)
		json_object_set(json_object_get(req, "opts"), k, v);
	json_decref(given);
	return 0;
}

json_t *
bmod_request(int argc, char **argv, bool *json, char *err, size_t errlen)
{
	json_t *req = json_pack("{s:{}, s:[], s:{}}", "set", "unset", "opts");
	struct bsub_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = bsubopt_parse(&o, argc - 1, argv + 1, BSUBOPT_BMOD, err, errlen);
	*json = o.json;
	if (rc == 0) {
		bmod_unsets(&o, req);
		rc = bmod_fill(&o, req, err, errlen);
	}
	bsubopt_free(&o);
	if (rc < 0) {
		json_decref(req);
		return NULL;
	}
	return req;
}

static int
bmod_report(bool json, long id, bool ok, const char *why)
{
	char *job = xasprintf("%ld", id), *msg;
	json_t *results;

	msg = ok ? xasprintf("Parameters of job <%ld> are being changed", id) :
	    xasprintf("%s. Job not modified.", why);
	if (json) {
		results = json_pack("[{s:s, s:b, s:s}]", "job", job, "ok", ok, "msg", msg);
		ctlcmd_json(stdout, "bmod", results);
		json_decref(results);
	} else
		fprintf(ok ? stdout : stderr, "%s\n", msg);
	free(job);
	free(msg);
	return ok ? 0 : CLI_EXIT_FAIL;
}

int
bmod_main(int argc, char **argv)
{
	json_t *req, *data;
	char err[1024];
	bool json;
	long id;
	int rc;

	if ((req = bmod_request(argc, argv, &json, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s. Job not modified.\n", err);
		return CLI_EXIT_FAIL;
	}
	id = (long)json_integer_value(json_object_get(req, "id"));
	rc = client_call("modify", req, &data, err, sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("bmod", err);
	if (rc == CLIENT_OK)
		json_decref(data);
	return bmod_report(json, id, rc == CLIENT_OK, err);
}
