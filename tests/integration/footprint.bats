#!/usr/bin/env bats
# footprint.bats - what the agent costs a small node (issue 12): it links
# none of the shepherd's libraries (libnfs) and not libcrypto (auth.c is on
# libsodium), the shepherd does not link libuv, and the agent runs two libuv
# worker threads beside its loop (libuv's default is four). Memory figures
# are measured by make bench, not asserted here (sanitizer builds are
# several times larger).

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	cluster_teardown
}

needed() {
	readelf -d "$PUMICE_BIN/$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

@test "the agent links neither libnfs nor libcrypto, the shepherd neither libuv nor libcrypto" {
	run -0 needed pumice-agent
	assert_output --partial libuv
	refute_output --partial libnfs
	refute_output --partial libcrypto
	run -0 needed pumice-shepherd
	assert_output --partial libjansson
	refute_output --partial libuv
	refute_output --partial libcrypto
}

@test "the agent runs three threads: its loop and two libuv workers" {
	local pid
	# the worker pool has run (the name lookup of the link to the master)
	run -0 bsub -K -o "$TESTDIR/out" echo hello
	pid=$(cat "$CLUSTER_DIR/run/node1.pid")
	run -0 ls "/proc/$pid/task"
	assert_equal "${#lines[@]}" 3
}
