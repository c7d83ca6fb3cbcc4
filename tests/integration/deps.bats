#!/usr/bin/env bats
# Dependencies (-w) on a 2-agent cluster: done(), ended(), exit(), names,
# and a condition that can never be met.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

@test "done(): the dependent runs only after its parent is DONE" {
	submit 'sleep 2; touch parent.done'
	local parent=$JOBID
	submit -w "done($parent)" 'test -e parent.done'
	run job_stats "$JOBID"
	assert_output PEND
	wait_job_state "$JOBID" DONE
	wait_job_state "$parent" DONE
}

@test "done() by job name" {
	submit -J "depname_$BATS_TEST_NUMBER" 'sleep 1; touch parent.done'
	local parent=$JOBID
	submit -w "done(depname_$BATS_TEST_NUMBER)" 'test -e parent.done'
	wait_job_state "$JOBID" DONE
	wait_job_state "$parent" DONE
}

@test "ended() runs after a parent that failed" {
	submit 'sleep 1; exit 3'
	local parent=$JOBID
	submit -w "ended($parent)" true
	wait_job_state "$JOBID" DONE
	wait_job_state "$parent" EXIT
}

@test "exit() and exit(id, code) run after a parent that failed" {
	submit 'sleep 1; exit 3'
	local parent=$JOBID
	submit -w "exit($parent)" true
	local a=$JOBID
	submit -w "exit($parent, 3)" true
	wait_job_state "$a" DONE
	wait_job_state "$JOBID" DONE
}

@test "done() on a whole array waits for every element" {
	submit -J "parts[1-4]" 'sleep 1; touch part.$LSB_JOBINDEX'
	local arr=$JOBID
	submit -w "done($arr)" 'test "$(ls part.* | wc -l)" -eq 4'
	wait_job_state "$JOBID" DONE
}

@test "a dependency that can never be met: PEND with the reason" {
	submit 'exit 1'
	local parent=$JOBID
	submit -w "done($parent)" true
	wait_job_state "$parent" EXIT
	wait_for bash -c "bjobs -p $JOBID | grep -q 'Dependency condition invalid or never satisfied'"
	run job_stats "$JOBID"
	assert_output PEND
	bkill "$JOBID"
}

@test "a dependency on an unknown job is refused" {
	run -255 --separate-stderr bsub -w "done(987654)" true
	assert_regex "$stderr" 'No matching job found\. Job not submitted\.$'
	run -255 --separate-stderr bsub -w "done(" true
	assert_regex "$stderr" 'Job not submitted\.$'
}
