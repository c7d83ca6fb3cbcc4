#!/bin/bash
# Scenario 4: disk full. (state) The master's state directory on a small
# tmpfs is filled by a submission loop; a master that exits is started
# again (as systemd would), the tmpfs then grows and every acknowledged job
# must be stored and run once. A master that exited on the full disk is
# issue 13 hole 3 (it must keep running and refuse submissions instead):
# reported KNOWN, not PASS. (spool) The agent's spool on a full tmpfs: its
# agent refuses every start ("spool", a host-side cause), so the master
# closes the host (closed_Fault) for a back-off instead of sending the jobs
# back at once; the refused starts a second (counted in the master's log)
# must stay bounded (SPOOL_MAX_RATE), the jobs wait in PEND, none is lost,
# and once space returns all run once, end DONE, and the host is ok.
#   FAULT_DISK_SECONDS (20): how long the submission loop runs on the full disk
set -u
. "$(dirname -- "$0")/lib.sh"
fl_require_root

secs=${FAULT_DISK_SECONDS:-20}
# refused starts a second on the full spool above which s4 fails: the
# back-off (1, 2, 4, 8 s ...) allows about a burst of 4 (the host's slots)
# per period; without it the master re-dispatched ~1,200 times a second
SPOOL_MAX_RATE=2
# how long the refused starts on the full spool are counted (a measurement
# window, not a wait: several back-off periods fit in it)
SPOOL_MEASURE_SECONDS=15

# tmpfs_over DIR KB: DIR's content moved onto a new tmpfs of KB (the
# cluster must be stopped); unmounted at exit.
tmpfs_over() {
	local d=$1 save=$1.save
	mv "$d" "$save" && mkdir "$d" && chmod --reference="$save" "$d" || return 1
	mount -t tmpfs -o "size=${2}k,mode=0755" fault13 "$d" || return 1
	FL_MOUNTS="$FL_MOUNTS $d"
	cp -a "$save/." "$d/" && rm -rf "$save"
}

used_kb() {
	du -sk "$1" | cut -f1
}

# submit_loop: single jobs until the stop file appears; a bsub waits for
# an absent master at most 5 s, and for an answer at most 10 s (the one
# caught in the write that failed waits until space returns).
submit_loop() {
	local n=0
	while [ ! -e "$W/stop" ]; do
		n=$((n + 1))
		PUMICE_CONNECT_TIMEOUT=5 timeout 10 bsub -J "d$n" -o /dev/null "$(fl_job_cmd "$W/ran")" \
			>>"$W/ack" 2>>"$W/err" </dev/null || true
	done
}

RESTART_BACKOFF=0.5	# seconds between two failed starts of the master

# watch_master: restarts the master whenever it exits; counts the exits.
watch_master() {
	local p
	while [ ! -e "$W/stop.watch" ]; do
		p=$(fl_daemon_pid master)
		if [ -z "$p" ] || fl_gone "$p"; then
			echo "$(date +%T) master ${p:-?} exited" >>"$W/crashes"
			# a start that fails at once is retried after a back-off
			PUMICE_CONNECT_TIMEOUT=2 fl_restart || sleep "$RESTART_BACKOFF"
			continue
		fi
		# until this master exits or the scenario says stop
		fl_wait_for 3600 eval '[ -e "$W/stop.watch" ] || fl_gone "$p"' || true
	done
}

# ---- the state directory ----
fl_cluster s4 -n 1 --cpus 4 || { fl_result FAIL "cluster start"; exit 1; }
"$BIN/pumice-cluster" stop "$CDIR" >/dev/null 2>&1
size=$(($(used_kb "$CDIR/state") + 1024))
tmpfs_over "$CDIR/state" "$size" || { fl_result FAIL "tmpfs on the state directory"; exit 1; }
fl_restart || { fl_result FAIL "restart on tmpfs"; exit 1; }
say "state directory on a ${size} KB tmpfs; submitting for ${secs} s"
: >"$W/ran"
: >"$W/crashes"
submit_loop &
fl_pid $!
sl=$!
watch_master &
fl_pid $!
wm=$!
sleep "$secs"
touch "$W/stop"
wait "$sl" 2>/dev/null
touch "$W/stop.watch"
wait "$wm" 2>/dev/null
full=$(df -k --output=avail "$CDIR/state" | tail -n 1 | tr -d ' ')
crashes=$(fl_lines <"$W/crashes")
msg=$(sort "$W/err" | uniq -c | sort -rn | head -n 2 | tr -s ' ' | tr '\n' ';')
say "state tmpfs: ${full} KB left; master exited $crashes times; refusals: $msg"
mount -o remount,size=65536k "$CDIR/state"
p=$(fl_daemon_pid master)
{ [ -n "$p" ] && ! fl_gone "$p"; } || fl_restart || fl_fail "master does not start once space returned"
fl_wait_empty 300 || fl_fail "jobs unfinished 300 s after space returned"
fl_acked "$W/ack" >"$W/acked"
fl_stored >"$W/stored"
fl_ran "$W/ran" >"$W/ranids"
acked=$(fl_lines <"$W/acked")
lost=$(sort -u "$W/acked" | comm -23 - "$W/stored" | fl_lines)
dups=$(uniq -d "$W/ranids" | fl_lines)
notran=$(sort -u "$W/acked" | comm -23 - <(sort -u "$W/ranids") | fl_lines)
say "state: acknowledged $acked, lost $lost, not run $notran, ran twice $dups"
fl_check "state full: no acknowledged job lost" [ "$lost" -eq 0 ]
fl_check "state full: every acknowledged job ran" [ "$notran" -eq 0 ]
fl_check "state full: no job ran twice" [ "$dups" -eq 0 ]
state_fig="state: acked $acked lost $lost twice $dups, master exits $crashes"
"$BIN/pumice-cluster" stop "$CDIR" >/dev/null 2>&1

