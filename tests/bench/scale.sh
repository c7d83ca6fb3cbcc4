#!/bin/bash
# scale.sh - make bench-scale: the master with 1,000 and 10,000 simulated
# hosts (simagents: one process, one TCP link per host, each with its own
# cores and memory; jobs "finish" after SCALE_RUN_MS without spawning
# anything) and 100k individual jobs plus a 1M-element array pending.
# Figures: time for every host to register, dispatches/s (per second,
# median/min/max; the max is the first fill of the free slots, which the
# master's dispatch speed bounds; later seconds are bounded by slots /
# run time), command latency while dispatching (bjobs of one job,
# bsub, bhosts), master RSS.
#
# The jobs are submitted before the hosts connect, so they are all pending
# when dispatching starts. They are submitted with -env none so that the
# figure is about the master's own cost, not the copied environment.
# Sizes (defaults): SCALE_HOSTS ["1000 10000"], SCALE_CORES [4],
# SCALE_JOBS [100000], SCALE_ARRAY [1000000], SCALE_RUN_MS [2000],
# SCALE_SECS [40].
set -u
. "$(dirname -- "$0")/lib.sh"

HOSTS_LIST=${SCALE_HOSTS:-"1000 10000"}
SCORES=${SCALE_CORES:-4}
SJOBS=${SCALE_JOBS:-100000}
SARRAY=${SCALE_ARRAY:-1000000}
RUN_MS=${SCALE_RUN_MS:-2000}
SECS=${SCALE_SECS:-40}
RESULTS=$OUT/scale.tsv
: >"$RESULTS"

# One link per simulated host in simagents and one in the master: both
# inherit this limit.
hard=$(ulimit -Hn)
if [ "$(ulimit -Sn)" != "$hard" ]; then
	say "raising the open-file soft limit from $(ulimit -Sn) to the hard limit $hard"
	ulimit -Sn "$hard"
fi

# all_up N FILE: simagents reported every host registered (bhosts would
# call a full host "closed", so it cannot tell).
all_up() {
	grep -q " up $1/$1 " "$2"
}

scale_one() {
	local h=$1 port key sim t0 t1 end pid m0
	if [ $((h + 64)) -gt "$(ulimit -Sn)" ]; then
		say "$h hosts need more than $(ulimit -Sn) open files; skipped"
		return 1
	fi
	bl_cluster "scale$h" -n 1 --cpus 1 || return 1
	# the real agent leaves: only simulated hosts run jobs
	kill -TERM "$(bl_pid node1)"
	port=$(awk -F= '$1 == "LSB_MBD_PORT" { print $2 }' "$CDIR/conf/lsf.conf")
	key=$CDIR/conf/cluster.key
	m0=$(bl_rss "$(bl_pid master)")
	bl_pack scale.pack "$SJOBS" -o /dev/null -env none
	t0=$(bl_now)
	bsub -pack scale.pack >/dev/null
	t1=$(bl_now)
	bl_rate "$SJOBS" "$t0" "$t1" | bl_record "h${h}_bulk_submit" jobs/s "bsub -pack of $SJOBS jobs before $h hosts come"
	[ "$SARRAY" -gt 0 ] && bsub -env none -J "huge[1-$SARRAY]" -o /dev/null true >/dev/null
	echo "$(( ($(bl_rss "$(bl_pid master)") - m0) * 1024 / (SJOBS + 1) ))" |
		bl_record "h${h}_bytes_per_pending" bytes "master RSS per pending job (-env none)"
	sim=$OUT/simagents.$h
	simagents -p "$port" -k "$key" -n "$h" -c "$SCORES" -m 16384 -r "$RUN_MS" \
		-d "$SECS" -b 100 >"$sim.out" 2>"$sim.err" &
	pid=$!
	BL_PIDS="$BL_PIDS $pid"
	t0=$(bl_now)
	end=$((SECONDS + SECS))
	until all_up "$h" "$sim.err"; do
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.5
	done
	t1=$(bl_now)
	bl_ms "$t0" "$t1" | bl_record "h${h}_all_hosts_up" ms "$h hosts registered (1 s resolution)"
	sleep 2
	benchtool time 20 bjobs -noheader 1 | bl_record "h${h}_bjobs_one_busy" ms "bjobs JOBID while dispatching"
	benchtool time 20 bsub -env none -o /dev/null true | bl_record "h${h}_bsub_busy" ms "bsub while dispatching"
	benchtool time 3 bhosts | bl_record "h${h}_bhosts" ms "bhosts ($h hosts)"
	bl_rss "$(bl_pid master)" | bl_record "h${h}_master_rss" KB "master RSS, $h hosts, $SJOBS jobs + $SARRAY array"
	wait "$pid"
	BL_PIDS=${BL_PIDS% $pid}
	# dispatch rate per second once the pending queue was being drained
	awk '/\+[0-9]+\/s/ { match($0, /\+[0-9]+\/s/); v = substr($0, RSTART + 1, RLENGTH - 3); if (v > 0) print v }' \
		"$sim.err" | bl_record "h${h}_dispatch_rate" dispatches/s "dispatches per second (each second with any)"
	awk '{ print $1 "=" $2 }' "$sim.out" | tr '\n' ' ' >&2
	echo >&2
	bl_cluster_stop
}

for h in $HOSTS_LIST; do
	scale_one "$h" || say "$h hosts: failed"
done
bl_report "Pumice at scale, simulated hosts (make bench-scale)" "$OUT/scale.json"
