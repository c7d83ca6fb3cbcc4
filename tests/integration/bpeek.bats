#!/usr/bin/env bats
# bpeek (LSF.md §4) on a local -o file and on a job without one, -f, the
# "Not yet started." / "Already finished." answers; the LSF job report
# appended to -o files (LSF.md §1.4, LSB_STDOUT_DIRECT=Y semantics).

load helpers

setup_file() {
	cluster_start -n 1 --cpus 1
}

teardown_file() {
	cluster_teardown
}

@test "bpeek shows what a running job wrote so far" {
	submit -J peeker -o peek.out 'echo one; echo two; sleep 60'
	wait_for bash -c "grep -qx two peek.out"
	run -0 bpeek "$JOBID"
	assert_line --index 0 '<< output from stdout >>'
	assert_line --index 1 one
	assert_line --index 2 two
	run -0 bpeek -J peeker
	assert_line --index 2 two
	bkill "$JOBID"
}

@test "bpeek -f follows until the job ends" {
	submit -o follow.out 'for i in 1 2 3; do echo "step $i"; sleep 0.5; done'
	wait_job_state "$JOBID" RUN
	run -0 timeout 30 bpeek -f "$JOBID"
	assert_line --index 0 '<< output from stdout >>'
	assert_line 'step 1'
	assert_line 'step 3'
}

@test "bpeek on a pending or finished job says so and exits 255" {
	submit sleep 60
	local running=$JOBID
	submit -o later.out true
	wait_job_state "$JOBID" PEND
	run -255 --separate-stderr bpeek "$JOBID"
	assert_equal "$stderr" "Job <$JOBID> : Not yet started."
	bkill "$running"
	wait_job_state "$JOBID" DONE
	run -255 --separate-stderr bpeek "$JOBID"
	assert_equal "$stderr" "Job <$JOBID> : Already finished."
}

@test "the job report is appended to the -o file" {
	submit -J reported -o report.out 'echo payload'
	wait_job_state "$JOBID" DONE
	run head -n 1 report.out
	assert_output payload
	run cat report.out
	assert_line "Sender: LSF System <$ME@node1>"
	assert_line "Subject: Job $JOBID: <reported> Done"
	assert_line 'Your job looked like:'
	assert_line 'Successfully completed.'
	assert_line 'Resource usage summary:'
	assert_line --regexp '^    CPU time : +[0-9.]+ sec\.$'
	assert_line --regexp '^    Max Memory : +[0-9]+ MB$'
	assert_line 'The output (if any) is above this job summary.'
	submit -o failed.out 'exit 3'
	wait_job_state "$JOBID" EXIT
	run cat failed.out
	assert_line 'Exited with exit code 3.'
	assert_line --regexp "^Subject: Job $JOBID: <exit 3> Exited$"
}
