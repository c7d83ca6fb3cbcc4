#!/usr/bin/env bats
# Job output through libnfs to a real user-space NFS server (nfs-ganesha on
# loopback, started and stopped here by pid with tests/nfs/nfs-server.sh):
# array output and a dependent job on another agent reading it, ownership
# as the job's user, a server restart mid-job (output complete, written
# once), a server gone for good (TERM_NFS, output kept locally), a server
# unreachable at start, PUMICE_OUTPUT_DIR and -outdir. Needs root (ganesha
# writes real files only with FSAL VFS) and packaging/deps.sh --nfs.

load helpers
load nfs

# bats cannot skip from setup_file: it records why, and every test skips
# with that reason in setup.
setup_file() {
	local why
	if ! why=$("$NFS_SH" check 2>&1); then
		export NFS_SKIP="no NFS server for the tests: $why"
		return 0
	fi
	cluster_start -n 2 --cpus 1
	NFS_PORT=$(nfs_free_port)
	NFS_DIR=$CLUSTER_DIR/nfsexport
	# the output keys reach the agents at their start
	"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR" 2>/dev/null
	cat >>"$CLUSTER_DIR/conf/lsf.conf" <<-EOF
	PUMICE_NFS_TIMEOUT=1
	PUMICE_NFS_DEADLINE=5
	PUMICE_NFS_SPOOL_MAX=1
	PUMICE_OUTPUT_DIR="nfs://127.0.0.1/export/default?nfsport=$NFS_PORT&mountport=$((NFS_PORT + 1))"
	EOF
	"$PUMICE_BIN/pumice-cluster" start "$CLUSTER_DIR" >/dev/null 2>&1
	eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
	chmod 1777 "$NFS_DIR"
	export NFS_PORT NFS_DIR NFS_PID NFS_STATE NFS_URL NFS_ARGS
}

setup() {
	[ -z "${NFS_SKIP:-}" ] || skip "$NFS_SKIP"
	test_setup
}

teardown_file() {
	[ -n "${NFS_STATE:-}" ] && "$NFS_SH" stop "$NFS_STATE"
	cluster_teardown
}

# url PATH: an nfs:// URL for PATH inside the export.
url() {
	echo "$NFS_URL/$1?$NFS_ARGS"
}

@test "array output via nfs:// is complete when a dependent job reads it" {
	submit -J "nfsarr[1-4]" -o "$(url "arr/%J/%I.out")" \
		'for i in $(seq 1 20000); do echo "line $i of $LSB_JOBINDEX"; done'
	local arr=$JOBID
	submit -w "done($arr)" -o "$TESTDIR/check.out" \
		"cat $NFS_DIR/arr/$arr/*.out | grep -c '^line '; hostname"
	wait_job_state "$arr" DONE 60
	wait_job_state "$JOBID" DONE
	run head -n 1 "$TESTDIR/check.out"
	assert_output 80000
	# the elements ran on both agents, so one of them is not the reader's
	run bjobs -noheader -o exec_host "$arr"
	assert_line --partial node1
	assert_line --partial node2
	run grep -c '^Subject: Job '"$arr"'\[2\]: <nfsarr> Done$' "$NFS_DIR/arr/$arr/2.out"
	assert_output 1
}

