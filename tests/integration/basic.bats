#!/usr/bin/env bats
# The core path on a 2-agent cluster: submit, query, kill, finished-job
# visibility, errors, the job's environment and working directory, output
# files, #BSUB scripts on stdin, commands relayed through an agent.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

@test "bsub prints LSF's success line, with and without -q" {
	run -0 bsub true
	assert_output --regexp '^Job <[0-9]+> is submitted to default queue <normal>\.$'
	run -0 bsub -q short true
	assert_output --regexp '^Job <[0-9]+> is submitted to queue <short>\.$'
}

@test "bjobs shows a running job with LSF's header and STAT" {
	submit -J runner sleep 30
	wait_job_state "$JOBID" RUN
	run -0 bjobs "$JOBID"
	assert_line --index 0 --regexp '^JOBID +USER +STAT +QUEUE +FROM_HOST +EXEC_HOST +JOB_NAME +SUBMIT_TIME *$'
	assert_line --index 1 --regexp "^$JOBID +$ME +RUN +normal +[^ ]+ +node[12] +runner +[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9] *$"
	run -0 bjobs
	assert_line --regexp "^$JOBID +$ME +RUN "
	bkill "$JOBID"
}

@test "bkill terminates a running job: EXIT with TERM_OWNER" {
	submit sleep 60
	wait_job_state "$JOBID" RUN
	run -0 bkill "$JOBID"
	assert_output "Job <$JOBID> is being terminated"
	wait_job_state "$JOBID" EXIT
	run -0 bjobs -noheader -o exit_reason "$JOBID"
	assert_output --partial TERM_OWNER
	run -255 --separate-stderr bkill "$JOBID"
	assert_equal "$stderr" "Job <$JOBID>: Job has already finished"
}

@test "bkill removes a pending job" {
	submit sleep 30
	local blocker=$JOBID
	submit -w "done($blocker)" true
	wait_job_state "$JOBID" PEND
	run -0 bkill "$JOBID"
	assert_output "Job <$JOBID> is being terminated"
	wait_job_state "$JOBID" EXIT
	bkill "$blocker"
}

@test "finished jobs stay visible to bjobs -a and bjobs ID" {
	submit -J quick true
	wait_job_state "$JOBID" DONE
	run -0 bjobs -a
	assert_line --regexp "^$JOBID +$ME +DONE +normal +[^ ]+ +node[12] +quick "
	run -0 bjobs "$JOBID"
	assert_line --index 1 --regexp "^$JOBID +$ME +DONE "
	run bjobs
	refute_line --regexp "^$JOBID "
	run -0 bjobs -d
	assert_line --regexp "^$JOBID +$ME +DONE "
}

@test "a job's exit code is kept" {
	submit "exit 3"
	wait_job_state "$JOBID" EXIT
	run -0 bjobs -noheader -o exit_code "$JOBID"
	assert_output 3
}

@test "bjobs on an unknown job id: not found, rc 255" {
	run -255 --separate-stderr bjobs 987654
	assert_equal "$stderr" "Job <987654> is not found"
	assert_equal "$output" ""
}

@test "bsub to a queue that does not exist: Job not submitted, rc 255" {
	run -255 --separate-stderr bsub -q nosuchq true
	assert_equal "$stderr" "nosuchq: No such queue. Job not submitted."
	assert_equal "$output" ""
}

@test "the job gets the LSB_* environment and runs in the submission dir" {
	submit -J envjob -o env.out \
		'env | grep -E "^(LSB_|LS_SUBCWD)"; echo "CWD=$(pwd -P)"'
	wait_job_state "$JOBID" DONE
	run cat env.out
	assert_line "LSB_JOBID=$JOBID"
	assert_line "LSB_JOBINDEX=0"
	assert_line "LSB_JOBNAME=envjob"
	assert_line "LSB_QUEUE=normal"
	assert_line --regexp '^LSB_HOSTS=node[12]$'
	assert_line --regexp '^LSB_MCPU_HOSTS=node[12] 1 ?$'
	assert_line "LSB_DJOB_NUMPROC=1"
	assert_line "LS_SUBCWD=$TESTDIR"
	assert_line "LSB_SUBCWD=$TESTDIR"
	assert_line "CWD=$TESTDIR"
}

