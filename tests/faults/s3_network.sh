#!/bin/bash
# Scenario 3: network faults between the master and an agent, in network
# namespaces this scenario creates: the master and node2 in pfm<pid>, node1
# in pfa<pid>, joined by one veth pair (10.213.0.1/30 - 10.213.0.2/30,
# private addresses inside the namespaces only). The commands reach the
# master by its unix socket. (a) tc netem delay/loss/reorder under running
# jobs; (b) the link cut for less than the link timeout: jobs live on;
# (c) cut for longer: a bsub -r job is requeued to node2, a job without -r
# is UNKWN, and after the link is restored nothing has run twice.
set -u
. "$(dirname -- "$0")/lib.sh"
fl_require_root
command -v ip >/dev/null && command -v tc >/dev/null || { fl_result SKIP "needs ip and tc"; exit 0; }

link_timeout=16
# (c) the cut lasts this long past the -r job's requeue (part of the fault)
CUT_EXTRA=3
# (c) after both jobs ended, how long a second run of either is watched for
# (a window: a fenced-off copy would write its line within it)
WATCH_AFTER=5
nm=pfm$$ na=pfa$$ vm=pfvm$$ va=pfva$$

netns_setup() {
	ip netns add "$nm" && FL_NETNS="$FL_NETNS $nm" || return 1
	ip netns add "$na" && FL_NETNS="$FL_NETNS $na" || return 1
	ip link add "$vm" netns "$nm" type veth peer name "$va" netns "$na" || return 1
	ip -n "$nm" addr add 10.213.0.1/30 dev "$vm" &&
		ip -n "$na" addr add 10.213.0.2/30 dev "$va" &&
		ip -n "$nm" link set lo up && ip -n "$na" link set lo up &&
		ip -n "$nm" link set "$vm" up && ip -n "$na" link set "$va" up
}

# start_in NS NAME ARGS...: a daemon of the cluster in namespace NS.
start_in() {
	local ns=$1 name=$2
	shift 2
	rm -f "$CDIR/run/$name.pid"
	ip netns exec "$ns" setsid "$@" </dev/null >>"$CDIR/log/$name.out" 2>&1 &
}

start_agent_in() {
	start_in "$1" "$2" "$BIN/pumice-agent" -e "$CDIR/conf" --host "$2" \
		--spool "$CDIR/spool/$2" --socket "$CDIR/run/agent-$2.sock" \
		--log "$CDIR/log/$2.log" --pid "$CDIR/run/$2.pid" --cpus 4
}

hosts_ok() {
	[ "$(bhosts -w 2>/dev/null | awk '$2 == "ok"' | wc -l)" -eq 2 ]
}

all_stat() {
	local id
	for id in $2; do
		[ "$(bjobs -noheader -o stat "$id" 2>/dev/null)" = "$1" ] || return 1
	done
}

submit_n() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		bsub -o /dev/null "$@" | sed -n 's/^Job <\([0-9]*\)>.*/\1/p'
	done
}

twice() {
	cut -d' ' -f1 "$W/ran" | sort | uniq -d | fl_lines
}

netns_setup || { fl_result FAIL "network namespaces"; exit 1; }
fl_cluster s3 -n 2 --cpus 4 || { fl_result FAIL "cluster start"; exit 1; }
"$BIN/pumice-cluster" stop "$CDIR" >/dev/null 2>&1
sed -i 's/^PUMICE_MASTER_ADDR=.*/PUMICE_MASTER_ADDR=10.213.0.1/' "$CDIR/conf/lsf.conf"
start_in "$nm" master "$BIN/pumice-master" -e "$CDIR/conf" -l "$CDIR/log/master.log" -p "$CDIR/run/master.pid"
fl_wait_for 20 test -S "$CDIR/run/master.sock"
start_agent_in "$nm" node2
start_agent_in "$na" node1
fl_wait_for 30 hosts_ok || { bhosts >&2; fl_result FAIL "agents in namespaces not ok"; exit 1; }
say "master and node2 in $nm, node1 in $na (veth $vm/$va)"
: >"$W/ran"

