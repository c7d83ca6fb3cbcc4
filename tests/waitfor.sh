# shellcheck shell=bash
# waitfor.sh - the one way every test script waits: for a condition, with
# a deadline, never for a fixed time. Sourced by tests/integration's
# helpers.bash, tests/bench/lib.sh, tests/faults/lib.sh, tests/deb/emul.sh.

# wait_until SECONDS CMD...: runs CMD until it succeeds (every 50 ms);
# returns 1 once SECONDS have passed without it.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}