@test "nfs:// output is created as the job's user" {
	require_root
	out=$(as_nobody env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" bsub -o "$(url "own/%J.out")" id -u)
	[[ "$out" =~ $SUBMIT_RE ]]
	JOBID=${BASH_REMATCH[1]}
	wait_job_state "$JOBID" DONE
	run stat -c %u:%g "$NFS_DIR/own/$JOBID.out"
	assert_output 65534:65534
	run head -n 1 "$NFS_DIR/own/$JOBID.out"
	assert_output 65534
}

# lines_in FILE: how many "tick" lines FILE holds (0 when absent).
ticks_in() {
	grep -c '^tick' "$1" 2>/dev/null || true
}

@test "a server restarted mid-job loses nothing and writes nothing twice" {
	submit -o "$(url "restart/%J.out")" 'for i in $(seq 1 40); do echo "tick $i"; sleep 0.1; done'
	local f=$NFS_DIR/restart/$JOBID.out
	wait_for bash -c "[ \$(grep -c '^tick' $f 2>/dev/null) -ge 3 ]"
	"$NFS_SH" stop "$NFS_STATE"
	local before
	before=$(ticks_in "$f")
	# while the server is away the job goes on writing into the spool
	wait_for bash -c "bpeek $JOBID | grep -q '^tick $((before + 5))\$'"
	eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
	wait_job_state "$JOBID" DONE 30
	run grep -c '^tick' "$f"
	assert_output 40
	run bash -c "grep '^tick' $f | sort | uniq -d"
	assert_output ""
	run bash -c "grep '^tick' $f | sort -k2n -c"
	assert_success
}

# progress_stalled FILE: FILE's number did not change over half a second.
progress_stalled() {
	local a b
	a=$(cat "$1" 2>/dev/null)
	sleep 0.5
	b=$(cat "$1" 2>/dev/null)
	[ -n "$a" ] && [ "$a" = "$b" ]
}

@test "a frozen server stalls only the sending: the job goes on writing" {
	# 16 KB a tick fills the 64 KB pipe in four ticks: a shepherd stuck in
	# an NFS call would block the job there
	submit -o "$(url "frozen/%J.out")" \
		"for i in \$(seq 1 40); do echo \$i >>$TESTDIR/ticks; head -c 16000 /dev/zero | tr '\\0' x; echo; echo \"tick \$i\"; sleep 0.05; done"
	local f=$NFS_DIR/frozen/$JOBID.out
	wait_for bash -c "[ \$(grep -c '^tick' $f 2>/dev/null) -ge 3 ]"
	local pid before
	pid=$(cat "$NFS_STATE/server.pid")	# an earlier test may have restarted it
	kill -STOP "$pid"
	before=$(wc -l <"$TESTDIR/ticks")
	wait_for -t 4 bash -c "[ \$(wc -l <$TESTDIR/ticks) -ge $((before + 15)) ]" ||
		{ kill -CONT "$pid"; false; }
	kill -CONT "$pid"
	wait_job_state "$JOBID" DONE 30
	run grep -c '^tick' "$f"
	assert_output 40
	run bash -c "grep '^tick' $f | sort | uniq -d"
	assert_output ""
}

@test "a process left behind with stdout open does not keep the job running" {
	submit -o "$(url "bg/%J.out")" '(sleep 8; echo late) & echo main-done'
	wait_job_state "$JOBID" DONE 5
	run grep -c '^main-done$' "$NFS_DIR/bg/$JOBID.out"
	assert_output 1
}

@test "nfs:// output files get the submitter's umask" {
	JOBID=$(umask 027; bsub -o "$(url "mode/%J.out")" true | sed -E 's/^Job <([0-9]+)>.*/\1/')
	wait_job_state "$JOBID" DONE
	run stat -c %a "$NFS_DIR/mode/$JOBID.out"
	assert_output 640
}

@test "PUMICE_NFS_SPOOL_MAX: with the server away the job blocks, then goes on" {
	submit -o "$(url "bp/%J.out")" "for i in \$(seq 1 64); do head -c 65536 /dev/zero | tr '\\0' x; echo \" \$i\"; echo \$i >$TESTDIR/progress; done"
	local id=$JOBID
	wait_for bash -c "[ -s $NFS_DIR/bp/$id.out ]"
	"$NFS_SH" stop "$NFS_STATE"
	# 1 MB spool + the pipe: the job stops long before its 4 MB
	wait_for -t 4 progress_stalled "$TESTDIR/progress"
	[ "$(cat "$TESTDIR/progress")" -lt 40 ]
	eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
	wait_job_state "$id" DONE 30
	run bash -c "grep -c '^x*x [0-9]*\$' $NFS_DIR/bp/$id.out"
	assert_output 64
	run bash -c "grep '^x' $NFS_DIR/bp/$id.out | awk '{ if (\$2 != NR) exit 1 }'"
	assert_success
}

@test "a server gone for good: TERM_NFS after the deadline, output kept" {
	submit -o "$(url "gone/%J.out")" 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.1; done'
	local id=$JOBID f=$NFS_DIR/gone/$JOBID.out
	wait_for bash -c "[ \$(grep -c '^tick' $f 2>/dev/null) -ge 2 ]"
	"$NFS_SH" stop "$NFS_STATE"
	wait_job_state "$id" EXIT 30
	run -0 bjobs -noheader -o exit_reason "$id"
	assert_output --regexp "^TERM_NFS: output server unreachable for 5 s; bytes [0-9]+-[0-9]+ of nfs://.* kept in /.*/kept/$id\.0\.stdout"
	local kept
	kept=$(sed -n 's/.* kept in \([^ ;]*\).*/\1/p' <<<"$output")
	[ -s "$kept" ]
	# server file + kept bytes = every tick, in order, none lost
	local from
	from=$(sed -n 's/.*; bytes \([0-9]*\)-.*/\1/p' <<<"$output")
	run bash -c "{ head -c $from $f; cat $kept; } | grep '^tick' | awk '{ if (\$2 != NR) { print \"gap at \" NR; exit 1 } }'"
	assert_success
	eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
}

@test "an unreachable share at job start fails the job with the reason" {
	submit -o "nfs://127.0.0.1/export/x.out?nfsport=9&mountport=9" 'echo never'
	wait_job_state "$JOBID" EXIT 20
	run -0 bjobs -noheader -o exit_reason "$JOBID"
	assert_output --regexp '^TERM_NFS: cannot mount nfs://127.0.0.1/export/x.out'
}

@test "-outdir holds relative -o names, on a share too" {
	submit -outdir "$(url "od/%J")" -o out.txt 'echo in-outdir'
	wait_job_state "$JOBID" DONE
	run head -n 1 "$NFS_DIR/od/$JOBID/out.txt"
	assert_output in-outdir
	submit -outdir "$TESTDIR/local/%J" -o out.txt 'echo local-outdir'
	wait_job_state "$JOBID" DONE
	run head -n 1 "$TESTDIR/local/$JOBID/out.txt"
	assert_output local-outdir
}

@test "jobs without -o write to PUMICE_OUTPUT_DIR" {
	submit 'echo to-the-default-dir'
	wait_job_state "$JOBID" DONE
	run head -n 1 "$NFS_DIR/default/$JOBID.0.out"
	assert_output to-the-default-dir
}

@test "bsub rejects malformed nfs:// destinations" {
	run -255 bsub -o "nfs://127.0.0.1/export/x?uid=0" true
	assert_output --partial "uid= is not allowed"
}
