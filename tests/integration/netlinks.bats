#!/usr/bin/env bats
# netlinks.bats - the core path over real links: a cluster started with
# pumice cluster start --netns --netem, the master and each of 3 agents in
# its own network namespace, the agents on a bridge in the master's
# namespace over veth links shaped like a Raspberry Pi on Wi-Fi (NETEM
# below, each direction: 5-45 ms delay, 1% loss). tc netem shapes them, or
# on a kernel without sch_netem the link emulator build/tests/linkem.
# A job array writing to the shared directory and a dependent sort; the
# master killed with kill -9 mid-array; one agent's link cut for longer
# than the link timeout (3 x PUMICE_HEARTBEAT + 10 = 16 s) and another's
# for less, at the same time. The namespaces are the cluster's own
# (pmc<ID>-*) and go with it, failure or not; nothing is added to the root
# namespace. Skipped, saying why, without root, ip netns, or a shaper.

load helpers

NETEM="delay 25ms 20ms loss 1%"

# Why this machine cannot run the file (empty when it can).
netlinks_unsupported() {
	local ns=pmcchk$$ out
	[ "$(id -u)" -eq 0 ] || { echo "needs root to create network namespaces"; return; }
	command -v ip >/dev/null && command -v tc >/dev/null && command -v nsenter >/dev/null ||
		{ echo "needs ip and tc (iproute2) and nsenter (util-linux)"; return; }
	if ! out=$(ip netns add "$ns" 2>&1); then
		echo "ip netns does not work here: $out"
		return
	fi
	if ip -n "$ns" link add pq0 type veth peer name pq1 2>/dev/null &&
		tc -n "$ns" qdisc add dev pq0 root netem delay 1ms 2>/dev/null; then
		:
	elif [ ! -x "$PUMICE_LINKEM" ]; then
		echo "this kernel has no tc netem (sch_netem) and $PUMICE_LINKEM is not built (make tests-build)"
	fi
	ip netns del "$ns"
}

setup_file() {
	local why
	export PUMICE_LINKEM=${PUMICE_LINKEM:-$PUMICE_BIN/../tests/linkem}
	why=$(netlinks_unsupported)
	[ -z "$why" ] || skip "$why"
	cluster_start -n 3 --cpus 2 --netem "$NETEM"
	NETID=$(sed -n 's/^NETID=//p' "$CLUSTER_DIR/cluster.conf")
	export NETID
}

teardown_file() {
	cluster_teardown
}

pid_of() {
	cat "$CLUSTER_DIR/run/$1.pid"
}

# The hosts bhosts shows ok.
hosts_ok() {
	[ "$(bhosts -w 2>/dev/null | awk '$2 == "ok"' | wc -l)" -eq "$1" ]
}

# on_host ID HOST: job ID runs (or ran) on HOST.
on_host() {
	[ "$(exec_host "$1")" = "$2" ]
}

# ran_lines FILE ID: lines job ID appended to FILE (one per run to its end).
ran_lines() {
	grep -c "^$2 " "$1" || true
}

# started ID...: each job ID has begun on its host (RUN only says the
# master sent the order, which a cut right after can still lose).
started() {
	local id
	for id in "$@"; do
		grep -qx "$id" "$TESTDIR/started" || return 1
	done
}

@test "agents reach the master at its bridge address from their own namespaces" {
	run ip netns exec "pmc$NETID-master" ss -Htn state established "( sport = :$(sed -n 's/^LSB_MBD_PORT=//p' "$LSF_ENVDIR/lsf.conf") )"
	assert_success
	[ "$(echo "$output" | grep -c "10\.231\.$NETID\.[2-4]:")" -eq 3 ]
	run ip -n "pmc$NETID-node1" -4 -o addr show dev eth0
	assert_output --partial "10.231.$NETID.2/24"
	# the root namespace got no address of ours
	run ip -4 -o addr show
	refute_output --partial "10.231.$NETID."
	run pumice cluster status "$CLUSTER_DIR"
	assert_success
	assert_line --regexp "^network +10\.231\.$NETID\.0/24 in pmc$NETID-master, links (netem|linkem): $NETEM$"
}

@test "a job array into the shared directory and a dependent sort give the primes below 300" {
	mkdir -p out
	chmod 1777 out
	cat >isprime.sh <<'EOF'
#!/bin/sh
n=$LSB_JOBINDEX
i=2
while [ $((i * i)) -le "$n" ]; do
	[ $((n % i)) -ne 0 ] || exit 0
	i=$((i + 1))
done
echo "$n" >"$1/$n"
EOF
	local t0=$SECONDS arr
	submit -J "primes[2-300]" -o /dev/null "/bin/sh $TESTDIR/isprime.sh $TESTDIR/out"
	arr=$JOBID
	submit -w "done($arr)" -J sort -o sort.log "cat $TESTDIR/out/* | sort -n > $TESTDIR/primes.txt"
	wait_job_state "$JOBID" DONE 180
	echo "# 299-element array and sort over '$NETEM' links: $((SECONDS - t0)) s" >&3
	wait_job_state "$arr" DONE 5
	seq 2 300 | factor | awk 'NF == 2 { print $2 }' >want.txt
	[ "$(wc -l <want.txt)" -eq 62 ]
	run diff want.txt primes.txt
	assert_success
	# elements ran on every agent, each over its own link
	[ "$(bjobs -noheader -o exec_host "$arr" | cut -d: -f1 | sort -u | wc -l)" -eq 3 ]
}