@test "the submitter's environment reaches the job" {
	PUMICE_TEST_VAR="a b" submit -o var.out 'echo "var=$PUMICE_TEST_VAR"'
	wait_job_state "$JOBID" DONE
	run grep '^var=' var.out
	assert_output "var=a b"
}

@test "-cwd sets the working directory (absolute, relative, %J)" {
	mkdir -p abs rel
	submit -cwd "$TESTDIR/abs" -o "$TESTDIR/cwd1.out" 'echo "CWD=$(pwd -P)"'
	local a=$JOBID
	submit -cwd rel -o "$TESTDIR/cwd2.out" 'echo "CWD=$(pwd -P)"'
	wait_job_state "$a" DONE
	wait_job_state "$JOBID" DONE
	run grep '^CWD=' cwd1.out
	assert_output "CWD=$TESTDIR/abs"
	run grep '^CWD=' cwd2.out
	assert_output "CWD=$TESTDIR/rel"
}

@test "-o appends and substitutes %J and %I" {
	echo previous >app.out
	submit -o app.out 'echo first'
	wait_job_state "$JOBID" DONE
	submit -o app.out 'echo second'
	wait_job_state "$JOBID" DONE
	run cat app.out
	assert_line --index 0 previous
	assert_line first
	assert_line second
	submit -o "sub.%J.%I.out" 'echo subst'
	wait_job_state "$JOBID" DONE
	run grep -x subst "sub.$JOBID.0.out"
	assert_success
}

@test "-oo overwrites" {
	echo stale >ow.out
	submit -oo ow.out 'echo fresh'
	wait_job_state "$JOBID" DONE
	run cat ow.out
	refute_line stale
	assert_line fresh
}

@test "-o alone takes stderr too; -e separates it" {
	submit -o merged.out 'echo to-out; echo to-err >&2'
	local a=$JOBID
	submit -o split.out -e split.err 'echo to-out; echo to-err >&2'
	wait_job_state "$a" DONE
	wait_job_state "$JOBID" DONE
	run cat merged.out
	assert_line to-out
	assert_line to-err
	run cat split.out
	assert_line to-out
	refute_line to-err
	run cat split.err
	assert_line to-err
	refute_line to-out
}

@test "a script on stdin: #BSUB lines apply, the command line overrides them" {
	run -0 bsub -o cmdline.out <<'EOF'
#!/bin/sh
#BSUB -J scriptjob
#BSUB -o directive.out
#BSUB -q short
echo "name=$LSB_JOBNAME queue=$LSB_QUEUE"
EOF
	assert_output --regexp '^Job <[0-9]+> is submitted to queue <short>\.$'
	[[ "$output" =~ $SUBMIT_RE ]]
	local id=${BASH_REMATCH[1]}
	wait_job_state "$id" DONE
	run grep '^name=' cmdline.out
	assert_output "name=scriptjob queue=short"
	[ ! -e directive.out ]
}

@test "a command relayed through an agent's socket" {
	local sock=$CLUSTER_DIR/run/agent-node1.sock
	[ -S "$sock" ]
	run -0 env PUMICE_SOCKET="$sock" bsub -o relay.out 'echo relayed'
	assert_output --regexp "$SUBMIT_RE"
	[[ "$output" =~ $SUBMIT_RE ]]
	local id=${BASH_REMATCH[1]}
	run -0 env PUMICE_SOCKET="$sock" bjobs "$id"
	assert_line --index 1 --regexp "^$id +$ME +"
	wait_job_state "$id" DONE
	run grep -x relayed relay.out
	assert_success
}
