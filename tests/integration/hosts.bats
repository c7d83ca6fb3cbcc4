#!/usr/bin/env bats
# Several agents sharing the load: four one-core agents, like four Pis.

load helpers

setup_file() {
	cluster_start -n 4 --cpus 1
}

teardown_file() {
	cluster_teardown
}

@test "bhosts lists the four agents ok with one slot each" {
	run -0 bhosts
	assert_line --index 0 --regexp '^HOST_NAME +STATUS +JL/U +MAX +NJOBS +RUN +SSUSP +USUSP +RSV *$'
	for h in node1 node2 node3 node4; do
		assert_line --regexp "^$h +ok +- +1 +"
	done
}

@test "bqueues lists the configured queues" {
	run -0 bqueues
	assert_line --index 0 --regexp '^QUEUE_NAME +PRIO +STATUS +MAX +JL/U +JL/P +JL/H +NJOBS +PEND +RUN +SUSP *$'
	assert_line --regexp '^short +40 +Open:Active '
	assert_line --regexp '^normal +30 +Open:Active '
	assert_line --regexp '^long +20 +Open:Active '
}

@test "lsid names the version, cluster and master" {
	run -0 lsid
	assert_line --index 0 --regexp '[0-9]+\.[0-9]+'
	assert_line "My cluster name is pumice"
	assert_line --regexp '^My master name is [^ ]+$'
}

@test "eight jobs on four one-core agents use every agent" {
	local ids="" i
	for i in 1 2 3 4 5 6 7 8; do
		submit sleep 2
		ids="$ids $JOBID"
	done
	for i in $ids; do
		wait_job_state "$i" DONE 60
	done
	local hosts
	hosts=$(for i in $ids; do exec_host "$i"; done | sort -u | tr '\n' ' ')
	assert_equal "$hosts" "node1 node2 node3 node4 "
}
