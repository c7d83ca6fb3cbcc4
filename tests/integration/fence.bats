#!/usr/bin/env bats
# Fencing of requeued attempts (issue 13, hole 10): every dispatch has an
# attempt number; a copy left on a host that came back after its job was
# rerun elsewhere is killed without its job report, and its finish changes
# nothing. A rerun sees LSB_RESTART=Y and PUMICE_ATTEMPT; MAX_JOB_REQUEUE
# stops a job that always exits with a requeue value. Two agents of two
# cores; a one-second heartbeat makes the link timeout 13 s.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
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

@test "a frozen host's -r jobs rerun elsewhere; when it thaws, the old copies write no report" {
	# a: attempt 1 still runs when node1 thaws (killed then);
	# b: attempt 1 ends while node1's agent is frozen (no lease: it waits)
	submit -r -m "node1+1 node2" -o a.txt \
	    'echo "$PUMICE_ATTEMPT ${LSB_RESTART:-N} $LSB_HOSTS" >>seen
	     [ "$PUMICE_ATTEMPT" = 1 ] && sleep 300; echo ran'
	local a=$JOBID
	submit -r -m "node1+1 node2" -o b.txt \
	    '[ "$PUMICE_ATTEMPT" = 1 ] && { sleep 16; exit 0; }; echo ran'
	local b=$JOBID jd pgid agent
	wait_job_state "$a" RUN
	wait_job_state "$b" RUN
	[ "$(exec_host "$a")" = node1 ]
	[ "$(exec_host "$b")" = node1 ]
	jd=$(echo "$CLUSTER_DIR/spool/node1/jobs/$a".*)
	wait_for test -s "$jd/pgid"
	pgid=$(cat "$jd/pgid")
	agent=$(cat "$CLUSTER_DIR/run/node1.pid")
	kill -STOP "$agent"
	# link timeout to notice, link timeout again to rerun: ~26 s
	wait_job_state "$a" DONE 90
	wait_job_state "$b" DONE 90
	kill -0 -- "-$pgid"		# a's stale copy still runs, cut off
	grep -q "job $b\[0\] attempt 1: no lease from the master" "$CLUSTER_DIR"/log/node1*
	kill -CONT "$agent"
	wait_for -t 60 bash -c "! kill -0 -- -$pgid 2>/dev/null"
	# their finishes were acknowledged (the spool forgets them) and ignored
	wait_for -t 60 bash -c "! ls -d $CLUSTER_DIR/spool/node1/jobs/* 2>/dev/null"
	job_in_state "$a" DONE
	job_in_state "$b" DONE
	[ "$(grep -c '^Subject:' a.txt)" -eq 1 ]
	[ "$(grep -c '^ran$' a.txt)" -eq 1 ]
	[ "$(grep -c '^Subject:' b.txt)" -eq 1 ]
	grep -q "job $a\[0\]: finish of stale attempt 1 from node1 ignored" "$CLUSTER_DIR"/log/master*
	grep -q "job $b\[0\]: finish of stale attempt 1 from node1 ignored" "$CLUSTER_DIR"/log/master*
	grep -q "job $a\[0\] attempt 1 on node1 is stale" "$CLUSTER_DIR"/log/master*
	# the second attempt saw LSB_RESTART=Y, the first did not
	run -0 cat seen
	assert_line --index 0 "1 N node1"
	assert_line --index 1 "2 Y node2"
	[ "${#lines[@]}" -eq 2 ]
	run -0 bhist -l "$a"
	assert_output --partial "attempt 2"
	run -0 bjobs -l "$a"
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
