#!/usr/bin/env bats
# Administration, configuration and cluster information: badmin reconfig
# and ckconfig, hclose/hopen, qclose/qopen/qact/qinact (durable across a
# kill -9 of the master), bparams, showconf, lsclusters, lsid, and the
# exit code 69 of a command that cannot reach the cluster.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
	export QUEUES_FILE=$LSF_ENVDIR/lsbatch/pumice/configdir/lsb.queues
	cp "$QUEUES_FILE" "$CLUSTER_DIR/lsb.queues.orig"
}

teardown_file() {
	cluster_teardown
}

pid_of() {
	cat "$CLUSTER_DIR/run/$1.pid"
}

# host_status HOST: the STATUS column of bhosts -w for HOST.
host_status() {
	bhosts -w "$1" | awk 'NR == 2 { print $2 }'
}

queue_status() {
	bqueues "$1" | awk 'NR == 2 { print $3 }'
}

restore_queues() {
	cp "$CLUSTER_DIR/lsb.queues.orig" "$QUEUES_FILE"
}

@test "bparams: short form, -l with units, -a lists every parameter as KEY = value" {
	run -0 bparams
	assert_line "Default Queues:  normal"
	run -0 bparams -l
	assert_line "    CLEAN_PERIOD = 3600 (seconds)"
	run -0 bparams -a
	assert_line --regexp '^ *LSF_UNIT_FOR_LIMITS = MB$'
	assert_line --regexp '^ *RESOURCE_RESERVE_PER_TASK = [YN]$'
	assert_line --regexp '^ *MAX_JOB_ARRAY_SIZE = 1000000$'
	# every line splits on "=" into a key and a value (Toil)
	run bash -c "bparams -a | grep -vcE '^ *[A-Z_0-9]+ = .*$'"
	assert_output 0
	run -0 bparams -json
	assert_output --partial '"COMMAND": "bparams"'
}

@test "badmin showconf mbd and lsadmin showconf lim publish the layout and units" {
	run -0 badmin showconf mbd
	assert_line --index 0 --regexp '^MBD configuration at '
	assert_line "    LSB_SHAREDIR = $CLUSTER_DIR/work"
	assert_line "    LSF_CONFDIR = $CLUSTER_DIR/conf"
	assert_line "    LSF_UNIT_FOR_LIMITS = MB"
	assert_line "    DEFAULT_QUEUE = normal"
	# Snakemake then reads DEFAULT_QUEUE from this very file
	run grep -E '^DEFAULT_QUEUE *= *normal' "$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.params"
	assert_success
	run -0 lsadmin showconf lim
	assert_line --index 0 --regexp '^LIM configuration at '
	assert_line "    LSF_UNIT_FOR_LIMITS = MB"
	refute_line --partial "DEFAULT_QUEUE"
}

@test "lsclusters -w: line 2 starts with the cluster name; lsid line 1 has a dotted version" {
	run -0 lsclusters -w
	assert_line --index 0 --regexp '^CLUSTER_NAME +STATUS +MASTER_HOST +ADMIN +HOSTS +SERVERS$'
	assert_line --index 1 --regexp "^pumice +ok +[^ ]+ +$ME +2 +2$"
	run -0 lsid
	assert_line --index 0 --regexp '[0-9]+\.[0-9]+'
	run -0 lsid -json
	assert_output --partial '"cluster": "pumice"'
}

@test "ckconfig reports file:line of a broken lsb.queues; reconfig refuses it" {
	run -0 --separate-stderr badmin ckconfig
	assert_equal "$(echo "$stderr" | grep -c 'No errors found.')" 1
	printf 'Begin Queue\nQUEUE_NAME = broken\nNO_SUCH_KEY = 1\nEnd Queue\n' >>"$QUEUES_FILE"
	local line
	line=$(grep -n NO_SUCH_KEY "$QUEUES_FILE" | cut -d: -f1)
	run -255 --separate-stderr badmin ckconfig -v
	assert_regex "$stderr" "$QUEUES_FILE:$line: unknown queue parameter NO_SUCH_KEY"
	assert_regex "$stderr" "There are fatal errors."
	run -255 --separate-stderr badmin reconfig
	assert_regex "$stderr" "lsb.queues:$line: "
	refute_output --partial "Reconfiguration initiated"
	run -255 bqueues broken
	restore_queues
	run -0 badmin ckconfig
}

@test "badmin reconfig adds a queue while a job keeps running" {
	submit -o running.out 'sleep 3; echo survived'
	local running=$JOBID
	wait_job_state "$running" RUN
	printf '\nBegin Queue\nQUEUE_NAME = extra\nPRIORITY = 50\nDESCRIPTION = Added live\nEnd Queue\n' >>"$QUEUES_FILE"
	run -0 --separate-stderr badmin reconfig
	assert_output --partial "Reconfiguration initiated"
	assert_regex "$stderr" "No errors found."
	run -0 bqueues -l extra
	assert_line "  -- Added live"
	submit -q extra true
	wait_job_state "$JOBID" DONE
	run job_stats "$running"
	assert_output RUN
	wait_job_state "$running" DONE
	run grep -x survived running.out
	assert_success
	restore_queues
	run -0 badmin reconfig
	run -255 bqueues extra
}

