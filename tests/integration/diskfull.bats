#!/usr/bin/env bats
# Faults: the state directory fills up. The master keeps running and
# answering, refuses what it cannot record with the cause, logs the change
# once, and records what waited by itself when space returns; nothing it
# acknowledged is lost (issue 13, hole 3).

load helpers

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs for the state directory"
	cluster_start -n 1 --cpus 2
	STATE=$CLUSTER_DIR/state
	export STATE
	# the state moves onto a 4 MiB tmpfs, the master reads it back
	"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR"
	mv "$STATE" "$STATE.disk"
	mkdir -m 0700 "$STATE"
	mount -t tmpfs -o size=4m,mode=0700 pumice-it-state "$STATE"
	cp -a "$STATE.disk/." "$STATE/"
	pumice cluster start "$CLUSTER_DIR" >/dev/null
}

teardown_file() {
	[ -n "${STATE:-}" ] || return 0
	"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR" || true
	mountpoint -q "$STATE" && umount "$STATE"
	cluster_teardown
}

master_pid() {
	cat "$CLUSTER_DIR/run/master.pid"
}

# bsub with an environment of its own (about 120 KB, never seen before),
# so that every submission has to write new pages.
bsub_big() {
	BIG=$(head -c 90000 /dev/urandom | base64 -w0) bsub -o /dev/null true
}

# Submits until one is refused (the tmpfs is full); fails after 60. The
# submission whose write failed is not refused: it waits for its answer
# until it is recorded (timeout stops that bsub, its job stays).
fill_until_refused() {
	local i rc
	for i in $(seq 1 60); do
		rc=0
		out=$(timeout 5 bash -c "$(declare -f bsub_big); bsub_big" 2>&1) || rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then
			echo "$out"
			return 0
		fi
	done
	echo "60 submissions of 120 KB were all accepted" >&2
	return 1
}

log_count() {
	grep -c "$1" "$CLUSTER_DIR/log/master.log" || true
}

state_has_room() {
	bsub -o /dev/null true >/dev/null 2>&1
}

@test "a full state directory: refusals name the cause, queries answer, the master stays and resumes by itself" {
	local pid out running after
	pid=$(master_pid)
	submit -o run.out 'sleep 3; echo finished'
	running=$JOBID
	wait_job_state "$running" RUN
	# the rest of the tmpfs goes to a file, then to what bsub still fits
	dd if=/dev/zero of="$STATE/filler" bs=64k 2>/dev/null || true
	run -0 fill_until_refused
	assert_output --partial "No space left on device"
	assert_output --partial "$STATE"

	# still refused, still answering, still the same process
	run bsub -o /dev/null true
	assert_failure
	assert_output --partial "No space left on device"
	run -0 bjobs -noheader -o "jobid stat" "$running"
	run -0 lsid
	# the running job ends: its finish cannot be recorded yet (this used
	# to stop the master), and the master stays
	wait_job_state "$running" DONE 20
	grep -qx finished run.out
	sleep 2
	[ "$(master_pid)" = "$pid" ]
	kill -0 "$pid"
	# one line when recording stopped, none per retry or refusal
	[ "$(log_count 'cannot record job events')" -eq 1 ]

	rm -f "$STATE/filler"
	wait_for -t 15 state_has_room
	[ "$(log_count 'job events are recorded again')" -eq 1 ]
	submit -o after.out 'echo after'
	after=$JOBID
	wait_job_state "$after" DONE

	# what waited is on disk: a restarted master has the finish
	kill -9 "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null || grep -q zombie /proc/$pid/status 2>/dev/null"
	run -0 pumice cluster start "$CLUSTER_DIR"
	[ "$(master_pid)" != "$pid" ]
	run -0 bjobs -noheader -o stat "$running"
	assert_output DONE
	run -0 bjobs -noheader -o stat "$after"
	assert_output DONE
}

@test "a master restarted on a full state directory runs and answers instead of exiting" {
	local pid
	submit true
	wait_job_state "$JOBID" DONE
	dd if=/dev/zero of="$STATE/filler" bs=64k 2>/dev/null || true
	run -0 fill_until_refused
	# killed, its WAL stays; the new master replays, then the agent's
	# report cannot be recorded (this used to exit, again and again)
	kill -9 "$(master_pid)"
	run -0 pumice cluster start "$CLUSTER_DIR"
	pid=$(master_pid)
	wait_for -t 20 bash -c "bhosts node1 | grep -qw ok"
	run -0 fill_until_refused
	assert_output --partial "No space left on device"
	run -0 bjobs -noheader -o stat "$JOBID"
	assert_output DONE
	sleep 3
	kill -0 "$pid"
	[ "$(master_pid)" = "$pid" ]
	rm -f "$STATE/filler"
	wait_for -t 15 state_has_room
}
