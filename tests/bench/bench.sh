#!/bin/bash
# bench.sh - make bench: measurements 1-9 of issue 5 on local clusters
# (pumice cluster start under $OUT/clusters, all stopped on exit). Prints
# one table and writes $OUT/results.json. Each figure is the median of
# BENCH_REPS (default 3) repetitions, with min, max and p99. A memory
# figure repeats its reading (RSS REPS times 0.5 s apart), or its fill:
# the 1M array and the 0 -> Q1 fill in REPS fresh clusters, Q1 -> Q2 in
# REPS equal steps (RSS growth per job added). RSS is read once the
# master has settled (two readings 0.3 s apart agree).
#
# Sizes can be changed from the environment (defaults in brackets):
#   BENCH_N1 [1000] jobs per serial loop; BENCH_N3 [20000] jobs per pack;
#   BENCH_ARRAY [1000000]; BENCH_DRAIN [10000] elements of the array of
#   `true` drained end to end (issue 12: with -o /dev/null and with -o
#   files in the cluster's shared data/, slots = cores and BENCH_OVER [8]
#   slots per core; every element must end DONE); BENCH_FSYNC_N [1000]
#   elements of the array whose fsyncs are counted (strace -f -c on the
#   master and the agent, untimed); BENCH_LAT [200] latency runs; BENCH_Q1/Q2
#   [10000/100000] jobs known for the query and memory figures;
#   BENCH_QENV [2000] jobs of the bsub loop for the memory per job with
#   the default environment; BENCH_BIG [1000000] pending jobs (plain jobs,
#   submitted by -pack of BENCH_BIG_PACK [50000]: an array would be one
#   record) for the restart figure of group "big"; BENCH_BIG_SQL [0]: 1
#   makes them by copying one bsub's submit event in the database (sqlite3)
#   instead, in seconds (no RSS figure before the restart then).
#   BENCH_ONLY ["e2e over submit array query"]: which groups to run
#   ("big" too, for the restart with BENCH_BIG jobs: some minutes).
set -u
. "$(dirname -- "$0")/lib.sh"

N1=${BENCH_N1:-1000}
N3=${BENCH_N3:-20000}
NARR=${BENCH_ARRAY:-1000000}
QENV=${BENCH_QENV:-2000}
NBIG=${BENCH_BIG:-1000000}
NBIGPACK=${BENCH_BIG_PACK:-50000}
BIGSQL=${BENCH_BIG_SQL:-0}
NDRAIN=${BENCH_DRAIN:-10000}
NFSYNC=${BENCH_FSYNC_N:-1000}
OVER=${BENCH_OVER:-8}
NLAT=${BENCH_LAT:-200}
Q1=${BENCH_Q1:-10000}
Q2=${BENCH_Q2:-100000}
CORES=$(nproc)
: >"$RESULTS"

# An anchor job that holds one slot: jobs that depend on it stay pending,
# so submission is measured without the dispatching of what was submitted.
anchor() {
	ANCHOR=$(bsub -o /dev/null sleep 100000 | sed -E 's/^Job <([0-9]+)>.*/\1/')
	HOLD="-w done($ANCHOR)"
}

# ---- 5: the job lifecycle (issue 12): end to end, fsyncs per job ----

# cpu_ticks PID [CHILDREN]: user + system CPU time of a process (with
# CHILDREN=1: of the children it waited for instead), in clock ticks.
cpu_ticks() {
	awk -v c="${2:-0}" '{ sub(/^.*\) /, ""); print c ? $14 + $15 : $12 + $13 }' "/proc/$1/stat"
}

