#!/bin/bash
# bflow.sh - make bench-bflow: a chord over a job array (issue 16), the
# canonical workflow: BFLOW_N [1000] elements of `true`, then a reduce
# step. Measures, BENCH_REPS times on a fresh cluster each: the time
# bflow submit takes (one request: the array, the reduce, the workflow),
# the end to end time, and the gap between the end of the last element
# (its own clock, written by the element) and the start of the reduce
# step (the same clock), which is the finish report, the commit, one
# scheduling pass and a dispatch; as a reference, the same gap in a chain
# of two plain jobs. Prints; never fails on a time, only when a run did
# not do what it measures (an element or the reduce missing).
set -u
. "$(dirname -- "$0")/lib.sh"
N=${BFLOW_N:-1000}

# One run in the current cluster: "submit_ms e2e_s gap_ms".
bflow_chord_once() {
	local t0 t1 t2 last
	rm -f ends reduce.start
	cat >chord.json <<-JSON
	{"chord": [{"name": "el", "bsub": "-J el[1-$N] -o /dev/null",
	            "cmd": "date +%s.%N >> ends"}],
	 "then": {"name": "reduce", "bsub": "-o /dev/null", "cmd": "date +%s.%N > reduce.start"}}
	JSON
	t0=$(bl_now)
	bflow submit chord.json >/dev/null || return 1
	t1=$(bl_now)
	bl_wait_for 600 test -s reduce.start || return 1
	t2=$(bl_now)
	[ "$(wc -l <ends)" -eq "$N" ] || { say "only $(wc -l <ends) of $N elements ran"; return 1; }
	last=$(sort -n ends | tail -n 1)
	echo "$(bl_ms "$t0" "$t1") $(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.3f", b - a }') $(bl_ms "$last" "$(cat reduce.start)")"
}

# The reference: the gap in a chain of two plain jobs, in ms.
bflow_chain_once() {
	rm -f a.end b.start
	bflow chain -- '-o /dev/null "date +%s.%N > a.end"' \
	    '-o /dev/null "date +%s.%N > b.start"' >/dev/null || return 1
	bl_wait_for 60 test -s b.start || return 1
	bl_ms "$(cat a.end)" "$(cat b.start)"
}

sub=() e2e=() gap=() ref=()
for r in $(seq "$REPS"); do
	bl_cluster "bflow$r" -n 4 --cpus 4 || exit 1
	read -r s e g < <(bflow_chord_once) || { say "run $r failed"; exit 1; }
	[ -n "${g:-}" ] || { say "run $r failed"; exit 1; }
	sub+=("$s") e2e+=("$e") gap+=("$g")
	ref+=("$(bflow_chain_once)") || exit 1
	bl_cluster_stop
done
printf '%s\n' "${sub[@]}" | bl_record bflow_submit_chord ms "bflow submit of a chord over [1-$N]"
printf '%s\n' "${e2e[@]}" | bl_record bflow_chord_e2e s "chord over [1-$N] of true, submit to reduce start"
printf '%s\n' "${gap[@]}" | bl_record bflow_reduce_gap ms "last element's end to the reduce step's start"
printf '%s\n' "${ref[@]}" | bl_record bflow_chain_gap ms "the same gap in a chain of two plain jobs"
