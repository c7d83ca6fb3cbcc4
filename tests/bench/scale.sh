#!/bin/bash
# scale.sh - make bench-scale: the master with 1,000 and 10,000 simulated
# hosts (simagents: one process, one TCP link per host, each with its own
# cores and memory; jobs "finish" after SCALE_RUN_MS without spawning
# anything) and 100k individual jobs plus a 1M-element array pending.
#
# Each host count is measured in SCALE_REPS rounds, each on a fresh
# cluster, and every figure is the median over the rounds (or over all the
# samples of all rounds). A round:
#   1. the queues are made inactive (badmin qinact), the jobs submitted
#      with -env none (so the figures are the master's own cost, not the
#      copied environment): bulk submission rate, RSS per pending job;
#   2. the hosts connect and register with that standing backlog, nothing
#      dispatched yet: time until every host is up, by simagents' own clock
#      (its start to the last registration);
#   3. the queues are activated: simagents holds every job until all slots
#      (hosts x cores) are busy (-f), so the fill rate (slots / time from
#      badmin qact, its own start included, to the last slot busy) is the
#      master's dispatch speed from a standing backlog; then jobs end
#      after SCALE_RUN_MS (default 0: a slot frees as soon as it is
#      started) and slots refill continuously: the churn rate (each second's dispatches, as
#      simagents counts them) covers the whole cycle of a job (run,
#      started, finished, finish_ack), bounded by the master alone;
#   4. during the churn: command latency (bjobs of one job, bsub, bhosts)
#      and master RSS; after SCALE_CHURN seconds of it (the churn rate's
#      window), command latency again in two phases of SCALE_LAT_N
#      samples each of `bjobs JOBID`, `bsub` and `lsid` (interleaved, at
#      most SCALE_LAT_SECS per phase): "churn" with nothing else asking,
#      then "storm" with SCALE_STORM clients each running
#      SCALE_STORM_CMD in a loop; for each phase the agent links the
#      master closed (its log: "agent connection of HOST closed").
#      The storm lists the running jobs of all users by default (4,000 or
#      40,000 records, growing with the cluster). A plain `bjobs -u all`
#      (SCALE_STORM_CMD) lists the 1M-element array too: the master sends
#      it in pages (the array's pending elements as range records), but
#      each client then prints a million lines, work that takes this
#      machine's cores from the master being measured.
#      The master's CPU time (user + system) per job started in the
#      churn window is recorded too: unlike the rates, a machine shared
#      with other work barely changes it.
# Scheduler pass times come from the master (op "stats", benchtool
# schedstats): each pass is one slice of at most 2,000 starts or about 3
# ms, not counting the commit of its start events; median and p99 from
# the master's histogram (within 1/8), separately while hosts register and
# while dispatching.
#
# Sizes (defaults): SCALE_HOSTS ["1000 10000"], SCALE_CORES [4],
# SCALE_JOBS [100000], SCALE_ARRAY [1000000], SCALE_RUN_MS [0],
# SCALE_SECS [60] (the longest wait for registration and for the fill),
# SCALE_CHURN [10] (seconds of churn at least), SCALE_REPS [BENCH_REPS],
# SCALE_LAT_N [200], SCALE_LAT_SECS [30], SCALE_STORM [4] (0: no storm),
# SCALE_STORM_CMD ["bjobs -u all -r"].
set -u
. "$(dirname -- "$0")/lib.sh"

HOSTS_LIST=${SCALE_HOSTS:-"1000 10000"}
SCORES=${SCALE_CORES:-4}
SJOBS=${SCALE_JOBS:-100000}
SARRAY=${SCALE_ARRAY:-1000000}
RUN_MS=${SCALE_RUN_MS:-0}
SECS=${SCALE_SECS:-60}
CHURN=${SCALE_CHURN:-10}
SREPS=${SCALE_REPS:-$REPS}
LATN=${SCALE_LAT_N:-200}
LATSECS=${SCALE_LAT_SECS:-30}
STORM=${SCALE_STORM:-4}
STORM_CMD=${SCALE_STORM_CMD:-"bjobs -u all -r"}
RESULTS=$OUT/scale.tsv
: >"$RESULTS"

