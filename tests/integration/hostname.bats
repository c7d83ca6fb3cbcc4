#!/usr/bin/env bats
# hostname.bats - two agents under one host name: the second is refused
# with a message on both sides while the first one's link is alive, and
# takes over once the first is gone. badmin hremove forgets a dead
# dynamic host, and refuses a live or configured one. PUMICE_HOSTS_ALLOW
# limits who may register.

load helpers

setup_file() {
	cluster_start -n 1
}

teardown_file() {
	local f
	for f in "$CLUSTER_DIR"/run/extra-*.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	cluster_teardown
}

# extra_agent NAME TAG: one more agent called NAME, its files under TAG.
extra_agent() {
	mkdir -p "$CLUSTER_DIR/spool/$2"
	setsid "$PUMICE_BIN/pumice-agent" -e "$CLUSTER_DIR/conf" --host "$1" \
		--spool "$CLUSTER_DIR/spool/$2" --socket "$CLUSTER_DIR/run/agent-$2.sock" \
		--log "$CLUSTER_DIR/log/$2.log" --pid "$CLUSTER_DIR/run/extra-$2.pid" \
		--cpus 1 --mem 1G </dev/null >>"$CLUSTER_DIR/log/$2.out" 2>&1 &
	wait_for test -s "$CLUSTER_DIR/run/extra-$2.pid"
}

stop_pid_file() {
	local p
	p=$(cat "$1")
	kill "$p"
	wait_for bash -c "! kill -0 $p 2>/dev/null"
}

host_status() {
	bhosts -w "$1" 2>/dev/null | awk 'NR == 2 { print $2 }'
}

@test "a second agent with a live host's name is refused, on both sides, until the first is gone" {
	local first
	first=$(cat "$CLUSTER_DIR/run/node1.pid")
	extra_agent node1 twin
	wait_for grep -q "refused us: host name node1 is already registered by another agent" \
		"$CLUSTER_DIR/log/twin.log"
	grep -Eq "agent link (from [^ ]+ )?refused: host name node1 is already registered" \
		"$CLUSTER_DIR/log/master.log"
	run host_status node1
	assert_output ok
	# no flapping: the first agent registered once and was never replaced
	run -0 grep -c "host node1 registered" "$CLUSTER_DIR/log/master.log"
	assert_output 1
	# the first goes: the twin takes the name on its next try
	kill "$first"
	wait_for grep -q "registered with master" "$CLUSTER_DIR/log/twin.log"
	wait_for bash -c "[ \"\$(bhosts -w node1 | awk 'NR == 2 { print \$2 }')\" = ok ]"
	# the twin stays; node1's own pid file names it no more, so stop it here
	stop_pid_file "$CLUSTER_DIR/run/extra-twin.pid"
}

@test "badmin hremove forgets a dead dynamic host and refuses a live one" {
	extra_agent dyn1 dyn1
	wait_for bash -c "[ \"\$(bhosts -w dyn1 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = ok ]"
	run -255 badmin hremove dyn1
	assert_output "Remove <dyn1> ...... Its agent is connected; stop the agent first"
	stop_pid_file "$CLUSTER_DIR/run/extra-dyn1.pid"
	wait_for bash -c "[ \"\$(bhosts -w dyn1 | awk 'NR == 2 { print \$2 }')\" = unavail ]"
	run -0 badmin hremove dyn1
	assert_output "Remove <dyn1> ...... done"
	run -0 bhosts -w
	refute_line --regexp '^dyn1 '
	run -255 badmin hremove nosuch
	assert_output --partial "Bad host name"
	# node1's agent is gone too (the first test), but it is configured
	wait_for bash -c "[ \"\$(bhosts -w node1 | awk 'NR == 2 { print \$2 }')\" = unavail ]"
	run -255 badmin hremove node1
	assert_output "Remove <node1> ...... It is configured in lsf.cluster; remove it there and run badmin reconfig"
}

@test "PUMICE_HOSTS_ALLOW: a host it does not name is refused on both sides, one it names registers" {
	cp "$CLUSTER_DIR/conf/lsf.conf" "$BATS_FILE_TMPDIR/lsf.conf.orig"
	echo 'PUMICE_HOSTS_ALLOW="pi* 192.0.2.0/24"' >>"$CLUSTER_DIR/conf/lsf.conf"
	run -0 badmin reconfig
	extra_agent intruder intruder
	wait_for grep -q "refused us: host intruder (127.0.0.1:[0-9]*) is neither in lsf.cluster nor in PUMICE_HOSTS_ALLOW" \
		"$CLUSTER_DIR/log/intruder.log"
	grep -Eq "agent link from 127.0.0.1:[0-9]+ refused: host intruder " "$CLUSTER_DIR/log/master.log"
	run -0 bhosts -w
	refute_line --regexp '^intruder '
	stop_pid_file "$CLUSTER_DIR/run/extra-intruder.pid"
	# a name the globs match registers, and so does node1, which they do
	# not match but lsf.cluster lists (its first agents are gone by now)
	extra_agent pi7 pi7
	wait_for bash -c "[ \"\$(bhosts -w pi7 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = ok ]"
	extra_agent node1 node1b
	wait_for bash -c "[ \"\$(bhosts -w node1 2>/dev/null | awk 'NR == 2 { print \$2 }')\" = ok ]"
	stop_pid_file "$CLUSTER_DIR/run/extra-pi7.pid"
	stop_pid_file "$CLUSTER_DIR/run/extra-node1b.pid"
	cp "$BATS_FILE_TMPDIR/lsf.conf.orig" "$CLUSTER_DIR/conf/lsf.conf"
	run -0 badmin reconfig
}
