#!/usr/bin/env bats
# GPUs and other consumable resources (consum.h): two hosts with GPUs
# declared in lsf.cluster's ResourceMap (this machine has none to detect):
# node1 1 GPU, node2 2 GPUs, a cluster-wide licence pool of 1, and one
# Coral TPU on node2. Jobs that want more than is free wait; more than
# any host has pends with LSF's reason; the count survives a master
# kill -9 (rebuilt from the start events).

load helpers

setup_file() {
	cluster_start -n 2 --cpus 4
	cat >>"$CLUSTER_DIR/conf/lsf.shared" <<'EOF2'

Begin Resource
RESOURCENAME  TYPE     INTERVAL  INCREASING  CONSUMABLE  RELEASE  DESCRIPTION
licence       Numeric  ()        N           Y           Y        (Cluster-wide licences)
tpu           Numeric  ()        N           Y           Y        (Coral TPU)
End Resource
EOF2
	cat >>"$CLUSTER_DIR/conf/lsf.cluster.pumice" <<'EOF2'

Begin ResourceMap
RESOURCENAME    LOCATION
ngpus_physical  (1@[node1] 2@[node2])
licence         (1@[all])
tpu             (1@[node2])
End ResourceMap
EOF2
	badmin reconfig >/dev/null
}

teardown_file() {
	cluster_teardown
}

pid_of() {
	cat "$CLUSTER_DIR/run/$1.pid"
}

# first_lines FILE...: each job output's first line (the job's own output;
# the job report follows it), sorted, on one line.
first_lines() {
	local f
	for f in "$@"; do head -n 1 "$f"; done | sort | tr '\n' ' ' | sed 's/ $//'
}

@test "two 1-GPU jobs on a 1-GPU host run one after the other" {
	submit -m node1 -gpu "num=1:j_exclusive=yes" -o a.out 'echo $CUDA_VISIBLE_DEVICES; sleep 2'
	local a=$JOBID
	submit -m node1 -R "rusage[ngpus_physical=1]" -gpu "j_exclusive=yes" -o b.out 'echo $CUDA_VISIBLE_DEVICES'
	local b=$JOBID
	wait_job_state "$a" RUN
	run -0 job_field "$b" stat
	assert_output PEND
	run -0 bjobs -noheader -o pend_reason "$b"
	assert_output --partial "Job's requirements for reserving resource (ngpus_physical) not satisfied"
	wait_job_state "$a" DONE
	wait_job_state "$b" DONE
	run -0 first_lines a.out b.out
	assert_output "0 0"
}

@test "exclusive_process on a 2-GPU host: two jobs at once, distinct CUDA_VISIBLE_DEVICES" {
	submit -m node2 -gpu "num=1:mode=exclusive_process" -o c1.out 'echo $CUDA_VISIBLE_DEVICES; sleep 3'
	local c1=$JOBID
	submit -m node2 -gpu "num=1:mode=exclusive_process" -o c2.out 'echo $CUDA_VISIBLE_DEVICES; sleep 3'
	local c2=$JOBID
	wait_job_state "$c1" RUN
	wait_job_state "$c2" RUN	# both at once: one GPU each
	run -0 bhosts -gpu
	assert_line --regexp '^node2 +0 .* 1 +1 +0 +0$'
	assert_line --regexp '^ +1 .* 1 +1 +0 +0$'
	wait_job_state "$c1" DONE
	wait_job_state "$c2" DONE
	run -0 first_lines c1.out c2.out
	assert_output "0 1"
	# two GPUs in one job; bjobs -l lists them while it runs
	submit -gpu "num=2:j_exclusive=yes" -R "rusage[licence=1]" -o two.out \
	    'echo $CUDA_VISIBLE_DEVICES $LSB_RES_NGPUS_PHYSICAL; sleep 2'
	wait_job_state "$JOBID" RUN
	run -0 bjobs -l "$JOBID"
	assert_line " GPU_ALLOCATION:"
	assert_line --regexp '^ node2 +- +0 '
	assert_line --regexp '^ +- +1 '
	assert_line " node2: licence=1"
	wait_job_state "$JOBID" DONE
	run -0 first_lines two.out
	assert_output "0,1 2"
}

@test "a cluster-wide licence of 1: jobs on both hosts take turns, the job sees LSB_RES_LICENCE" {
	submit -m node1 -R "rusage[licence=1]" -o l1.out 'echo $LSB_RES_LICENCE; sleep 4'
	local l1=$JOBID
	submit -m node2 -R "rusage[licence=1]" -o l2.out 'echo $LSB_RES_LICENCE'
	local l2=$JOBID
	wait_job_state "$l1" RUN
	# meanwhile a job waits for node1's GPU: each names its own resource
	submit -m node1 -gpu "j_exclusive=yes" 'sleep 4'
	local g1=$JOBID
	wait_job_state "$g1" RUN
	submit -m node1 -gpu "j_exclusive=yes" true
	local g2=$JOBID
	wait_for bash -c "bjobs -noheader -o pend_reason $g2 | grep -q ngpus_physical"
	run -0 bjobs -noheader -o pend_reason "$l2"
	assert_output --partial "Job's requirements for reserving resource (licence) not satisfied"
	wait_job_state "$l1" DONE
	wait_job_state "$l2" DONE
	wait_job_state "$g2" DONE
	run -0 first_lines l1.out l2.out
	assert_output "1 1"
	# the TPU is node2's only
	submit -R "rusage[tpu=1]" -o tpu.out 'echo $LSB_RES_TPU'
	wait_job_state "$JOBID" DONE
	run -0 exec_host "$JOBID"
	assert_output node2
}