# One link per simulated host in simagents and one in the master: both
# inherit this limit.
hard=$(ulimit -Hn)
if [ "$(ulimit -Sn)" != "$hard" ]; then
	say "raising the open-file soft limit from $(ulimit -Sn) to the hard limit $hard"
	ulimit -Sn "$hard"
fi

# wait_line PATTERN FILE SECONDS: until simagents printed a matching line
# (bl_wait_for); prints it.
wait_line() {
	bl_wait_for "$3" grep -q "$1" "$2" || return 1
	grep -m 1 "$1" "$2"
}

# lines_at_least FILE N: FILE has N lines or more.
lines_at_least() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# agent_drops: links of simulated hosts the master has closed so far (its
# log; the real agent's own exit at the start does not count).
agent_drops() {
	grep -c 'agent connection of sim[0-9]* closed' "$CDIR/log/master.log" 2>/dev/null || true
}

# lat_phase PHASE: LATN samples each of bjobs JOBID, bsub and lsid,
# interleaved, for at most LATSECS seconds, to $F.PHASE.*; then the agent
# links dropped meanwhile.
lat_phase() {
	local ph=$1 k end=$((SECONDS + LATSECS)) d0
	d0=$(agent_drops)
	for ((k = 0; k < LATN && SECONDS < end; k++)); do
		benchtool time 1 bjobs -noheader 1 >>"$F.$ph.bjobs"
		benchtool time 1 bsub -env none -o /dev/null true >>"$F.$ph.bsub"
		benchtool time 1 lsid >>"$F.$ph.lsid"
	done
	echo $(($(agent_drops) - d0)) >>"$F.$ph.drops"
}

# storm_start: STORM clients running STORM_CMD in a loop (times to
# $F.storm.list); their pids in STORM_PIDS.
storm_start() {
	local k
	STORM_PIDS=""
	for ((k = 0; k < STORM; k++)); do
		(while :; do benchtool time 1 $STORM_CMD >>"$F.storm.list" 2>/dev/null; done) &
		STORM_PIDS="$STORM_PIDS $!"
	done
	BL_PIDS="$BL_PIDS$STORM_PIDS"
}

storm_stop() {
	local p
	for p in $STORM_PIDS; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		BL_PIDS=${BL_PIDS/ $p/}
	done
}

