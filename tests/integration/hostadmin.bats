#!/usr/bin/env bats
# Host-level administration: badmin mbdrestart (the master re-executes
# itself; running and pending jobs survive, none runs twice), badmin
# hrestart and lsadmin limrestart (the agent re-executes itself; a running
# job survives and ends DONE once), lsrmhost and LSF_DYNAMIC_HOST_TIMEOUT
# (a dead dynamic host removed by hand or after the timeout, the removal
# durable across kill -9 of the master), badmin hshutdown (the agent stops,
# its job goes on and is reported once the agent is back), and who may do
# any of it.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	cluster_teardown
}

teardown() {
	bkill 0 >/dev/null 2>&1 || true
	test_teardown
}

# extra_agent NAME: one more agent called NAME, its files under NAME.
extra_agent() {
	mkdir -p "$CLUSTER_DIR/spool/$1"
	setsid "$PUMICE_BIN/pumice-agent" -e "$CLUSTER_DIR/conf" --host "$1" \
		--spool "$CLUSTER_DIR/spool/$1" --socket "$CLUSTER_DIR/run/agent-$1.sock" \
		--log "$CLUSTER_DIR/log/$1.log" --pid "$CLUSTER_DIR/run/extra-$1.pid" \
		--cpus 1 --mem 1G </dev/null >>"$CLUSTER_DIR/log/$1.out" 2>&1 &
	wait_for test -s "$CLUSTER_DIR/run/extra-$1.pid"
}

stop_pid_file() {
	local p
	p=$(cat "$1")
	kill "$p"
	wait_for bash -c "! kill -0 $p 2>/dev/null"
}

host_status() {
	bhosts -w "$1" 2>/dev/null | awk 'NR == 2 { print $2 }'
}

# count_lines FILE: the number of lines of FILE (0 when absent).
count_lines() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

@test "badmin mbdrestart: the master re-executes itself; running and pending jobs survive, none runs twice" {
	local pid logs
	pid=$(cat "$CLUSTER_DIR/run/master.pid")
	logs=$(grep -c 'listening on port' "$CLUSTER_DIR/log/master.log")
	submit -o /dev/null bash -c "echo ran >>'$PWD/first'; sleep 4"
	local first=$JOBID
	wait_job_state "$first" RUN
	submit -o /dev/null -w "done($first)" bash -c "echo ran >>'$PWD/second'"
	local second=$JOBID
	run -0 --separate-stderr badmin mbdrestart
	assert_output $'\nMBD restart initiated'
	assert_regex "$stderr" "No errors found."
	# a new image in the same process (the pid file and a service
	# manager stay right): its second "listening" line, then answers
	wait_for bash -c "[ \$(grep -c 'listening on port' '$CLUSTER_DIR/log/master.log') -gt $logs ]"
	grep -q 'stopped: restarting' "$CLUSTER_DIR/log/master.log"
	[ "$(cat "$CLUSTER_DIR/run/master.pid")" = "$pid" ]
	kill -0 "$pid"
	wait_for bash -c "[ \"\$(bhosts -w node1 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = ok ]"
	run -0 job_stats "$first"
	assert_output RUN
	run -0 job_stats "$second"
	assert_output PEND
	wait_job_state "$first" DONE
	wait_job_state "$second" DONE
	[ "$(count_lines first)" -eq 1 ]
	[ "$(count_lines second)" -eq 1 ]
	# and new work is taken
	submit -o /dev/null true
	wait_job_state "$JOBID" DONE
}

@test "badmin mbdrestart is refused while the configuration has an error" {
	local conf=$CLUSTER_DIR/conf/lsf.conf
	cp "$conf" "$BATS_TEST_TMPDIR/lsf.conf"
	echo 'LSF_DYNAMIC_HOST_TIMEOUT=soon' >>"$conf"
	run -255 --separate-stderr badmin mbdrestart
	assert_regex "$stderr" "LSF_DYNAMIC_HOST_TIMEOUT must be hours"
	assert_regex "$stderr" "There are fatal errors."
	cp "$BATS_TEST_TMPDIR/lsf.conf" "$conf"
	grep -q 'mbdrestart by .* refused' "$CLUSTER_DIR/log/master.log"
	run -0 bhosts
}

@test "badmin hrestart: the agent re-executes itself, a running job survives and ends DONE once" {
	local pid log=$CLUSTER_DIR/log/node1.log starts
	pid=$(cat "$CLUSTER_DIR/run/node1.pid")
	starts=$(grep -c 'registered with master' "$log")
	submit -o /dev/null bash -c "echo ran >>'$PWD/once'; sleep 4"
	local id=$JOBID
	wait_job_state "$id" RUN
	run -0 --separate-stderr badmin hrestart node1
	assert_regex "$stderr" "^Restart slave batch daemon on <node1> \.\.\.\.\.\. done$"
	wait_for grep -q 'restart ordered by the master' "$log"
	wait_for bash -c "[ \$(grep -c 'registered with master' '$log') -gt $starts ]"
	[ "$(cat "$CLUSTER_DIR/run/node1.pid")" = "$pid" ]
	grep -q 'holds 1 job' "$log"
	run -0 job_stats "$id"
	assert_output RUN
	wait_job_state "$id" DONE
	[ "$(count_lines once)" -eq 1 ]
	# lsadmin's names for it; an unknown host is refused
	run -0 --separate-stderr lsadmin limrestart all
	assert_regex "$stderr" "^Restart LIM on <node1> \.\.\.\.\.\. done$"
	run -255 --separate-stderr badmin hrestart nosuch
	assert_regex "$stderr" "^Restart slave batch daemon on <nosuch> \.\.\.\.\.\. Bad host name"
	wait_for bash -c "[ \"\$(bhosts -w node1 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = ok ]"
}

