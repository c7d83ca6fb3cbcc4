#!/usr/bin/env bats
# Faults: the agent's spool fills up. Its agent refuses every start with
# the cause "spool" (a host-side one), so the master closes the host
# (closed_Fault) for a back-off instead of sending the same jobs back at
# once (it did about 1,200 times a second); the refused jobs wait in PEND,
# are not failed, and once space returns each runs and ends DONE exactly
# once (issue 13, faults scenario s4). A fake agent (fakeagent.py) shows
# that the cause in the refused message decides: a job-side one leaves
# the host open and keeps only that job off it.

load helpers

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs for the spool"
	cluster_start -n 1 --cpus 2
	SPOOL=$CLUSTER_DIR/spool/node1
	export SPOOL
	# node1's spool moves onto a 1 MiB tmpfs
	"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR"
	mv "$SPOOL" "$SPOOL.disk"
	mkdir "$SPOOL"
	chmod --reference="$SPOOL.disk" "$SPOOL"
	mount -t tmpfs -o size=1m,mode="$(stat -c %a "$SPOOL.disk")" pumice-it-spool "$SPOOL"
	cp -a "$SPOOL.disk/." "$SPOOL/"
	pumice cluster start "$CLUSTER_DIR" >/dev/null
}

# Runs even when setup_file failed half-way: the mount never outlives it.
teardown_file() {
	[ -n "${SPOOL:-}" ] || return 0
	"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR" || true
	if mountpoint -q "$SPOOL"; then
		umount "$SPOOL" || umount -l "$SPOOL"
	fi
	cluster_teardown
}

refusals() {
	grep -c "node1 could not start it (host side)" "$CLUSTER_DIR/log/master.log" || true
}

host_is_named() {
	[ "$(bhosts -w "$1" | awk 'NR == 2 { print $2 }')" = "$2" ]
}

host_is() {
	host_is_named node1 "$1"
}

# Every job of the list in STATE.
all_in() {
	local st=$1 id
	shift
	for id in "$@"; do
		job_in_state "$id" "$st" || return 1
	done
}

master_port() {
	sed -n 's/^LSB_MBD_PORT=//p' "$LSF_ENVDIR/lsf.conf"
}

# fake_refuser HOST CAUSE SECONDS: a fake agent (fakeagent.py) that
# refuses every run with CAUSE; prints how many runs it got into HOST.runs.
fake_refuser() {
	/usr/bin/python3 "$BATS_TEST_DIRNAME/fakeagent.py" "$(master_port)" \
		"$LSF_ENVDIR/cluster.key" "$1" --refuse "$2" "$3" >"$TESTDIR/$1.runs" &
	FAKE_PID=$!
	wait_for bash -c "bhosts -w $1 2>/dev/null | grep -qw ok"
}

@test "the refusal's cause decides: a job-side one leaves the host open, a host-side one closes it" {
	local job
	fake_refuser fakej user 3
	submit -m fakej -o /dev/null true
	job=$JOBID
	wait_for grep -q "job $job\[0\]: fakej could not start it (job side)" \
		"$CLUSTER_DIR/log/master.log"
	run -0 bhosts -w fakej
	assert_line --regexp '^fakej +ok '
	# the job, not the host, is kept off: it is not sent there again
	run -0 bash -c "bjobs -l $job | tr -s ' \n' ' '"
	assert_output --partial "excluded: fakej ("
	wait "$FAKE_PID"
	run -0 cat "$TESTDIR/fakej.runs"
	assert_output 1
	! grep -q "host fakej closed_Fault" "$CLUSTER_DIR/log/master.log"
	run -0 job_stats "$job"
	assert_output PEND
	bkill "$job"

	fake_refuser fakeh spool 6
	submit -m fakeh -o /dev/null true
	job=$JOBID
	wait_for -t 10 host_is_named fakeh closed_Fault
	# the pending reason names the host and the cause (lines unwrapped)
	run -0 bash -c "bjobs -l $job | tr -s ' \n' ' '"
	assert_output --partial "fakeh closed_Fault: the agent cannot write the job's spool (refused on purpose (spool))"
	wait "$FAKE_PID"
	# tried at 0 s, then after 1, 2 (and 4) s of back-off: a few, not ~7,000
	echo "# host-side refusals: $(cat "$TESTDIR/fakeh.runs") runs in 6 s" >&3
	[ "$(cat "$TESTDIR/fakeh.runs")" -ge 2 ]
	[ "$(cat "$TESTDIR/fakeh.runs")" -le 5 ]
	run -0 job_stats "$job"
	assert_output PEND
	bkill "$job"
}

@test "a full spool closes its host for a back-off; jobs wait, then run once when space returns" {
	local ids=() id r0 r1 n
	wait_for host_is ok
	dd if=/dev/zero of="$SPOOL/filler" bs=64k 2>/dev/null || true
	for n in 1 2 3 4 5 6; do
		submit -o /dev/null "echo \$LSB_JOBID >>$TESTDIR/ran"
		ids+=("$JOBID")
	done
	wait_for -t 20 host_is closed_Fault
	grep -q "host node1 closed_Fault for 1 s" "$CLUSTER_DIR/log/master.log"
	run -0 bhosts -l node1
	assert_output --partial "closed_Fault"
	assert_line --regexp "^ FAULT: the agent cannot write the job's spool \(.*No space left on device\); tried again at .* \(back-off [0-9]+ s, [0-9]+ starts refused\)$"
	# narrow output: plain "closed", as for every closed_* cause
	run -0 bhosts node1
	assert_line --regexp "^node1 +closed "

	# refused starts stay few: about one burst (2 slots) per back-off,
	# which doubles (1, 2, 4, 8 s); without it they were ~1,200 a second
	r0=$(refusals)
	sleep 10
	r1=$(refusals)
	echo "# $((r1 - r0)) refused starts in 10 s" >&3
	[ $((r1 - r0)) -le 20 ]
	# the jobs wait, none failed; a pending one says where and why
	for id in "${ids[@]}"; do
		run -0 job_stats "$id"
		assert_output --regexp '^(PEND|RUN)$'
	done
	run -0 bash -c "bjobs -l ${ids[5]} | tr -s ' \n' ' '"
	assert_output --regexp "node1 (closed_Fault|could not start it): the agent cannot write the job's spool \(.*No space left on device\)"
	[ ! -s "$TESTDIR/ran" ]
	# badmin hopen forgets the back-off: the next refusal closes for 1 s
	run -0 badmin hopen node1
	wait_for grep -q "host node1: fault over, back-off reset: badmin hopen" \
		"$CLUSTER_DIR/log/master.log"
	wait_for -t 10 bash -c "[ \$(grep -c 'host node1 closed_Fault for 1 s' \
		$CLUSTER_DIR/log/master.log) -eq 2 ]"

	rm -f "$SPOOL/filler"
	wait_for -t 120 all_in DONE "${ids[@]}"
	# each ran once, and the first start that succeeded reopened the host
	run -0 sort "$TESTDIR/ran"
	assert_output "$(printf '%s\n' "${ids[@]}" | sort)"
	wait_for -t 10 host_is ok
	grep -q "host node1: fault over, back-off reset: a job started there" \
		"$CLUSTER_DIR/log/master.log"
	run -0 bjobs -a -noheader -o stat "${ids[@]}"
	refute_output --partial EXIT
}
