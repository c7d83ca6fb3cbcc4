#!/usr/bin/env bats
# Job control (LSF.md §4): bstop/bresume, bsub -H, brequeue, bmod, bswitch,
# btop/bbot, bwait and the bkill options, on one 2-slot host; and a held
# job that stays held across a kill -9 of the master.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	cluster_teardown
}

# proc_state PID: the state letter of /proc/PID/stat (R, S, T, ...).
proc_state() {
	sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1
}

proc_is() {
	[ "$(proc_state "$1")" = "$2" ]
}

lines_in() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}

@test "bstop stops a running job's processes (USUSP), bresume continues them" {
	submit -o /dev/null 'echo $$ > pid; exec sleep 300'
	local id=$JOBID pid
	wait_job_state "$id" RUN
	wait_for test -s pid
	pid=$(cat pid)
	run -0 bstop "$id"
	assert_output "Job <$id> is being stopped"
	wait_job_state "$id" USUSP
	wait_for proc_is "$pid" T
	run -0 bresume "$id"
	assert_output "Job <$id> is being resumed"
	wait_job_state "$id" RUN
	wait_for -t 10 bash -c "[ \"\$(sed 's/^.*) //' /proc/$pid/stat | cut -d' ' -f1)\" != T ]"
	run -255 --separate-stderr bresume "$id"
	assert_equal "$stderr" "Job <$id>: Job is not suspended"
	bkill "$id"
	wait_job_state "$id" EXIT
}

@test "bsub -H holds a job (PSUSP, user reason); bresume lets it run" {
	submit -H -o /dev/null true
	local id=$JOBID
	wait_job_state "$id" PSUSP
	run -0 job_field "$id" pend_reason
	assert_output "The job was suspended by the user while pending"
	run -0 bresume "$id"
	wait_job_state "$id" DONE
}

@test "brequeue of a running job runs it again with the same id" {
	submit -o /dev/null 'echo run >> runs; exec sleep 300'
	local id=$JOBID
	wait_for lines_in runs 1
	wait_job_state "$id" RUN
	run -0 brequeue "$id"
	assert_output "Job <$id> is being requeued"
	wait_for lines_in runs 2
	wait_job_state "$id" RUN
	run -255 --separate-stderr brequeue -d "$id"
	assert_equal "$stderr" "Job <$id>: No job in a state to requeue"
	bkill "$id"
	wait_job_state "$id" EXIT
	run -0 brequeue -e -H "$id"
	wait_job_state "$id" PSUSP
	bkill "$id"
	wait_job_state "$id" EXIT
}

@test "bmod -W, -J, -q and -Wn on a pending job; errors end with Job not modified" {
	submit -H -J before -o /dev/null true
	local id=$JOBID
	run -0 bmod -W 10 -J after -q short "$id"
	assert_output "Parameters of job <$id> are being changed"
	run -0 job_field "$id" "runtimelimit job_name queue"
	assert_output --regexp "^10(\.0)? +after +short$"
	run -0 bmod -Wn "$id"
	run -0 job_field "$id" runtimelimit
	refute_output --regexp "10"
	run -255 --separate-stderr bmod -q nosuch "$id"
	assert_equal "$stderr" "nosuch: No such queue. Job not modified."
	run -0 bswitch long "$id"
	assert_output "Job <$id> is switched to queue <long>"
	run -0 job_field "$id" queue
	assert_output long
	bkill "$id"
}

@test "bmod of a running job changes -W only" {
	submit -o /dev/null 'exec sleep 300'
	local id=$JOBID
	wait_job_state "$id" RUN
	run -0 bmod -W 5 "$id"
	run -255 --separate-stderr bmod -q short "$id"
	[[ "$stderr" == *"Job not modified." ]]
	bkill "$id"
	wait_job_state "$id" EXIT
}

@test "btop changes which pending job starts first on a full host" {
	submit -n 2 -o /dev/null 'exec sleep 300'
	local blocker=$JOBID a b c
	wait_job_state "$blocker" RUN
	submit -n 2 -o /dev/null true; a=$JOBID
	submit -n 2 -o /dev/null 'exec sleep 300'; b=$JOBID
	submit -n 2 -o /dev/null 'exec sleep 300'; c=$JOBID
	run -0 --separate-stderr btop "$c"
	assert_equal "$stderr" "Job <$c> has been moved to position 1 from top."
	run -0 --separate-stderr bbot "$a"
	assert_equal "$stderr" "Job <$a> has been moved to position 1 from bottom."
	run -0 --separate-stderr btop "$b" 2
	assert_equal "$stderr" "Job <$b> has been moved to position 2 from top."
	bkill "$blocker"
	wait_job_state "$c" RUN
	run -0 job_stats "$a"
	assert_output PEND
	run -0 job_stats "$b"
	assert_output PEND
	bkill "$c" "$b"
	wait_job_state "$a" DONE
}

@test "bwait returns when the condition holds, times out, or never holds" {
	submit -o /dev/null 'sleep 1'
	local id=$JOBID
	run -0 bwait -w "done($id)"
	run -0 job_stats "$id"
	assert_output DONE
	run -2 bwait -w "exit($id)"
	submit -o /dev/null 'exec sleep 300'
	local long=$JOBID
	local t0=$SECONDS
	run -1 bwait -t 0.05 -w "ended($long)"
	[ $((SECONDS - t0)) -lt 15 ]
	run -255 bwait -w "done(("
	bkill "$long"
}

