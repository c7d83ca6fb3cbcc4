#!/usr/bin/env bats
# Fencing of requeued attempts (issue 13, hole 10): every dispatch has an
# attempt number; a copy left on a host that came back after its job was
# rerun elsewhere is killed without its job report, and its finish changes
# nothing. A rerun sees LSB_RESTART=Y and PUMICE_ATTEMPT; MAX_JOB_REQUEUE
# stops a job that always exits with a requeue value. Two agents of one
# core; a one-second heartbeat makes the link timeout 13 s.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 1
	cat >>"$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.queues" <<'EOF'

Begin Queue
QUEUE_NAME = capped
PRIORITY = 10
REQUEUE_EXIT_VALUES = 3
MAX_JOB_REQUEUE = 2
End Queue
EOF
	printf 'PUMICE_HEARTBEAT=1\n' >>"$CLUSTER_DIR/conf/lsf.conf"
	pumice cluster stop "$CLUSTER_DIR" 2>/dev/null
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
}

teardown_file() {
	# a test that failed with node1's agent stopped must not leave it so
	local pid
	pid=$(cat "$CLUSTER_DIR/run/node1.pid" 2>/dev/null) && kill -CONT "$pid" 2>/dev/null
	cluster_teardown
}

@test "a frozen host's -r job reruns elsewhere; when it thaws, its copy dies without a report" {
	# attempt 1 sleeps (it will be fenced off); attempt 2 ends at once
	submit -r -m "node1+1 node2" -o out.txt \
	    'echo "$PUMICE_ATTEMPT ${LSB_RESTART:-N} $LSB_HOSTS" >>seen
	     [ "$PUMICE_ATTEMPT" = 1 ] && sleep 300; echo ran'
	local id=$JOBID jd pgid agent
	wait_job_state "$id" RUN
	[ "$(exec_host "$id")" = node1 ]
	jd=$(echo "$CLUSTER_DIR/spool/node1/jobs/$id".*)
	wait_for test -s "$jd/pgid"
	pgid=$(cat "$jd/pgid")
	agent=$(cat "$CLUSTER_DIR/run/node1.pid")
	kill -STOP "$agent"
	# link timeout to notice, link timeout again to rerun: ~26 s
	wait_job_state "$id" DONE 90
	kill -0 -- "-$pgid"		# the stale copy still runs, partitioned
	kill -CONT "$agent"
	wait_for -t 60 bash -c "! kill -0 -- -$pgid 2>/dev/null"
	# its finish was acknowledged (the spool forgets it) and ignored
	wait_for -t 60 bash -c "! ls -d $CLUSTER_DIR/spool/node1/jobs/$id.* 2>/dev/null"
	job_in_state "$id" DONE
	[ "$(grep -c '^Subject:' out.txt)" -eq 1 ]
	[ "$(grep -c '^ran$' out.txt)" -eq 1 ]
	grep -q "finish of stale attempt 1 from node1 ignored" "$CLUSTER_DIR"/log/master*
	grep -q "attempt 1 on node1 is stale" "$CLUSTER_DIR"/log/master*
	# the second attempt saw LSB_RESTART=Y, the first did not
	run -0 cat seen
	assert_line --index 0 "1 N node1"
	assert_line --index 1 "2 Y node2"
	[ "${#lines[@]}" -eq 2 ]
	run -0 bhist -l "$id"
	assert_output --partial "attempt 2"
	run -0 bjobs -l "$id"
	assert_output --partial "attempt 2"
}

@test "MAX_JOB_REQUEUE = 2: a job that always exits with a requeue value ends EXIT after 3 runs" {
	submit -q capped 'echo "$PUMICE_ATTEMPT" >>runs; exit 3'
	wait_job_state "$JOBID" EXIT 60
	[ "$(job_field "$JOBID" exit_code)" = 3 ]
	run -0 cat runs
	assert_output "$(printf '1\n2\n3')"
	run -0 bhist -l "$JOBID"
	assert_output --partial "exit code 3 is in"
}
