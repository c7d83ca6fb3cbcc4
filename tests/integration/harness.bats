#!/usr/bin/env bats
# harness.bats - the test harness itself: a failing test still leaves
# nothing behind (no cluster directory under /tmp, no daemon), and shows
# the daemons' logs in its output instead.

load helpers

@test "a failing test removes its cluster directory and stops its daemons" {
	local inner=$BATS_TEST_TMPDIR/inner.bats record=$BATS_TEST_TMPDIR/record
	cat >"$inner" <<INNER
load '$BATS_TEST_DIRNAME/helpers'
setup_file() { cluster_start -n 1; echo "\$CLUSTER_DIR" >'$record'; }
teardown_file() { cluster_teardown; }
INNER
	# (spelt so that this file's own bats does not count it as a test)
	printf '@%s "fails on purpose" { false; }\n' test >>"$inner"
	# a clean environment: the inner bats must not see this run's BATS_* variables
	# (nor its PATH, which leads to bats' internal libexec copy)
	run -1 env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME" PUMICE_BIN="$PUMICE_BIN" \
		bats --print-output-on-failure "$inner"
	assert_line "not ok 1 fails on purpose"
	assert_line --regexp '^# == master\.log \(last 15 lines\)$'
	dir=$(cat "$record")
	[[ "$dir" == /tmp/pumice-it.* ]]
	[ ! -e "$dir" ]
}
