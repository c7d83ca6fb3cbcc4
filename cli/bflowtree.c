/*
 * bflowtree.c - bflow status output: a workflow as a tree, a line per
 * node (chains, groups and chords by kind and name, steps with their job,
 * state, array counts or end reason), and the list of workflows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bflow.h"
#include "cli.h"
#include "util.h"

#define BFLOWTREE_COL 34	/* where a step's job column starts */

static const char *const bflowtree_kinds[] = { "chain", "group", "chord" };

static const char *
bflowtree_kind(const json_t *node)
{
	size_t k;

	for (k = 0; k < nitems(bflowtree_kinds); k++)
		if (json_object_get(node, bflowtree_kinds[k]) != NULL)
			return bflowtree_kinds[k];
	return NULL;
}

static long long
bflowtree_int(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* "job <12>  DONE" and what explains the state. */
static void
bflowtree_step(FILE *fp, const json_t *node)
{
	const json_t *c = json_object_get(node, "counts");
	const char *reason = json_string_value(json_object_get(node, "reason"));
	const char *st = json_string_value(json_object_get(node, "state"));

	fprintf(fp, "job <%lld>  %s", bflowtree_int(node, "job"), st ? st : "?");
	if (c != NULL || reason != NULL)
		fprintf(fp, "%*s", st && strlen(st) < 5 ? (int)(5 - strlen(st)) : 0, "");
	if (c != NULL)
		fprintf(fp, "  %lld elements: %lld DONE, %lld EXIT, %lld RUN, %lld PEND",
		    bflowtree_int(c, "total"), bflowtree_int(c, "done"),
		    bflowtree_int(c, "exit"), bflowtree_int(c, "run"),
		    bflowtree_int(c, "pend"));
	if (reason != NULL)
		fprintf(fp, "  %s", reason);
	fputc('\n', fp);
}

/* One node's line, after prefix and its connector; then its children. */
static void
bflowtree_node(FILE *fp, const json_t *node, const char *prefix, bool root,
    bool last, const char *label)
{
	const char *kind = bflowtree_kind(node), *name;
	const json_t *kids, *child, *then;
	char line[512], *sub;
	size_t i, n;
	int len;

	name = json_string_value(json_object_get(node, "name"));
	len = snprintf(line, sizeof(line), "%s%s%s%s%s%s", prefix,
	    root ? "" : last ? "`-- " : "|-- ", label ? label : "",
	    kind ? kind : "", kind && name ? " " : "", name ? name : "");
	fputs(line, fp);
	if (kind == NULL) {
		fprintf(fp, "%*s", len < BFLOWTREE_COL ? BFLOWTREE_COL - len : 1, "");
		bflowtree_step(fp, node);
		return;
	}
	fputc('\n', fp);
	sub = xasprintf("%s%s", prefix, root ? "" : last ? "    " : "|   ");
	kids = json_object_get(node, kind);
	then = json_object_get(node, "then");
	n = json_array_size(kids);
	json_array_foreach(kids, i, child)
		bflowtree_node(fp, child, sub, false, i + 1 == n && then == NULL, NULL);
	if (then != NULL)
		bflowtree_node(fp, then, sub, false, true, "then: ");
	free(sub);
}

void
bflowtree_print(FILE *fp, const json_t *flow)
{
	const char *name = json_string_value(json_object_get(flow, "name"));
	const char *failed = json_string_value(json_object_get(flow, "failed"));

	fprintf(fp, "Workflow <%lld>%s%s%s, user <%s>: %s",
	    bflowtree_int(flow, "id"), name && *name ? " \"" : "", name && *name ?
	    name : "", name && *name ? "\"" : "",
	    json_string_value(json_object_get(flow, "user")),
	    json_string_value(json_object_get(flow, "state")));
	if (failed != NULL)
		fprintf(fp, "; step %s failed", failed);
	if (json_is_true(json_object_get(flow, "continue")))
		fprintf(fp, "; continues past failures");
	fputc('\n', fp);
	bflowtree_node(fp, json_object_get(flow, "tree"), "", true, true, NULL);
}

void
bflowtree_list(FILE *fp, const json_t *flows)
{
	const json_t *f;
	size_t i;

	fprintf(fp, "%-7s %-8s %-5s %-5s %-16s %s\n", "FLOWID", "USER", "STAT",
	    "STEPS", "FAILED", "NAME");
	json_array_foreach(flows, i, f) {
		const char *failed = json_string_value(json_object_get(f, "failed"));
		fprintf(fp, "%-7lld %-8s %-5s %-5lld %-16s %s\n", bflowtree_int(f, "id"),
		    json_string_value(json_object_get(f, "user")),
		    json_string_value(json_object_get(f, "state")),
		    bflowtree_int(f, "steps"), failed ? failed : "-",
		    json_string_value(json_object_get(f, "name")));
	}
}
