#!/usr/bin/env bats
# Faults: the master killed with kill -9 and started again loses nothing it
# acknowledged; an agent killed with kill -9 while its job runs does not
# kill the job, and reports its end, exit code included, once restarted,
# also when the job ended while the agent was down. The agent's long-lived
# shepherd outlives a killed agent until its jobs ended, and a killed one
# costs no running job.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

restart_cluster() {
	run -0 pumice cluster start "$CLUSTER_DIR"
}

pid_of() {
	cat "$CLUSTER_DIR/run/$1.pid"
}

@test "kill -9 of the master: every acknowledged job survives, a running job ends DONE" {
	submit -o long.out 'sleep 4; echo finished'
	local running=$JOBID ids="" i
	wait_job_state "$running" RUN
	submit -w "done($running)" -o after.out 'echo after'
	local dependent=$JOBID
	for i in 1 2 3 4 5; do
		submit true
		ids="$ids $JOBID"
	done
	submit -J "keep[1-3]" true
	ids="$ids $JOBID"
	kill -9 "$(pid_of master)"
	restart_cluster
	for i in $ids; do
		run bjobs -a "$i"
		assert_success
		assert_line --regexp "^$i "
	done
	wait_job_state "$running" DONE 60
	run grep -x finished long.out
	assert_success
	wait_job_state "$dependent" DONE
	for i in $ids; do
		wait_job_state "$i" DONE
	done
}

@test "kill -9 of an agent: its running job lives on and is reported DONE" {
	submit -o agent.out 'sleep 4; echo survived'
	local id=$JOBID
	wait_job_state "$id" RUN
	local host
	host=$(exec_host "$id")
	[[ "$host" =~ ^node[12]$ ]]
	kill -9 "$(pid_of "$host")"
	# the job itself is still running without its agent
	local jd
	# RUN can be reported before the shepherd has spooled the job's pgid
	wait_for bash -c "test -s '$CLUSTER_DIR/spool/$host/jobs/$id'.*/pgid"
	jd=$(echo "$CLUSTER_DIR/spool/$host/jobs/$id".*)
	kill -0 -- "-$(cat "$jd/pgid")"
	restart_cluster
	wait_job_state "$id" DONE 60
	run grep -x survived agent.out
	assert_success
}

@test "kill -9 of an agent: a job that ends while it is down keeps its exit code" {
	submit -o ended.out 'sleep 1; echo ended; exit 3'
	local id=$JOBID host jd
	wait_job_state "$id" RUN
	host=$(exec_host "$id")
	kill -9 "$(pid_of "$host")"
	# the shepherd writes the status (synced) with no agent to tell
	wait_for bash -c "test -s '$CLUSTER_DIR/spool/$host/jobs/$id'.*/status"
	jd=$(echo "$CLUSTER_DIR/spool/$host/jobs/$id".*)
	run -0 grep -q '"exit_code":3' "$jd/status"
	restart_cluster
	wait_job_state "$id" EXIT 60
	run -0 job_field "$id" exit_code
	assert_output 3
	run grep -x ended ended.out
	assert_success
}

