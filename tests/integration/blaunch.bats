#!/usr/bin/env bats
# blaunch.bats - LSF's blaunch on a two-agent cluster (node1, node2, two
# cpus each): a -n 4 -R "span[ptile=2]" job starts tasks on both hosts
# through their agents and sees their output and exit codes; a host
# outside the allocation, a request from outside the job and a wrong
# token are refused; bkill kills the remote tasks.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

# span JOBSCRIPT...: a -n 4 ptile=2 job (both hosts), its output in out.
span() {
	submit -n 4 -R "span[ptile=2]" -o out "$@"
}

# task NAME LINES: a task script in the test's directory.
task() {
	printf '%s\n' "$2" >"$1"
}

@test "blaunch starts one task per slot on both hosts and relays their output" {
	task t.sh 'echo task $PUMICE_TASK_ID on $PUMICE_TASK_HOST job $LSB_JOBID; echo err $PUMICE_TASK_HOST >&2'
	span -K 'blaunch sh t.sh; echo "blaunch exit $?"'
	run cat out
	assert_output --partial "blaunch exit 0"
	[ "$(grep -c "^task [0-9] on node1 job $JOBID\$" out)" -eq 2 ]
	[ "$(grep -c "^task [0-9] on node2 job $JOBID\$" out)" -eq 2 ]
	[ "$(grep -c '^err node[12]$' out)" -eq 4 ]
}

@test "blaunch -z runs on the hosts named, in the job's cwd and as its user" {
	task t.sh 'pwd; id -un; echo $LSB_MCPU_HOSTS'
	span -K 'blaunch -z "node2" sh t.sh'
	run cat out
	assert_line "$TESTDIR"
	assert_line "$ME"
	assert_line "node1 2 node2 2"
}

@test "blaunch exits with a failed task's code" {
	task t.sh 'test $PUMICE_TASK_HOST = node1 || exit 7'
	span -K 'blaunch -z "node1 node2" sh t.sh; echo "blaunch exit $?"; blaunch node1 true; echo "host form exit $?"'
	run cat out
	assert_output --partial "blaunch exit 7"
	assert_output --partial "host form exit 0"
}

@test "blaunch -u reads hosts from a file, -use-env sets variables, -n empties stdin" {
	printf 'node2\nnode2\n' >hosts
	printf '%s\n' 'FOO=bar baz' "Q=it's" '# a comment' >envf
	task t.sh 'echo "[$FOO|$Q|$(cat)]"'
	span -K 'echo input | blaunch -n -u hosts -use-env envf sh t.sh; echo input | blaunch -z node2 sh t.sh'
	run cat out
	[ "$(grep -cxF "[bar baz|it's|]" out)" -eq 2 ]
	assert_line "[||input]"
}

@test "blaunch refuses a host outside the job's allocation" {
	submit -n 2 -R "span[hosts=1]" -o out -K 'blaunch -z "node1 node2 nosuch" true; echo "exit $?"; PUMICE_JOB_TOKEN= blaunch true; echo "no token $?"'
	run cat out
	assert_output --regexp "Host <node[12]> is not in the allocation of job <$JOBID>"
	assert_output --partial "exit 255"
	assert_output --partial "no token 255"
}

@test "the master refuses a task on a foreign host or with a wrong token" {
	# blaunch checks LSB_MCPU_HOSTS, which the job may change: the master
	# checks the allocation it made, and the token
	submit -n 1 -o out -K 'LSB_MCPU_HOSTS="node1 1 node2 1" blaunch -z node2 true; echo "foreign $?"; PUMICE_JOB_TOKEN=0123 blaunch true; echo "forged $?"'
	run cat out
	assert_output --regexp "Host <node[12]> is not in the allocation of job <$JOBID>"
	assert_output --partial "foreign 255"
	assert_output --partial "its token is missing or wrong"
	assert_output --partial "forged 255"
}

@test "blaunch outside a job is refused" {
	run env -u LSB_JOBID -u PUMICE_JOB_TOKEN blaunch hostname
	assert_failure 255
	assert_output --partial "not inside a batch job"
}

@test "bkill kills the remote tasks" {
	task t.sh 'echo $$ >pid.$PUMICE_TASK_HOST.$PUMICE_TASK_ID; exec sleep 300'
	span 'blaunch sh t.sh'
	four() { [ "$(ls pid.node* 2>/dev/null | wc -l)" -eq 4 ]; }
	wait_for four
	[ "$(ls pid.node1.* | wc -l)" -eq 2 ]
	pids=$(cat pid.node*)
	for p in $pids; do kill -0 "$p"; done
	bkill "$JOBID"
	wait_job_state "$JOBID" EXIT
	gone() { for p in $pids; do ! kill -0 "$p" 2>/dev/null || return 1; done; }
	wait_for -t 15 gone
}

@test "the job's end kills its tasks" {
	task t.sh 'echo $$ >pid.$PUMICE_TASK_HOST; exec sleep 300'
	span 'blaunch -z "node2 node1" sh t.sh & while [ ! -s pid.node2 ] || [ ! -s pid.node1 ]; do sleep 0.1; done; exit 0'
	wait_job_state "$JOBID" DONE
	pids=$(cat pid.node*)
	gone() { for p in $pids; do ! kill -0 "$p" 2>/dev/null || return 1; done; }
	wait_for -t 15 gone
}

@test "the tasks' cpu time is charged to the job" {
	task t.sh 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done'
	span -K 'blaunch -z node2 sh t.sh'
	cpu=$(bjobs -noheader -o cpu_used "$JOBID" | awk '{print $1}')
	echo "job cpu: $cpu"
	awk -v c="$cpu" 'BEGIN { exit !(c >= 0.2) }'
}

@test "another user cannot launch into the job, even with its token" {
	require_root
	span 'echo "$PUMICE_JOB_TOKEN" >tok; chmod 644 tok; sleep 300'
	wait_for test -s tok
	run as_nobody env LSB_JOBID="$JOBID" PUMICE_JOB_TOKEN="$(cat tok)" \
		LSB_MCPU_HOSTS="node1 2 node2 2" blaunch -z node2 true
	assert_failure 255
	assert_output --partial "No matching job found"
	bkill "$JOBID"
}

# Last: node2's agent stays dead.
@test "a task whose host dies makes blaunch say so and fail" {
	task t.sh 'echo up; exec sleep 300'
	span 'blaunch -z node2 sh t.sh; echo "blaunch exit $?"'
	wait_for grep -q '^up$' out
	kill -9 "$(cat "$CLUSTER_DIR/run/node2.pid")"
	wait_job_state "$JOBID" DONE 60
	run cat out
	assert_output --partial "task 1 on node2: Host <node2> is unreachable"
	assert_output --partial "blaunch exit 1"
}
