#!/usr/bin/env bats
# Identity from the kernel: users act on their own jobs only, the cluster
# administrator (the user who started the cluster) on every job. Needs
# root, to run commands as other users.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

# as_daemon CMD...: another ordinary user (uid 1, "daemon").
as_daemon() {
	as_uid 1 "$@"
}

submit_as_nobody() {
	local out
	out=$(as_nobody env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" bsub "$@") || return 1
	[[ "$out" =~ $SUBMIT_RE ]] || return 1
	JOBID=${BASH_REMATCH[1]}
}

@test "a job submitted by nobody runs as nobody" {
	require_root
	submit_as_nobody -o whoami.out 'echo "uid=$(id -u)"'
	wait_job_state "$JOBID" DONE
	run -0 bjobs -noheader -o user "$JOBID"
	assert_output nobody
	run grep '^uid=' whoami.out
	assert_output "uid=65534"
}

@test "another user may not kill nobody's job; nobody and the admin may" {
	require_root
	submit_as_nobody sleep 60
	local a=$JOBID
	submit_as_nobody sleep 60
	local b=$JOBID
	wait_job_state "$a" RUN
	wait_job_state "$b" RUN
	run -255 --separate-stderr as_daemon env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" bkill "$a"
	assert_regex "$stderr" "^Job <$a>: "
	refute_output --partial "is being terminated"
	run job_stats "$a"
	assert_output RUN
	run -0 as_nobody env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" bkill "$a"
	assert_output "Job <$a> is being terminated"
	run -0 bkill "$b"
	assert_output "Job <$b> is being terminated"
	wait_job_state "$a" EXIT
	wait_job_state "$b" EXIT
}

@test "a user's bjobs lists only their own jobs by default" {
	require_root
	submit_as_nobody sleep 30
	local a=$JOBID
	submit sleep 30
	local mine=$JOBID
	run -0 as_nobody env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" bjobs
	assert_line --regexp "^$a +nobody "
	refute_line --regexp "^$mine "
	run -0 bjobs -u all
	assert_line --regexp "^$a +nobody "
	assert_line --regexp "^$mine +$ME "
	bkill "$a" "$mine"
}
