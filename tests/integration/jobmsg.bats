#!/usr/bin/env bats
# bpost/bread (LSF's job messages): a message at an index, a file attached
# and copied back, the permission rules (others may read descriptions but
# neither post nor read attached data), messages surviving kill -9 of the
# master and read from the history once the job left memory (the last
# test shortens CLEAN_PERIOD).

load helpers

teardown() {
	bkill 0 >/dev/null 2>&1 || true
	test_teardown
}

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	cluster_teardown
}

@test "bpost posts to index 0 by default and bread reads it back" {
	submit sleep 30
	local id=$JOBID
	run -0 bpost -d "stage one done" "$id"
	assert_output "Job <$id>: Message <0> has been posted."
	run -0 bread "$id"
	assert_line --index 0 --regexp '^JOBID +MSG_ID +FROM +POST_TIME +MESSAGE +ATTACHMENT$'
	assert_line --index 1 --regexp "^$id +0 +$ME +[A-Z][a-z]{2} +[0-9]+ [0-9]{2}:[0-9]{2} +stage one done +N$"
	# no -d: LSF's "no description"; another index leaves 0 alone
	run -0 bpost -i 3 "$id"
	run -0 bread -i 3 "$id"
	assert_line --index 1 --regexp " no description +N$"
	run -0 bread -i0 "$id"
	assert_line --index 1 --regexp " stage one done +N$"
	# a new post to an index replaces the message there
	run -0 bpost -i 3 -d "second" "$id"
	run -0 bread -i 3 "$id"
	assert_line --index 1 --regexp " second +N$"
	run -255 --separate-stderr bread -i 7 "$id"
	assert_regex "$stderr" "Job <$id>: No message available"
	run -255 --separate-stderr bpost -i 128 -d x "$id"
	assert_regex "$stderr" "out of range"
	run -255 --separate-stderr bpost -x "$id"
	assert_regex "$stderr" "illegal option -- x"
	run -255 --separate-stderr bread 999999
	assert_regex "$stderr" "Job <999999>: No matching job found"
	bkill "$id"
}

@test "bpost/bread -J select the caller's latest job of that name; -N sets the notification level" {
	submit -J msgjob sleep 30
	local older=$JOBID
	submit -J msgjob sleep 30
	local id=$JOBID
	run -0 bpost -J msgjob -d "by name" -N warning
	assert_output "Job <$id>: Message <0> has been posted."
	run -0 bread -J msgjob
	assert_line --index 0 --regexp '^JOBID +MSG_ID +FROM +POST_TIME +MESSAGE +ATTACHMENT +NOTIFICATION$'
	assert_line --index 1 --regexp "^$id +0 +$ME .* by name +N +WARNING$"
	run -255 --separate-stderr bread "$older"
	assert_regex "$stderr" "No message available"
	# bjobs -l lists the job's messages, with the level
	run -0 bjobs -l "$id"
	assert_line ' EXTERNAL MESSAGES:'
	assert_line --regexp '^ MSG_ID +FROM +POST_TIME +MESSAGE +ATTACHMENT +NOTIFICATION$'
	assert_line --regexp "^ 0 +$ME +[A-Z][a-z]{2} +[0-9]+ [0-9]{2}:[0-9]{2} +by name +N +WARNING$"
	run -0 bjobs -l "$older"
	refute_line ' EXTERNAL MESSAGES:'
	# clustered and attached forms from the shared parser
	run -0 bpost -i1 -dplain -Jmsgjob
	run -0 bread -w -i 1 "$id"
	assert_line --index 0 --regexp ' ATTACHMENT$'
	assert_line --index 1 --regexp " plain +N$"
	run -255 --separate-stderr bpost -N LOUD -d x "$id"
	assert_regex "$stderr" "LOUD: Bad notification level"
	run -255 --separate-stderr bpost -N ERROR "$id"
	assert_regex "$stderr" "-N needs -d"
	run -255 --separate-stderr bpost -J nosuchname -d x
	assert_regex "$stderr" "Job <nosuchname>: No matching job found"
	run -255 --separate-stderr bpost -J msgjob "$id"
	assert_regex "$stderr" "Usage: bpost"
	run -255 --separate-stderr bread -i
	assert_regex "$stderr" "option requires an argument -- i"
	# the level is recorded with the message: it survives a restart
	kill -9 "$(cat "$CLUSTER_DIR/run/master.pid")"
	run -0 pumice cluster start "$CLUSTER_DIR"
	run -0 bread "$id"
	assert_line --index 1 --regexp " by name +N +WARNING$"
	bkill "$older" "$id"
}

