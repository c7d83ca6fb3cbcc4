#!/usr/bin/env bats
# Memory limits as LSF defines them (lsf.conf(5)): without
# LSB_JOB_MEMLIMIT or LSB_MEMLIMIT_ENFORCE, -M is each process's OS limit
# (RLIMIT_RSS, "ulimit -m") and a job over it lives, unless the limit is
# hard ("-M 10!"); LSB_MEMLIMIT_ENFORCE=Y kills on the job's total and
# keeps the per-process limit; LSB_JOB_MEMLIMIT=Y kills on the total and
# sets no per-process limit. pumice cluster writes LSB_MEMLIMIT_ENFORCE=Y:
# this file removes it first.

load helpers

# memlimit_conf [KEY=VALUE]: lsf.conf without either key, plus the one
# given; the master (which decides) restarted to read it.
memlimit_conf() {
	local pid conf=$CLUSTER_DIR/conf/lsf.conf
	sed -i '/^LSB_JOB_MEMLIMIT=/d; /^LSB_MEMLIMIT_ENFORCE=/d' "$conf"
	[ -z "${1:-}" ] || echo "$1" >>"$conf"
	pid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill -TERM "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	pumice cluster start "$CLUSTER_DIR" >/dev/null
}

setup_file() {
	cluster_start -n 1 --cpus 2 --mem 1G
}

teardown_file() {
	cluster_teardown
}

# A job of 100 MB in one process, over a 20 MB limit; "survived" if it ends.
HOG='head -c 100m /dev/zero | tail >/dev/null; sleep 2; echo survived >done'

@test "pumice cluster enables enforcement explicitly, with its reason" {
	run -0 grep -B2 '^LSB_MEMLIMIT_ENFORCE=Y$' "$CLUSTER_DIR/conf/lsf.conf"
	assert_output --partial "Pi has no memory to spare"
}

@test "LSF's default: -M is the per-process OS limit and the job lives" {
	memlimit_conf
	submit -M 20 -o out "ulimit -m; $HOG"
	wait_job_state "$JOBID" DONE 30
	run -0 cat done
	assert_output survived
	run -0 head -n 1 out
	assert_output 20480
}

@test "LSF's default: a hard limit -M 20! kills on the job's total" {
	memlimit_conf
	submit -M '20!' "$HOG"
	wait_job_state "$JOBID" EXIT 30
	run -0 job_field "$JOBID" exit_reason
	assert_output "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit"
	[ ! -e done ]
}

@test "LSB_MEMLIMIT_ENFORCE=Y kills on the total and keeps the process limit" {
	memlimit_conf LSB_MEMLIMIT_ENFORCE=Y
	submit -M 20 -o out "ulimit -m >limit; $HOG"
	wait_job_state "$JOBID" EXIT 30
	run -0 job_field "$JOBID" exit_reason
	assert_output "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit"
	[ ! -e done ]
	run -0 cat limit
	assert_output 20480
}

@test "LSB_JOB_MEMLIMIT=y kills on the total, with no per-process limit" {
	memlimit_conf LSB_JOB_MEMLIMIT=y
	submit -M 20 "ulimit -m >limit; $HOG"
	wait_job_state "$JOBID" EXIT 30
	run -0 job_field "$JOBID" exit_reason
	assert_output "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit"
	run -0 cat limit
	assert_output unlimited
	# a job under its limit is DONE whatever the keys
	submit -M 200 'head -c 20m /dev/zero | tail >/dev/null'
	wait_job_state "$JOBID" DONE 30
}