@test "lsrmhost removes a dead dynamic host, refuses a connected one" {
	extra_agent dyn1
	wait_for bash -c "[ \"\$(bhosts -w dyn1 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = ok ]"
	run -255 --separate-stderr lsrmhost dyn1
	assert_regex "$stderr" "^Remove <dyn1> \.\.\.\.\.\. Its agent is connected; stop the agent first$"
	stop_pid_file "$CLUSTER_DIR/run/extra-dyn1.pid"
	wait_for bash -c "[ \"\$(bhosts -w dyn1 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = unavail ]"
	run -255 --separate-stderr badmin hrestart dyn1
	assert_regex "$stderr" "^Restart slave batch daemon on <dyn1> \.\.\.\.\.\. failed: Host is unreachable$"
	run -0 --separate-stderr lsrmhost dyn1
	assert_regex "$stderr" "^Remove <dyn1> \.\.\.\.\.\. done$"
	run -0 bhosts -w
	refute_line --regexp '^dyn1 '
	run -255 --separate-stderr lsrmhost node1
	assert_regex "$stderr" "^Remove <node1> \.\.\.\.\.\. Its agent is connected"
	run -255 --separate-stderr lsrmhost
	assert_regex "$stderr" "Usage: lsrmhost host_name"
	run -255 --separate-stderr lsrmhost -f dyn1
	assert_regex "$stderr" "illegal option -- f"
}

@test "LSF_DYNAMIC_HOST_TIMEOUT removes a dead dynamic host by itself, durably" {
	local conf=$CLUSTER_DIR/conf/lsf.conf pid
	cp "$conf" "$BATS_TEST_TMPDIR/lsf.conf"
	extra_agent dyn2
	wait_for bash -c "[ \"\$(bhosts -w dyn2 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = ok ]"
	# closed by hand: the recorded hclose would bring it back at replay
	run -0 badmin hclose dyn2
	echo 'LSF_DYNAMIC_HOST_TIMEOUT=3s' >>"$conf"
	run -0 badmin reconfig
	stop_pid_file "$CLUSTER_DIR/run/extra-dyn2.pid"
	wait_for bash -c "bhosts -w | grep -q '^dyn2 .*unavail'"
	wait_for -t 20 bash -c "! bhosts -w | grep -q '^dyn2 '"
	grep -q 'host dyn2 removed: unavailable for more than LSF_DYNAMIC_HOST_TIMEOUT (3 s)' \
		"$CLUSTER_DIR/log/master.log"
	# the removal is a recorded event: it holds across kill -9 with the
	# timeout off again
	cp "$BATS_TEST_TMPDIR/lsf.conf" "$conf"
	pid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill -9 "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	run -0 pumice cluster start "$CLUSTER_DIR"
	run -0 bhosts -w
	assert_line --regexp '^node1 '
	refute_line --regexp '^dyn2 '
}

@test "only administrators restart daemons or remove hosts" {
	require_root
	local envs=(env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR") before
	before=$(grep -c 'restart ordered by the master' "$CLUSTER_DIR/log/node1.log" || true)
	run -255 --separate-stderr as_nobody "${envs[@]}" badmin mbdrestart
	assert_regex "$stderr" "User permission denied"
	run -255 --separate-stderr as_nobody "${envs[@]}" badmin hrestart node1
	assert_regex "$stderr" "User permission denied"
	run -255 --separate-stderr as_nobody "${envs[@]}" lsadmin limrestart node1
	assert_regex "$stderr" "User permission denied"
	run -255 --separate-stderr as_nobody "${envs[@]}" lsrmhost node1
	assert_regex "$stderr" "User permission denied"
	run -0 bhosts -w node1
	assert_line --index 1 --regexp '^node1 '
	[ "$(grep -c 'restart ordered by the master' "$CLUSTER_DIR/log/node1.log" || true)" = "$before" ]
}

@test "badmin hshutdown stops the agent, its running job goes on and is reported once it is back" {
	local pid log=$CLUSTER_DIR/log/node1.log
	pid=$(cat "$CLUSTER_DIR/run/node1.pid")
	submit -o /dev/null bash -c "echo ran >>'$PWD/once'; sleep 3; touch '$PWD/ended'"
	local id=$JOBID
	wait_job_state "$id" RUN
	run -0 --separate-stderr badmin hshutdown node1
	assert_regex "$stderr" "^Shut down slave batch daemon on <node1> \.\.\.\.\.\. done$"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	grep -q 'shutdown ordered by the master' "$log"
	wait_for bash -c "[ \"\$(bhosts -w node1 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = unavail ]"
	# the job ends meanwhile (its sleep is over); the agent started again
	# reports it, once
	wait_for test -e ended
	run -0 pumice cluster start "$CLUSTER_DIR"
	wait_job_state "$id" DONE
	[ "$(count_lines once)" -eq 1 ]
	run -255 --separate-stderr badmin hstartup node1
	assert_regex "$stderr" "unknown subcommand"
}