@test "bpost -a attaches a file, bread -a copies it back byte for byte" {
	submit sleep 30
	local id=$JOBID
	head -c 20000 /dev/urandom > data.bin
	run -0 bpost -i 1 -d "with data" -a data.bin "$id"
	run -0 bread -i 1 -a copy.bin "$id"
	assert_line --index 1 --regexp " with data +Y$"
	cmp data.bin copy.bin
	# the size limit is refused before anything is sent
	head -c 1048577 /dev/zero > big.bin
	run -255 --separate-stderr bpost -a big.bin "$id"
	assert_regex "$stderr" "larger than 1048576 bytes"
	bkill "$id"
}

@test "an array element has messages of its own" {
	submit -J "msgs[1-2]" sleep 30
	local id=$JOBID
	run -0 bpost -d "elem two" "$id[2]"
	run -255 --separate-stderr bread "$id[1]"
	assert_regex "$stderr" "No message available"
	run -0 bread "$id[2]"
	assert_line --index 1 --regexp "^$id\[2\] .* elem two +N$"
	# -J takes the element too
	run -0 bread -J "msgs[2]"
	assert_line --index 1 --regexp "^$id\[2\] .* elem two +N$"
	run -0 bpost -J "msgs[1]" -d "elem one"
	run -0 bread "$id[1]"
	assert_line --index 1 --regexp "^$id\[1\] .* elem one +N$"
	run -255 --separate-stderr bpost "$id[5]"
	assert_regex "$stderr" "No matching job found"
	bkill "$id"
}

@test "another user may read a description but not post or read data" {
	require_root
	local envs=(env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR")
	submit sleep 30
	local id=$JOBID
	echo secret > s.txt
	run -0 bpost -d "mine" -a s.txt "$id"
	run -255 --separate-stderr as_nobody "${envs[@]}" bpost -d "theirs" "$id"
	assert_regex "$stderr" "Job <$id>: User permission denied"
	run -0 as_nobody "${envs[@]}" bread "$id"
	assert_line --index 1 --regexp " mine +Y$"
	run -255 --separate-stderr as_nobody "${envs[@]}" bread -a /tmp/nobody.copy "$id"
	assert_regex "$stderr" "User permission denied"
	[ ! -e /tmp/nobody.copy ]
	run -0 bread "$id"
	assert_line --index 1 --regexp " mine +Y$"
	bkill "$id"
}

@test "messages survive kill -9 of the master" {
	submit true
	local id=$JOBID
	wait_job_state "$id" DONE
	printf 'kept\n' > k.txt
	run -0 bpost -i 2 -d "after the end" -a k.txt "$id"
	kill -9 "$(cat "$CLUSTER_DIR/run/master.pid")"
	run -0 pumice cluster start "$CLUSTER_DIR"
	run -0 bread -i 2 -a k.copy "$id"
	assert_line --index 1 --regexp "^$id +2 +$ME .* after the end +Y$"
	cmp k.txt k.copy
	# bhist -l tells of it as LSF's does
	run -0 bhist -l -UF "$id"
	assert_output --partial 'External Message "after the end" was posted from "'"$ME"'" to message box 2;'
}

@test "a job past CLEAN_PERIOD: its messages still read from the history, no new post" {
	local pid params=$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.params
	sed -i 's/^CLEAN_PERIOD = .*/CLEAN_PERIOD = 2/' "$params"
	pid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill -TERM "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	pumice cluster start "$CLUSTER_DIR" >/dev/null
	submit true
	local id=$JOBID
	wait_job_state "$id" DONE
	run -0 bpost -d "before purge" "$id"
	wait_for -t 40 bash -c "! bjobs -a -noheader -o jobid 2>/dev/null | grep -qx '$id'"
	run -0 bread "$id"
	assert_line --index 1 --regexp " before purge +N$"
	run -255 --separate-stderr bpost -d "too late" "$id"
	assert_regex "$stderr" "Job <$id>: No matching job found"
}
