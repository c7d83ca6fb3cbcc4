#!/usr/bin/env bats
# Jobs that go back to PEND by policy: an exit code in the queue's
# REQUEUE_EXIT_VALUES (with EXCLUDE() keeping the job off the host it
# exited on), and rerunnable jobs (bsub -r, queue RERUNNABLE) whose host
# is lost. Two agents of 3 cores; a one-second heartbeat makes the agent
# link timeout (3 heartbeats + 10 s) short enough to wait for.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 3
	cat >>"$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.queues" <<'EOF'

Begin Queue
QUEUE_NAME = rq
PRIORITY = 10
REQUEUE_EXIT_VALUES = 3 137 EXCLUDE(20)
End Queue

Begin Queue
QUEUE_NAME = rr
PRIORITY = 10
RERUNNABLE = yes
End Queue
EOF
	printf 'PUMICE_HEARTBEAT=1\n' >>"$CLUSTER_DIR/conf/lsf.conf"
	pumice cluster stop "$CLUSTER_DIR" 2>/dev/null
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
}

teardown_file() {
	cluster_teardown
}

lines_of() {
	wc -l <"$1" 2>/dev/null || echo 0
}

@test "an exit code in REQUEUE_EXIT_VALUES requeues the job, same id, and it runs again" {
	submit -q rq 'echo run >>runs; [ -e marker ] && exit 0; touch marker; exit 3'
	local id=$JOBID
	wait_job_state "$id" DONE 60
	[ "$(lines_of runs)" -eq 2 ]
	run -0 bhist -l "$id"
	assert_output --partial "exit code 3 is in"
}

@test "EXCLUDE(20): the requeued job does not go back to the host it exited on" {
	submit -q rq 'echo "$LSB_HOSTS" >>hosts; [ "$(wc -l <hosts)" -ge 2 ] && exit 0; exit 20'
	wait_job_state "$JOBID" DONE 60
	[ "$(lines_of hosts)" -eq 2 ]
	local first second
	first=$(sed -n 1p hosts)
	second=$(sed -n 2p hosts)
	[[ "$first" =~ ^node[12]$ ]]
	[[ "$second" =~ ^node[12]$ ]]
	[ "$first" != "$second" ]
}

@test "a signal death is never requeued, even when 128+signal is listed" {
	submit -q rq 'echo run >>runs; kill -9 $$'
	wait_job_state "$JOBID" EXIT 60
	[ "$(job_field "$JOBID" exit_code)" = 137 ]
	[ "$(lines_of runs)" -eq 1 ]
}

@test "a lost host: RERUNNABLE and -r jobs go back to PEND, -rn stays; the old copy dies when the host returns" {
	submit -q rr -m node1 sleep 300
	local a=$JOBID
	submit -q rr -rn -m node1 sleep 300
	local b=$JOBID
	submit -r -m "node1+1 node2" sleep 300
	local c=$JOBID
	local id
	for id in "$a" "$b" "$c"; do
		wait_job_state "$id" RUN
		[ "$(exec_host "$id")" = node1 ]
	done
	local jd pgid
	jd=$(echo "$CLUSTER_DIR/spool/node1/jobs/$c".*)
	wait_for test -s "$jd/pgid"
	pgid=$(cat "$jd/pgid")
	kill -9 "$(cat "$CLUSTER_DIR/run/node1.pid")"
	# -r: rerun on node2; RERUNNABLE, but only node1 allowed: PEND
	wait_for -t 60 bash -c "[ \"\$(bjobs -noheader -o exec_host $c | cut -d: -f1)\" = node2 ]"
	wait_job_state "$a" PEND 60
	job_in_state "$b" UNKWN
	run -0 bhist -l "$c"
	assert_output --partial "rerun: host node1"
	# node1 comes back still running a and b (adopted) and the old c (killed)
	run -0 pumice cluster start "$CLUSTER_DIR"
	wait_job_state "$a" RUN 60
	[ "$(exec_host "$a")" = node1 ]
	wait_job_state "$b" RUN 60
	wait_for -t 60 bash -c "! kill -0 -- -$pgid 2>/dev/null"
	job_in_state "$c" RUN
	[ "$(exec_host "$c")" = node2 ]
	bkill "$a" "$b" "$c" >/dev/null || true
}
