#!/usr/bin/env bats
# interactive.bats - bsub -I, -Ip, -Is (LSF.md §1.3): the job's stdin,
# stdout and stderr relayed between bsub and the job (through the master
# and the agent, pumice-protocol(7) "io"), a pseudo-terminal for -Is/-Ip
# with its size and ^C, the job's exit code as bsub's, the dispatch lines,
# the job killed when bsub goes. Terminals come from ptyrun.py (python3's
# pty module).

load helpers

PTYRUN=$BATS_TEST_DIRNAME/ptyrun.py

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	cluster_teardown
}

# The submit line on stderr, so that stdout is the job's alone.
export BSUB_STDERR=y

@test "echo hi | bsub -I cat: the job's output on stdout, the dispatch lines on stderr, exit 0" {
	run --separate-stderr bash -c 'echo hi | bsub -I cat'
	assert_success
	assert_output "hi"
	[[ "$stderr" =~ Job\ \<([0-9]+)\>\ is\ submitted ]]
	[[ "$stderr" == *$'<<Waiting for dispatch ...>>\n<<Starting on node1>>'* ]]
	run -0 job_stats "${BASH_REMATCH[1]}"
	assert_output DONE
}

@test "bsub -I: the job's exit code is bsub's; stderr stays stderr" {
	run --separate-stderr bsub -I 'echo to-out; echo to-err >&2; exit 3'
	[ "$status" -eq 3 ]
	assert_output "to-out"
	[[ "$stderr" == *$'\nto-err'* ]]
	run -0 bsub -I true </dev/null
}

@test "bsub -I: stdin's end reaches the job; many lines pass in order" {
	run --separate-stderr bash -c 'seq 1 20000 | bsub -I "wc -l; cat >/dev/null; echo after-eof"'
	assert_success
	assert_line --index 0 20000
	assert_line --index 1 after-eof
	run --separate-stderr bsub -I 'cat; echo closed' </dev/null
	assert_success
	assert_output closed
}

@test "bsub -I: megabytes out and in arrive intact, a slow reader included" {
	head -c 6000000 /dev/urandom >"$TESTDIR/big"
	run -0 bash -c "bsub -I 'cat \"$TESTDIR/big\"' 2>/dev/null | cmp - '$TESTDIR/big'"
	run -0 bash -c "bsub -I cat <'$TESTDIR/big' 2>/dev/null | cmp - '$TESTDIR/big'"
	# a reader slower than the job: bsub asks only as fast as it writes
	run -0 bash -c "bsub -I 'head -c 4000000 /dev/zero' 2>/dev/null | (sleep 2; wc -c)"
	assert_output 4000000
}

@test "bsub -Is runs the job on a terminal of bsub's size, and passes size changes on" {
	run -0 "$PTYRUN" --rows 33 --cols 77 expect:ready resize:40x100 'send:\n' -- \
		bsub -Is 'tty; stty size; echo ready; read x; stty size'
	assert_line --regexp '^/dev/pts/[0-9]+.?$'
	assert_line --regexp '^33 77.?$'
	assert_line --regexp '^40 100.?$'
	run -5 "$PTYRUN" -- bsub -Ip 'test -t 0 && test -t 1 && exit 5'
}

@test "bsub -I: the job's shepherd is forked by the agent's long-lived shepherd, as a batch job's" {
	# the job's parent is its shepherd; the shepherd's parent the server,
	# which the relay's pipes reached over its socket (SCM_RIGHTS)
	run -0 bsub -I 'gp=$(sed -n "s/^PPid:[[:space:]]*//p" /proc/$PPID/status); tr "\0" " " </proc/$gp/cmdline'
	assert_output --regexp 'pumice-shepherd .*-s '
}

@test "bsub -I runs the job without a terminal" {
	run -0 "$PTYRUN" -- bsub -I 'test -t 0 || test -t 1 || echo no-tty'
	assert_output --partial no-tty
}

@test "bsub -Is: ^C typed goes to the job's terminal and interrupts it" {
	run "$PTYRUN" expect:ready 'send:\x03' -- bsub -Is 'echo ready; sleep 120'
	[ "$status" -eq 130 ]
}

# bsub_bg CMD...: bsub in the background, its stdout in bg.out, stderr in
# bg.err; sets BPID and, once the job wrote "started", JOBID.
bsub_bg() {
	bsub "$@" >"$TESTDIR/bg.out" 2>"$TESTDIR/bg.err" &
	BPID=$!
	wait_for grep -q started "$TESTDIR/bg.out"
	JOBID=$(sed -nE 's/^Job <([0-9]+)>.*/\1/p' "$TESTDIR/bg.err")
	[ -n "$JOBID" ]
}

