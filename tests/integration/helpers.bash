# helpers.bash - shared by the integration tests (bats). Each .bats file
# starts one local cluster in setup_file (cluster_start) and stops it in
# teardown_file (cluster_teardown), which also fails the file when any
# daemon or shepherd left a sanitizer report under DIR/log. Each test runs
# in its own world-writable directory under the cluster's shared data dir
# (jobs run with the submission directory as their cwd).
#
# Waits poll against a deadline; nothing sleeps a fixed time.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
bats_require_minimum_version 1.5.0
# shellcheck source=../waitfor.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../waitfor.sh"

: "${PUMICE_BIN:?PUMICE_BIN must name the bin directory of a build (make check-integration sets it)}"
export PATH="$PUMICE_BIN:$PATH"

ME=$(id -un)

# The success line of bsub (LSF.md 1.1).
SUBMIT_RE='^Job <([0-9]+)> is submitted to (default )?queue <[a-z]+>\.$'

# cluster_start [-n N] [--cpus C] [--mem SIZE]: a fresh cluster for this
# file. Exports CLUSTER_DIR, DATA (shared, mode 1777), LSF_ENVDIR, PATH.
cluster_start() {
	local envlines
	CLUSTER_DIR=$(mktemp -d /tmp/pumice-it.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	export CLUSTER_DIR
	if ! envlines=$(pumice cluster start "$CLUSTER_DIR" "$@"); then
		echo "# pumice cluster start failed" >&3
		cluster_logs | sed 's/^/# /' >&3
		"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR" || true
		cluster_remove
		return 1
	fi
	eval "$envlines"
	stage_cli
	export LSF_ENVDIR PATH
	DATA=$CLUSTER_DIR/data
	mkdir -p "$DATA"
	chmod 1777 "$DATA"
	export DATA
}

# stage_cli: CLUSTER_DIR/bin, first on PATH, holds a copy of the CLI
# (pumice and its links), which tests that act as another user run: the
# build tree may sit in a private directory (a checkout under mktemp -d, a
# 0700 home) that user cannot enter. The other programs are symbolic links
# into the build tree: only root runs them (pumice cluster, the daemons).
stage_cli() {
	local f n
	mkdir -p "$CLUSTER_DIR/bin"
	for f in "$PUMICE_BIN"/*; do
		n=${f##*/}
		if [ "$n" = pumice ]; then
			cp "$f" "$CLUSTER_DIR/bin/"
		elif [ -L "$f" ] && [ "$(readlink "$f")" = pumice ]; then
			ln -sf pumice "$CLUSTER_DIR/bin/$n"
		elif [ -x "$f" ]; then
			ln -sf "$f" "$CLUSTER_DIR/bin/$n"
		fi
	done
	chmod 755 "$CLUSTER_DIR/bin" "$CLUSTER_DIR/bin/pumice"
	PATH=$CLUSTER_DIR/bin:$PATH
}

# cluster_logs: the last lines of every daemon log (the directory goes
# when the file ends, so a failure shows them in its output instead).
cluster_logs() {
	local f
	for f in "$CLUSTER_DIR"/log/*; do
		[ -f "$f" ] && [ -s "$f" ] || continue
		echo "== ${f##*/} (last 15 lines)"
		tail -n 15 "$f" | sed 's/^/   /'
	done
}

# cluster_remove: the cluster directory goes, failure or not (nothing is
# left under /tmp), unless PUMICE_KEEP=1 asks to keep it for a look.
cluster_remove() {
	if [ "${PUMICE_KEEP:-0}" = 1 ]; then
		echo "# kept $CLUSTER_DIR (PUMICE_KEEP=1)" >&3
	else
		rm -rf "$CLUSTER_DIR"
	fi
}

# Stops the cluster, removes its directory, then fails when a sanitizer
# reported anything (the reports are printed first).
cluster_teardown() {
	local hits f
	[ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
	"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR" || true
	hits=$(grep -rlE 'AddressSanitizer|LeakSanitizer|runtime error:' \
		"$CLUSTER_DIR/log" 2>/dev/null || true)
	for f in $hits; do
		echo "== $f"
		head -n 80 "$f"
	done
	cluster_remove
	if [ -n "$hits" ]; then
		# teardown_file runs without errexit: return the failure
		fail "sanitizer reports in $CLUSTER_DIR/log: $(echo $hits)"
		return 1
	fi
}

# Per-test: a fresh working directory; a failed test prints the logs.
test_setup() {
	TESTDIR=$DATA/t$BATS_TEST_NUMBER
	mkdir -p "$TESTDIR"
	chmod 1777 "$TESTDIR"
	cd "$TESTDIR"
}

test_teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${CLUSTER_DIR:-}" ]; then
		cluster_logs
	fi
}

setup() {
	test_setup
}

teardown() {
	test_teardown
}

# wait_for [-t SECONDS] CMD...: polls CMD until it succeeds (default 30 s).
wait_for() {
	local t=30
	if [ "$1" = -t ]; then
		t=$2
		shift 2
	fi
	wait_until "$t" "$@" && return 0
	echo "wait_for: '$*' still false after ${t}s" >&2
	return 1
}

# job_stats ID: the STAT of every row bjobs prints for ID (one a line).
job_stats() {
	bjobs -noheader -o stat "$1" 2>/dev/null
}

# True when every row of ID shows STATE (and there is at least one).
job_in_state() {
	local s
	s=$(job_stats "$1" | sort -u)
	[ "$s" = "$2" ]
}

# wait_job_state ID STATE [SECONDS]: waits until every row of ID is STATE.
wait_job_state() {
	if ! wait_for -t "${3:-30}" job_in_state "$1" "$2"; then
		echo "job $1 did not reach $2; bjobs shows:" >&2
		bjobs -w "$1" >&2 || true
		return 1
	fi
}

# submit ARGS...: runs bsub, checks LSF's success line, sets JOBID.
submit() {
	local out
	if ! out=$(bsub "$@"); then
		echo "bsub $* failed: $out" >&2
		return 1
	fi
	if ! [[ "$out" =~ $SUBMIT_RE ]]; then
		echo "bsub $*: unexpected output: $out" >&2
		return 1
	fi
	JOBID=${BASH_REMATCH[1]}
}

# job_field ID FIELD: one bjobs -o field of job ID (first row).
job_field() {
	bjobs -noheader -o "$2" "$1" | head -n 1
}

# exec_host ID: the execution host of a (single-host) job.
exec_host() {
	job_field "$1" exec_host | cut -d: -f1
}

# Runs "$@" as nobody (uid/gid 65534, no supplementary groups).
as_nobody() {
	as_uid 65534 "$@"
}

# as_uid UID CMD...: runs CMD as UID (gid UID, no supplementary groups),
# after checking that UID can run the staged CLI and read the cluster's
# configuration; says why when it cannot, rather than letting the
# command fail with a bare "Permission denied".
as_uid() {
	local u=$1
	shift
	if ! setpriv --reuid="$u" --regid="$u" --clear-groups -- \
		test -x "$CLUSTER_DIR/bin/pumice" -a -r "$CLUSTER_DIR/conf/lsf.conf"; then
		echo "uid $u cannot run $CLUSTER_DIR/bin/pumice or read" \
			"$CLUSTER_DIR/conf/lsf.conf: a directory above them is closed to" \
			"other users (/tmp must be mode 1777 for tests that act as another user)" >&2
		return 126
	fi
	setpriv --reuid="$u" --regid="$u" --clear-groups -- "$@"
}

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run jobs as other users"
}
