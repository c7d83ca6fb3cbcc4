#!/usr/bin/env bats
# waitprog.bats - the status line of bsub -K and bwait: on a terminal
# (a pty from util-linux script) the elapsed time, the job's state and
# pending reason, rewritten in place; piped, the output scripts parse,
# byte for byte, and no status line.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 1
}

teardown_file() {
	cluster_teardown
}

# Runs "$@" on a pty; its whole terminal output lands in $1's file.
on_pty() {
	local out=$1
	shift
	LANG=C.UTF-8 script -qec "$*" /dev/null >"$out" 2>&1 </dev/null
}

# Submits a job holding the only slot; $BLOCKER.
block_slot() {
	submit -o /dev/null sleep 600
	BLOCKER=$JOBID
	wait_job_state "$BLOCKER" RUN
}

@test "bsub -K on a terminal: a status line with the elapsed time and the pending reason, cleared before the normal lines" {
	block_slot
	on_pty "$TESTDIR/pty.out" bsub -K -o /dev/null true &
	local kpid=$!
	wait_for grep -q 'PEND: ' "$TESTDIR/pty.out"
	bkill "$BLOCKER"
	wait "$kpid"
	local out
	out=$(cat -v "$TESTDIR/pty.out")
	echo "$out"
	[[ "$out" == *"<<Waiting for dispatch ...>>"* ]]
	[[ "$out" =~ \^M'<<Waiting 0:0'[0-9]' M-bM-^@M-^T PEND: '[^\^]+'>>^['\[K ]]
	# cleared, then the normal line
	[[ "$out" == *'^M^[[K<<Starting on node1>>'* ]]
	[[ "$out" == *"<<Job is finished>>"* ]]
}

@test "bsub -K piped: byte-identical lines, no status line" {
	block_slot
	bsub -K -o /dev/null true >"$TESTDIR/k.out" 2>"$TESTDIR/k.err" &
	local kpid=$!
	wait_for grep -q 'is submitted' "$TESTDIR/k.out"
	JOBID=$(sed -E 's/^Job <([0-9]+)>.*/\1/' "$TESTDIR/k.out")
	wait_job_state "$JOBID" PEND
	sleep 2	# long enough for a status line to be drawn, were it drawn
	bkill "$BLOCKER"
	wait "$kpid"
	printf '<<Waiting for dispatch ...>>\n<<Starting on node1>>\n<<Job is finished>>\n' >"$TESTDIR/k.want"
	cmp "$TESTDIR/k.err" "$TESTDIR/k.want"
	[[ "$(cat "$TESTDIR/k.out")" =~ $SUBMIT_RE ]]
	[ "$(wc -l <"$TESTDIR/k.out")" -eq 1 ]
}

@test "bsub -K of an array on a terminal: element counts and the first pending element's reason" {
	block_slot
	on_pty "$TESTDIR/pty.out" bsub -K -J "'w[1-3]'" -o /dev/null true &
	local kpid=$!
	wait_for grep -q 'PEND 3; ' "$TESTDIR/pty.out"
	bkill "$BLOCKER"
	wait "$kpid"
	local out
	out=$(cat -v "$TESTDIR/pty.out")
	echo "$out"
	[[ "$out" =~ '<<Waiting 0:0'[0-9]' M-bM-^@M-^T PEND 3; Not enough job slot' ]]
	[[ "$out" == *"<<Job is finished>>"* ]]
}

@test "bwait on a terminal says what it waits for, the elapsed time and the first unended job's state; piped it prints nothing" {
	block_slot
	submit -o /dev/null true
	local first=$JOBID
	wait_job_state "$first" PEND
	on_pty "$TESTDIR/bw.out" bwait -w "'ended($BLOCKER) && ended($first)'" &
	local bpid=$!
	wait_for grep -q "Waiting 0:0[1-9]" "$TESTDIR/bw.out"
	bwait -w "ended($BLOCKER) && ended($first)" 2>"$TESTDIR/bw.err" &
	local ppid=$!
	sleep 2
	bkill "$BLOCKER"
	wait "$bpid"
	wait "$ppid"
	local out
	out=$(cat -v "$TESTDIR/bw.out")
	echo "$out"
	[[ "$out" == "<<Waiting for ended($BLOCKER) && ended($first)>>^M"* ]]
	[[ "$out" == *'^M<<Waiting 0:01 M-bM-^@M-^T job '"$BLOCKER"' RUN on node1>>^[[K'* ]]
	[[ "$out" == *'^M^[[K' ]]
	[ ! -s "$TESTDIR/bw.err" ]
}

@test "bwait -t on a terminal times out at its deadline with the line cleared" {
	block_slot
	on_pty "$TESTDIR/bt.out" bwait -t 0.04 -w "'ended($BLOCKER)'" || rc=$?
	bkill "$BLOCKER"
	local out
	out=$(cat -v "$TESTDIR/bt.out")
	echo "$out"
	[[ "$out" == *'^M^[[Kbwait: Wait condition <ended('"$BLOCKER"')> timed out'* ]]
}