@test "hclose: bhosts shows closed_Adm with the comment and no job lands there; hopen" {
	run -0 --separate-stderr badmin hclose -C "disk swap" node1
	assert_equal "$stderr" "Close <node1> ...... done"
	run host_status node1
	assert_output closed_Adm
	run -0 bhosts node1
	assert_line --index 1 --regexp '^node1 +closed '
	run -0 bhosts -l node1
	assert_line ' ADMIN ACTION COMMENT: "disk swap"'
	local ids="" i
	for i in 1 2 3; do
		submit 'sleep 1'
		ids="$ids $JOBID"
	done
	for i in $ids; do
		wait_job_state "$i" DONE
		run exec_host "$i"
		assert_output node2
	done
	run -0 --separate-stderr badmin hopen node1
	assert_equal "$stderr" "Open <node1> ...... done"
	run host_status node1
	assert_output ok
	run -255 --separate-stderr badmin hclose nosuchhost
	assert_regex "$stderr" "Close <nosuchhost> ...... Bad host name"
}

@test "qclose refuses bsub with LSF's message; qopen accepts again" {
	run -0 badmin qclose normal
	assert_output "Queue <normal> is closed"
	run queue_status normal
	assert_output Closed:Active
	run -255 --separate-stderr bsub -q normal true
	assert_equal "$stderr" "normal: Queue has been closed. Job not submitted."
	refute_output --partial "is submitted"
	run -255 bsub true
	run -0 badmin qopen normal
	assert_output "Queue <normal> is opened"
	submit true
	wait_job_state "$JOBID" DONE
}

@test "qinact keeps jobs pending with the reason; qact lets them run" {
	run -0 badmin qinact short
	assert_output "Queue <short> is inactivated"
	run queue_status short
	assert_output Open:Inactive
	submit -q short true
	local id=$JOBID
	wait_for bash -c "bjobs -noheader -o pend_reason $id | grep -qx 'The queue is inactivated by the administrator'"
	run job_stats "$id"
	assert_output PEND
	run -0 badmin qact short
	assert_output "Queue <short> is activated"
	wait_job_state "$id" DONE
}

@test "only administrators may change the admin state or reconfigure" {
	require_root
	local envs=(env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR")
	run -255 --separate-stderr as_nobody "${envs[@]}" badmin hclose node1
	assert_regex "$stderr" "User permission denied"
	run host_status node1
	assert_output ok
	run -255 --separate-stderr as_nobody "${envs[@]}" badmin qclose normal
	assert_regex "$stderr" "User permission denied"
	run -255 --separate-stderr as_nobody "${envs[@]}" badmin reconfig
	assert_regex "$stderr" "User permission denied"
	run queue_status normal
	assert_output Open:Active
	# queries stay open to everyone
	run -0 as_nobody "${envs[@]}" bparams -a
}

@test "host and queue admin state survive a kill -9 of the master" {
	run -0 badmin hclose -C kept node2
	run -0 badmin qclose long
	run -0 badmin qinact short
	kill -9 "$(pid_of master)"
	run -0 pumice cluster start "$CLUSTER_DIR"
	run host_status node2
	assert_output closed_Adm
	run -0 bhosts -l node2
	assert_line ' ADMIN ACTION COMMENT: "kept"'
	run queue_status long
	assert_output Closed:Active
	run queue_status short
	assert_output Open:Inactive
	run -0 badmin hopen all
	run -0 badmin qopen all
	run -0 badmin qact all
	run host_status node2
	assert_output ok
	run queue_status short
	assert_output Open:Active
}

@test "with the master down a command exits 69 within PUMICE_CONNECT_TIMEOUT, and retries through an agent" {
	kill -9 "$(pid_of master)"
	local t0=$SECONDS
	run -69 --separate-stderr env PUMICE_CONNECT_TIMEOUT=2 bjobs
	assert_regex "$stderr" "cluster unreachable"
	assert_output ""
	[ $((SECONDS - t0)) -le 8 ]
	# the local agent is up but has no master: it answers at once, the
	# command asks again until the bound
	local agent_sock=$CLUSTER_DIR/run/agent-node1.sock
	t0=$SECONDS
	run -69 --separate-stderr env PUMICE_SOCKET="$agent_sock" PUMICE_CONNECT_TIMEOUT=3 bqueues
	assert_regex "$stderr" "master not reachable"
	[ $((SECONDS - t0)) -ge 2 ]
	[ $((SECONDS - t0)) -le 10 ]
	# a command waiting on the agent succeeds once the master is back
	env PUMICE_SOCKET="$agent_sock" PUMICE_CONNECT_TIMEOUT=40 bqueues >"$TESTDIR/late.out" 2>"$TESTDIR/late.err" &
	local waiter=$!
	run -0 pumice cluster start "$CLUSTER_DIR"
	local rc=0
	wait "$waiter" || rc=$?
	assert_equal "$rc" 0
	run grep -c '^normal ' "$TESTDIR/late.out"
	assert_output 1
}