@test "bsub -I: ^C (SIGINT) kills the job, and bsub exits" {
	bsub_bg -I 'echo started; sleep 300'
	kill -INT "$BPID"
	local rc=0
	wait "$BPID" || rc=$?
	[ "$rc" -ne 0 ]
	wait_job_state "$JOBID" EXIT
}

@test "bsub -I: ^C while the job is pending kills it; bsub exits 126" {
	bsub -I -H 'echo never' >"$TESTDIR/p.out" 2>"$TESTDIR/p.err" &
	BPID=$!
	wait_for grep -q 'Waiting for dispatch' "$TESTDIR/p.err"
	JOBID=$(sed -nE 's/^Job <([0-9]+)>.*/\1/p' "$TESTDIR/p.err")
	wait_job_state "$JOBID" PSUSP
	kill -INT "$BPID"
	local rc=0
	wait "$BPID" || rc=$?
	[ "$rc" -eq 126 ]
	run -0 grep -x '<<Terminated while pending>>' "$TESTDIR/p.err"
	wait_job_state "$JOBID" EXIT
	[ ! -s "$TESTDIR/p.out" ]
}

@test "bsub -I killed outright: the agent kills the job when bsub falls silent" {
	bsub_bg -I 'echo started; sleep 300'
	kill -KILL "$BPID"
	wait "$BPID" || true
	wait_job_state "$JOBID" EXIT 40
	run grep -c "its interactive bsub is gone" "$CLUSTER_DIR"/log/node1.log
	[ "${output:-0}" -ge 1 ]
}

@test "bsub -I rides out a kill -9 and restart of the master: output, input and exit code" {
	mkfifo "$TESTDIR/in"
	exec 7<>"$TESTDIR/in"
	bsub -I 'echo started; read a; echo got-$a; exit 7' <"$TESTDIR/in" \
		>"$TESTDIR/bg.out" 2>"$TESTDIR/bg.err" &
	BPID=$!
	wait_for grep -q started "$TESTDIR/bg.out"
	kill -9 "$(cat "$CLUSTER_DIR/run/master.pid")"
	run -0 pumice cluster start "$CLUSTER_DIR"
	echo hello >&7
	local rc=0
	wait "$BPID" || rc=$?
	exec 7>&-
	[ "$rc" -eq 7 ]
	run -0 grep -x got-hello "$TESTDIR/bg.out"
}

@test "lsb.queues INTERACTIVE = NO refuses interactive jobs, ONLY batch jobs" {
	local q=$LSF_ENVDIR/lsbatch/pumice/configdir/lsb.queues
	printf '\nBegin Queue\nQUEUE_NAME = batchq\nINTERACTIVE = NO\nEnd Queue\n' >>"$q"
	printf '\nBegin Queue\nQUEUE_NAME = ionly\nINTERACTIVE = ONLY\nEnd Queue\n' >>"$q"
	run -0 badmin reconfig
	run -255 --separate-stderr bsub -I -q batchq true
	assert_equal "$stderr" "batchq: Queue does not accept interactive jobs. Job not submitted."
	run -255 --separate-stderr bsub -q ionly -o /dev/null true
	assert_equal "$stderr" "ionly: Queue only accepts interactive jobs. Job not submitted."
	run -0 --separate-stderr bsub -I -q ionly 'echo in-ionly'
	assert_output in-ionly
	run -0 --separate-stderr bsub -q batchq -o /dev/null true
}

@test "bmod neither makes a job interactive nor a job batch" {
	unset BSUB_STDERR
	submit -H -o /dev/null true
	run -255 --separate-stderr bmod -I "$JOBID"
	assert_equal "$stderr" "-I: only bsub makes a job interactive. Job not modified."
	run -255 --separate-stderr bmod -Isn "$JOBID"
	assert_equal "$stderr" "-Isn: only bsub makes a job interactive. Job not modified."
	bkill "$JOBID" >/dev/null
}

@test "a batch job is unaffected: output to its file, stdin /dev/null" {
	unset BSUB_STDERR
	submit -o "$TESTDIR/batch.out" 'cat; echo batch; test -t 0 || echo no-tty'
	wait_job_state "$JOBID" DONE
	run -0 grep -x batch "$TESTDIR/batch.out"
	run -0 grep -x no-tty "$TESTDIR/batch.out"
}
