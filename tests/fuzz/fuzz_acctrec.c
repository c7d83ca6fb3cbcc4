/* fuzz_acctrec.c - libFuzzer target: lsb.acct JOB_FINISH lines as bacct
 * reads them from a file anyone may have damaged. A line that parses
 * formats again, and that line parses to the same numbers and hosts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acctrec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), err[256], *line;
	struct acctrec r, back;

	if (acctrec_parse(s, &r, err, sizeof(err)) == 0) {
		line = acctrec_format(&r);
		if (acctrec_parse(line, &back, err, sizeof(err)) != 0 ||
		    back.job_id != r.job_id || back.status != r.status ||
		    back.idx != r.idx || back.nexec != r.nexec ||
		    back.exit_status != r.exit_status)
			abort();
		acctrec_free(&back);
		acctrec_free(&r);
		free(line);
	}
	free(s);
	return 0;
}
