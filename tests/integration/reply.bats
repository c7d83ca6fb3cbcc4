#!/usr/bin/env bats
# reply.bats - a reply over the master's frame limit (PUMICE_MAX_REPLY,
# lowered to 1 MB here) comes back as an error naming the limit instead of
# a dropped connection ("cluster unreachable"), and smaller queries still
# work on the same master. Listings come in pages well under the limit, so
# only a single record over it (a 1.2 MB job script) reaches that guard.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 1
	echo "PUMICE_MAX_REPLY=1" >>"$LSF_ENVDIR/lsf.conf"
	badmin reconfig >/dev/null
}

teardown_file() {
	cluster_teardown
}

@test "a bjobs reply over PUMICE_MAX_REPLY is an error that says so; smaller ones still work" {
	submit -H -J "big[1-20000]" -o /dev/null true
	run -0 bjobs -o "jobid stat" "$JOBID"	# paged: 20000 rows, every page small
	[ "${#lines[@]}" -eq 20001 ]
	BIG=$JOBID
	awk 'BEGIN { print "#!/bin/sh"; for (i = 0; i < 30000; i++)
	    print "echo line number " i " of a long script" }' >big.sh
	submit -H -o /dev/null <big.sh
	run --separate-stderr bjobs -o "jobid cmd" "$JOBID"
	[ "$status" -eq 255 ]
	[[ "$stderr" == *"over the limit of 1024 KB (PUMICE_MAX_REPLY)"* ]]
	[[ "$stderr" != *unreachable* ]]
	run -0 bjobs -noheader "$BIG[7]"
	assert_output --regexp "^$BIG +$ME +PSUSP "
	run -0 bhosts
	bkill "$BIG" "$JOBID" >/dev/null
}
