#!/usr/bin/env bats
# usage.bats - a running job's resource usage: the shepherd samples its
# process group, the agent sends the samples on its heartbeat, bjobs shows
# them (-o mem max_mem cpu_used, -l "Resource usage collected."), and the
# finished job keeps the largest memory seen.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	cluster_teardown
}

mem_mb() {
	bjobs -noheader -o "mem" "$1" | awk '$2 == "Mbytes" { print int($1) } $2 == "Gbytes" { print int($1 * 1024) }'
}

@test "a running job's memory and cpu show in bjobs while it runs, and MAX MEM after" {
	# 80 MB held, some cpu burnt, then a wait on a marker file
	submit -o /dev/null "python3 -c 'import os, time
x = bytearray(80 << 20)
for i in range(len(x) // 4096): x[i * 4096] = 1
s = sum(range(3000000))
while not os.path.exists(\"$TESTDIR/go\"): time.sleep(0.1)'"
	wait_job_state "$JOBID" RUN
	wait_for -t 20 bash -c "[ \"\$(bjobs -noheader -o mem $JOBID | awk '{print \$2}')\" = Mbytes ]"
	local mb
	mb=$(mem_mb "$JOBID")
	[ "$mb" -ge 80 ] && [ "$mb" -lt 400 ]
	run -0 bjobs -noheader -o "cpu_used" "$JOBID"
	assert_output --regexp '^[0-9.]+ second\(s\)$'
	run -0 bjobs -l "$JOBID"
	assert_output --partial "Resource usage collected."
	assert_output --regexp "MEM: [0-9.]+ Mbytes;  NPROC: [0-9]+"
	touch "$TESTDIR/go"
	wait_job_state "$JOBID" DONE
	run -0 bjobs -noheader -o max_mem "$JOBID"
	mb=$(echo "$output" | awk '{ print int($1) }')
	[ "$mb" -ge 80 ]
	run -0 bjobs -l "$JOBID"
	refute_output --partial "Resource usage collected."
	assert_output --partial "MAX MEM: "
}