# shep_ticks AGENT: CPU of the agent's shepherds with their jobs, in clock
# ticks: the children it reaped, and its live long-lived shepherd
# (pumice-shepherd -s) with the shepherds that one reaped.
shep_ticks() {
	local t c
	t=$(cpu_ticks "$1" 1)
	while read -r c; do
		[ -n "$c" ] || continue
		t=$((t + $(cpu_ticks "$c" 0 2>/dev/null || echo 0) + $(cpu_ticks "$c" 1 2>/dev/null || echo 0)))
	done < <(cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n')
	echo "$t"
}

# life_drain KEY LABEL OUT: REPS times an NDRAIN-element array of `true`
# with -o OUT; bsub -K returns once every element ended. A rate is
# printed only when every element ended DONE (bl_all_done). Then where
# the CPU went, per job: the master, the agent itself, and the shepherds
# with the jobs under them (shep_ticks).
life_drain() {
	local r t0 t1 id last="" m a c m0 a0 c0 hz t n=0
	m=$(bl_pid master)
	a=$(bl_pid node1)
	m0=$(cpu_ticks "$m")
	a0=$(cpu_ticks "$a")
	c0=$(shep_ticks "$a")
	: >"$OUT/$1.rates"
	for r in $(seq "$REPS"); do
		rm -rf "$CDIR/data/out"
		mkdir -p "$CDIR/data/out"
		t0=$(bl_now)
		id=$(bsub -K -J "drain[1-$NDRAIN]" -o "$3" true 2>/dev/null | bl_array_id)
		t1=$(bl_now)
		[ -n "$id" ] && bl_all_done "$id" "$NDRAIN" && bl_rate "$NDRAIN" "$t0" "$t1" >>"$OUT/$1.rates" &&
			last=$id
		n=$((n + NDRAIN))
	done
	bl_record "$1" jobs/s "$2" <"$OUT/$1.rates"
	life_cycle "$1" "$last"
	hz=$(getconf CLK_TCK)
	for w in "master $m 0 $m0" "agent $a 0 $a0" "shepherd $a 1 $c0"; do
		set -- "$1" $w
		if [ "$2" = shepherd ]; then t=$(shep_ticks "$3"); else t=$(cpu_ticks "$3" "$4"); fi
		awk -v t="$((t - $5))" -v hz="$hz" -v n="$n" \
		    'BEGIN { printf "%.3f\n", t / hz * 1000 / n }' |
			bl_record "cpu_$2_$1" ms/job "5: CPU per job: $2$([ "$2" = shepherd ] && echo ' + job')"
	done
}

# life_cycle KEY ID: a slot's turn in the last drained array ID, from the
# daemons' log lines (cycle.py: the shepherd's part, the finish's way to
# the master, the refill of the freed slot), mean ms per element.
life_cycle() {
	local part mean p50
	[ -n "$2" ] || return 0
	python3 "$ROOT/tests/bench/cycle.py" "$CDIR/log/master.log" "$CDIR/log/node1.log" "$2" |
	while read -r part mean p50; do
		echo "$mean" | bl_record "cycle_$1_$part" ms \
		    "5: a slot's turn, $part (daemon logs, mean; p50 $p50 ms)"
	done
}

# life_sim KEY: the master alone, its agent replaced by one simulated
# host (simagents: answers run with started and finished at once, no
# process, no spool) with as many slots: what the master's side of the
# lifecycle (commit, pass, messages) costs, without the agent's.
life_sim() {
	local port key slots=$2 id t0 t1 r pid
	kill -TERM "$(bl_pid node1)"
	port=$(awk -F= '$1 == "LSB_MBD_PORT" { print $2 }' "$CDIR/conf/lsf.conf")
	key=$CDIR/conf/cluster.key
	simagents -p "$port" -k "$key" -n 1 -c "$slots" -m 16384 -r 0 \
		>"$OUT/simagents.$1.out" 2>"$OUT/simagents.$1.err" &
	pid=$!
	BL_PIDS="$BL_PIDS $pid"
	bl_wait_for 30 grep -q "all 1 hosts up" "$OUT/simagents.$1.err" ||
		{ say "simagents did not come up"; return 1; }
	for r in $(seq "$REPS"); do
		t0=$(bl_now)
		id=$(bsub -K -J "sim[1-$NDRAIN]" -o /dev/null true 2>/dev/null | bl_array_id)
		t1=$(bl_now)
		[ -n "$id" ] && bl_all_done "$id" "$NDRAIN" && bl_rate "$NDRAIN" "$t0" "$t1"
	done | bl_record "$1" jobs/s "5: the master alone: $NDRAIN-element array, one simulated host with $slots slots"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# life_fsyncs TAG LABEL OUT: fsync+fdatasync calls per job of an
# NFSYNC-element array with -o OUT, counted by strace -f -c in the master
# and in the agent with every process it and its shepherd server fork
# (shepherds, jobs). Not
# timed: strace slows every syscall down.
life_fsyncs() {
	local id sm sa nm na
	rm -f "$OUT/strace.master.$1" "$OUT/strace.agent.$1"
	rm -rf "$CDIR/data/out"
	mkdir -p "$CDIR/data/out"
	bl_strace_start sm "$(bl_pid master)" "$OUT/strace.master.$1"
	# the agent and its long-lived shepherd, which forks the shepherds
	bl_strace_start sa "$(bl_pid node1) $(cat /proc/"$(bl_pid node1)"/task/*/children)" \
	    "$OUT/strace.agent.$1"
	id=$(bsub -K -J "fs[1-$NFSYNC]" -o "$3" true 2>/dev/null | bl_array_id)
	bl_strace_stop "$sm"
	bl_strace_stop "$sa"
	nm=$(bl_strace_calls "$OUT/strace.master.$1")
	na=$(bl_strace_calls "$OUT/strace.agent.$1")
	[ -n "$id" ] && bl_all_done "$id" "$NFSYNC" || return 1
	awk -v n="$nm" -v j="$NFSYNC" 'BEGIN { printf "%.2f\n", n / j }' |
		bl_record "fsync_master_$1" calls/job "5: master fsyncs per job, $2"
	awk -v n="$na" -v j="$NFSYNC" 'BEGIN { printf "%.2f\n", n / j }' |
		bl_record "fsync_agent_$1" calls/job "5: agent+shepherd+job fsyncs per job, $2"
}

# life_group TAG LABEL: the lifecycle figures on the cluster just started.
life_group() {
	local files="$CDIR/data/out/%J.%I"
	life_drain "e2e_$1_devnull" "5: $NDRAIN-element array of true, -o /dev/null, $2" /dev/null
	life_drain "e2e_$1_files" "5: $NDRAIN-element array of true, -o files in the shared dir, $2" "$files"
	command -v strace >/dev/null || { say "no strace: no fsync counts"; return 0; }
	life_fsyncs "$1_devnull" "-o /dev/null, $2" /dev/null
	life_fsyncs "$1_files" "-o files in the shared dir, $2" "$files"
	rm -rf "$CDIR/data/out"
}

# ---- 6: latency on an idle cluster; 5 with slots = cores ----
bench_e2e() {
	bl_cluster e2e -n 1 --cpus "$CORES" || return 1
	bl_rss_n "$(bl_pid node1)" | bl_record agent_rss_idle KB "8: agent RSS, idle"
	benchtool latency "$NLAT" >lat.txt
	awk '{ print $1 }' lat.txt | bl_record latency_start ms "6: idle submit -> RUN"
	awk '{ print $2 }' lat.txt | bl_record latency_done ms "6: idle submit -> DONE"
	life_group cores "slots = cores ($CORES)"
	bl_cluster_stop
	bl_cluster e2esim -n 1 --cpus "$CORES" || return 1
	life_sim e2e_master_alone_cores "$CORES"
	bl_cluster_stop
}

# ---- 5 oversubscribed (OVER slots per core); 8: agent RSS with 100 running jobs ----
bench_over() {
	bl_cluster over -n 1 --cpus "$((CORES * OVER))" || return 1
	life_group over "$((CORES * OVER)) slots on $CORES cores"
	bl_cluster_stop
	bl_cluster oversim -n 1 --cpus "$((CORES * OVER))" || return 1
	life_sim e2e_master_alone_over "$((CORES * OVER))"
	bl_cluster_stop
	bl_cluster rss100 -n 1 --cpus 100 || return 1
	awk 'BEGIN { for (i = 0; i < 100; i++) print "-o /dev/null sleep 300" }' >sleep.pack
	bsub -pack sleep.pack >/dev/null
	bl_wait_running 100 && bl_rss_n "$(bl_pid node1)" |
		bl_record agent_rss_100_running KB "8: agent RSS with 100 running jobs"
	bkill 0 >/dev/null 2>&1
	bl_wait_empty 60
	bl_cluster_stop
}

# ---- 1, 2, 3, 4: submission ----
bench_submit() {
	local r t0 t1 k
	bl_cluster submit -n 1 --cpus "$CORES" || return 1
	anchor
	for r in $(seq "$REPS"); do
		t0=$(bl_now)
		for ((k = 0; k < N1; k++)); do bsub -o /dev/null $HOLD true >/dev/null; done
		t1=$(bl_now)
		bl_rate "$N1" "$t0" "$t1"
	done | bl_record submit_serial jobs/s "1: serial bsub loop"
	for r in $(seq "$REPS"); do
		t0=$(bl_now)
		for ((k = 0; k < N1; k++)); do /bin/true; done
		t1=$(bl_now)
		bl_rate "$N1" "$t0" "$t1"
	done | bl_record spawn_true_loop procs/s "1: /bin/true loop (process limit)"
	for r in $(seq "$REPS"); do
		t0=$(bl_now)
		for ((p = 0; p < 8; p++)); do
			(for ((k = 0; k < N1 / 8; k++)); do
				bsub -o /dev/null $HOLD true >/dev/null
			done) &
		done
		wait
		t1=$(bl_now)
		bl_rate "$((N1 / 8 * 8))" "$t0" "$t1"
	done | bl_record submit_parallel8 jobs/s "2: 8 parallel bsub loops"
	bl_pack bulk.pack "$N3" -o /dev/null "$HOLD"
	for r in $(seq "$REPS"); do
		t0=$(bl_now)
		bsub -pack bulk.pack >/dev/null
		t1=$(bl_now)
		bl_rate "$N3" "$t0" "$t1"
	done | bl_record submit_bulk jobs/s "3: bsub -pack, $N3 jobs, durable"
	bl_cluster_stop
}

# ---- 4: a 1M-element array, each time on a fresh master; bjobs -A and
# bjobs -a of it (time, master RSS growth) ----
# (After other submissions the master's heap has free space that a small
# record reuses, so RSS would not move; and the master's scheduling pass
# runs after the reply, so RSS is read once it has settled.)
bench_array() {
	local r t0 t1 m0 m1 f=$OUT/array
	: >"$f.ms"
	: >"$f.before"
	: >"$f.after"
	: >"$f.kb"
	: >"$f.A.ms"
	: >"$f.A.kb"
	: >"$f.a.ms"
	: >"$f.a.kb"
	for r in $(seq "$REPS"); do
		bl_cluster "array$r" -n 1 --cpus "$CORES" || return 1
		anchor
		m0=$(bl_rss_settled "$(bl_pid master)")
		t0=$(bl_now)
		bsub -J "big[1-$NARR]" -o /dev/null $HOLD true >/dev/null
		t1=$(bl_now)
		m1=$(bl_rss_settled "$(bl_pid master)")
		bl_ms "$t0" "$t1" >>"$f.ms"
		echo "$m0" >>"$f.before"
		echo "$m1" >>"$f.after"
		echo "$((m1 - m0))" >>"$f.kb"
		bench_array_query "$f" "$m1"
		bl_cluster_stop
	done
	bl_record array_submit ms "4: submit of a $NARR-element array" <"$f.ms"
	bl_record array_master_rss_before KB "4: master RSS before the array (1 job known)" <"$f.before"
	bl_record array_master_rss_after KB "4: master RSS after the array" <"$f.after"
	bl_record array_rss_growth KB "4: master RSS growth per $NARR-element array" <"$f.kb"
	bl_record array_bjobs_A ms "4: bjobs -A of the $NARR-element array" <"$f.A.ms"
	bl_record array_bjobs_A_rss KB "4: master RSS growth over bjobs -A" <"$f.A.kb"
	bl_record array_bjobs_a ms "4: bjobs -a of the $NARR-element array (every row)" <"$f.a.ms"
	bl_record array_bjobs_a_rss KB "4: master RSS growth over bjobs -a" <"$f.a.kb"
}

# bench_array_query F RSS: bjobs -A, then bjobs -a printing every element
# (to /dev/null), on the array just submitted; their times and the
# master's RSS growth over each (RSS: the master's after the submit).
bench_array_query() {
	local f=$1 m0=$2
	[ -n "${f:-}" ] || return 1
	m0=$(bench_timed_rss "$f.A" "$m0" -A)
	bench_timed_rss "$f.a" "$m0" -a >/dev/null
}

# bench_timed_rss PREFIX RSS0 FLAG: the time of bjobs FLAG into PREFIX.ms,
# the master's RSS growth over RSS0 into PREFIX.kb; prints the RSS after.
bench_timed_rss() {
	local t0 t1 m1
	t0=$(bl_now)
	bjobs "$3" >/dev/null
	t1=$(bl_now)
	m1=$(bl_rss_settled "$(bl_pid master)")
	bl_ms "$t0" "$t1" >>"$1.ms"
	echo "$((m1 - $2))" >>"$1.kb"
	echo "$m1"
}

# ---- 7: query cost, 8: master memory per pending job, 9: recovery ----

# fill N: N held jobs more; prints the master's RSS growth per job (bytes).
fill() {
	local m0 m1
	m0=$(bl_rss_settled "$(bl_pid master)")
	bl_pack q.pack "$1" -o /dev/null "$HOLD"
	bsub -pack q.pack >/dev/null
	m1=$(bl_rss_settled "$(bl_pid master)")
	awk -v d="$((m1 - m0))" -v n="$1" 'BEGIN { printf "%.0f\n", d * 1024 / n }'
}

bench_known() {
	local n=$1
	benchtool time "$REPS" bjobs | bl_record "bjobs_own_$n" ms "7: bjobs (own jobs), $n known"
	benchtool time "$REPS" bjobs -a -o "jobid stat user queue job_name submit_time" -json |
		bl_record "bjobs_all_json_$n" ms "7: bjobs -a -json, $n known"
}

# fill_env N: N held jobs more by a bsub loop, each with the submitter's
# whole environment (-env all, the default); bytes of master RSS per job.
fill_env() {
	local m0 m1 k
	m0=$(bl_rss_settled "$(bl_pid master)")
	for ((k = 0; k < $1; k++)); do
		bsub -o /dev/null $HOLD true >/dev/null
	done
	m1=$(bl_rss_settled "$(bl_pid master)")
	awk -v d="$((m1 - m0))" -v n="$1" 'BEGIN { printf "%.0f\n", d * 1024 / n }'
}

# new_master_up OLDPID: the pid file names another process, alive and not
# a zombie: the restarted master (it writes the file once it listens).
new_master_up() {
	local p
	[ -s "$CDIR/run/master.pid" ] || return 1
	p=$(bl_pid master)
	[ -n "$p" ] && [ "$p" != "$1" ] && ! pid_gone "$p"
}

# lsid_now: lsid answers at once (no retry).
lsid_now() {
	PUMICE_CONNECT_TIMEOUT=0 lsid >/dev/null 2>&1
}

# restart_once: kill -9 of the master, started again with its own command
# line as a supervisor would; prints the ms from the start to lsid's
# answer. The clock starts once the old process is gone (or a zombie), so
# its exit is not counted, and the figure counts only when the pid file
# then names a new, live master (the answer came from it: the old one was
# gone). A subshell starts it, so this shell does not report its kill -9.
restart_once() {
	local pid t0 t1 argv
	pid=$(bl_pid master)
	mapfile -d '' argv <"/proc/$pid/cmdline"
	# a zombie's cmdline is empty: never start "setsid" with no command
	[ "${#argv[@]}" -gt 0 ] || { say "master $pid has no command line (gone?)"; return 1; }
	kill -9 "$pid"
	bl_wait_for 60 pid_gone "$pid" || { say "master $pid still alive"; return 1; }
	t0=$(bl_now)
	(setsid "${argv[@]}" </dev/null >>"$CDIR/log/master.out" 2>&1 &)
	# lsid's own retries back off up to 1 s: it is asked every 20 ms instead
	bl_wait_for 60 lsid_now || { say "lsid got no answer after the restart"; return 1; }
	t1=$(bl_now)
	bl_wait_for 60 new_master_up "$pid" ||
		{ say "no new master after the restart of $pid"; return 1; }
	bl_track "$(bl_pid master)"
	bl_ms "$t0" "$t1"
}

bench_query() {
	local r t0 t1 pid step f=$OUT/pending
	: >"$f.q1"
	: >"$f.q2"
	# 0 -> Q1 held jobs on fresh masters; the last one goes on to Q2
	: >"$f.env"
	for r in $(seq "$REPS"); do
		bl_cluster "query$r" -n 1 --cpus "$CORES" || return 1
		anchor
		fill_env "$QENV" >>"$f.env"
		fill "$((Q1 - 1 - QENV))" >>"$f.q1"
		[ "$r" = "$REPS" ] || bl_cluster_stop
	done
	bl_record "master_bytes_per_pending_$Q1" bytes \
		"8: master RSS per pending job, 0 -> $Q1 held (bsub -pack, default env)" <"$f.q1"
	bl_record master_bytes_per_pending_default_env bytes \
		"8: master RSS per pending job, default environment (bsub loop, $QENV jobs)" <"$f.env"
	bench_known "$Q1"
	step=$(((Q2 - Q1) / REPS))
	for r in $(seq "$REPS"); do
		fill "$([ "$r" = "$REPS" ] && echo $((Q2 - Q1 - step * (REPS - 1))) || echo "$step")"
	done >"$f.q2"
	bl_record "master_bytes_per_pending_$Q2" bytes \
		"8: master RSS per pending job added, $Q1 -> $Q2 held ($REPS steps)" <"$f.q2"
	bench_known "$Q2"
	for r in $(seq "$REPS"); do
		restart_once
	done | bl_record recovery_kill9 ms "9: kill -9 with $Q2 jobs known -> answering"
	du -k "$CDIR/state/pumice.db" | cut -f1 | bl_record "db_kb_$Q2" KB "9: database with $Q2 jobs"
	bl_cluster_stop
}

# ---- 9 at scale: kill -9 with NBIG pending jobs (queue inactive) ----
# big_by_sql: one job submitted by bsub, its submit event copied in the
# database for ids 2..NBIG while the master is down (minutes of bsub
# -pack otherwise), then the master started again.
big_by_sql() {
	local pid argv
	bsub -o /dev/null true >/dev/null || { say "big: bsub failed"; return 1; }
	pid=$(bl_pid master)
	mapfile -d '' argv <"/proc/$pid/cmdline"
	kill -9 "$pid"
	bl_wait_for 60 pid_gone "$pid" || return 1
	sqlite3 "$CDIR/state/pumice.db" "WITH RECURSIVE c(x) AS (SELECT 2 UNION ALL
		SELECT x + 1 FROM c WHERE x < $NBIG) INSERT INTO events(job, idx, type,
		time, data) SELECT x, 0, 'submit', e.time, e.data FROM c, (SELECT time,
		data FROM events WHERE type = 'submit' ORDER BY seq DESC LIMIT 1) e;
		PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null || { say "big: sqlite3 failed"; return 1; }
	(setsid "${argv[@]}" </dev/null >>"$CDIR/log/master.out" 2>&1 &)
	bl_wait_for 120 new_master_up "$pid" && bl_track "$(bl_pid master)" &&
		bl_wait_for 60 lsid_now
}
bench_big() {
	local n=0 k
	bl_cluster big -n 1 --cpus "$CORES" || return 1
	# LSF's default MAX_JOBID (999999) is too few ids for a million jobs
	sed -i "s/^End Parameters/MAX_JOBID = $((NBIG * 2 + 100))\nEnd Parameters/" \
		"$LSF_ENVDIR/lsbatch/pumice/configdir/lsb.params"
	badmin reconfig >/dev/null || { say "big: badmin reconfig failed"; return 1; }
	badmin qinact normal >/dev/null
	if [ "$BIGSQL" = 1 ]; then
		big_by_sql || return 1
	else
		bl_pack big.pack "$NBIGPACK" -o /dev/null
		while [ "$n" -lt "$NBIG" ]; do
			k=$((NBIG - n < NBIGPACK ? NBIG - n : NBIGPACK))
			[ "$k" = "$NBIGPACK" ] || bl_pack big.pack "$k" -o /dev/null
			bsub -pack big.pack >/dev/null || { say "big: bsub -pack failed"; return 1; }
			n=$((n + k))
		done
		bl_rss_settled "$(bl_pid master)" | bl_record "big_master_rss_$NBIG" KB \
			"9: master RSS with $NBIG pending jobs (bsub -pack, default env)"
	fi
	for r in $(seq "$REPS"); do
		restart_once
	done | bl_record recovery_kill9_big ms "9: kill -9 with $NBIG pending jobs -> answering"
	bl_rss_settled "$(bl_pid master)" | bl_record "big_master_rss_replayed_$NBIG" KB \
		"9: master RSS after replaying $NBIG pending jobs"
	du -k "$CDIR/state/pumice.db" | cut -f1 | bl_record "db_kb_$NBIG" KB "9: database with $NBIG jobs"
	bl_cluster_stop
}

say "results in $OUT"
for part in ${BENCH_ONLY:-e2e over submit array query}; do
	"bench_$part" || say "$part figures failed"
done
bl_report "Pumice benchmarks (make bench)" "$OUT/results.json"