# ---- the spool ----
rm -f "$W/stop" "$W/ack" "$W/err"
: >"$W/ran"
tmpfs_over "$CDIR/spool" 1024 || { fl_result FAIL "tmpfs on the spool"; exit 1; }
fl_restart || fl_fail "restart with the spool on tmpfs"
dd if=/dev/zero of="$CDIR/spool/filler" bs=1k count=2048 2>/dev/null
say "spool tmpfs full ($(df -k --output=avail "$CDIR/spool" | tail -n 1 | tr -d ' ') KB left)"

# refused starts, as the master logged them (one line per refusal)
refusals() {
	grep -c "node1 could not start it" "$CDIR/log/master.log" || true
}
host_status() {
	bhosts -w node1 2>/dev/null | awk 'NR == 2 { print $2 }'
}
host_is() {
	[ "$(host_status)" = "$1" ]
}

for _ in $(seq 1 20); do
	bsub -o /dev/null "$(fl_job_cmd "$W/ran")" >>"$W/ack" 2>>"$W/err" </dev/null
done
fl_check "spool full: node1 becomes closed_Fault" fl_wait_for 20 host_is closed_Fault
fault=$(bhosts -l node1 2>/dev/null | sed -n 's/^ FAULT: //p')
say "bhosts -l node1: FAULT: $fault"
fl_check "spool full: bhosts -l names the cause and the retry time" \
	eval '[[ "$fault" == *"No space left on device"*"tried again at"* ]]'
r0=$(refusals)
t0=$(fl_now)
sleep "$SPOOL_MEASURE_SECONDS"
r1=$(refusals)
t1=$(fl_now)
ms=$(fl_ms "$t0" "$t1")
rate=$(awk -v n=$((r1 - r0)) -v ms="$ms" 'BEGIN { printf "%.2f\n", n * 1000 / ms }')
agent=$(fl_daemon_pid node1)
fl_check "spool full: the agent still runs" eval '[ -n "$agent" ] && ! fl_gone "$agent"'
fl_check "spool full: every acknowledged job is stored" \
	eval '[ -z "$(fl_acked "$W/ack" | comm -23 - <(fl_stored))" ]'
states=$(bjobs -a -noheader -o stat $(fl_acked "$W/ack") 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
say "spool full for $ms ms: 20 jobs $states; $((r1 - r0)) refused starts, $rate a second, $(refusals) in all"
fl_check "spool full: refused starts bounded (<= $SPOOL_MAX_RATE a second)" \
	awk -v r="$rate" -v max="$SPOOL_MAX_RATE" 'BEGIN { exit !(r <= max) }'
fl_check "spool full: no job ended (they wait in PEND)" \
	eval '[ -z "$(bjobs -a -noheader -o stat $(fl_acked "$W/ack") | grep -E "DONE|EXIT")" ]'
rm -f "$CDIR/spool/filler"
t0=$(fl_now)
fl_wait_empty 120 || fl_fail "spool freed: jobs unfinished after 120 s"
say "spool freed: all jobs ended $(fl_ms "$t0" "$(fl_now)") ms later"
fl_check "spool freed: all 20 jobs DONE" \
	[ "$(bjobs -a -noheader -o stat $(fl_acked "$W/ack") | grep -c DONE)" -eq 20 ]
fl_check "spool freed: node1 ok again" fl_wait_for 10 host_is ok
fl_acked "$W/ack" >"$W/acked"
fl_stored >"$W/stored"
fl_ran "$W/ran" >"$W/ranids"
lost=$(sort -u "$W/acked" | comm -23 - "$W/stored" | fl_lines)
dups=$(uniq -d "$W/ranids" | fl_lines)
fl_check "spool full: no acknowledged job lost" [ "$lost" -eq 0 ]
fl_check "spool full: no job ran twice" [ "$dups" -eq 0 ]
spool_fig="spool: closed_Fault, $rate refused starts/s, 20 jobs DONE once after space returned"

known=""
if [ "$crashes" -gt 0 ]; then
	say "KNOWN: issue 13 hole 3 (the master exited $crashes times on a full state directory)"
	known="hole 3: master exited $crashes times"
fi
if [ "$FL_FAILS" -eq 0 ] && [ -n "$known" ]; then
	fl_result KNOWN "issue 13 $known; $state_fig; $spool_fig"
else
	fl_verdict "$state_fig; $spool_fig"
fi