@test "the master killed with kill -9 mid-array and started again: every element runs once" {
	: >ran
	chmod 666 ran
	submit -J "restart[1-120]" -o /dev/null "sleep 0.3; echo \$LSB_JOBINDEX \$PUMICE_ATTEMPT >>$TESTDIR/ran"
	local arr=$JOBID
	wait_for -t 60 eval '[ "$(wc -l <ran)" -ge 20 ]'
	kill -9 "$(pid_of master)"
	run -0 pumice cluster start "$CLUSTER_DIR"
	wait_for -t 30 hosts_ok 3
	wait_job_state "$arr" DONE 120
	[ "$(cut -d' ' -f1 ran | sort -u | wc -l)" -eq 120 ]
	[ "$(cut -d' ' -f1 ran | sort | uniq -d | wc -l)" -eq 0 ]
}

@test "links cut at once: node2's shorter than the link timeout, node1's longer; nothing runs twice" {
	: >ran
	: >started
	chmod 666 ran started
	local mark="echo \$LSB_JOBID >>$TESTDIR/started;"
	wait_for -t 30 hosts_ok 3
	# R (-r) and U start on node1: the others are closed meanwhile. R's
	# first run outlasts the cut, so its copy is still there when node1
	# comes back (and is killed then); its rerun ends at once.
	run -0 badmin hclose node2 node3
	submit -r -o /dev/null "$mark [ \"\$LSB_RESTART\" = Y ] || sleep 60; echo \$LSB_JOBID \$PUMICE_ATTEMPT >>$TESTDIR/ran"
	local r=$JOBID
	submit -o /dev/null "$mark sleep 44; echo \$LSB_JOBID \$PUMICE_ATTEMPT >>$TESTDIR/ran"
	local u=$JOBID
	wait_job_state "$r" RUN
	wait_job_state "$u" RUN
	on_host "$r" node1
	on_host "$u" node1
	run -0 badmin hopen node2 node3
	submit -m node2 -o /dev/null "$mark sleep 10; echo \$LSB_JOBID \$PUMICE_ATTEMPT >>$TESTDIR/ran"
	local s=$JOBID
	wait_job_state "$s" RUN
	wait_for -t 30 started "$r" "$u" "$s"

	local t0=$SECONDS
	run -0 pumice cluster link "$CLUSTER_DIR" node1 down
	run -0 pumice cluster link "$CLUSTER_DIR" node2 down
	sleep 6
	run -0 pumice cluster link "$CLUSTER_DIR" node2 up
	# node1: noticed after the link timeout, R requeued a link timeout later
	wait_for -t 60 eval "[ \"\$(job_stats $r)\" = RUN ] && ! on_host $r node1"
	echo "# -r job running again on $(exec_host "$r") $((SECONDS - t0)) s after node1's link was cut" >&3
	run job_stats "$u"
	assert_output UNKWN
	run -0 pumice cluster link "$CLUSTER_DIR" node1 up
	local t1=$SECONDS
	# the agent gave up the silent link itself and redials (a dial is
	# given 10 s, redials come at most 5 s apart)
	run grep -c "no word from the master for 16 s" "$CLUSTER_DIR/log/node1.log"
	assert_success
	wait_for -t 25 hosts_ok 3
	echo "# node1 ok again $((SECONDS - t1)) s after its link came back" >&3
	wait_job_state "$s" DONE 30
	wait_job_state "$r" DONE 30
	wait_job_state "$u" DONE 30
	echo "# the last job of node1 DONE $((SECONDS - t0)) s after its link was cut" >&3
	# the short cut was survived in place, the long one fenced R's old copy
	[ "$(ran_lines ran "$s")" -eq 1 ]
	[ "$(ran_lines ran "$r")" -eq 1 ]
	[ "$(ran_lines ran "$u")" -eq 1 ]
	grep -qx "$s 1" ran
	run grep -x "$r 1" ran
	assert_failure
}

@test "pumice cluster stop removes the cluster's namespaces and link emulators" {
	local pids p
	pids=$(cat "$CLUSTER_DIR"/run/link-*.pid 2>/dev/null || true)
	run -0 pumice cluster stop "$CLUSTER_DIR"
	run ip netns list
	refute_output --partial "pmc$NETID-"
	for p in $pids; do
		# gone, or a zombie its new parent has yet to reap
		[ ! -d "/proc/$p" ] || grep -q '^State:[[:space:]]*Z' "/proc/$p/status"
	done
	[ ! -e "$CLUSTER_DIR/run/netns" ]
}
