#!/usr/bin/env bats
# Fairshare (FAIRSHARE = USER_SHARES[...] in lsb.queues): bqueues -l shows
# each account's shares, priority, running slots and decayed usage (LSF's
# SHARE_INFO_FOR block); the usage is durable: a master killed with
# kill -9 comes back with it, and orders the queue by it.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
	local d=$CLUSTER_DIR/conf/lsbatch/pumice/configdir
	cat >>"$d/lsb.queues" <<'Q'

Begin Queue
QUEUE_NAME = fair
PRIORITY = 10
QJOB_LIMIT = 1
FAIRSHARE = USER_SHARES[[root, 3] [nobody, 1]]
End Queue
Q
	badmin reconfig >/dev/null 2>&1
}

teardown_file() {
	cluster_teardown
}

submit_as_nobody() {
	local out
	out=$(as_nobody env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" bsub "$@") || return 1
	[[ "$out" =~ $SUBMIT_RE ]] || return 1
	JOBID=${BASH_REMATCH[1]}
}

# share_col USER COL: column COL (1-based) of USER's row in queue fair's
# SHARE_INFO_FOR block.
share_col() {
	bqueues -l fair | awk -v u="$1" -v c="$2" \
		'/^SHARE_INFO_FOR: fair\//{s=1;next} s&&$1==u{print $c;exit}'
}

# run_time USER: the decayed usage (slot-seconds) bqueues -l shows.
run_time() {
	share_col "$1" 7
}

usage_above() {
	local v
	v=$(run_time "$1")
	[ -n "$v" ] && [ "$v" -gt "$2" ]
}

restart_master() {
	kill -9 "$(cat "$CLUSTER_DIR/run/master.pid")"
	run -0 pumice cluster start "$CLUSTER_DIR"
	wait_for -t 30 bqueues fair
}

@test "bqueues -l: a FAIRSHARE queue has a SHARE_INFO_FOR block, another none" {
	run -0 bqueues -l fair
	assert_line "SHARE_INFO_FOR: fair/"
	assert_line --regexp '^ USER/GROUP +SHARES +PRIORITY +STARTED +RESERVED +CPU_TIME +RUN_TIME$'
	assert_line --regexp '^ root +3 +3\.000 +0 +0 +0\.0 +0$'
	assert_line --regexp '^ nobody +1 +1\.000 +0 +0 +0\.0 +0$'
	run -0 bqueues -l normal
	refute_output --partial SHARE_INFO_FOR
	run -0 bqueues -json fair
	assert_output --partial '"share_info"'
	assert_output --partial '"user": "root"'
	run -0 bqueues -json normal
	refute_output --partial share_info
}

@test "usage is charged, shown, and survives kill -9 of the master" {
	submit -q fair sleep 60
	local id=$JOBID
	wait_job_state "$id" RUN
	run -0 share_col root 4	# STARTED: its running slot
	assert_output 1
	wait_for -t 40 usage_above root 5	# one tick (10 s) at least
	bkill "$id"
	wait_job_state "$id" EXIT
	# the release charges the rest; what bqueues shows no longer grows
	local before
	before=$(run_time root)
	sleep 1
	[ "$(run_time root)" -eq "$before" ]
	restart_master
	local after
	after=$(run_time root)
	echo "usage before kill -9: $before, after restart: $after" >&3
	# only decay (half-life 5 h) and rounding apart
	[ "$after" -ge $((before - 1)) ] && [ "$after" -le "$before" ]
}

@test "a job running across a restart is charged from the stored usage on" {
	submit -q fair sleep 60
	local id=$JOBID
	wait_job_state "$id" RUN
	local start
	start=$(run_time root)
	wait_for -t 40 usage_above root $((start + 5))
	local before
	before=$(run_time root)
	restart_master
	wait_job_state "$id" RUN
	# the first tick after start-up charges the run since the stored time
	wait_for -t 30 usage_above root "$before"
	local after
	after=$(run_time root)
	echo "usage before kill -9: $before, after restart: $after" >&3
	# within a tick or two of running (1 slot, 10 s ticks)
	[ "$after" -le $((before + 40)) ]
	bkill "$id"
	wait_job_state "$id" EXIT
}

@test "restored usage orders the queue: more shares yield to much more usage" {
	require_root
	# 10 slot-hours for root: priority 3/11, below nobody's 1/1
	kill -9 "$(cat "$CLUSTER_DIR/run/master.pid")"
	sqlite3 "$CLUSTER_DIR/state/pumice.db" \
		"INSERT OR REPLACE INTO shares VALUES('fair|root', 36000, $(date +%s))"
	run -0 pumice cluster start "$CLUSTER_DIR"
	wait_for -t 30 bqueues fair
	run -0 run_time root
	[ "$output" -ge 35990 ]
	run -0 bqueues -l fair
	assert_line --regexp '^ nobody +1 '
	# nobody's row comes first: higher priority
	[ "$(bqueues -l fair | awk '/^SHARE_INFO_FOR/{getline;getline;print $1;exit}')" = nobody ]
	submit -q fair sleep 30
	local blocker=$JOBID
	wait_job_state "$blocker" RUN
	submit -q fair sleep 30
	local mine=$JOBID
	submit_as_nobody -q fair sleep 30
	local theirs=$JOBID
	wait_for bash -c "bjobs -p $mine | grep -q 'queue limit 1/1 in queue fair'"
	bkill "$blocker"
	wait_job_state "$theirs" RUN
	job_in_state "$mine" PEND
	bkill "$mine" "$theirs" >/dev/null || true
}
