#!/usr/bin/env bats
# The scheduler on a mixed cluster: two small agents (2 cores, 1 GB) and a
# bigger one started by hand (4 cores, 4 GB, resource "bigmem"), with
# queues that carry limits, exclusive use and user priorities.

load helpers

# Starts one more agent in the cluster, as pumice-cluster does.
start_big_agent() {
	mkdir -p "$CLUSTER_DIR/spool/big"
	setsid "$PUMICE_BIN/pumice-agent" -e "$CLUSTER_DIR/conf" --host big \
		--spool "$CLUSTER_DIR/spool/big" --socket "$CLUSTER_DIR/run/agent-big.sock" \
		--log "$CLUSTER_DIR/log/big.log" --pid "$CLUSTER_DIR/run/big.pid" \
		--cpus 4 --mem 4G </dev/null >>"$CLUSTER_DIR/log/big.out" 2>&1 &
}

write_sched_conf() {
	local c=$CLUSTER_DIR/conf d=$CLUSTER_DIR/conf/lsbatch/pumice/configdir
	sed -i 's/^End Host$/big  !  !  1  (local bigmem)\nEnd Host/' "$c/lsf.cluster.pumice"
	cat >>"$d/lsb.queues" <<'Q'

Begin Queue
QUEUE_NAME = lim
PRIORITY = 10
UJOB_LIMIT = 1
End Queue

Begin Queue
QUEUE_NAME = one
PRIORITY = 10
QJOB_LIMIT = 1
End Queue

Begin Queue
QUEUE_NAME = excl
PRIORITY = 10
EXCLUSIVE = Y
End Queue

Begin Queue
QUEUE_NAME = fair
PRIORITY = 10
QJOB_LIMIT = 1
FAIRSHARE = USER_SHARES[[root, 10] [default, 1]]
End Queue
Q
	sed -i 's/^End Parameters$/MAX_USER_PRIORITY = 100\nEnd Parameters/' "$d/lsb.params"
	printf 'Begin Host\nHOST_NAME MXJ JL/U\nnode1 3 -\ndefault ! -\nEnd Host\n' >"$d/lsb.hosts"
}

host_ok() {
	bhosts "$1" 2>/dev/null | grep -Eq "^$1 +ok "
}

setup_file() {
	cluster_start -n 2 --cpus 2 --mem 1G
	write_sched_conf
	badmin reconfig >/dev/null 2>&1
	start_big_agent
	wait_for -t 30 host_ok big
}

teardown_file() {
	cluster_teardown
}

