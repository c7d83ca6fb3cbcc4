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
