#!/bin/bash
# compare.sh - make bench-compare: the same measurements (1, 2, 5, 6, 7, 8
# of issue 5) against Pumice and a single-host Slurm, in one run, and the
# ratio Pumice/Slurm of each figure.
#
# Slurm (Debian's slurmctld, slurmd, munge; packaging/deps.sh --slurm) is
# configured in $OUT/slurm: munged with its own key file and socket there,
# slurmctld and slurmd in the foreground (-D) as the current user, on
# loopback ports, SlurmctldHost=localhost, one node with as many CPUs as
# this machine has cores (the Pumice cluster gets the same slots), no
# accounting database, proctrack/pgid (no cgroups). Every daemon this
# script starts is stopped by its pid on exit.
#
# Both systems are measured the same way, by the shell: submissions by a
# loop of bsub / sbatch calls on held jobs (bsub -w on a running anchor
# job; sbatch -H), latency by polling the job's state (bjobs -o stat /
# scontrol show job) as fast as the commands allow, end to end by an array
# of CMP_N5 trivial jobs until the queue is empty (both by one array, with
# -o /dev/null and with -o files; slots = cores, then CMP_OVER [8] slots
# per core: a Pumice agent with that many slots, Slurm's partition "over"
# with OverSubscribe=FORCE:CMP_OVER; every element must end DONE). Slurm
# is tuned for throughput (SchedulerParameters batch_sched_delay=0,
# sched_min_interval=0, default_queue_depth=1000; backfill). Sizes are
# smaller than make bench's because Slurm needs about half a second per
# trivial job here.
# Memory: the agent's RSS read REPS times 0.5 s apart; the master's per
# pending job over the Q held jobs submitted in REPS equal steps (RSS
# growth of each step, read once settled, per job it added), each job
# with the submitter's whole environment, the default of both (bsub -env
# all, sbatch --export=ALL).
#   CMP_N1 [300] CMP_N5 [100] CMP_LAT [20] CMP_Q [2000]
# CMP_LIST_N (unset: no such step), e.g. 100000: figure 7 again at that
# many held jobs, submitted in bulk, not by a loop of single commands:
# Pumice by bsub -pack of bsub -H jobs (held by the user, as sbatch -H:
# no dependency for the scheduler to weigh), Slurm by 8 parallel loops of
# sbatch -H (minutes at 100,000); then the listings as above. CMP_ONLY=7 skips every other
# figure (make bench-compare CMP_ONLY=7 CMP_LIST_N=100000); CMP_ONLY=5
# measures only the lifecycle: latency (6) and end to end (5).
set -u
. "$(dirname -- "$0")/lib.sh"

N1=${CMP_N1:-300}
N5=${CMP_N5:-100}
NLAT=${CMP_LAT:-20}
OVER=${CMP_OVER:-8}
Q=${CMP_Q:-2000}
LIST_N=${CMP_LIST_N:-}
ONLY=${CMP_ONLY:-}
CORES=$(nproc)
RESULTS=$OUT/compare.tsv
: >"$RESULTS"
SL=$OUT/slurm
SLURM_OK=0
SLURM_WHY=""

free_port() {
	local p
	for _ in $(seq 50); do
		p=$(shuf -i 20000-60000 -n 1)
		ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
	echo 0
}

# Waits (up to $2 s) for file $1 to hold a pid; prints it.
pid_from() {
	bl_wait_for "$2" test -s "$1" || return 1
	head -n 1 "$1"
}

slurm_conf() {
	cat >"$SL/slurm.conf" <<EOF
# Written by tests/bench/compare.sh: a one-node Slurm on loopback.
ClusterName=pumicebench
SlurmctldHost=localhost
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$SL/munge.sock
CredType=cred/munge
StateSaveLocation=$SL/state
SlurmdSpoolDir=$SL/spool
SlurmctldPidFile=$SL/slurmctld.pid
SlurmdPidFile=$SL/slurmd.pid
SlurmctldLogFile=$SL/slurmctld.log
SlurmdLogFile=$SL/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
# tuned for throughput, as a user of many short jobs would (issue 12):
# no batching delay, no minimum interval between passes, a deep queue
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,default_queue_depth=1000
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmdParameters=config_overrides
MaxJobCount=300000
MaxArraySize=1000001
MinJobAge=300
NodeName=bench1 NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$CORES RealMemory=1000 State=UNKNOWN
PartitionName=bench Nodes=bench1 Default=YES MaxTime=INFINITE State=UP
PartitionName=over Nodes=bench1 OverSubscribe=FORCE:$OVER MaxTime=INFINITE State=UP
EOF
}

