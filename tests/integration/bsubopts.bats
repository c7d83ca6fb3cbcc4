#!/usr/bin/env bats
# bsub options beyond the core path, on a 2-agent cluster: candidate queue
# lists and LSB_DEFAULTQUEUE / LSB_DEFAULTPROJECT, the rlimit options
# (-c -v -C -D -F -S -p -T), -k recorded, -I/-Ip/-Is and -app refused,
# -b / -t (format, the begin-time hold, the deadline kill), the % patterns
# of -cwd and -o, a relative -cwd made absolute, -m "host!", and the job's
# USER/LOGNAME/HOME under -env none.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
	# the grace between -t's SIGUSR2 and the kill
	sed -i 's/^End Parameters$/JOB_TERMINATE_INTERVAL = 3\nEnd Parameters/' \
		"$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.params"
	badmin reconfig >/dev/null 2>&1
}

teardown_file() {
	cluster_teardown
}

@test "-q \"q1 q2\": the first listed queue that accepts the job; an unknown name is refused" {
	run -0 bsub -q "short long" true
	assert_output --regexp '^Job <[0-9]+> is submitted to queue <short>\.$'
	run -255 --separate-stderr bsub -q "short nosuchq" true
	assert_equal "$stderr" "nosuchq: No such queue. Job not submitted."
	run -0 badmin qclose short
	run bsub -q "short long" true
	badmin qopen short
	assert_success
	assert_output --regexp '^Job <[0-9]+> is submitted to queue <long>\.$'
	run -0 badmin qclose short
	run --separate-stderr bsub -q "short" true
	badmin qopen short
	assert_failure 255
	assert_equal "$stderr" "short: Queue has been closed. Job not submitted."
}

@test "LSB_DEFAULTQUEUE and LSB_DEFAULTPROJECT from bsub's environment" {
	LSB_DEFAULTQUEUE=long run -0 bsub true
	assert_output --regexp '^Job <[0-9]+> is submitted to default queue <long>\.$'
	LSB_DEFAULTQUEUE=long run -0 bsub -q short true
	assert_output --regexp '^Job <[0-9]+> is submitted to queue <short>\.$'
	LSB_DEFAULTQUEUE=nosuchq run -255 --separate-stderr bsub true
	assert_equal "$stderr" "nosuchq: No such queue. Job not submitted."
	LSB_DEFAULTPROJECT=envproj submit true
	run -0 job_field "$JOBID" proj_name
	assert_output envproj
	LSB_DEFAULTPROJECT=envproj submit -P optproj true
	run -0 job_field "$JOBID" proj_name
	assert_output optproj
	submit true
	run -0 job_field "$JOBID" proj_name
	assert_output default
}

@test "-c -v -C -D -F -S -p: the job's rlimits (sizes in LSF_UNIT_FOR_LIMITS, MB here)" {
	submit -c 2 -v 3000 -C 0 -D 2000 -F 10 -S 16 -p 4000 -o lim.out \
		'cat /proc/self/limits'
	wait_job_state "$JOBID" DONE
	run -0 cat lim.out
	assert_line --regexp '^Max cpu time +120 '
	assert_line --regexp '^Max address space +3145728000 '
	assert_line --regexp '^Max core file size +0 '
	assert_line --regexp '^Max data size +2097152000 '
	assert_line --regexp '^Max file size +10485760 '
	assert_line --regexp '^Max stack size +16777216 '
	assert_line --regexp '^Max processes +4000 '
}

@test "#BSUB takes the limit options too; -T with -p keeps the smaller; -c takes 1:30 and /host" {
	printf '#!/bin/sh\n#BSUB -c 1:30/node1\n#BSUB -T 3000\n#BSUB -p 3500\n#BSUB -o lim2.out\ncat /proc/self/limits\n' >lim.sh
	run -0 bsub <lim.sh
	[[ "$output" =~ $SUBMIT_RE ]]
	wait_job_state "${BASH_REMATCH[1]}" DONE
	run -0 cat lim2.out
	assert_line --regexp '^Max cpu time +5400 '
	assert_line --regexp '^Max processes +3000 '
}

@test "bad limit values are refused before anything is queued" {
	run -255 --separate-stderr bsub -v lots true
	assert_equal "$stderr" "lots: Bad argument for option -v. Job not submitted."
	run -255 --separate-stderr bsub -p 0 true
	assert_equal "$stderr" "0: Bad argument for option -p. Job not submitted."
	run -255 --separate-stderr bsub -c 1:xx true
	assert_equal "$stderr" "1:xx: Bad argument for option -c. Job not submitted."
}

@test "-k is accepted and recorded; bjobs -l shows the recorded options" {
	submit -k "/tmp/chk 10" -T 200 -H true
	run -0 bjobs -UF "$JOBID"
	assert_output --partial 'Option -k </tmp/chk 10>'
	assert_output --partial 'Option -T <200>'
	bkill "$JOBID" >/dev/null
}