submit_as_nobody() {
	local out
	out=$(as_nobody env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" bsub "$@") || return 1
	[[ "$out" =~ $SUBMIT_RE ]] || return 1
	JOBID=${BASH_REMATCH[1]}
}

# pend_text ID: the bjobs -p reason lines of job ID.
pend_text() {
	bjobs -p "$1" 2>/dev/null | grep '^ '
}

@test "lsb.hosts MXJ sets a host's slots" {
	run -0 bhosts node1 node2
	assert_line --regexp '^node1 +ok +- +3 '
	assert_line --regexp '^node2 +ok +- +2 '
}

@test "a memory-heavy job waits for the one host that fits, then runs there" {
	submit -R "rusage[mem=3G]" sleep 30
	local big=$JOBID
	wait_job_state "$big" RUN
	[ "$(exec_host "$big")" = big ]
	submit -R "rusage[mem=2048]" sleep 1
	local heavy=$JOBID
	wait_for job_in_state "$heavy" PEND
	wait_for bash -c "bjobs -p $heavy | grep -q 'needs 2 GB on one host, largest free 1 GB'"
	run -0 pend_text "$heavy"
	assert_output --regexp "Job's requirements for reserving resource \(mem\) not satisfied: needs 2 GB on one host, largest free 1 GB \((node1|node2|big)\);"
	bkill "$big"
	wait_job_state "$heavy" RUN
	[ "$(exec_host "$heavy")" = big ]
}

@test "span[hosts=1] keeps all -n slots on one host; ptile splits them" {
	submit -n 3 -R "span[hosts=1]" sleep 1
	wait_for job_in_state "$JOBID" RUN
	run -0 job_field "$JOBID" exec_host
	assert_output "big:big:big"
	bkill "$JOBID" >/dev/null || true
	submit -n 4 -R "span[ptile=2]" -R "select[!bigmem]" sleep 1
	wait_for job_in_state "$JOBID" RUN
	run -0 job_field "$JOBID" exec_host
	assert_output "node1:node1:node2:node2"
	bkill "$JOBID" >/dev/null || true
}

@test "select over lsf.cluster resources and host attributes" {
	submit -R "select[bigmem]" hostname
	wait_job_state "$JOBID" DONE
	[ "$(exec_host "$JOBID")" = big ]
	submit -R "maxmem > 2G order[-slots]" hostname
	wait_job_state "$JOBID" DONE
	[ "$(exec_host "$JOBID")" = big ]
	submit -R "select[hname==node2]" hostname
	wait_job_state "$JOBID" DONE
	[ "$(exec_host "$JOBID")" = node2 ]
	# type and model as lshosts prints them, and the tmp index lsload shows
	local type model
	type=$(lshosts -w node2 | awk 'NR == 2 { print $2 }')
	model=$(lshosts -w node2 | awk 'NR == 2 { print $3 }')
	submit -R "select[type==$type && model==$model && hname==node2 && tmp>1 && defined(local)]" hostname
	wait_job_state "$JOBID" DONE
	[ "$(exec_host "$JOBID")" = node2 ]
}

@test "a bad -R, -x outside an EXCLUSIVE queue and -sp without range are refused" {
	run -255 bsub -R "span[hosts=2]" true
	assert_output --partial "Bad resource requirement syntax"
	assert_output --partial "Job not submitted"
	run -255 bsub -R "select[speed>3]" true
	assert_output --partial "unknown load index or attribute 'speed'"
	run -255 bsub -x true
	assert_output --partial "Queue does not accept EXCLUSIVE jobs"
	run -255 bsub -sp 500 true
	assert_output --partial "MAX_USER_PRIORITY"
	run -255 bsub -m nosuchhost true
	assert_output --partial "nosuchhost: Bad host name"
}

@test "a job that fits nowhere says what it needs" {
	submit -n 6 -R "span[hosts=1]" true
	# the job of an earlier test may still be ending on big
	wait_for bash -c "bjobs -p $JOBID | grep -q 'spanning requirement.*most free 4'"
	run -0 pend_text "$JOBID"
	assert_output --regexp "Not enough processors to meet the job's spanning requirement: needs 6 slots on one host; most free 4 \(big\);"
	# the same words and constraint in -o and -json (Toil reads PEND_REASON)
	run -0 bjobs -json -o "jobid pend_reason" "$JOBID"
	assert_output --partial "\"PEND_REASON\":\"Not enough processors to meet the job's spanning requirement: needs 6 slots on one host; most free 4 (big)\""
	bkill "$JOBID"
}

@test "a span[hosts=1] job blocked by scattered free slots reserves a host; later small jobs do not starve it" {
	# node2 and big each have one free slot; the job on node2 ends first
	submit -m node2 -W 10 sleep 600
	local a=$JOBID
	submit -m big -n 3 sleep 600
	local b=$JOBID
	wait_job_state "$a" RUN
	wait_job_state "$b" RUN
	submit -n 2 -R "span[hosts=1]" -m "node2 big" sleep 1
	local x=$JOBID
	wait_for bash -c "bjobs -p $x | grep -q 'spanning requirement'"
	# later jobs that prefer node2 get big: node2's free slot is held
	submit -m "node2+1 big" sleep 600
	local s1=$JOBID
	wait_job_state "$s1" RUN
	[ "$(exec_host "$s1")" = big ]
	submit -m "node2+1 big" sleep 600
	local s2=$JOBID
	wait_for bash -c "bjobs -p $s2 | grep -q '1 more held for job $x'"
	job_in_state "$s2" PEND
	bkill "$a"
	wait_job_state "$x" DONE
	run -0 job_field "$x" exec_host
	assert_output "node2:node2"
	bkill "$b" "$s1" "$s2" >/dev/null || true
}

@test "JL/U: bhosts shows it, the pending reason names limit, count and host, RSV counts the held slot" {
	local d=$CLUSTER_DIR/conf/lsbatch/pumice/configdir
	cp "$d/lsb.hosts" lsb.hosts.saved
	printf 'Begin Host\nHOST_NAME MXJ JL/U\nnode1 3 -\nnode2 ! 1\ndefault ! -\nEnd Host\n' >"$d/lsb.hosts"
	badmin reconfig >/dev/null 2>&1
	wait_for bash -c "bhosts node2 | grep -Eq '^node2 +ok +1 +2 '"
	run -0 bhosts node1
	assert_line --regexp '^node1 +ok +- +3 '
	submit -m node2 sleep 600
	local first=$JOBID
	wait_job_state "$first" RUN
	submit -m node2 sleep 1
	local second=$JOBID
	wait_for bash -c "bjobs -p $second | grep -q 'JL/U 1/1 on node2'"
	run -0 pend_text "$second"
	assert_output " Job slot limit reached: JL/U 1/1 on node2;"
	# the limited job holds node2's other slot until its own job ends
	wait_for bash -c "[ \"\$(bhosts node2 | awk 'NR == 2 { print \$9 }')\" = 1 ]"
	bkill "$first"
	wait_job_state "$second" DONE
	wait_for bash -c "[ \"\$(bhosts node2 | awk 'NR == 2 { print \$9 }')\" = 0 ]"
	cp lsb.hosts.saved "$d/lsb.hosts"
	badmin reconfig >/dev/null 2>&1
	wait_for bash -c "bhosts node2 | grep -Eq '^node2 +ok +- +2 '"
}

@test "UJOB_LIMIT in lsb.queues holds and the reason names it" {
	submit -q lim sleep 30
	local first=$JOBID
	submit -q lim sleep 1
	local second=$JOBID
	wait_job_state "$first" RUN
	wait_for bash -c "bjobs -p $second | grep -q 'user limit 1/1 in queue lim'"
	run -0 pend_text "$second"
	assert_output " The user has reached his/her job slot limit: user limit 1/1 in queue lim;"
	job_in_state "$second" PEND
	bkill "$first"
	wait_job_state "$second" DONE
}

@test "-sp user priority orders jobs within a queue" {
	submit -q one sleep 30
	local blocker=$JOBID
	wait_job_state "$blocker" RUN
	submit -q one -sp 10 sleep 30
	local low=$JOBID
	submit -q one -sp 50 sleep 30
	local high=$JOBID
	wait_for bash -c "bjobs -p $low | grep -q 'queue limit 1/1 in queue one'"
	bkill "$blocker"
	wait_job_state "$high" RUN
	job_in_state "$low" PEND
	bkill "$high" "$low" >/dev/null || true
}

@test "-x runs alone on its host and bhosts shows closed_Excl" {
	submit -q excl -x -R "select[bigmem]" sleep 30
	local x=$JOBID
	wait_job_state "$x" RUN
	wait_for bash -c "bhosts -w big | grep -Eq '^big +closed_Excl '"
	submit -R "select[bigmem]" true
	local other=$JOBID
	wait_for bash -c "bjobs -p $other | grep -q 'Not enough job slot'"
	job_in_state "$other" PEND
	bkill "$x"
	wait_job_state "$other" DONE
}

@test "fairshare: the user with more shares goes first, not the earlier job" {
	require_root
	submit_as_nobody -q fair sleep 30
	local blocker=$JOBID
	wait_job_state "$blocker" RUN
	submit_as_nobody -q fair sleep 30
	local theirs=$JOBID
	submit -q fair sleep 30
	local mine=$JOBID
	wait_for bash -c "bjobs -p $theirs | grep -q 'queue limit 1/1 in queue fair'"
	bkill "$blocker"
	wait_job_state "$mine" RUN
	job_in_state "$theirs" PEND
	bkill "$mine" "$theirs" >/dev/null || true
}
