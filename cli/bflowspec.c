/*
 * bflowspec.c - a workflow description (bflow(1)) as the flow_submit
 * request. The description is JSON: a node, whose top level may also
 * say "continue": true. A node is
 *   a step   {"name": N, "bsub": "[bsub options] [command]",
 *             "cmd": "command line", "retry": R}
 *            ("bsub" is split into words as bsub -pack splits a line;
 *            "args": ["-n", "2", ...] gives the words as they are; "cmd",
 *            a command line run by the job's shell as written, follows
 *            them as one word: "bsub" holds options only then);
 *   a chain  {"name": N, "chain": [node, ...]}   one after the other;
 *   a group  {"name": N, "group": [node, ...]}   side by side;
 *   a chord  {"name": N, "chord": [node, ...], "then": node}
 *            a group, then one node once all of it is done.
 * Each step's bsub words become a SUBMIT object exactly as a line of
 * bsub -pack does (bsub_pack_line: the same option table and checks);
 * the master checks the shape again and everything else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bflow.h"
#include "cli.h"
#include "shellwords.h"
#include "util.h"

/* "cmd", one word: the command line as the job's shell reads it. */
static int
bflowspec_cmd(json_t *node, char ***argv, int argc, char *err, size_t errlen)
{
	json_t *cmd = json_object_get(node, "cmd");

	if (cmd == NULL || argc < 0)
		return argc;
	if (!json_is_string(cmd)) {
		shellwords_free(*argv);
		*argv = NULL;
		return errf(err, errlen, "\"cmd\" is not a string");
	}
	*argv = xrealloc(*argv, (argc + 2) * sizeof(char *));
	(*argv)[argc] = xstrdup(json_string_value(cmd));
	(*argv)[argc + 1] = NULL;
	return argc + 1;
}

/* A step's words: "bsub" split as a shell would, or "args" as given;
 * then "cmd". */
static int
bflowspec_words(json_t *node, char ***argv, char *err, size_t errlen)
{
	json_t *bsub = json_object_get(node, "bsub"), *args = json_object_get(node, "args"), *v;
	size_t i;

	if (bsub != NULL && args != NULL)
		return errf(err, errlen, "a step has \"bsub\" or \"args\", not both");
	if (bsub == NULL && args == NULL) {
		*argv = xcalloc(1, sizeof(char *));
		return bflowspec_cmd(node, argv, 0, err, errlen);
	}
	if (bsub != NULL) {
		if (!json_is_string(bsub))
			return errf(err, errlen, "\"bsub\" is not a string");
		return bflowspec_cmd(node, argv, shellwords_split(json_string_value(bsub),
		    argv, err, errlen), err, errlen);
	}
	if (!json_is_array(args))
		return errf(err, errlen, "\"args\" is not a list of strings");
	*argv = xcalloc(json_array_size(args) + 1, sizeof(char *));
	json_array_foreach(args, i, v) {
		if (!json_is_string(v)) {
			shellwords_free(*argv);
			*argv = NULL;
			return errf(err, errlen, "\"args\" is not a list of strings");
		}
		(*argv)[i] = xstrdup(json_string_value(v));
	}
	return bflowspec_cmd(node, argv, (int)json_array_size(args), err, errlen);
}

/* The step's "bsub"/"args" replaced by "job", its SUBMIT object. */
static int
bflowspec_step(json_t *node, size_t n, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(node, "name"));
	char e[1024], label[32], **argv = NULL;
	json_t *sub = NULL;
	int argc;

	snprintf(label, sizeof(label), "step%zu", n);
	if (name == NULL)
		name = label;
	if ((argc = bflowspec_words(node, &argv, e, sizeof(e))) == 0)
		errf(e, sizeof(e), "No command is specified");
	if (argc > 0)
		sub = bsub_pack_line(argc, argv, e, sizeof(e));
	shellwords_free(argv);
	if (sub == NULL)
		return errf(err, errlen, "step %s: %s", name, e);
	json_object_del(node, "bsub");
	json_object_del(node, "args");
	json_object_del(node, "cmd");
	json_object_set_new(node, "job", sub);
	return 0;
}

/* Every step of node's subtree, in tree order (n counts them). */
static int
bflowspec_walk(json_t *node, size_t *n, char *err, size_t errlen)
{
	static const char *const kids[] = { "chain", "group", "chord" };
	json_t *child;
	size_t i, k;

	if (!json_is_object(node))
		return errf(err, errlen, "a workflow node is not an object");
	if (json_object_get(node, "bsub") != NULL || json_object_get(node, "args") != NULL ||
	    json_object_get(node, "cmd") != NULL)
		return bflowspec_step(node, ++*n, err, errlen);
	for (k = 0; k < nitems(kids); k++)
		json_array_foreach(json_object_get(node, kids[k]), i, child)
			if (bflowspec_walk(child, n, err, errlen) < 0)
				return -1;
	if (json_object_get(node, "then") != NULL)
		return bflowspec_walk(json_object_get(node, "then"), n, err, errlen);
	return 0;
}

json_t *
bflowspec_request(json_t *desc, bool cont, const char *name, char *err,
    size_t errlen)
{
	json_t *tree = json_deep_copy(desc), *c;
	size_t n = 0;

	if (!json_is_object(tree)) {
		json_decref(tree);
		errf(err, errlen, "the description is not a JSON object");
		return NULL;
	}
	c = json_object_get(tree, "continue");
	if (c != NULL && !json_is_boolean(c)) {
		json_decref(tree);
		errf(err, errlen, "\"continue\" is not true or false");
		return NULL;
	}
	cont = cont || json_is_true(c);
	json_object_del(tree, "continue");
	if (name == NULL)
		name = json_string_value(json_object_get(tree, "name"));
	if (bflowspec_walk(tree, &n, err, errlen) < 0) {
		json_decref(tree);
		return NULL;
	}
	return json_pack("{s:o, s:s, s:b}", "flow", tree, "name", name ? name : "",
	    "continue", cont);
}

/* The file ("-": stdin) as a request; NULL with err. */
json_t *
bflowspec_load(const char *path, bool cont, const char *name, char *err,
    size_t errlen)
{
	json_error_t je;
	json_t *desc, *req;

	desc = strcmp(path, "-") == 0 ?
	    json_loadf(stdin, JSON_REJECT_DUPLICATES, &je) :
	    json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (desc == NULL) {
		errf(err, errlen, "%s:%d: %s", path, je.line, je.text);
		return NULL;
	}
	req = bflowspec_request(desc, cont, name, err, errlen);
	json_decref(desc);
	return req;
}
