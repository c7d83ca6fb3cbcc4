# lib.sh - sourced by bench.sh, compare.sh and scale.sh: local clusters
# that are always stopped on exit, timing, and the results table/JSON.
# Results go to $OUT (build/bench by default), never into the source tree.
# Benchmarks measure and print; nothing here passes or fails on a time.

ROOT=$(CDPATH="" cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
. "$ROOT/tests/waitfor.sh"
B=${B:-build}
BIN=$ROOT/$B/bin
OUT=${BENCH_OUT:-$ROOT/$B/bench}
REPS=${BENCH_REPS:-3}
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
export PATH="$BIN:$PATH"
export PUMICE_CONNECT_TIMEOUT=60

BL_CLUSTERS=""
BL_PIDS=""

say() {
	echo "bench: $*" >&2
}

# bl_track PID: a process this script started itself (a restarted
# master), stopped at exit even when its cluster's pid file is stale. It
# goes in a file: restarts run in pipelines, subshells of this shell.
BL_TRACKED=$(mktemp)
bl_track() {
	echo "$1" >>"$BL_TRACKED"
}

# bl_stop_pid PID: SIGTERM, then SIGKILL after 10 s, if PID is still one
# of our daemons (a recycled pid belongs to someone else); waits until it
# is gone or a zombie.
bl_stop_pid() {
	local p=$1
	grep -qa pumice "/proc/$p/cmdline" 2>/dev/null || return 0
	kill -TERM "$p" 2>/dev/null || return 0
	wait_until 10 pid_gone "$p" || kill -KILL "$p" 2>/dev/null || true
}

# pid_gone PID: the process is gone, or a zombie that PID 1 has not reaped
# yet (some reap slowly): either way it answers nothing any more.
pid_gone() {
	local st
	st=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) ||
		return 0
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# Stops every cluster this script started and every pid it registered.
bl_cleanup() {
	local d p
	for p in $BL_PIDS; do
		kill -TERM "$p" 2>/dev/null || true
	done
	if [ -f "$BL_TRACKED" ]; then
		while read -r p; do
			bl_stop_pid "$p"
		done <"$BL_TRACKED"
		rm -f "$BL_TRACKED"
	fi
	for d in $BL_CLUSTERS; do
		[ -d "$d" ] && "$BIN/pumice-cluster" stop "$d" >/dev/null 2>&1 || true
	done
	BL_CLUSTERS=""
	BL_PIDS=""
}
trap bl_cleanup EXIT
trap 'exit 130' INT TERM

# bl_cluster NAME ARGS...: a fresh cluster in $OUT/clusters/NAME; sets
# LSF_ENVDIR and CDIR.
bl_cluster() {
	local name=$1 envlines
	shift
	CDIR=$OUT/clusters/$name
	[ -d "$CDIR" ] && "$BIN/pumice-cluster" stop "$CDIR" >/dev/null 2>&1 || true
	rm -rf "$CDIR"
	mkdir -p "$CDIR"
	BL_CLUSTERS="$BL_CLUSTERS $CDIR"
	envlines=$("$BIN/pumice-cluster" start "$CDIR" "$@" 2>"$OUT/$name.start.log") ||
		{ cat "$OUT/$name.start.log" >&2; return 1; }
	eval "$envlines"
	export LSF_ENVDIR
	mkdir -p "$CDIR/data/w"
	cd "$CDIR/data/w" || return 1
}

bl_cluster_stop() {
	"$BIN/pumice-cluster" stop "$CDIR" >/dev/null 2>&1 || true
	cd "$ROOT" || true
}

# bl_pid NAME: pid of the cluster's master or nodeK.
bl_pid() {
	head -n 1 "$CDIR/run/$1.pid"
}

# bl_rss PID: resident set size in KB.
bl_rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# bl_rss_n PID [N] [GAP]: N (default REPS) RSS readings GAP (0.5) s apart.
bl_rss_n() {
	local k
	for ((k = 0; k < ${2:-$REPS}; k++)); do
		[ "$k" -gt 0 ] && sleep "${3:-0.5}"
		bl_rss "$1"
	done
}

# bl_rss_settled PID: RSS in KB once two readings 0.3 s apart agree (the
# master may still be working on what it just answered), at most 10 s.
bl_rss_settled() {
	local a b end=$((SECONDS + 10))
	a=$(bl_rss "$1")
	while sleep 0.3; do
		b=$(bl_rss "$1")
		[ "$a" = "$b" ] || [ "$SECONDS" -ge "$end" ] && break
		a=$b
	done
	echo "$b"
}

bl_now() {
	echo "$EPOCHREALTIME"
}

# bl_rate N T0 T1: N / (T1 - T0)
bl_rate() {
	awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f\n", n / (b - a) }'
}

# bl_ms T0 T1: milliseconds between two bl_now stamps.
bl_ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}

# bl_record KEY UNIT LABEL < samples: median/min/max/p99 of the samples.
bl_record() {
	local st
	st=$("$BIN/benchtool" stats) || true
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$st" >>"$RESULTS"
	say "$(printf '%-28s %s  (median min max p99 n) %s' "$1" "$st" "$2")"
}

