/* fuzz_resreq.c - libFuzzer target: -R strings (resreq_parse, with the
 * select[] expression parser and evaluator behind it), bsub -gpu strings
 * (gpureq_parse, merged and formatted) and bsub -b/-t times
 * (lsftime_parse). Anything refused must say why. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpureq.h"
#include "lsftime.h"
#include "resreq.h"
#include "selexpr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *fuzz_res[] = { "gpu", "local", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), err[512];
	struct sel_host h = { "node1", "x86_64", "AMD EPYC 7", { 0 }, fuzz_res };
	struct sel_node *n;
	struct resreq rr;
	struct gpureq g;
	char buf[128];
	time_t t;

	err[0] = '\0';
	resreq_init(&rr);
	if (resreq_parse(&rr, s, "MB", err, sizeof(err)) < 0 && err[0] == '\0')
		abort();
	resreq_free(&rr);
	err[0] = '\0';
	if ((n = selexpr_parse(s, "MB", err, sizeof(err))) != NULL) {
		(void)selexpr_eval(n, &h);
		selexpr_free(n);
	} else if (err[0] == '\0')
		abort();
	err[0] = '\0';
	if (gpureq_parse(&g, s, err, sizeof(err)) == 0) {
		gpureq_merge(&g, NULL);
		gpureq_format(&g, buf, sizeof(buf));
	} else if (err[0] == '\0')
		abort();
	err[0] = '\0';
	if (lsftime_parse(s, (time_t)1764650000, &t, err, sizeof(err)) < 0 && err[0] == '\0')
		abort();
	free(s);
	return 0;
}
