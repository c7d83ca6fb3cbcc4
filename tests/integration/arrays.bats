#!/usr/bin/env bats
# Job arrays on a 2-agent cluster: LSB_JOBINDEX per element, index sets,
# the %N slot limit.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

# indices_run: the indices that touched got.<index>, sorted, one line.
indices_run() {
	ls got.* 2>/dev/null | sed 's/^got\.//' | sort -n | tr '\n' ' '
}

# job_stats_settled ID N: N rows, all DONE or EXIT.
job_stats_settled() {
	local s
	s=$(job_stats "$1")
	[ "$(echo "$s" | grep -cE '^(DONE|EXIT)$')" -eq "$2" ]
}

@test "each element sees its LSB_JOBINDEX and %I; one row per element" {
	submit -J "arr[1-5]" -o "arr.%J.%I.out" 'echo "idx=$LSB_JOBINDEX id=$LSB_JOBID"'
	wait_job_state "$JOBID" DONE
	for i in 1 2 3 4 5; do
		run cat "arr.$JOBID.$i.out"
		assert_line "idx=$i id=$JOBID"
	done
	run -0 bjobs -w "$JOBID"
	assert_equal "$(echo "$output" | grep -c "^$JOBID ")" 5
	assert_line --regexp "^$JOBID +$ME +DONE +normal +[^ ]+ +node[12] +arr\[3\] "
	run -0 bjobs "$JOBID[2]"
	assert_equal "$(echo "$output" | grep -c "^$JOBID ")" 1
	assert_line --regexp "arr\[2\]"
}

@test "index set [1-10:2] runs 1 3 5 7 9" {
	submit -J "step[1-10:2]" 'touch got.$LSB_JOBINDEX'
	wait_job_state "$JOBID" DONE
	assert_equal "$(indices_run)" "1 3 5 7 9 "
}

@test "index set [1,3,5-9] runs 1 3 5 6 7 8 9" {
	submit -J "list[1,3,5-9]" 'touch got.$LSB_JOBINDEX'
	wait_job_state "$JOBID" DONE
	assert_equal "$(indices_run)" "1 3 5 6 7 8 9 "
}

@test "an element that fails is EXIT, the others DONE" {
	submit -J "mixed[1-4]" '[ "$LSB_JOBINDEX" -ne 3 ]'
	wait_for job_stats_settled "$JOBID" 4
	run -0 bjobs -noheader -o "name stat" "$JOBID"
	assert_line --regexp '^mixed\[3\] +EXIT$'
	assert_line --regexp '^mixed\[1\] +DONE$'
	assert_equal "$(echo "$output" | grep -c DONE)" 3
}

@test "the %N slot limit is never exceeded" {
	# a counter under a mkdir lock: +1 at start, -1 at the end; every
	# element records the value it saw
	cat >count.sh <<'EOF'
#!/bin/sh
lock() { until mkdir "$1/lock" 2>/dev/null; do sleep 0.02; done; }
unlock() { rmdir "$1/lock"; }
d=$1
lock "$d"; n=$(( $(cat "$d/cnt" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$d/cnt"; echo "$n" >>"$d/seen"; unlock "$d"
sleep 1
lock "$d"; n=$(( $(cat "$d/cnt") - 1 )); echo "$n" >"$d/cnt"; unlock "$d"
EOF
	submit -J "lim[1-8]%2" "sh $TESTDIR/count.sh $TESTDIR"
	wait_job_state "$JOBID" DONE 60
	assert_equal "$(wc -l <seen)" 8
	assert_equal "$(sort -n seen | tail -n 1)" 2
	assert_equal "$(cat cnt)" 0
}

@test "a pending element over the limit says why" {
	submit -J "held[1-4]%1" 'sleep 20'
	wait_for bash -c "bjobs -noheader -o stat $JOBID | grep -q RUN"
	run -0 bjobs -p "$JOBID"
	assert_output --partial "The job array has reached its job slot limit"
	run -0 bkill "$JOBID"
	wait_job_state "$JOBID" EXIT
}

@test "a million-element array is accepted at once and killed whole" {
	local t0=$SECONDS
	submit -J "huge[1-1000000]%1" sleep 30
	[ $((SECONDS - t0)) -le 5 ]
	wait_job_state "$JOBID[1]" RUN
	run -0 bkill "$JOBID"
	assert_output "Job <$JOBID> is being terminated"
	wait_job_state "$JOBID[1]" EXIT
	wait_job_state "$JOBID[1000000]" EXIT
}