slurm_idle() {
	[ "$(sinfo -h -o %t 2>/dev/null)" = idle ]
}

slurm_start() {
	local end
	for c in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
		command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] ||
			{ SLURM_WHY="$c is not installed (packaging/deps.sh --slurm)"; return 1; }
	done
	rm -rf "$SL"
	mkdir -p "$SL/state" "$SL/spool" "$SL/w"
	chmod 711 "$SL"
	(umask 077 && head -c 1024 /dev/urandom >"$SL/munge.key")
	/usr/sbin/munged -F -f --key-file="$SL/munge.key" --socket="$SL/munge.sock" \
		--pid-file="$SL/munged.pid" --log-file="$SL/munged.log" \
		--seed-file="$SL/munged.seed" >"$SL/munged.out" 2>&1 &
	BL_PIDS="$BL_PIDS $!"
	slurm_conf
	export SLURM_CONF=$SL/slurm.conf
	/usr/sbin/slurmctld -D -i -c >"$SL/slurmctld.out" 2>&1 &
	BL_PIDS="$BL_PIDS $!"
	/usr/sbin/slurmd -D -N bench1 >"$SL/slurmd.out" 2>&1 &
	BL_PIDS="$BL_PIDS $!"
	if ! bl_wait_for 60 slurm_idle; then
		SLURM_WHY="the Slurm node did not become idle in 60 s; see $SL/*.log $SL/*.out"
		tail -n 5 "$SL"/*.out "$SL"/*.log >&2 2>/dev/null
		return 1
	fi
	SLURM_PID=$(pid_from "$SL/slurmctld.pid" 10)
	SLURMD_PID=$(pid_from "$SL/slurmd.pid" 10)
}

# ---- the two systems behind one set of verbs ----
# sys_submit_held, sys_state ID (PEND RUN DONE GONE), sys_submit ARGS,
# sys_array N, sys_empty, sys_list, sys_list_json, sys_cancel_all,
# sys_master_pid, sys_agent_pid

p_submit_held() { bsub -o /dev/null $HOLD true >/dev/null; }
s_submit_held() { sbatch -H -o /dev/null --wrap true >/dev/null; }
p_submit() { bsub -o /dev/null true | sed -E 's/^Job <([0-9]+)>.*/\1/'; }
s_submit() { sbatch --parsable -o /dev/null --wrap true; }
p_state() {
	case "$(bjobs -noheader -o stat "$1" 2>/dev/null)" in
	RUN) echo RUN ;; DONE | EXIT) echo DONE ;; *) echo PEND ;;
	esac
}
s_state() {
	case "$(scontrol -o show job "$1" 2>/dev/null)" in
	*JobState=RUNNING* | *JobState=COMPLETING*) echo RUN ;;
	*JobState=COMPLETED* | *JobState=FAILED*) echo DONE ;;
	*) echo PEND ;;
	esac
}
# sys_array N OUT: an N-element array of true with output OUT (a file
# name with %J/%I, which the Slurm side turns into %A/%a, or /dev/null) on
# the slots given (Slurm: the partition over for the oversubscribed
# figures, OVER jobs per CPU); prints the job id.
p_array() { bsub -J "e[1-$1]" -o "$2" true | bl_array_id; }
s_array() {
	sbatch --parsable ${SPART:+-p "$SPART" --oversubscribe} --array="1-$1" \
	    -o "$(echo "$2" | sed 's/%J/%A/; s/%I/%a/')" --wrap true
}
# sys_all_done ID N: all N elements of array ID ended DONE / COMPLETED
p_all_done() { bl_all_done "$1" "$2"; }
s_all_done() {
	local d
	d=$(scontrol -o show job "$1" 2>/dev/null | grep -c 'JobState=COMPLETED')
	[ "$d" = "$2" ] || { say "slurm job $1: $d of $2 elements COMPLETED"; return 1; }
}
p_empty() { [ -z "$(bjobs -noheader -o stat 2>/dev/null | head -n 1)" ]; }
s_empty() { [ -z "$(squeue -h -o %i 2>/dev/null | head -n 1)" ]; }
p_list() { bjobs; }
s_list() { squeue -u "$(id -un)"; }
p_list_json() { bjobs -a -o "jobid stat user queue job_name submit_time" -json; }
s_list_json() { squeue --json; }
p_cancel_all() { bkill 0 >/dev/null 2>&1; }
s_cancel_all() { scancel -u "$(id -un)"; }
p_master_pid() { bl_pid master; }
s_master_pid() { echo "$SLURM_PID"; }
p_agent_pid() { bl_pid node1; }
s_agent_pid() { echo "$SLURMD_PID"; }

