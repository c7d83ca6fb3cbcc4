#!/bin/bash
# Scenario 1: the master killed with kill -9 at seeded random moments while
# FAULT_LOOPS loops submit single jobs and one loop submits bsub -pack
# packs. Every job appends "JOBID PID" to one file when it runs. At the end:
# every acknowledged id is stored (with the name it was submitted under),
# ran exactly once, no id was acknowledged twice; the time from each kill
# to the first answer of the new master is printed.
#   FAULT_KILLS (10), FAULT_LOOPS (3), FAULT_PACK (10 jobs a pack),
#   FAULT_GAP_MS (300-3000: the random wait between kills)
set -u
. "$(dirname -- "$0")/lib.sh"

kills=${FAULT_KILLS:-10}
loops=${FAULT_LOOPS:-3}
pack=${FAULT_PACK:-10}
gap_lo=${FAULT_GAP_LO_MS:-300}
gap_hi=${FAULT_GAP_HI_MS:-3000}

# submit_loop K: single bsubs named sK_N until the stop file appears.
submit_loop() {
	local k=$1 n=0 out
	while [ ! -e "$W/stop" ]; do
		n=$((n + 1))
		out=$(bsub -J "s${k}_$n" -o /dev/null "$(fl_job_cmd "$W/ran")" \
			2>>"$W/err.$k" </dev/null) || true
		[ -n "$out" ] || continue
		echo "$out" >>"$W/ack.$k"
		echo "$out" | sed -n "s/^Job <\([0-9]*\)> is submitted.*/\1 s${k}_$n/p" >>"$W/names.acked"
	done
}

# pack_loop: packs of $pack jobs named pN_I until the stop file appears.
pack_loop() {
	local n=0 i
	while [ ! -e "$W/stop" ]; do
		n=$((n + 1))
		for ((i = 1; i <= pack; i++)); do
			printf -- "-J p%d_%d -o /dev/null '%s'\n" "$n" "$i" "$(fl_job_cmd "$W/ran")"
		done >"$W/pack.txt"
		bsub -pack "$W/pack.txt" >>"$W/ack.pack" 2>>"$W/err.pack" </dev/null || true
	done
}

# One kill: waits for the old master to be gone, restarts it, and prints
# the milliseconds from the kill to the first answer (lsid), which can
# only come from the new master.
kill_once() {
	local old new t0 t1 rp
	old=$(fl_daemon_pid master)
	[ -n "$old" ] || { fl_fail "no master pid before kill $1"; return; }
	t0=$(fl_now)
	kill -KILL "$old"
	fl_wait_for 10 fl_gone "$old" || fl_fail "master $old still alive 10 s after kill -9"
	fl_restart &
	rp=$!
	lsid >/dev/null 2>&1 || fl_fail "no answer after restart $1"
	t1=$(fl_now)
	wait "$rp" || fl_fail "pumice cluster start failed after kill $1"
	new=$(fl_daemon_pid master)
	if [ -z "$new" ] || [ "$new" = "$old" ] || fl_gone "$new"; then
		fl_fail "kill $1: master pid $old -> '$new' is not a new live master"
	fi
	fl_ms "$t0" "$t1" >>"$W/answer_ms"
}

fl_cluster s1 -n 2 --cpus 4 || { fl_result FAIL "cluster start"; exit 1; }
say "seed $FAULT_SEED: $kills kills, $loops submission loops + 1 pack loop ($pack jobs)"
: >"$W/ran"
for ((k = 1; k <= loops; k++)); do
	submit_loop "$k" &
	fl_pid $!
done
pack_loop &
fl_pid $!
bg=$(jobs -p)

for ((i = 1; i <= kills; i++)); do
	sleep "$(awk -v m="$(fl_rand "$gap_lo" "$gap_hi")" 'BEGIN { print m / 1000 }')"
	kill_once "$i"
done
touch "$W/stop"
for p in $bg; do
	wait "$p" 2>/dev/null
done
fl_wait_empty 600 || fl_fail "jobs still unfinished after 600 s"

cat "$W"/ack.* | sed -n 's/^Job <\([0-9]*\)> is submitted.*/\1/p' | sort >"$W/acked"
fl_stored >"$W/stored"
fl_ran "$W/ran" >"$W/ranids"
acked=$(fl_lines <"$W/acked")
reused=$(uniq -d "$W/acked" | fl_lines)
stored=$(fl_lines <"$W/stored")
lost=$(sort -u "$W/acked" | comm -23 - "$W/stored" | fl_lines)
ran=$(sort -u "$W/ranids" | fl_lines)
dups=$(uniq -d "$W/ranids" | fl_lines)
notran=$(sort -u "$W/acked" | comm -23 - <(sort -u "$W/ranids") | fl_lines)
# each acknowledged id still carries the name it was submitted under
bjobs -u all -a -noheader -o "jobid name" 2>/dev/null | sort >"$W/names.stored"
renamed=$(sort "$W/names.acked" | comm -23 - "$W/names.stored" | fl_lines)
nexit=$(bjobs -u all -a -noheader -o stat 2>/dev/null | grep -vc DONE)
ms=$(sort -n "$W/answer_ms" | awk '{ a[NR] = $1 } END { if (NR) printf "median %d ms, max %d ms", a[int((NR + 1) / 2)], a[NR] }')
say "acknowledged $acked, stored $stored, ran $ran, lost $lost, not run $notran, ran twice $dups, reused ids $reused, renamed $renamed, not DONE $nexit"
say "time to answer after kill -9: $ms"
fl_check "no acknowledged job lost" [ "$lost" -eq 0 ]
fl_check "every acknowledged job ran" [ "$notran" -eq 0 ]
fl_check "no job ran twice" [ "$dups" -eq 0 ]
fl_check "no id acknowledged twice" [ "$reused" -eq 0 ]
fl_check "every acknowledged id keeps its name" [ "$renamed" -eq 0 ]
fl_check "every job ended DONE" [ "$nexit" -eq 0 ]
fl_check "some jobs were acknowledged" [ "$acked" -gt 0 ]
fl_verdict "seed $FAULT_SEED kills $kills acked $acked stored $stored ran $ran lost $lost twice $dups reused $reused; answer $ms"