@test "-I and kin: one of them, never with -K, an array or -pack; -IX and -tty refused" {
	run -255 --separate-stderr bsub -I -K true
	assert_equal "$stderr" "-I and -K cannot be used together. Job not submitted."
	run -255 --separate-stderr bsub -Is -Ip true
	assert_equal "$stderr" "-Ip and -Is cannot be used together. Job not submitted."
	run -255 --separate-stderr bsub -I -J "a[1-2]" true
	assert_equal "$stderr" "-I: an interactive job cannot be a job array. Job not submitted."
	run -255 --separate-stderr bsub <<<$'#BSUB -Is\n#BSUB -K\ntrue'
	assert_equal "$stderr" "-Is and -K cannot be used together. Job not submitted."
	for o in -IX -tty; do
		run -255 --separate-stderr bsub "$o" true
		assert_output ""
		[[ "$stderr" == *"option $o is not supported"* ]]
	done
	echo "-I true" >"$TESTDIR/pack"
	run bsub -pack "$TESTDIR/pack"
	assert_output --partial "-I cannot be used in a job pack"
}

@test "-app: no application profile exists, so any is refused" {
	run -255 --separate-stderr bsub -app myprof true
	assert_equal "$stderr" "myprof: No such application profile. Job not submitted."
	assert_equal "$output" ""
}

@test "-b / -t: LSF's [[[YYYY:]MM:]DD:]hh:mm, checked strictly" {
	local bad
	for bad in 10 25:00 10:60 10:5x 1:2:3:4:5:6 0:10:00 13:01:10:00 2026:02:30:10:00 ""; do
		run -255 --separate-stderr bsub -b "$bad" true
		assert_equal "$stderr" "$bad: Bad time specification for option -b. Job not submitted."
		run -255 --separate-stderr bsub -t "$bad" true
		assert_equal "$stderr" "$bad: Bad time specification for option -t. Job not submitted."
	done
	run -255 --separate-stderr bsub -t 2020:01:01:00:00 true
	assert_equal "$stderr" "2020:01:01:00:00: The termination time is in the past. Job not submitted."
	run -255 --separate-stderr bsub -b 12:31:23:00 -t 12:31:22:00 true
	assert_equal "$stderr" "12:31:22:00: The termination time is not after the begin time. Job not submitted."
}

# Waits until the clock is 45-55 s into a minute, so that the next minute
# is a few seconds ahead; sets NEXT (its epoch), NEXT_HM (hh:mm) and
# NEXT_CTIME (as bsub prints it).
in_minute_window() {
	local s
	s=$(date +%-S) && [ "$s" -ge 45 ] && [ "$s" -le 55 ]
}

next_minute_soon() {
	wait_for -t 70 in_minute_window
	NEXT=$((($(date +%s) / 60 + 1) * 60))
	NEXT_HM=$(date -d "@$NEXT" +%H:%M)
	NEXT_CTIME=$(LC_ALL=C date -d "@$NEXT" '+%a %b %e %H:%M:%S %Y')
}

@test "-b holds the job (PEND, 'The job has a specified start time') until then; -t ends a pending one then" {
	local begin held
	next_minute_soon
	run -0 --separate-stderr bsub -b "$NEXT_HM" -o begin.out 'echo began'
	[[ "$output" =~ $SUBMIT_RE ]]
	begin=${BASH_REMATCH[1]}
	assert_equal "$stderr" "Job will be scheduled after $NEXT_CTIME"
	run -0 --separate-stderr bsub -t "$NEXT_HM" -H true
	assert_equal "$stderr" "Job will be terminated by $NEXT_CTIME"
	[[ "$output" =~ $SUBMIT_RE ]]
	held=${BASH_REMATCH[1]}
	run -0 job_field "$begin" stat
	assert_output PEND
	run -0 job_field "$begin" pend_reason
	assert_output --partial "The job has a specified start time"
	wait_job_state "$begin" DONE 40
	assert [ "$(date +%s)" -ge "$NEXT" ]
	run -0 cat begin.out
	assert_line began
	wait_job_state "$held" EXIT 40
	run -0 job_field "$held" exit_reason
	assert_output "TERM_DEADLINE: job killed after deadline"
}

@test "a job running at its -t time is killed: EXIT with TERM_DEADLINE" {
	local id
	next_minute_soon
	run -0 --separate-stderr bsub -t "$NEXT_HM" -o dl.out 'sleep 300'
	assert_equal "$stderr" "Job will be terminated by $NEXT_CTIME"
	[[ "$output" =~ $SUBMIT_RE ]]
	id=${BASH_REMATCH[1]}
	wait_job_state "$id" RUN
	wait_job_state "$id" EXIT 40
	assert [ "$(date +%s)" -ge "$NEXT" ]
	run -0 job_field "$id" exit_reason
	assert_output "TERM_DEADLINE: job killed after deadline"
}

