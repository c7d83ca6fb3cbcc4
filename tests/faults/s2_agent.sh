#!/bin/bash
# Scenario 2: agents. (a) an agent killed with kill -9 while its jobs run
# and started again: the jobs live on and are reported DONE once; (b) an
# agent frozen with SIGSTOP past the link timeout, then SIGCONT: its jobs
# end DONE, once; (c) a host lost for good (agent and jobs killed, never
# restarted): a bsub -r job is requeued and runs elsewhere, a job without
# -r shows UNKWN (lsb.queues(5): "Other jobs stay UNKWN until their host
# returns"); nothing ran twice.
set -u
. "$(dirname -- "$0")/lib.sh"

# the link timeout: 3 heartbeats (2 s on pumice cluster) + 10 s
link_timeout=16

# submit_on HOST N SLEEP [OPTS]: N jobs on HOST (- for any) that sleep,
# then record.
submit_on() {
	local h=$1 n=$2 s=$3 i out
	shift 3
	[ "$h" = - ] || set -- -m "$h" "$@"
	for ((i = 0; i < n; i++)); do
		out=$(bsub -o /dev/null "$@" "sleep $s; $(fl_job_cmd "$W/ran")") || return 1
		echo "$out" | sed -n 's/^Job <\([0-9]*\)>.*/\1/p'
	done
}

# node1_lost: the master no longer counts node1's agent as linked.
node1_lost() {
	[ "$(bhosts -w node1 2>/dev/null | awk 'NR == 2 { print $2 }')" != ok ]
}

all_stat() {
	local id st
	for id in $2; do
		st=$(bjobs -noheader -o stat "$id" 2>/dev/null)
		[ "$st" = "$1" ] || return 1
	done
}

# ran_once IDS: each id ran exactly once.
ran_once() {
	local id c bad=0
	for id in $1; do
		c=$(grep -c "^$id " "$W/ran")
		[ "$c" -eq 1 ] || { say "job $id ran $c times"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

# kill_host_jobs HOST: kills the process groups of HOST's running jobs
# and their shepherds (spool layout: jobs/ID.IDX/{pgid,shepherd.pid}).
kill_host_jobs() {
	local jd g p
	for jd in "$CDIR/spool/$1"/jobs/*; do
		[ -d "$jd" ] || continue
		g=$(tr -dc 0-9 <"$jd/pgid" 2>/dev/null)
		p=$(tr -dc 0-9 <"$jd/shepherd.pid" 2>/dev/null)
		[ -n "$g" ] && [ "$g" -gt 1 ] && kill -KILL -- "-$g" 2>/dev/null
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	return 0
}

fl_cluster s2 -n 2 --cpus 4 || { fl_result FAIL "cluster start"; exit 1; }
: >"$W/ran"

# (a) kill -9 of an agent during running jobs, restarted 2 s later
ids_a=$(submit_on node1 4 6) || fl_fail "submit (a)"
fl_wait_for 30 all_stat RUN "$ids_a" || fl_fail "(a) jobs did not start"
kill -KILL "$(fl_daemon_pid node1)"
fl_wait_for 30 node1_lost || fl_fail "(a) the master did not notice node1's agent gone"
fl_restart || fl_fail "(a) restart of node1"
fl_wait_for 60 all_stat DONE "$ids_a" || fl_fail "(a) jobs not DONE after agent restart"
fl_check "(a) agent kill -9: every job ran once" ran_once "$ids_a"

# (b) SIGSTOP past the link timeout, then SIGCONT
ids_b=$(submit_on node1 4 $((link_timeout + 8))) || fl_fail "submit (b)"
fl_wait_for 30 all_stat RUN "$ids_b" || fl_fail "(b) jobs did not start"
a=$(fl_daemon_pid node1)
kill -STOP "$a"
FL_UNDO="$FL_UNDO kill\x20-CONT\x20$a"
t0=$SECONDS
fl_wait_for $((link_timeout + 10)) all_stat UNKWN "$ids_b"
unk_b=$((SECONDS - t0))
say "(b) frozen agent: jobs UNKWN after ${unk_b} s"
kill -CONT "$a"
fl_wait_for 60 all_stat DONE "$ids_b" || fl_fail "(b) jobs not DONE after SIGCONT"
fl_check "(b) frozen agent: every job ran once" ran_once "$ids_b"

# (c) node2 lost for good: one -r job (requeued to node1), one without;
# node1 is closed while they are placed, so both start on node2
badmin hclose node1 >/dev/null 2>&1
id_r=$(submit_on - 1 30 -r) || fl_fail "submit (c) -r"
id_n=$(submit_on - 1 30) || fl_fail "submit (c)"
fl_wait_for 30 all_stat RUN "$id_r $id_n" || fl_fail "(c) jobs did not start"
fl_check "(c) both jobs run on node2" [ "$(bjobs -noheader -o exec_host "$id_r" "$id_n" | sort -u)" = node2 ]
badmin hopen node1 >/dev/null 2>&1
kill -KILL "$(fl_daemon_pid node2)"
kill_host_jobs node2
t0=$SECONDS
fl_wait_for $((link_timeout + 20)) all_stat RUN "$id_r"
req_c=$((SECONDS - t0))
host_r=$(bjobs -noheader -o exec_host "$id_r" 2>/dev/null | cut -d: -f1)
say "(c) lost host: -r job $id_r runs on '$host_r' after ${req_c} s; job $id_n is $(bjobs -noheader -o stat "$id_n")"
fl_check "(c) -r job requeued to node1" [ "$host_r" = node1 ]
fl_check "(c) job without -r is UNKWN" all_stat UNKWN "$id_n"
fl_wait_for 60 all_stat DONE "$id_r" || fl_fail "(c) -r job not DONE"
fl_check "(c) -r job ran once" ran_once "$id_r"
fl_check "(c) job without -r never finished" [ "$(grep -c "^$id_n " "$W/ran")" -eq 0 ]
fl_verdict "agent kill ok; frozen UNKWN after ${unk_b}s; lost host: -r requeued after ${req_c}s"