# bl_record_stats KEY UNIT LABEL "median min max p99 n": a figure whose
# statistics were computed elsewhere (benchtool passes).
bl_record_stats() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"
	say "$(printf '%-28s %s  (median min max p99 n) %s' "$1" "$4" "$2")"
}

# bl_wait_for SECONDS CMD...: every wait of the benchmarks (waitfor.sh).
bl_wait_for() {
	wait_until "$@"
}

bl_no_unfinished() {
	[ -z "$(bjobs -noheader -o stat 2>/dev/null | head -n 1)" ]
}

bl_running_at_least() {
	[ "$(bjobs -noheader -o stat 2>/dev/null | grep -c RUN)" -ge "$1" ]
}

# bl_wait_empty [SECONDS]: until bjobs shows no unfinished job of ours.
bl_wait_empty() {
	bl_wait_for "${1:-600}" bl_no_unfinished || { say "jobs still unfinished"; return 1; }
}

# bl_wait_running N: until N jobs of ours run.
bl_wait_running() {
	bl_wait_for 120 bl_running_at_least "$1" || { say "fewer than $1 jobs run"; return 1; }
}

# bl_pack FILE N OPTS...: a -pack file of N jobs "OPTS true".
bl_pack() {
	local f=$1 n=$2
	shift 2
	awk -v n="$n" -v o="$*" 'BEGIN { for (i = 1; i <= n; i++) print o " true" }' >"$f"
}

# The table of every figure recorded so far, and the JSON file.
bl_report() {
	local title=$1 json=$2
	{
		echo
		echo "== $title ($(uname -n), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
		echo "load average at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
		printf '%-30s %12s %12s %12s %12s %4s  %s\n' figure median min max p99 n unit
		awk -F'\t' '{ split($4, s, " ");
			printf "%-30s %12s %12s %12s %12s %4s  %s\n", $1, s[1], s[2], s[3], s[4], s[5], $2 }' "$RESULTS"
	}
	awk -F'\t' -v host="$(uname -n)" -v cores="$(nproc)" -v when="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    -v l0="$LOAD_START" -v l1="$(cut -d' ' -f1-3 /proc/loadavg)" '
	BEGIN { printf "{\n  \"host\": \"%s\", \"cores\": %d, \"time\": \"%s\",\n", host, cores, when
	  printf "  \"loadavg_start\": \"%s\", \"loadavg_end\": \"%s\",\n  \"results\": {", l0, l1 }
	{ split($4, s, " "); gsub(/"/, "", $3);
	  printf "%s\n    \"%s\": {\"unit\": \"%s\", \"what\": \"%s\", \"median\": %s, \"min\": %s, \"max\": %s, \"p99\": %s, \"n\": %s}",
	    (NR > 1 ? "," : ""), $1, $2, $3, s[1], s[2], s[3], s[4], s[5] }
	END { print "\n  }\n}" }' "$RESULTS" >"$json"
	echo "results: $json"
}

# bl_array_id: the job id in bsub's "Job <ID> is submitted" line on stdin.
bl_array_id() {
	sed -nE 's/^Job <([0-9]+)>.*/\1/p' | head -n 1
}

# bl_all_done ID N: every one of the N elements of array ID ended DONE
# (none EXIT, none still queued): a throughput figure counts only then.
bl_all_done() {
	local d
	d=$(bjobs -a -noheader -o stat "$1" 2>/dev/null | grep -cx DONE)
	[ "$d" = "$2" ] || { say "job $1: $d of $2 elements DONE"; return 1; }
}

# bl_strace_start VAR PIDS FILE: counts fsync/fdatasync of PIDS (one, or
# several separated by blanks) and every process they fork from now on
# (strace -f -c) into FILE; sets VAR to strace's pid (not by $(...): this
# shell must be its parent to wait).
bl_strace_start() {
	strace -f -c -e trace=fsync,fdatasync,sync_file_range,syncfs -o "$3" \
	    -p "$2" >/dev/null 2>&1 &
	printf -v "$1" %s "$!"
	BL_PIDS="$BL_PIDS $!"
	wait_until 5 bl_traced "${2##* }"	# strace has attached (to the last)
}

# bl_traced PID: a tracer is attached to PID.
bl_traced() {
	grep -Eq '^TracerPid:[[:space:]]*[1-9]' "/proc/$1/status" 2>/dev/null
}

# bl_strace_stop SPID: detaches strace and waits until it wrote its count
# (the next strace cannot attach to a process still traced). Not in a
# $(...): only this shell can wait for its child.
bl_strace_stop() {
	kill -INT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# bl_strace_calls FILE: the sync calls strace -c counted in FILE.
bl_strace_calls() {
	# calls is the 4th column whether or not errors (the 5th) is empty
	awk '$NF ~ /^(fsync|fdatasync|sync_file_range|syncfs)$/ { n += $4 }
	     END { print n + 0 }' "$1"
}
