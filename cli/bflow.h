/*
 * bflow.h - what the files of the bflow command share: the workflow
 * description as a flow_submit request (bflowspec.c) and the status
 * tree (bflowtree.c).
 */
#ifndef PUMICE_BFLOW_H
#define PUMICE_BFLOW_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

/* A description (a JSON node) as the request {flow, name, continue};
 * cont adds "continue"; name, when not NULL, names the workflow. NULL
 * with err naming the step. */
json_t *bflowspec_request(json_t *desc, bool cont, const char *name, char *err,
    size_t errlen);
/* The same from a file ("-": stdin). */
json_t *bflowspec_load(const char *path, bool cont, const char *name, char *err,
    size_t errlen);

/* The flow_status record as a tree of lines. */
void bflowtree_print(FILE *fp, const json_t *flow);
/* The flow_status list as a table. */
void bflowtree_list(FILE *fp, const json_t *flows);

#endif