# cpu_ticks PID: user + system CPU time of a process, in clock ticks.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# One round with h hosts; samples go to $F.* (appended).
scale_round() {
	local h=$1 r=$2 port key sim t0 t1 pid m0 m1 line nfill nchurn c0 c1
	bl_cluster "scale$h-$r" -n 1 --cpus 1 || return 1
	# the real agent leaves: only simulated hosts run jobs
	kill -TERM "$(bl_pid node1)"
	port=$(awk -F= '$1 == "LSB_MBD_PORT" { print $2 }' "$CDIR/conf/lsf.conf")
	key=$CDIR/conf/cluster.key
	badmin qinact all >/dev/null || return 1
	m0=$(bl_rss_settled "$(bl_pid master)")
	bl_pack scale.pack "$SJOBS" -o /dev/null -env none
	t0=$(bl_now)
	bsub -pack scale.pack >/dev/null
	t1=$(bl_now)
	bl_rate "$SJOBS" "$t0" "$t1" >>"$F.bulk"
	[ "$SARRAY" -gt 0 ] && bsub -env none -J "huge[1-$SARRAY]" -o /dev/null true >/dev/null
	m1=$(bl_rss_settled "$(bl_pid master)")
	echo "$(( (m1 - m0) * 1024 / (SJOBS + 1) ))" >>"$F.bpp"
	benchtool schedstats >"$F.s0" || say "no scheduler pass times: the master has no op \"stats\""
	sim=$OUT/simagents.$h.$r
	simagents -p "$port" -k "$key" -n "$h" -c "$SCORES" -m 16384 -r "$RUN_MS" \
		-f "$SECS" -b 100 >"$sim.out" 2>"$sim.err" &
	pid=$!
	BL_PIDS="$BL_PIDS $pid"
	if line=$(wait_line "all $h hosts up after" "$sim.err" "$SECS"); then
		echo "$line" | awk '{ print $(NF - 1) * 1000 }' >>"$F.up"
	else
		say "round $r: $(tail -n 1 "$sim.err" | sed 's/^simagents: *//') after $SECS s: not all hosts up"
	fi
	benchtool schedstats "$F.s0" >"$F.reg.$r" 2>/dev/null || rm -f "$F.reg.$r"
	benchtool schedstats >"$F.s1" 2>/dev/null
	t0=$(bl_now)
	badmin qact all >/dev/null
	if line=$(wait_line "fill:" "$sim.err" "$((SECS + 5))"); then
		echo "$line" | awk -v t0="$t0" '{ for (i = 1; i < NF; i++) if ($(i + 1) == "runs") r = $i;
			if ($NF > t0) printf "%.1f\n", r / ($NF - t0) }' >>"$F.fill"
		echo "$line" | grep -q 'fill: \([0-9]*\) of \1 slots' ||
			say "round $r: slots not all busy after $SECS s: ${line#simagents: }"
	else
		say "round $r: no job started in $SECS s"
	fi
	nfill=$(wc -l <"$sim.err")
	benchtool time 20 bjobs -noheader 1 >>"$F.bjobs"
	benchtool time 20 bsub -env none -o /dev/null true >>"$F.bsub"
	benchtool time 3 bhosts >>"$F.bhosts"
	bl_rss_n "$(bl_pid master)" >>"$F.rss"
	c0=$(cpu_ticks "$(bl_pid master)")
	benchtool schedstats >"$F.c0" 2>/dev/null
	# CHURN seconds of churn, as simagents reports them (a line a second)
	bl_wait_for $((CHURN + 60)) lines_at_least "$sim.err" $((nfill + CHURN)) ||
		say "round $r: simagents reported fewer than $CHURN seconds of churn"
	benchtool schedstats "$F.s1" >"$F.disp.$r" 2>/dev/null || rm -f "$F.disp.$r"
	nchurn=$(wc -l <"$sim.err")
	# the master's CPU per job started during the churn: a figure that a
	# machine shared with other work disturbs less than a rate
	c1=$(cpu_ticks "$(bl_pid master)")
	benchtool schedstats "$F.c0" 2>/dev/null | sed -n 's/.*"started": *\([0-9]*\).*/\1/p' |
		awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" '$1 > 0 { printf "%.1f\n", t / hz * 1e6 / $1 }' >>"$F.cpu"
	lat_phase churn
	if [ "$STORM" -gt 0 ]; then
		storm_start
		lat_phase storm
		storm_stop
	fi
	agent_drops >>"$F.drops"
	kill -TERM "$pid"
	wait "$pid"
	BL_PIDS=${BL_PIDS% $pid}
	# the churn: simagents' runs in each second after the fill (a second
	# with none means the backlog ran out)
	sed -n "$((nfill + 1)),${nchurn}p" "$sim.err" | awk '/\+[0-9]+\/s/ { match($0, /\+[0-9]+\/s/);
		v = substr($0, RSTART + 1, RLENGTH - 3); if (v > 0) print v }' >>"$F.churn"
	[ "$(awk '$1 == "runs" { print $2 }' "$sim.out")" -lt "$((SJOBS + SARRAY))" ] ||
		say "round $r: the backlog ran out during the churn: its last second is partial"
	awk '$1 == "lost" && $2 > 0 { print $2 }' "$sim.out" | while read -r k; do
		say "round $r: $k host links lost; see $CDIR/log/master.log"
	done
	awk '{ print $1 "=" $2 }' "$sim.out" | tr '\n' ' ' >&2
	echo >&2
	bl_cluster_stop
}

