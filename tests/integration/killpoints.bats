#!/usr/bin/env bats
# The quick part of the fault suite (make faults, tests/faults): the master
# killed with kill -9 at three fixed points of a submission loop (after the
# 10th, 30th and 50th acknowledged job) loses no acknowledged job, acknowledges
# no id twice and runs no job twice.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 4
}

teardown_file() {
	cluster_teardown
}

acked() {
	sed -n 's/^Job <\([0-9]*\)> is submitted.*/\1/p' ack | LC_ALL=C sort
}

acked_at_least() {
	[ "$(acked | wc -l)" -ge "$1" ]
}

no_unfinished() {
	[ -z "$(bjobs -noheader -o stat 2>/dev/null)" ]
}

@test "kill -9 of the master at 3 points of a submission loop: acknowledged == stored, nothing twice" {
	local loop point old
	: >ran
	(
		while [ ! -e stop ]; do
			bsub -o /dev/null 'echo "$LSB_JOBID $$" >>ran' </dev/null >>ack 2>>err || true
		done
	) &
	loop=$!
	for point in 10 30 50; do
		wait_for -t 20 acked_at_least "$point"
		old=$(cat "$CLUSTER_DIR/run/master.pid")
		kill -9 "$old"
		wait_for -t 10 bash -c "[ ! -d /proc/$old ] || grep -q '^State:.*Z' /proc/$old/status"
		run -0 pumice cluster start "$CLUSTER_DIR"
		[ "$(cat "$CLUSTER_DIR/run/master.pid")" != "$old" ]
	done
	touch stop
	wait "$loop"
	wait_for -t 60 no_unfinished
	acked >acked.txt
	bjobs -a -noheader -o jobid | LC_ALL=C sort -u >stored.txt
	cut -d' ' -f1 ran | LC_ALL=C sort >ran.txt
	[ "$(wc -l <acked.txt)" -ge 50 ]
	# no id acknowledged twice, none lost, none run twice, every one ran
	run uniq -d acked.txt
	assert_output ""
	run comm -23 acked.txt stored.txt
	assert_output ""
	run uniq -d ran.txt
	assert_output ""
	run comm -23 acked.txt <(LC_ALL=C sort -u ran.txt)
	assert_output ""
}
