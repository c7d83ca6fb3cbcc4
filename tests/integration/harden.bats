#!/usr/bin/env bats
# Hardening (issue 13): what the daemons leave readable, what an
# unauthenticated peer can cost the master, long and odd command lines,
# the working directory a job really used, and what the agent port logs.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

@test "state, spool and logs are the daemons' user's alone after a job with a secret" {
	PUMICE_SECRET=hunter2-tok submit -o "$TESTDIR/s.out" 'echo $PUMICE_SECRET; sleep 1'
	wait_job_state "$JOBID" RUN
	# while it runs: its spooled spec is there
	run find "$CLUSTER_DIR/state" "$CLUSTER_DIR/spool" "$CLUSTER_DIR/log" -perm /044
	assert_output ''
	wait_job_state "$JOBID" DONE
	run -0 grep -c hunter2-tok "$TESTDIR/s.out"
	run -0 grep -rl hunter2-tok "$CLUSTER_DIR/state"
	run find "$CLUSTER_DIR/state" "$CLUSTER_DIR/spool" "$CLUSTER_DIR/log" -perm /044
	assert_output ''
	run -0 stat -c %a "$CLUSTER_DIR/state" "$CLUSTER_DIR/state/pumice.db"
	assert_output $'700\n600'
	# the job's own files follow its submitter's umask, not the daemons'
	run -0 stat -c %a "$TESTDIR/s.out"
	assert_output 644
}

master_port() {
	sed -n 's/^LSB_MBD_PORT=//p' "$LSF_ENVDIR/lsf.conf"
}

master_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$CLUSTER_DIR/run/master.pid")/status"
}

# closed_within SECONDS FD: the master closed its end of FD in time.
closed_within() {
	local rc=0
	timeout "$1" cat <&"$2" >/dev/null 2>&1 || rc=$?
	[ "$rc" -ne 124 ]
}

@test "before authentication: big frames are refused at once, silence times out, commands go on" {
	local port rss0 rss1 i fds=() fd
	port=$(master_port)
	rss0=$(master_rss_kb)
	for i in 1 2 3 4; do
		exec {fd}<>"/dev/tcp/127.0.0.1/$port"
		fds+=("$fd")
		# a 64 MiB length prefix, then 1 MB of it
		{ printf '\004\000\000\000'; head -c 1048576 /dev/zero; } >&"$fd" 2>/dev/null || true
	done
	exec {fd}<>"/dev/tcp/127.0.0.1/$port"	# silent
	for i in "${fds[@]}"; do
		closed_within 5 "$i"
		exec {i}<&-
	done
	rss1=$(master_rss_kb)
	echo "master RSS ${rss0} KB -> ${rss1} KB" >&3
	[ $((rss1 - rss0)) -lt 20000 ]
	run -0 grep -cE 'agent port: 127\.0\.0\.1:[0-9]+ sent a 67108864-byte frame before authentication' \
		"$CLUSTER_DIR/log/master.log"
	[ "$output" -ge 4 ]
	# an authenticated client meanwhile
	submit -o "$TESTDIR/ok.out" echo still-served
	wait_job_state "$JOBID" DONE
	run -0 cat "$TESTDIR/ok.out"
	assert_line still-served
	closed_within 15 "$fd"
	exec {fd}<&-
	run -0 grep -E 'agent connection from 127\.0\.0\.1:[0-9]+ closed: no authentication within 5 s' \
		"$CLUSTER_DIR/log/master.log"
}

@test "unauthenticated links from one address are bounded; registered hosts stay up" {
	local port i fds=() fd
	port=$(master_port)
	for i in $(seq 1 130); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$port" || break
		fds+=("$fd")
	done
	wait_for -t 10 grep -q 'connection from 127.0.0.1 refused: 128 links from there are not authenticated yet' \
		"$CLUSTER_DIR/log/master.log"
	for fd in "${fds[@]}"; do
		exec {fd}<&-
	done
	run -0 bhosts -w
	assert_line --regexp '^node1 +ok '
	assert_line --regexp '^node2 +ok '
}

@test "a registered host's finished for another host's job is refused as an impostor" {
	local port
	port=$(master_port)
	submit -m node1 sleep 60
	wait_job_state "$JOBID" RUN
	run -0 /usr/bin/python3 "$BATS_TEST_DIRNAME/fakeagent.py" "$port" \
		"$LSF_ENVDIR/cluster.key" node9 "$JOBID" 0
	assert_output 'not acked'
	run -0 grep -E "impostor: host node9 \(127\.0\.0\.1:[0-9]+\) sent 'finished' for job $JOBID\[0\], which runs on node1; refused" \
		"$CLUSTER_DIR/log/master.log"
	run -0 job_stats "$JOBID"
	assert_output RUN
	bkill "$JOBID"
}