p_submit_held_bulk() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) print "-H -o /dev/null true" }' >bulk.pack
	bsub -pack bulk.pack >/dev/null
}
s_submit_held_bulk() {
	local p pids=""
	for ((p = 0; p < 8; p++)); do
		(for ((k = 0; k < $1 / 8; k++)); do s_submit_held; done) &
		pids="$pids $!"
	done
	wait $pids
}

# list_figures S NAME SUFFIX N: figure 7 (own jobs, then all as JSON)
# with N jobs known, as 7_list_own$SUFFIX and 7_list_all_json$SUFFIX.
list_figures() {
	local s=$1 name=$2 sfx=$3 n=$4 r t0 t1
	for r in $(seq "$REPS"); do
		t0=$(bl_now); "${s}_list" >/dev/null 2>&1; t1=$(bl_now); bl_ms "$t0" "$t1"
	done | bl_record "7_list_own$sfx.$name" ms "7: bjobs / squeue, $n jobs known"
	for r in $(seq "$REPS"); do
		t0=$(bl_now); "${s}_list_json" >/dev/null 2>&1; t1=$(bl_now); bl_ms "$t0" "$t1"
	done | bl_record "7_list_all_json$sfx.$name" ms "7: bjobs -a -json / squeue --json, $n known"
}

# Figure 7 at LIST_N held jobs, submitted in bulk.
measure_list() {
	local s=$1 name=$2 t0 t1
	"${s}_cancel_all"
	wait_empty "$s"
	t0=$(bl_now)
	"${s}_submit_held_bulk" "$LIST_N"
	t1=$(bl_now)
	say "$name: $LIST_N held jobs submitted in $(bl_ms "$t0" "$t1") ms"
	list_figures "$s" "$name" "_$LIST_N" "$LIST_N"
	"${s}_cancel_all"
	wait_empty "$s"
}

# 5: an array of N5 trivial jobs until the queue is empty, with -o
# /dev/null and with -o files in a directory of the job's cwd; counted
# only when every element ended DONE. SFX names the slots ("" = cores).
measure_e2e() {
	local s=$1 name=$2 sfx=$3 what=$4 r t0 t1 id out
	for out in /dev/null "$WORK/$s/out/%J.%I"; do
		for r in $(seq "$REPS"); do
			rm -rf "$WORK/$s/out"
			mkdir -p "$WORK/$s/out"
			t0=$(bl_now)
			id=$("${s}_array" "$N5" "$out")
			[ -n "$id" ] && wait_empty "$s"
			t1=$(bl_now)
			[ -n "$id" ] && "${s}_all_done" "$id" "$N5" && bl_rate "$N5" "$t0" "$t1"
		done | bl_record "5_e2e_array$sfx$([ "$out" = /dev/null ] || echo _files).$name" jobs/s \
		    "5: $N5-element array of true end to end, -o $([ "$out" = /dev/null ] && echo /dev/null || echo files), $what"
	done
	rm -rf "$WORK/$s/out"
}

wait_empty() {
	bl_wait_for 900 "${1}_empty" || { say "$1: jobs still queued"; return 1; }
}

# 1, 2, 7, 8: submission, listing and memory with held jobs.
measure_held() {
	local s=$1 name=$2 r t0 t1 k m0 m1 pids step
	[ "$s" = p ] && HOLD="-w done($(bsub -o /dev/null sleep 100000 |
		sed -E 's/^Job <([0-9]+)>.*/\1/'))"
	if [ "$ONLY" = 7 ]; then
		[ -n "$LIST_N" ] || LIST_N=$Q
		measure_list "$s" "$name"
		return 0
	fi
	bl_rss_n "$(${s}_agent_pid)" | bl_record "8_agent_rss_idle.$name" KB "8: agent / slurmd RSS idle"
	for r in $(seq "$REPS"); do
		t0=$(bl_now)
		for ((k = 0; k < N1; k++)); do "${s}_submit_held"; done
		t1=$(bl_now)
		bl_rate "$N1" "$t0" "$t1"
	done | bl_record "1_submit_serial.$name" jobs/s "1: serial submit loop"
	for r in $(seq "$REPS"); do
		t0=$(bl_now)
		for ((p = 0; p < 8; p++)); do
			(for ((k = 0; k < N1 / 8; k++)); do "${s}_submit_held"; done) &
		done
		wait
		t1=$(bl_now)
		bl_rate "$((N1 / 8 * 8))" "$t0" "$t1"
	done | bl_record "2_submit_parallel8.$name" jobs/s "2: 8 parallel submit loops"
	# 7 and 8 with Q held jobs known
	"${s}_cancel_all"
	wait_empty "$s"
	[ "$s" = p ] && HOLD="-w done($(bsub -o /dev/null sleep 100000 |
		sed -E 's/^Job <([0-9]+)>.*/\1/'))"
	step=$((Q / REPS / 8))
	for r in $(seq "$REPS"); do
		m0=$(bl_rss_settled "$(${s}_master_pid)")
		# wait only for these loops: the Slurm daemons are children too
		pids=""
		for ((p = 0; p < 8; p++)); do
			(for ((k = 0; k < step; k++)); do "${s}_submit_held"; done) &
			pids="$pids $!"
		done
		wait $pids
		m1=$(bl_rss_settled "$(${s}_master_pid)")
		echo "$(( (m1 - m0) * 1024 / (step * 8) ))"
	done | bl_record "8_master_bytes_per_pending.$name" bytes \
		"8: master RSS per pending job, default environment ($((step * 8 * REPS)) held, $REPS steps)"
	list_figures "$s" "$name" "" "$Q"
	"${s}_cancel_all"
	wait_empty "$s"
	[ -n "$LIST_N" ] && measure_list "$s" "$name"
	return 0
}

