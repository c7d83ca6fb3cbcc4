#!/usr/bin/env bats
# Options read exactly (cli/opts.c, one table per command) and bjobs'
# state filters applied to the jobs named by id, on a 1-agent cluster.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	cluster_teardown
}

@test "bsub -gpu num=x: -gpu read by name, never as -g pu; a bad value queues nothing" {
	run -255 --separate-stderr bsub -gpu num=x true
	assert_equal "$stderr" "num=x: Bad argument for option -gpu (num must be a number of GPUs from 1 to 64 (optionally /task or /host), not 'x'). Job not submitted."
	assert_equal "$output" ""
	run -255 --separate-stderr bsub <<<$'#BSUB -gpu mode=fast\ntrue'
	assert_output ""
	[[ "$stderr" == *"Bad argument for option -gpu"* ]]
	run -255 --separate-stderr bjobs -a	# the first test: no job at all
	assert_equal "$stderr" "No job found"
	submit -gpu num=1 -H true	# not -g pu: no job group
	run -0 bjobs -noheader -o "job_group" "$JOBID"
	assert_equal "$output" "-"
	bkill "$JOBID" >/dev/null
}

@test "bsub -Jd mydesc: the job description (bjobs -l, -o job_description), not -J d" {
	submit -Jd mydesc -H true
	local desc=$JOBID
	run -0 bjobs -noheader -o "job_name job_description delimiter='|'" "$JOBID"
	assert_output "true|mydesc"
	run -0 bjobs -l "$JOBID"
	assert_output --partial "Job Description <mydesc>"
	assert_output --partial "Command <true>"
	submit -H true		# no description: not selected below
	# bjobs -Jd selects by description (not -J d): table, -o and -l
	run -0 bjobs -noheader -Jd mydesc
	assert_output --regexp "^$desc "
	assert_equal "${#lines[@]}" 1
	run -0 bjobs -noheader -o jobid -Jd 'my*'
	assert_output "$desc"
	run -0 bjobs -l -Jd 'my*'
	assert_output --partial "Job Description <mydesc>"
	run -255 --separate-stderr bjobs -Jd other
	assert_equal "$stderr" "No unfinished job found"
	bkill "$desc" "$JOBID" >/dev/null
}

@test "attached values: -n1 is -n 1, -oFILE is -o FILE" {
	submit -n1 -oattach.%J.out -H true
	run -0 bjobs -noheader -o "nreq_slot output_file delimiter='|'" "$JOBID"
	assert_output "1|attach.%J.out"
	bkill "$JOBID" >/dev/null
}

@test "bjobs -Z: illegal option, with the usage; bjobs -J without a value is refused" {
	run -255 --separate-stderr bjobs -Z
	assert_output ""
	[[ "$stderr" == "bjobs: illegal option -- Z"$'\n'"Usage: bjobs "* ]]
	run -255 --separate-stderr bjobs -aZ
	[[ "$stderr" == "bjobs: illegal option -- Z"* ]]
	run -255 --separate-stderr bjobs -J
	[[ "$stderr" == "bjobs: option requires an argument -- J"* ]]
}

@test "bjobs -r/-p/-d/-s with an array's id: only the elements in those states" {
	# element 1 ends at once, then (slot limit 1) element 2 runs, 3 waits
	submit -J "st[1-3]%1" '[ "$LSB_JOBINDEX" = 1 ] || sleep 60'
	local id=$JOBID
	wait_for bash -c "bjobs -noheader -o 'jobindex stat' $id | grep -qx '2 RUN'"
	run -0 bjobs -noheader -o "jobindex stat" -r "$id"
	assert_output "2 RUN"
	run -0 bjobs -noheader -o "jobindex stat" -p "$id"
	assert_output "3 PEND"
	run -0 bjobs -noheader -o "jobindex stat" -d "$id"
	assert_output "1 DONE"
	run -0 bjobs -noheader -o "jobindex stat" -rd "$id"
	assert_output $'1 DONE\n2 RUN'
	run -255 --separate-stderr bjobs -s "$id"
	assert_output ""
	assert_equal "$stderr" "Job <$id> is not suspended"
	run -255 --separate-stderr bjobs -r "$id[3]"
	assert_equal "$stderr" "Job <$id[3]> is not running"
	run -0 bjobs -noheader -o "jobindex stat" "$id"	# no filter: every element
	assert_equal "${#lines[@]}" 3
	bkill "$id" >/dev/null
}

@test "bjobs -r with a pending job's id: 'Job <N> is not running', exit 255; others still print" {
	submit -H true
	local held=$JOBID
	submit 'sleep 60'
	local run=$JOBID
	wait_job_state "$run" RUN
	run -255 --separate-stderr bjobs -r "$held"
	assert_output ""
	assert_equal "$stderr" "Job <$held> is not running"
	run -255 --separate-stderr bjobs -noheader -o "jobid stat" -r "$run" "$held"
	assert_output "$run RUN"
	assert_equal "$stderr" "Job <$held> is not running"
	run -255 --separate-stderr bjobs -d "$run"
	assert_equal "$stderr" "Job <$run> is not finished"
	run -0 bjobs -noheader -o "jobid stat" -p "$held"
	assert_output "$held PSUSP"
	run -0 bjobs -noheader -o "jobid stat" -a "$held"
	assert_output "$held PSUSP"
	bkill "$held" "$run" >/dev/null
}

@test "every command refuses an unknown option with the one message, before any request" {
	local c
	for c in bjobs bkill bstop bresume brequeue bswitch bmod btop bbot bwait \
	    bpeek bqueues bhosts bhist bacct bparams lsclusters lsload lshosts; do
		run --separate-stderr "$c" -Z 1
		[ "$status" -ne 0 ] || { echo "$c -Z: status 0"; return 1; }
		[[ "$stderr" == *"illegal option -- Z"* ]] || { echo "$c: $stderr"; return 1; }
	done
	run --separate-stderr badmin reconfig -Z
	[[ "$stderr" == "badmin reconfig: illegal option -- Z" ]]
}

@test "bmod -Jd sets the description, -Jdn removes it; bkill -sKILL attaches the signal" {
	submit -H true
	run -0 bmod -Jd later "$JOBID"
	run -0 bjobs -noheader -o job_description "$JOBID"
	assert_output later
	run -0 bmod -Jdn "$JOBID"
	run -0 bjobs -noheader -o job_description "$JOBID"
	[ "$output" = "-" ]	# empty, as -o shows it
	bkill "$JOBID" >/dev/null
	submit 'sleep 60'
	wait_job_state "$JOBID" RUN
	run -0 bkill -sKILL "$JOBID"
	wait_job_state "$JOBID" EXIT
	run -0 bjobs -noheader -o exit_code "$JOBID"
	assert_output 137
}