@test "more GPUs than any host has: PEND with the reason; lshosts and bhosts -l show the counts" {
	submit -gpu num=3 true
	local big=$JOBID
	wait_for bash -c "bjobs -noheader -o pend_reason $big | grep -q ngpus_physical"
	run -0 bjobs -l "$big"
	assert_output --partial "Job's requirements for reserving resource (ngpus_physical) not satisfied"
	assert_output --partial "the most is 2 (node2)"
	run -0 lshosts
	assert_line --regexp '^node2 .*\(local ngpus_physical=2 licence=1 tpu=1\)$'
	run -0 bhosts -l node2
	assert_output --partial "CONSUMABLE RESOURCES:"
	assert_line --regexp '^ Total +2 +1 +1$'
	run -0 lshosts -gpu
	assert_line --regexp '^node1 +0 '
	bkill "$big" >/dev/null
}

@test "master kill -9 under a running GPU job: the GPU stays held, then comes back" {
	submit -m node1 -gpu "num=1:j_exclusive=yes" 'sleep 5'
	local held=$JOBID
	wait_job_state "$held" RUN
	kill -9 "$(pid_of master)"
	run -0 pumice cluster start "$CLUSTER_DIR"
	submit -m node1 -gpu "num=1:j_exclusive=yes" -o after.out 'echo $CUDA_VISIBLE_DEVICES'
	local after=$JOBID
	run -0 bhosts -l node1
	assert_line --regexp '^ Reserved +1 +0$'
	run -0 job_field "$after" stat
	assert_output PEND
	wait_job_state "$held" DONE 60
	wait_job_state "$after" DONE
	run -0 bhosts -l node1
	assert_line --regexp '^ Reserved +0 +0$'
}

@test "bsub -gpu -: LSF's defaults (1 GPU, shared): two such jobs share node1's GPU" {
	submit -m node1 -gpu - 'sleep 3'
	local s1=$JOBID
	submit -m node1 -gpu - 'sleep 3'
	local s2=$JOBID
	wait_job_state "$s1" RUN
	wait_job_state "$s2" RUN
	run -0 bhosts -gpu node1
	assert_line --regexp '^node1 +0 .* 2 +2 +0 +0$'
	wait_job_state "$s1" DONE
	wait_job_state "$s2" DONE
}

# reserved_on HOST: the Reserved counts of bhosts -l HOST's consumables.
reserved_on() {
	bhosts -l "$1" | sed -n 's/^ Reserved *//p'
}

@test "bkill and brequeue of a running GPU job give its GPU back" {
	submit -m node1 -gpu "num=1:j_exclusive=yes" 'sleep 60'
	local k=$JOBID
	wait_job_state "$k" RUN
	run -0 reserved_on node1
	assert_output --regexp '^1 +0$'
	bkill "$k" >/dev/null
	wait_job_state "$k" EXIT
	wait_for bash -c "bhosts -l node1 | grep -Eq '^ Reserved +0 +0$'"
	submit -m node1 -gpu "num=1:j_exclusive=yes" 'sleep 60'
	local q=$JOBID
	wait_job_state "$q" RUN
	brequeue "$q" >/dev/null
	# requeued, it runs again (the GPU it held came back first)
	wait_for bash -c "bjobs -noheader -o stat $q | grep -qx RUN && bhosts -l node1 | grep -Eq '^ Reserved +1 +0$'"
	bkill "$q" >/dev/null
	wait_job_state "$q" EXIT
	wait_for bash -c "bhosts -l node1 | grep -Eq '^ Reserved +0 +0$'"
}

@test "bmod -gpu: a job asking too many GPUs asks fewer and runs; a bad -gpu is refused" {
	submit -gpu num=4 -o fewer.out 'echo $CUDA_VISIBLE_DEVICES'
	local f=$JOBID
	wait_for bash -c "bjobs -noheader -o pend_reason $f | grep -q ngpus_physical"
	run -255 --separate-stderr bmod -gpu num=many "$f"
	[[ "$stderr" == *"Bad argument for option -gpu"* ]]
	run -0 bmod -gpu "num=2:j_exclusive=yes" "$f"
	wait_job_state "$f" DONE
	run -0 first_lines fewer.out
	assert_output "0,1"
}