@test "bkill -d records DONE, -r forgets at once, -s USR1 reaches the job's trap" {
	submit -o /dev/null 'trap "echo got > usr1" USR1; touch trapped; while :; do sleep 0.2; done'
	local id=$JOBID
	wait_job_state "$id" RUN
	wait_for test -e trapped	# RUN comes before the shell has set its trap
	run -0 bkill -s USR1 "$id"
	assert_output "Job <$id> is being signaled"
	wait_for test -s usr1
	run -0 bkill -d "$id"
	assert_output "Job <$id> is being terminated"
	wait_job_state "$id" DONE
	submit -o /dev/null 'exec sleep 300'
	id=$JOBID
	wait_job_state "$id" RUN
	run -0 bkill -r "$id"
	run -0 job_stats "$id"
	assert_output EXIT
	run -255 --separate-stderr bkill "$id"
	assert_equal "$stderr" "Job <$id>: Job has already finished"
}

@test "bkill -J and bkill 0 select by name and all own jobs" {
	submit -H -J ctl_named -o /dev/null true
	local named=$JOBID
	submit -H -o /dev/null true
	local other=$JOBID
	run -0 bkill -J ctl_named
	assert_output "Job <$named> is being terminated"
	run -0 job_stats "$other"
	assert_output PSUSP
	run -0 bkill 0
	assert_output --partial "Job <$other> is being terminated"
	wait_job_state "$other" EXIT
	run -255 bkill -json -J nosuchname_x
	assert_output --partial '"RESULT": "ERROR"'
}

@test "bkill: unknown ids and elements say No matching job found; -s STOP/CONT are signaled; -q/-u must exist" {
	submit -J "kel[1-2]" -o /dev/null 'exec sleep 300'
	local arr=$JOBID
	wait_job_state "$arr" RUN
	run -255 --separate-stderr bkill 999999
	assert_equal "$stderr" "Job <999999>: No matching job found"
	run -0 bkill -s STOP "$arr[1]"
	assert_output "Job <$arr[1]> is being signaled"
	wait_job_state "$arr[1]" USUSP
	run -0 bkill -s CONT "$arr[1]"
	assert_output "Job <$arr[1]> is being signaled"
	wait_job_state "$arr[1]" RUN
	run -255 --separate-stderr bkill "$arr[2,5-6]"
	assert_output "Job <$arr[2]> is being terminated"
	assert_equal "$stderr" "Job <$arr[5-6]>: No matching job found"
	run -255 --separate-stderr bkill -q nosuchq 0
	assert_equal "$stderr" "nosuchq: No such queue"
	run -255 --separate-stderr bkill -u nosuchuser_x 0
	assert_equal "$stderr" "nosuchuser_x: No such user"
	run -0 bkill "$arr"
}

@test "badmin ckconfig names a broken lsf.shared's file:line (not 'cluster unreachable'); the retry note's time left" {
	local shared=$CLUSTER_DIR/conf/lsf.shared
	cp "$shared" "$BATS_TEST_TMPDIR/lsf.shared"
	printf 'not a section\n' >>"$shared"
	run -255 --separate-stderr badmin ckconfig
	cp "$BATS_TEST_TMPDIR/lsf.shared" "$shared"
	assert_regex "$stderr" "$shared:[0-9]+: expected Begin <section>"
	assert_regex "$stderr" 'There are fatal errors\.$'
	[[ "$stderr" != *"cluster unreachable"* ]]
	run -0 badmin ckconfig
	PUMICE_SOCKET=$BATS_TEST_TMPDIR/none.sock PUMICE_CONNECT_TIMEOUT=3 \
		run -69 --separate-stderr bjobs
	assert_regex "$stderr" 'still trying for up to 0\.[1-9] s'
	assert_regex "$stderr" 'bjobs: cluster unreachable: '
}

@test "bbot has a man page of its own (man bbot), and it lints" {
	local page=$BATS_TEST_DIRNAME/../../man/man1/bbot.1
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run -0 mandoc -Tlint -Wwarning "$page"
	run -0 bash -c "mandoc -Tascii '$page' | sed 's/.\x08//g'"
	assert_output --partial "bbot - move a pending batch job towards the bottom of its queue"
	assert_output --partial "has been moved to position 1 from bottom."
}

@test "kill -9 of the master: a held job stays PSUSP, a stopped one USUSP" {
	submit -H -o /dev/null true
	local held=$JOBID
	submit -o /dev/null 'exec sleep 300'
	local stopped=$JOBID
	wait_job_state "$stopped" RUN
	bstop "$stopped"
	wait_job_state "$stopped" USUSP
	kill -9 "$(cat "$CLUSTER_DIR/run/master.pid")"
	run -0 pumice cluster start "$CLUSTER_DIR"
	wait_job_state "$held" PSUSP
	wait_job_state "$stopped" USUSP
	bkill "$held" "$stopped"
	wait_job_state "$stopped" EXIT
}