# shepherd_server HOST: the pid of HOST's agent's long-lived shepherd
# (pumice-shepherd -s, a child of the agent), or nothing.
shepherd_server() {
	local c
	for c in $(cat /proc/"$(pid_of "$1")"/task/*/children 2>/dev/null); do
		tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null | grep -q 'pumice-shepherd .*-s ' &&
			echo "$c"
	done
}

gone() {
	[ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"
}

@test "kill -9 of an agent: its long-lived shepherd stays until its job ended, the next agent starts another" {
	submit -m node1 -o served.out 'sleep 3; echo served'
	local id=$JOBID old
	wait_job_state "$id" RUN
	old=$(shepherd_server node1)
	[ -n "$old" ]
	kill -9 "$(pid_of node1)"
	sleep 0.5
	# it takes no more jobs but waits for the one running
	kill -0 "$old"
	restart_cluster
	submit -m node1 true
	wait_job_state "$JOBID" DONE
	run -0 shepherd_server node1
	[ -n "$output" ] && [ "$output" != "$old" ]
	wait_job_state "$id" DONE 60
	run grep -x served served.out
	assert_success
	wait_for gone "$old"
}

@test "kill -9 of the long-lived shepherd: the running job ends DONE, the next job gets another" {
	submit -m node2 -o orphan.out 'sleep 2; echo orphan'
	local id=$JOBID old
	wait_job_state "$id" RUN
	old=$(shepherd_server node2)
	[ -n "$old" ]
	kill -9 "$old"
	wait_job_state "$id" DONE 60
	run grep -x orphan orphan.out
	assert_success
	submit -m node2 true
	wait_job_state "$JOBID" DONE
	run -0 shepherd_server node2
	[ -n "$output" ] && [ "$output" != "$old" ]
}

@test "an agent restarted under a running job does not give its cpu slot to the next job" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 cpus"
	submit -o first.out 'grep Cpus_allowed_list /proc/self/status; sleep 5'
	local first=$JOBID host
	wait_job_state "$first" RUN
	host=$(exec_host "$first")
	wait_for grep -q '^Cpus_allowed_list:' first.out
	kill -9 "$(pid_of "$host")"
	restart_cluster
	submit -m "$host" -o second.out 'grep Cpus_allowed_list /proc/self/status'
	wait_job_state "$JOBID" DONE
	run -0 grep -h '^Cpus_allowed_list:' first.out second.out
	assert_equal "${#lines[@]}" 2
	[ "${lines[0]}" != "${lines[1]}" ]
	wait_job_state "$first" DONE 60
}

@test "stop leaves no process behind, start brings everything back" {
	submit sleep 300
	local id=$JOBID
	wait_job_state "$id" RUN
	local host jd pgid
	host=$(exec_host "$id")
	wait_for bash -c "test -s '$CLUSTER_DIR/spool/$host/jobs/$id'.*/pgid"
	jd=$(echo "$CLUSTER_DIR/spool/$host/jobs/$id".*)
	pgid=$(cat "$jd/pgid")
	run -0 "$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR"
	run -1 "$PUMICE_BIN/pumice-cluster" status "$CLUSTER_DIR"
	if kill -0 -- "-$pgid" 2>/dev/null; then
		fail "job process group $pgid survived pumice cluster stop"
	fi
	for f in "$CLUSTER_DIR"/run/*.pid; do
		[ ! -e "$f" ]
	done
	restart_cluster
	run -0 "$PUMICE_BIN/pumice-cluster" status "$CLUSTER_DIR"
	# the job that was killed with the cluster is not left RUN forever
	wait_for -t 60 bash -c "bjobs -noheader -o stat $id | grep -qE 'EXIT|DONE|PEND'"
}

# Environments are stored once per distinct content (envtab.c): jobs that
# share one and jobs that differ each get their own after a replay.
@test "kill -9 of the master: held jobs run with their own environment after replay" {
	local a1 a2 b n
	PUMICE_T_VAR=alpha submit -H -o a1.out 'echo "$PUMICE_T_VAR"'
	a1=$JOBID
	PUMICE_T_VAR=alpha submit -H -o a2.out 'echo "$PUMICE_T_VAR"'
	a2=$JOBID
	PUMICE_T_VAR=beta PUMICE_T_OTHER=x submit -H -o b.out \
		'echo "$PUMICE_T_VAR${PUMICE_T_OTHER:+-$PUMICE_T_OTHER}"'
	b=$JOBID
	n=$(sqlite3 "$CLUSTER_DIR/state/pumice.db" \
		"SELECT count(*) FROM events WHERE job IN ($a1,$a2,$b) AND data LIKE '%\"env\":{%'")
	[ "$n" = 0 ]	# stored by id, not inline
	kill -9 "$(pid_of master)"
	restart_cluster
	run -0 bresume "$a1" "$a2" "$b"
	for i in "$a1" "$a2" "$b"; do
		wait_job_state "$i" DONE
	done
	run grep -x alpha a1.out
	assert_success
	run grep -x alpha a2.out
	assert_success
	run grep -x beta-x b.out
	assert_success
}

# done_count ID: elements of array ID that ended DONE.
done_count() {
	bjobs -a -noheader -o stat "$1" 2>/dev/null | grep -cx DONE
}

# at_least_done ID N
at_least_done() {
	[ "$(done_count "$1")" -ge "$2" ]
}

@test "kill -9 of the master, then of an agent, while an array drains: every element DONE exactly once" {
	# issue 12: the master records finishes and the starts that refill
	# their slots in one commit; each element appends its index once it runs
	# (the sleep keeps the drain long enough for both kills to land in it)
	local n=400 id before
	submit -J "drain[1-$n]" -o /dev/null "echo \$LSB_JOBINDEX >> $PWD/ran; sleep 0.05"
	id=$JOBID
	wait_for -t 60 at_least_done "$id" 40
	before=$(done_count "$id")
	kill -9 "$(pid_of master)"
	[ "$before" -lt "$n" ]
	restart_cluster
	wait_for -t 60 at_least_done "$id" $((before + 100))
	before=$(done_count "$id")
	kill -9 "$(pid_of node1)"
	[ "$before" -lt "$n" ]
	restart_cluster
	wait_for -t 120 at_least_done "$id" "$n"
	run done_count "$id"
	assert_output "$n"
	# ran exactly once each: n lines, n distinct indices 1..n
	run wc -l <ran
	assert_output "$n"
	run bash -c "sort -un ran | wc -l; sort -n ran | head -n 1; sort -n ran | tail -n 1"
	assert_output "$(printf '%s\n' "$n" 1 "$n")"
}
