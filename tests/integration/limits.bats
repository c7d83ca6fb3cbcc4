#!/usr/bin/env bats
# Limits, pre/post-exec and load indices on a heterogeneous cluster: a
# small node1 (2 cores, 1 GB) and a bigger host added with pumice cluster
# add (8 cores, 8 GB). A queue "limq" with RUNLIMIT, PRE_EXEC and
# POST_EXEC is added and the cluster restarted, which also shows that
# start brings the added host back.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2 --mem 1G
	pumice cluster add "$CLUSTER_DIR" big --cpus 8 --mem 8G
	cat >>"$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.queues" <<EOF

Begin Queue
QUEUE_NAME = limq
PRIORITY = 10
RUNLIMIT = 3s
PRE_EXEC = touch $DATA/queue_pre
POST_EXEC = echo \$LSB_JOBEXIT_STAT > $DATA/queue_post
End Queue
EOF
	printf 'PUMICE_RUNLIMIT_GRACE=2\nPUMICE_PREEXEC_RETRY=1\n' >>"$CLUSTER_DIR/conf/lsf.conf"
	pumice cluster stop "$CLUSTER_DIR" 2>/dev/null
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
}

teardown_file() {
	cluster_teardown
}

# True when the pre-exec of the test below ran at least $1 times.
tries_at_least() {
	[ "$(cat tries 2>/dev/null | wc -l)" -ge "$1" ]
}

@test "the added host is back after a restart, with its own size" {
	run -0 bhosts
	assert_line --regexp '^big +ok +- +8 +'
	assert_line --regexp '^node1 +ok +- +2 +'
}

@test "lshosts shows every host with its pretended cores and memory" {
	run -0 lshosts
	assert_line --index 0 --regexp '^HOST_NAME +type +model +cpuf +ncpus +maxmem +maxswp +server +RESOURCES$'
	# cluster add gave big a row with (local) in lsf.cluster, read at restart
	assert_line --regexp '^big +[^ ]+ +[^ ]+ +1\.0 +8 +8\.0G +[^ ]+ +Yes +\(local\)$'
	assert_line --regexp '^node1 +[^ ]+ +[^ ]+ +1\.0 +2 +1\.0G +[^ ]+ +Yes +\(local\)$'
	run -0 lshosts -json big
	assert_output --partial '"ncpus": 8'
}

@test "lsload shows the load indices of every host" {
	run -0 lsload
	assert_line --index 0 --regexp '^HOST_NAME +status +r15s +r1m +r15m +ut +pg +ls +it +tmp +swp +mem$'
	assert_line --regexp '^big +ok +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+% +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9.]+[MG] +[0-9.]+[MG] +[0-9.]+[MG]$'
	assert_line --regexp '^node1 +ok .* [0-9.]+[MG]$'
	run -0 lsload -l node1
	assert_line --index 0 --regexp ' pg +io +ls '
	run -0 lsload -json
	assert_output --partial '"tmp_total"'
	run -255 lsload nosuchhost
}

@test "a job over its memory limit ends EXIT with TERM_MEMLIMIT" {
	# killed because pumice cluster enables LSB_MEMLIMIT_ENFORCE; LSF's
	# default without it is in memlimit.bats
	run -0 grep -x LSB_MEMLIMIT_ENFORCE=Y "$CLUSTER_DIR/conf/lsf.conf"
	# the kernel may kill only tail; the rest of the job goes with it
	submit -M 50 'head -c 300m /dev/zero | tail >/dev/null; sleep 3; echo survived >done'
	wait_job_state "$JOBID" EXIT 30
	run -0 job_field "$JOBID" exit_reason
	assert_output "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit"
	[ ! -e done ]	# had the shell lived on, done would be there before its end
}

@test "a job under its memory limit is DONE" {
	submit -M 200 'head -c 20m /dev/zero | tail >/dev/null'
	wait_job_state "$JOBID" DONE 30
}

@test "at its run limit a job gets SIGUSR2, then is killed: TERM_RUNLIMIT" {
	submit -W 2s "trap 'echo USR2 >warned' USR2; sleep 30 & wait; sleep 30 & wait"
	local first=$JOBID
	submit -q limq sleep 30
	wait_job_state "$first" EXIT 30
	run -0 job_field "$first" exit_reason
	assert_output "TERM_RUNLIMIT: job killed after reaching LSF run time limit"
	run -0 cat warned
	assert_output USR2
	wait_job_state "$JOBID" EXIT 30
	run -0 job_field "$JOBID" exit_reason
	assert_output "TERM_RUNLIMIT: job killed after reaching LSF run time limit"
	# the queue's PRE_EXEC ran before, its POST_EXEC before the end was
	# reported, with the raw wait status: killed by SIGUSR2 (no trap)
	[ -e "$DATA/queue_pre" ]
	run -0 cat "$DATA/queue_post"
	assert_output 12
}

@test "a failing pre-exec requeues the job without running it" {
	submit -E "test -e ok || { echo try >>tries; exit 1; }" 'echo ran >>ran'
	wait_for -t 30 tries_at_least 2
	[ ! -e ran ]
	run -0 job_stats "$JOBID"
	assert_output --regexp '^(PEND|RUN)$'
	touch ok
	wait_job_state "$JOBID" DONE 30
	run -0 cat ran
	assert_output ran
}

@test "bkill ends a job whose pre-exec hangs" {
	submit -E "touch started; sleep 60" 'echo ran >ran'
	wait_for -t 30 test -e started
	run -0 bkill "$JOBID"
	wait_job_state "$JOBID" EXIT 15
	[ ! -e ran ]
}

@test "the post-exec runs after the job with its status, before the end is reported" {
	submit -Ep 'echo "$LSB_JOBEXIT_STAT" >post' 'exit 3'
	wait_job_state "$JOBID" EXIT 30
	run -0 cat post
	assert_output 768
}

@test "stdin from -i, the submitter's umask and limits, one cpu per slot" {
	echo from-file >in.txt
	(umask 027; ulimit -S -n 512; submit -i in.txt -o out.txt \
		'cat; umask; ulimit -n; grep Cpus_allowed_list /proc/self/status'; echo "$JOBID" >id)
	JOBID=$(cat id)
	wait_job_state "$JOBID" DONE 30
	run -0 cat out.txt
	assert_line from-file
	assert_line 0027
	assert_line 512
	assert_line --regexp '^Cpus_allowed_list:[[:space:]]+[0-9]+$'
}

@test "-L runs the job under a login shell" {
	submit -L /bin/bash -o out.txt 'shopt -q login_shell && echo login'
	wait_job_state "$JOBID" DONE 30
	run -0 grep -x login out.txt
}

@test "pumice cluster stop stops the added agent too" {
	local pid
	pid=$(cat "$CLUSTER_DIR/run/big.pid")
	[ -d "/proc/$pid" ]
	pumice cluster stop "$CLUSTER_DIR" 2>/dev/null
	wait_for -t 15 test ! -d "/proc/$pid"
}
