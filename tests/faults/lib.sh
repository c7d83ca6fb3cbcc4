# shellcheck shell=bash
# lib.sh - sourced by run.sh and by every scenario (tests/faults/*.sh):
# local clusters, the pids, users and mounts a scenario started (all
# undone on exit, even on failure), the seeded random source, and the
# result line each scenario leaves for run.sh's summary table.
#
# A scenario prints figures as it goes and ends with fl_result:
#   PASS     nothing lost, nothing ran twice, every check held
#   FAIL     a check failed (the reason is the figure column)
#   KNOWN    a hole of issue 13 still open ("KNOWN: issue 13 hole N"),
#            not a pass: run.sh exits non-zero unless FAULT_ALLOW_KNOWN=1
#   SKIP     the machine lacks what the scenario needs (root, ip, tc)

ROOT=$(CDPATH="" cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
. "$ROOT/tests/waitfor.sh"
B=${B:-build}
BIN=$ROOT/$B/bin
FOUT=${FAULT_OUT:-$ROOT/$B/faults}
FAULT_SEED=${FAULT_SEED:-$(od -An -tu2 -N2 /dev/urandom | tr -d ' ')}
RANDOM=$FAULT_SEED
export LC_ALL=C
export PATH="$BIN:$PATH" PUMICE_CONNECT_TIMEOUT=${PUMICE_CONNECT_TIMEOUT:-60}
mkdir -p "$FOUT"

FL_NAME=${FL_NAME:-$(basename -- "$0" .sh)}
FL_CLUSTERS="" FL_PIDS="" FL_USERS="" FL_MOUNTS="" FL_NETNS="" FL_UNDO=""
FL_FAILS=0

say() {
	echo "faults[$FL_NAME]: $*" >&2
}

# fl_check COND-TEXT CMD...: runs CMD; a failure is counted and printed.
fl_check() {
	local what=$1
	shift
	if "$@"; then
		say "ok: $what"
	else
		say "FAILED: $what"
		FL_FAILS=$((FL_FAILS + 1))
	fi
}

fl_fail() {
	say "FAILED: $*"
	FL_FAILS=$((FL_FAILS + 1))
}

# fl_result RESULT FIGURES: the line run.sh puts in the summary table.
fl_result() {
	printf '%s\t%s\t%s\n' "$FL_NAME" "$1" "$2" >>"$FOUT/summary.tsv"
	say "result $1: $2"
}

# fl_verdict FIGURES: PASS, or FAIL with the count of failed checks.
fl_verdict() {
	if [ "$FL_FAILS" -eq 0 ]; then
		fl_result PASS "$1"
	else
		fl_result FAIL "$FL_FAILS failed checks; $1"
	fi
}

# Undoes everything this scenario started, in reverse order of kind.
fl_cleanup() {
	local x
	for x in $FL_PIDS; do
		kill -TERM "$x" 2>/dev/null || true
	done
	for x in $FL_UNDO; do
		eval "$(printf '%b' "$x")" >/dev/null 2>&1 || true
	done
	for x in $FL_CLUSTERS; do
		[ -d "$x" ] && "$BIN/pumice-cluster" stop "$x" >/dev/null 2>&1 || true
	done
	for x in $FL_MOUNTS; do
		umount -l "$x" 2>/dev/null || true
	done
	for x in $FL_NETNS; do
		ip netns del "$x" 2>/dev/null || true
	done
	for x in $FL_USERS; do
		userdel -r "$x" >/dev/null 2>&1 || userdel "$x" >/dev/null 2>&1 || true
	done
	FL_PIDS="" FL_UNDO="" FL_CLUSTERS="" FL_MOUNTS="" FL_NETNS="" FL_USERS=""
}
trap fl_cleanup EXIT
trap 'exit 130' INT TERM

# fl_pid PID: a background process of ours, signalled at exit.
fl_pid() {
	FL_PIDS="$FL_PIDS $1"
}

# fl_cluster NAME ARGS...: a fresh cluster in $FOUT/NAME; sets CDIR,
# LSF_ENVDIR and W (a world-writable work directory, the jobs' cwd).
fl_cluster() {
	local name=$1 envlines
	shift
	CDIR=$FOUT/$name
	[ -d "$CDIR/run" ] && "$BIN/pumice-cluster" stop "$CDIR" >/dev/null 2>&1 || true
	rm -rf "$CDIR"
	mkdir -p "$CDIR"
	chmod 755 "$CDIR"
	FL_CLUSTERS="$FL_CLUSTERS $CDIR"
	say "seed $FAULT_SEED; cluster in $CDIR"
	envlines=$("$BIN/pumice-cluster" start "$CDIR" "$@" 2>"$CDIR.start.log") ||
		{ cat "$CDIR.start.log" >&2; return 1; }
	eval "$envlines"
	export LSF_ENVDIR
	W=$CDIR/data/w
	mkdir -p "$W"
	chmod 1777 "$CDIR/data" "$W"
	cd "$W" || return 1
}

# fl_restart: starts whatever of the cluster is down (the master, agents).
fl_restart() {
	"$BIN/pumice-cluster" start "$CDIR" >/dev/null 2>>"$CDIR.start.log"
}

# fl_daemon_pid NAME: pid of the cluster's master or nodeK (pid file).
fl_daemon_pid() {
	head -n 1 "$CDIR/run/$1.pid" 2>/dev/null | tr -dc 0-9
}

fl_is_zombie() {
	[ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = Z ]
}

# fl_gone PID: the process no longer runs (gone or an unreaped zombie).
fl_gone() {
	[ ! -d "/proc/$1" ] || fl_is_zombie "$1"
}

# fl_wait_for SECONDS CMD...: every wait of the scenarios (waitfor.sh).
fl_wait_for() {
	wait_until "$@"
}

fl_now() {
	echo "$EPOCHREALTIME"
}

# fl_ms T0 T1: milliseconds between two fl_now stamps.
fl_ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'
}

# fl_rand LO HI: a seeded integer in [LO, HI].
fl_rand() {
	echo $(($1 + RANDOM % ($2 - $1 + 1)))
}

fl_no_unfinished() {
	[ -z "$(bjobs -u all -noheader -o stat 2>/dev/null | head -n 1)" ]
}

# fl_wait_empty SECONDS: until no job of any user is unfinished.
fl_wait_empty() {
	fl_wait_for "$1" fl_no_unfinished
}

# The job command every scenario uses: appends "JOBID PID" to RAN once it
# runs, so a job that ran twice shows up twice.
fl_job_cmd() {
	printf 'echo "$LSB_JOBID $$" >>%s' "$1"
}

# fl_acked FILES...: job ids that bsub acknowledged, one a line, sorted.
fl_acked() {
	cat "$@" 2>/dev/null | sed -n 's/^Job <\([0-9]*\)> is submitted.*/\1/p' | sort
}

# fl_stored: every job id the master knows (done ones too), sorted.
fl_stored() {
	bjobs -u all -a -noheader -o jobid 2>/dev/null | sort -u
}

# fl_ran RAN: job ids that ran (a duplicate appears twice).
fl_ran() {
	cut -d' ' -f1 "$1" 2>/dev/null | sort
}

# fl_count FILE-OR-STRING: lines.
fl_lines() {
	grep -c . || true
}

# fl_require_root: SKIP unless root (mounts, users, namespaces).
fl_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		fl_result SKIP "needs root"
		exit 0
	fi
}