@test "bmod -b moves a pending job's start, earlier and later; -bn drops it" {
	local far early late dropped
	far=$(date -d '+2 days' +%m:%d:%H:%M)
	submit -b "$far" -o early.out 'echo ran'
	early=$JOBID
	submit -b "$far" true
	dropped=$JOBID
	next_minute_soon
	submit -b "$NEXT_HM" true
	late=$JOBID
	run -0 bmod -b "$NEXT_HM" "$early"
	run -0 bmod -b "$far" "$late"
	run -0 bmod -bn "$dropped"
	wait_job_state "$dropped" DONE
	assert [ "$(date +%s)" -lt "$NEXT" ]
	run -0 job_field "$early" stat
	assert_output PEND
	wait_job_state "$early" DONE 40
	assert [ "$(date +%s)" -ge "$NEXT" ]
	sleep 2
	run -0 job_field "$late" stat
	assert_output PEND
	run -0 job_field "$late" pend_reason
	assert_output --partial "The job has a specified start time"
	bkill "$late" >/dev/null
}

@test "bmod -t on a running job: SIGUSR2 at the deadline, the kill JOB_TERMINATE_INTERVAL later" {
	local id usr2 last
	submit -o trap.out 'trap "date +%s >usr2.t" USR2
		while :; do date +%s >last.t; sleep 0.2; done'
	id=$JOBID
	wait_job_state "$id" RUN
	next_minute_soon
	run -0 bmod -t "$NEXT_HM" "$id"
	wait_for -t 40 test -s usr2.t
	usr2=$(cat usr2.t)
	assert [ "$usr2" -ge "$NEXT" ]
	wait_job_state "$id" EXIT 30
	last=$(cat last.t)
	echo "SIGUSR2 at +$((usr2 - NEXT)) s, job last alive $((last - usr2)) s after it" >&3
	# it lived on through the grace of 3 s, then was killed
	assert [ "$last" -ge $((usr2 + 2)) ]
	run -0 job_field "$id" exit_reason
	assert_output "TERM_DEADLINE: job killed after deadline"
}

@test "-o/-e/-cwd patterns %U %G %P %H %JG %EJ %EI %J %I" {
	local grp
	grp=$(id -gn)
	submit -P pj -g /jg1 -m node1 -o "$TESTDIR/jg%JG/o.%U.%G.%P.%H.%EJ.%EI.%J.%I" true
	wait_job_state "$JOBID" DONE
	assert [ -f "$TESTDIR/jg/jg1/o.$ME.$grp.pj.node1.$JOBID.0.$JOBID.0" ]
	mkdir -p "cw.$ME.pj"
	submit -P pj -cwd "cw.%U.%P" -o "$TESTDIR/cw.out" 'echo "CWD=$(pwd -P)"'
	wait_job_state "$JOBID" DONE
	run -0 grep '^CWD=' cw.out
	assert_output "CWD=$TESTDIR/cw.$ME.pj"
}

@test "a relative -cwd (Toil's -cwd .) is made absolute at submission" {
	mkdir -p sub
	submit -cwd . -H true
	run -0 job_field "$JOBID" exec_cwd
	assert_output "$TESTDIR"
	bkill "$JOBID" >/dev/null
	submit -cwd ./sub -H true
	run -0 job_field "$JOBID" exec_cwd
	assert_output "$TESTDIR/sub"
	run -0 bjobs -UF "$JOBID"
	assert_output --partial "Specified CWD <./sub>"
	bkill "$JOBID" >/dev/null
}

@test "-m \"node2!\": the first-execution-host mark is accepted" {
	submit -m "node2!" -o m.out 'echo "H=$LSB_HOSTS"'
	wait_job_state "$JOBID" DONE
	run -0 grep '^H=' m.out
	assert_output "H=node2"
	run -255 --separate-stderr bsub -m "nosuch!" true
	assert_equal "$stderr" "nosuch: Bad host name, host group name or cluster name. Job not submitted."
}

@test "-env none: the job still gets USER, LOGNAME, HOME (passwd) and LSB_* variables" {
	local home
	home=$(getent passwd "$ME" | cut -d: -f6)
	submit -env none -o envn.out 'echo "U=$USER L=$LOGNAME H=$HOME J=$LSB_JOBID"'
	wait_job_state "$JOBID" DONE
	run -0 grep '^U=' envn.out
	assert_output "U=$ME L=$ME H=$home J=$JOBID"
	HOME=/nonexistent USER=someoneelse submit -env all -o enva.out 'echo "U=$USER H=$HOME"'
	wait_job_state "$JOBID" DONE
	run -0 grep '^U=' enva.out
	assert_output "U=$ME H=$home"
}
