/* fuzz_jobcols.c - libFuzzer target: the bjobs -o format parser. A format
 * that parses is printed as text and as -json for a running and a pending
 * job, with and without -hms. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_jobs[] =
	"[{\"id\":12,\"idx\":0,\"name\":\"sim\",\"user\":\"ann\",\"stat\":\"RUN\","
	"\"queue\":\"normal\",\"from_host\":\"node1\",\"exec_hosts\":[\"node2\",\"node2\","
	"\"node3\"],\"submit_time\":1700000000,\"start_time\":1700000100,"
	"\"finish_time\":0,\"exit_code\":0,\"cmd\":\"sleep 100\",\"cwd\":\"/tmp\","
	"\"nslots\":3,\"cpu\":12.5,\"maxrss\":204800,\"project\":\"default\","
	"\"opts\":{\"W\":\"10\",\"M\":\"2G\",\"R\":[\"rusage[mem=100]\"],\"sp\":\"5\"}},"
	"{\"id\":13,\"idx\":4,\"name\":\"arr\",\"user\":\"bob\",\"stat\":\"EXIT\","
	"\"queue\":\"short\",\"from_host\":\"node1\",\"exec_hosts\":[],\"submit_time\":1,"
	"\"start_time\":2,\"finish_time\":99,\"exit_code\":3,\"signal\":9,"
	"\"pend_reason\":\"New job is waiting for scheduling\",\"array\":\"1-10\","
	"\"dep\":\"done(12)\",\"nslots\":1}]";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static json_t *jobs;
	char *s = xstrndup((const char *)data, size), err[512];
	struct jobfmt_cols *c;
	json_t *fields;

	if (null == NULL) {
		null = fopen("/dev/null", "w");
		jobs = json_loads(fuzz_jobs, 0, NULL);
		if (null == NULL || jobs == NULL)
			abort();
	}
	if ((c = jobfmt_cols_parse(s, err, sizeof(err))) != NULL) {
		fields = json_array();
		jobfmt_cols_fields(c, fields);
		json_decref(fields);
		jobfmt_cols_print(null, c, jobs, false);
		jobfmt_cols_hms(c, true);
		jobfmt_cols_print(null, c, jobs, true);
		jobfmt_cols_json(null, c, jobs, NULL);
		jobfmt_cols_free(c);
	} else if (err[0] == '\0')
		abort();
	free(s);
	return 0;
}
