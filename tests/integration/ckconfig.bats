#!/usr/bin/env bats
# ckconfig.bats - badmin ckconfig lists every error and warning of the
# configuration in one run, each as file:line: unknown keys, bad values,
# a NUL byte, a queue's HOSTS naming an unknown host, DEFAULT_QUEUE
# naming no queue. reconfig refuses what ckconfig calls an error.

load helpers

setup_file() {
	cluster_start -n 1
	export CONFIGDIR=$LSF_ENVDIR/lsbatch/pumice/configdir
	for f in "$LSF_ENVDIR/lsf.conf" "$CONFIGDIR/lsb.queues" "$CONFIGDIR/lsb.params"; do
		cp "$f" "$f.orig"
	done
}

teardown_file() {
	cluster_teardown
}

# line_of FILE TEXT: the line number of the first line holding TEXT.
line_of() {
	grep -a -n -F -- "$2" "$1" | head -n 1 | cut -d: -f1
}

@test "ckconfig reports every error and warning with its file and line" {
	local q=$CONFIGDIR/lsb.queues p=$CONFIGDIR/lsb.params c=$LSF_ENVDIR/lsf.conf
	printf 'Begin Queue\nQUEUE_NAME = many\nPRIORITY = high\nUJOB_LIMIT = -5\n' >>"$q"
	printf 'NO_SUCH_KEY = 1\nHOSTS = node1 ghost9\nEnd Queue\n' >>"$q"
	printf 'PUMICE_FROBNICATE=1\nPUMICE_HEARTBEAT=0\n' >>"$c"
	sed -i 's/^End Parameters/DEFAULT_QUEUE = nosuch\nEnd Parameters/' "$p"
	printf '# a stray NUL:\0 here\n' >>"$p"
	run -255 badmin ckconfig
	assert_line --partial -- "$q:$(line_of "$q" 'PRIORITY = high'): PRIORITY must be an integer"
	assert_line --partial -- "$q:$(line_of "$q" 'UJOB_LIMIT = -5'): UJOB_LIMIT must be an integer"
	assert_line -- "$q:$(line_of "$q" NO_SUCH_KEY): unknown queue parameter NO_SUCH_KEY"
	assert_line -- "Warning: $q:$(line_of "$q" ghost9): queue many: HOSTS names unknown host ghost9 (not in lsf.cluster or lsb.hosts)"
	assert_line -- "Warning: $c:$(line_of "$c" FROBNICATE): unknown key PUMICE_FROBNICATE in lsf.conf (ignored)"
	assert_line --partial -- "$c:$(line_of "$c" PUMICE_HEARTBEAT=0): PUMICE_HEARTBEAT must be an integer from 1 to 3600"
	assert_line -- "$p:$(line_of "$p" nosuch): DEFAULT_QUEUE names undefined queue nosuch"
	assert_line -- "$p:$(grep -ac '' "$p"): NUL byte in the file"
	assert_line "There are fatal errors."
	refute_line --partial "host node1"
}

@test "reconfig refuses a NUL byte, naming its line; ckconfig is clean again once fixed" {
	local p=$CONFIGDIR/lsb.params f
	for f in "$LSF_ENVDIR/lsf.conf" "$CONFIGDIR/lsb.queues" "$p"; do
		cp "$f.orig" "$f"
	done
	run -0 --separate-stderr badmin ckconfig
	assert_equal "$(echo "$stderr" | grep -c 'No errors found.')" 1
	printf '\n\0\n' >>"$p"	# the NUL is on the last line
	run -255 --separate-stderr badmin reconfig
	assert_regex "$stderr" "$p:$(grep -ac '' "$p"): NUL byte in the file"
	cp "$p.orig" "$p"
	run -0 badmin reconfig
}
