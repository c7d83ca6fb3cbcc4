#!/bin/bash
# check.sh - runs the parts of make check (unit tests, man page lint, the
# install and --without-nfs checks, the fuzz targets over their seeds,
# the integration tests), each to the end
# even when an earlier part failed, and ends with one line "N passed,
# N failed". Every part speaks TAP: cmocka through CMOCKA_MESSAGE_OUTPUT,
# bats natively, the others one "ok"/"not ok" line per check. What unit
# tests print on stderr comes from the error paths they exercise; it is
# shown as TAP comments ("# stderr: ...", their other output "# stdout:
# ...") so it cannot pass for a failure.
# Environment: B, SAN, UNIT_BINS, MAN_PAGES, MAKE, PUMICE_TEST_FILTER.
set -u
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# A binary that dies (a sanitizer report, a crash) counts as one failure
# more: its own TAP may stop before its "not ok".
unit() {
	local t st
	for t in $UNIT_BINS; do
		echo "# unit: $t"
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2> >(sed 's/^/# stderr: /') |
			sed -E -e '/^((not )?ok |1\.\.|#)/!s/^/# stdout: /' \
				-e 's/^(not )?ok ([0-9]+) - /\1ok \2 - '"${t##*/}"': /'
		st=${PIPESTATUS[0]}
		wait
		[ "$st" -eq 0 ] || echo "not ok - ${t##*/} exited with status $st"
	done
}

man() {
	local p out
	for p in $MAN_PAGES; do
		if out=$(mandoc -Tlint -Wwarning "$p" 2>&1) && [ -z "$out" ]; then
			echo "ok - mandoc -Tlint $p"
		else
			echo "not ok - mandoc -Tlint $p"
			echo "$out" | sed 's/^/# /'
		fi
	done
}

# make_part TARGET: one make target as one check.
make_part() {
	local out
	if out=$($MAKE -s B="$B" SAN="$SAN" "$1" 2>&1); then
		echo "ok - make $1"
	else
		echo "not ok - make $1"
	fi
	echo "$out" | sed 's/^/# /'
}

integration() {
	local bin=$PWD/$B/bin
	PATH="$bin:$PATH" PUMICE_BIN="$bin" bats --print-output-on-failure \
		${PUMICE_TEST_FILTER:+-f "$PUMICE_TEST_FILTER"} tests/integration
}

parts=${*:-unit man install nonfs fuzz integration}
for p in $parts; do
	case "$p" in
	unit | man | integration) "$p" ;;
	install | nonfs | fuzz) make_part "check-$p" ;;
	*) echo "check.sh: unknown part $p" >&2; exit 2 ;;
	esac
done | tee "$LOG"
pass=$(grep -cE '^ok ' "$LOG")
failed=$(grep -cE '^not ok ' "$LOG")
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$pass" -gt 0 ]