measure() {
	local s=$1 name=$2 r t0 t1 id st
	cd "$WORK/$s" || return 1
	[ "$ONLY" = 5 ] || measure_held "$s" "$name" || return 1
	[ "$ONLY" != 7 ] || { cd "$ROOT"; return 0; }
	# 6: latency by polling, on an idle queue
	: >lat.start
	: >lat.done
	for ((r = 0; r < NLAT; r++)); do
		t0=$(bl_now)
		id=$("${s}_submit")
		st=PEND
		while [ "$st" = PEND ]; do st=$("${s}_state" "$id"); done
		t1=$(bl_now)
		bl_ms "$t0" "$t1" >>lat.start
		while [ "$st" != DONE ]; do st=$("${s}_state" "$id"); done
		bl_ms "$t0" "$(bl_now)" >>lat.done
	done
	bl_record "6_latency_start.$name" ms "6: submit -> running (polled)" <lat.start
	bl_record "6_latency_done.$name" ms "6: submit -> done (polled)" <lat.done
	measure_e2e "$s" "$name" "" "slots = cores ($CORES)"
	cd "$ROOT" || true
}

WORK=$OUT/compare
rm -rf "$WORK"
mkdir -p "$WORK/p" "$WORK/s"
say "Pumice: a 1-agent cluster with $CORES slots"
if bl_cluster compare -n 1 --cpus "$CORES"; then
	mkdir -p "$WORK/p"
	measure p pumice || say "Pumice figures failed"
	bl_cluster_stop
fi
if [ "$ONLY" != 7 ] && bl_cluster compare_over -n 1 --cpus "$((CORES * OVER))"; then
	cd "$WORK/p" && measure_e2e p pumice _over "$((CORES * OVER)) slots on $CORES cores"
	bl_cluster_stop
fi
say "Slurm: one node with $CORES CPUs in $SL"
if slurm_start; then
	SLURM_OK=1
	chmod 777 "$WORK/s"
	measure s slurm || say "Slurm figures failed"
	if [ "$ONLY" != 7 ] && cd "$WORK/s"; then
		SPART=over measure_e2e s slurm _over "$((CORES * OVER)) slots on $CORES cores (OverSubscribe=FORCE:$OVER)"
	fi
	cd "$ROOT" || true
else
	say "BLOCKED: Slurm could not be started: $SLURM_WHY"
fi
bl_cleanup
bl_report "Pumice and Slurm on one host (make bench-compare)" "$OUT/compare.json"
if [ "$SLURM_OK" = 1 ]; then
	echo
	echo "== ratio Pumice/Slurm (rates: >1 means Pumice is faster; times and sizes: <1 means Pumice is faster)"
	awk -F'\t' '{ split($1, k, "."); split($4, s, " "); v[k[1], k[2]] = s[1]; u[k[1]] = $2; seen[k[1]] = 1 }
	END { for (f in seen) if (v[f, "slurm"] > 0)
		printf "%-34s %10.3g  (%s: %s vs %s)\n", f, v[f, "pumice"] / v[f, "slurm"], u[f], v[f, "pumice"], v[f, "slurm"] }' \
		"$RESULTS" | sort
else
	echo "no ratios: Slurm did not run ($SLURM_WHY)"
fi