# (a) netem on both ends while 8 jobs run on node1 (a kernel without
# sch_netem skips this part and says so in the figures)
netem=on
for x in "$nm $vm" "$na $va"; do
	set -- $x
	tc -n "$1" qdisc add dev "$2" root netem delay 100ms 50ms loss 10% reorder 25% 50% 2>/dev/null ||
		netem=unavailable
done
say "(a) tc netem delay 100ms 50ms loss 10% reorder 25%: $netem"
if [ "$netem" = on ]; then
	t0=$SECONDS
	ids_a=$(submit_n 8 -m node1 "sleep 3; $(fl_job_cmd "$W/ran")")
	fl_wait_for 120 all_stat DONE "$ids_a" || fl_fail "(a) jobs not DONE under netem"
	fl_check "(a) netem: 8 jobs DONE, none twice" [ "$(twice)" -eq 0 ]
	netem="8 jobs in $((SECONDS - t0))s"
fi
for x in "$nm $vm" "$na $va"; do
	set -- $x
	tc -n "$1" qdisc del dev "$2" root 2>/dev/null
done

# (b) cut shorter than the link timeout
ids_b=$(submit_n 4 -m node1 "sleep 15; $(fl_job_cmd "$W/ran")")
fl_wait_for 30 all_stat RUN "$ids_b" || fl_fail "(b) jobs did not start"
ip -n "$na" link set "$va" down
sleep $((link_timeout / 2))
ip -n "$na" link set "$va" up
fl_wait_for 60 all_stat DONE "$ids_b" || fl_fail "(b) jobs not DONE after a short cut"
fl_check "(b) short cut: jobs DONE, none twice" [ "$(twice)" -eq 0 ]

# (c) cut longer than the link timeout: node2 closed while the jobs start
badmin hclose node2 >/dev/null 2>&1
id_r=$(submit_n 1 -r "sleep 40; $(fl_job_cmd "$W/ran")")
id_n=$(submit_n 1 "sleep 40; $(fl_job_cmd "$W/ran")")
fl_wait_for 30 all_stat RUN "$id_r $id_n" || fl_fail "(c) jobs did not start"
badmin hopen node2 >/dev/null 2>&1
ip -n "$na" link set "$va" down
t0=$SECONDS
# a cut is noticed after the link timeout (no heartbeat), and a -r job is
# requeued after its host was unreachable for another link timeout
fl_wait_for $((2 * link_timeout + 15)) eval '[ "$(bjobs -noheader -o exec_host "$id_r" | cut -d: -f1)" = node2 ]'
req=$((SECONDS - t0))
stat_n=$(bjobs -noheader -o stat "$id_n")
say "(c) long cut: -r job $id_r on node2 after ${req} s; job $id_n is $stat_n"
fl_check "(c) -r job requeued to node2" [ "$(bjobs -noheader -o exec_host "$id_r" | cut -d: -f1)" = node2 ]
fl_check "(c) job without -r is UNKWN" [ "$stat_n" = UNKWN ]
sleep "$CUT_EXTRA"
ip -n "$na" link set "$va" up
fl_wait_for 90 all_stat DONE "$id_r" || fl_fail "(c) -r job not DONE"
fl_wait_for 90 eval 'all_stat DONE "$id_n" || all_stat EXIT "$id_n"' || fl_fail "(c) job without -r did not end"
sleep "$WATCH_AFTER"
say "(c) after the link healed: job $id_n $(bjobs -noheader -o stat "$id_n"); ran: $(grep -cE "^($id_r|$id_n) " "$W/ran") lines for the two jobs"
tw=$(twice)
if [ "$tw" -gt 0 ]; then
	say "KNOWN: issue 13 hole 10 (a fenced-off copy ran on after the partition healed: $(cut -d' ' -f1 "$W/ran" | sort | uniq -d | tr '\n' ' '))"
fi
fl_check "(c) nothing ran twice after the partition healed" [ "$tw" -eq 0 ]
fl_verdict "netem: $netem; short cut ok; long cut: -r requeued after ${req}s, other $stat_n; ran twice $tw"