scale_one() {
	local h=$1 r st busy
	F=$OUT/scale.$h
	if [ $((h + 64)) -gt "$(ulimit -Sn)" ]; then
		say "$h hosts need more than $(ulimit -Sn) open files; skipped"
		return 1
	fi
	rm -f "$F".*
	for r in $(seq "$SREPS"); do
		scale_round "$h" "$r" || say "$h hosts, round $r failed"
	done
	touch "$F.bulk" "$F.bpp" "$F.up" "$F.fill" "$F.churn" "$F.bjobs" "$F.bsub" \
		"$F.bhosts" "$F.rss"
	bl_record "h${h}_bulk_submit" jobs/s "bsub -pack of $SJOBS jobs, queues inactive" <"$F.bulk"
	bl_record "h${h}_bytes_per_pending" bytes "master RSS per pending job (-env none, $SJOBS + array)" <"$F.bpp"
	bl_record "h${h}_all_hosts_up" ms "$h hosts registered, backlog standing (simagents' clock)" <"$F.up"
	for phase in reg disp; do
		ls "$F.$phase".* >/dev/null 2>&1 || continue
		{ read -r st; read -r busy; } < <(benchtool passes "$F.$phase".*)
		bl_record_stats "h${h}_sched_pass_$phase" ms "scheduler pass time, $([ $phase = reg ] &&
			echo "hosts registering" || echo "dispatching") (busy ${busy% *} ms, ${busy#* } started)" "$st"
	done
	bl_record "h${h}_fill_rate" dispatches/s "slots filled from a standing backlog ($((h * SCORES)) slots)" <"$F.fill"
	bl_record "h${h}_churn_rate" dispatches/s "dispatches per second, slots freeing continuously (run ${RUN_MS} ms)" <"$F.churn"
	[ -e "$F.cpu" ] && bl_record "h${h}_churn_cpu_per_start" us "master CPU time per job started during the churn" <"$F.cpu"
	bl_record "h${h}_bjobs_one_busy" ms "bjobs JOBID while dispatching" <"$F.bjobs"
	bl_record "h${h}_bsub_busy" ms "bsub while dispatching" <"$F.bsub"
	bl_record "h${h}_bhosts" ms "bhosts ($h hosts) while dispatching" <"$F.bhosts"
	for phase in churn storm; do
		[ -e "$F.$phase.drops" ] || continue
		bl_record "h${h}_${phase}_bjobs_one" ms "bjobs JOBID, $phase" <"$F.$phase.bjobs"
		bl_record "h${h}_${phase}_bsub" ms "bsub, $phase" <"$F.$phase.bsub"
		bl_record "h${h}_${phase}_lsid" ms "lsid, $phase" <"$F.$phase.lsid"
		bl_record "h${h}_${phase}_link_drops" links "agent links closed by the master, $phase" <"$F.$phase.drops"
	done
	[ -e "$F.drops" ] && bl_record "h${h}_link_drops" links "agent links closed by the master, whole round" <"$F.drops"
	[ -e "$F.storm.list" ] && bl_record "h${h}_storm_listing" ms "$STORM_CMD, $STORM at once, during churn" <"$F.storm.list"
	bl_record "h${h}_master_rss" KB "master RSS, $h hosts, $SJOBS jobs + $SARRAY array" <"$F.rss"
}

for h in $HOSTS_LIST; do
	scale_one "$h" || say "$h hosts: failed"
done
bl_report "Pumice at scale, simulated hosts (make bench-scale)" "$OUT/scale.json"