@test "a garbled frame on the agent port is logged with the peer's address" {
	local port fd
	port=$(master_port)
	exec {fd}<>"/dev/tcp/127.0.0.1/$port"
	printf '\000\000\000\005{{{{{' >&"$fd"
	closed_within 5 "$fd"
	exec {fd}<&-
	run -0 grep -E 'agent port: 127\.0\.0\.1:[0-9]+ sent a garbled frame' "$CLUSTER_DIR/log/master.log"
}

@test "bytes that are not UTF-8 are refused by name, never dropped" {
	local opt
	for opt in -J -P -G -o -cwd; do
		run -255 bsub "$opt" $'caf\xe9' true
		assert_output "$opt: not valid UTF-8 text. Job not submitted."
	done
	run -255 bsub $'echo caf\xe9'
	assert_output 'The command is not valid UTF-8 text. Job not submitted.'
	# an environment variable is left out, with a word on stderr
	LATIN1=$'caf\xe9' run -0 --separate-stderr bsub -o "$TESTDIR/env.out" 'echo "[${LATIN1-unset}]"'
	assert_output --regexp "$SUBMIT_RE"
	assert_equal "$stderr" 'bsub: environment variable LATIN1 is not valid UTF-8 text; not passed to the job'
	[[ "$output" =~ $SUBMIT_RE ]]
	wait_job_state "${BASH_REMATCH[1]}" DONE
	run -0 grep -F '[unset]' "$TESTDIR/env.out"
}

@test "a 300 KB command line runs (from a job file, not one exec argument)" {
	local a
	a=$(head -c 100000 /dev/zero | tr '\0' a)
	# bsub joins its arguments (quoted): each under the 128 KB of one
	submit -o "$TESTDIR/long.out" echo "$a" "$a" "$a" '|' wc -c
	wait_job_state "$JOBID" DONE
	run -0 head -n 1 "$TESTDIR/long.out"
	[ "$output" = "$a $a $a | wc -c" ]
	# and the same as a short command, unchanged
	submit -o "$TESTDIR/short.out" 'echo "$0"'
	wait_job_state "$JOBID" DONE
	run -0 grep -x /bin/sh "$TESTDIR/short.out"
}

exec_cwd_is() {
	[ "$(job_field "$1" exec_cwd)" = "$2" ]
}

@test "an unusable -cwd: bjobs -l and the job report name /tmp, where it ran" {
	submit -cwd /nonexistent/dir -o "$TESTDIR/cwd.out" 'pwd -P; sleep 3'
	wait_job_state "$JOBID" RUN
	# while it runs, from the agent's usage reports (every heartbeat)
	wait_for -t 20 exec_cwd_is "$JOBID" /tmp
	wait_job_state "$JOBID" DONE
	run -0 cat "$TESTDIR/cwd.out"
	assert_line /tmp
	assert_line '</tmp> was used as the working directory.'
	refute_line --partial '</nonexistent/dir> was used'
	run -0 job_field "$JOBID" exec_cwd
	assert_output /tmp
	# bjobs -l folds its lines: compare without blanks and newlines
	run -0 bash -c "bjobs -l $JOBID | tr -d ' \n'"
	assert_output --partial 'ExecutionCWD</tmp>;'
	# a usable -cwd is reported as asked
	mkdir -p "$TESTDIR/here"
	submit -cwd "$TESTDIR/here" -o "$TESTDIR/cwd2.out" 'pwd -P'
	wait_job_state "$JOBID" DONE
	run -0 job_field "$JOBID" exec_cwd
	assert_output "$TESTDIR/here"
}

# raw_req OP ARGS_JSON: one request on the master's command socket; prints
# the reply's ok, code and err.
raw_req() {
	"$BATS_TEST_DIRNAME/rawreq.py" "$CLUSTER_DIR/run/master.sock" "$1" "$2"
}

@test "a request's fields are checked: unknown or mistyped ones are refused by name, nothing runs" {
	run -0 raw_req kill '{"ids": [], "all": true, "sgi": "KILL"}'
	assert_output "False rejected kill: unknown field 'sgi'"
	run -0 raw_req jobs '{"limit": "10"}'
	assert_output "False rejected jobs: field 'limit' must be an integer"
	run -0 raw_req submit '{"job": "sleep 1"}'
	assert_output "False rejected submit: field 'job' must be an object"
	run -0 raw_req hosts '{"names": ["node1"]}'
	assert_output "False rejected hosts: unknown field 'names'"
	# a well-formed request still works, and the master goes on answering
	run -0 raw_req jobs '{"limit": 1, "all_states": true}'
	assert_output --partial "True"
	run -0 lsid
}
