#!/usr/bin/env bats
# bsubk.bats - bsub -K (wait for the job, exit with its status: LSF.md
# §1.1), the job script forms (#! interpreter, bsub script.sh with and
# without LSB_BSUB_PARSE_SCRIPT) and -eo / -oo overwriting.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 1
}

teardown_file() {
	cluster_teardown
}

@test "bsub -K: the success line on stdout, the waiting lines on stderr, the job's exit code" {
	run --separate-stderr bsub -K -o /dev/null 'exit 7'
	[ "$status" -eq 7 ]
	[[ "$output" =~ $SUBMIT_RE ]]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$stderr" == *"<<Waiting for dispatch ...>>"* ]]
	[[ "$stderr" == *"<<Starting on node1>>"* ]]
	[[ "$stderr" == *"<<Job is finished>>"* ]]
	run -0 bsub -K -o /dev/null true
}

@test "bsub -K of a job killed while pending exits 126" {
	submit -o /dev/null sleep 600
	local blocker=$JOBID
	wait_job_state "$blocker" RUN
	bsub -K -o /dev/null true >"$TESTDIR/k.out" 2>"$TESTDIR/k.err" &
	local kpid=$!
	wait_for grep -q 'is submitted' "$TESTDIR/k.out"
	local waiting
	waiting=$(sed -E 's/^Job <([0-9]+)>.*/\1/' "$TESTDIR/k.out")
	wait_job_state "$waiting" PEND
	bkill "$waiting"
	local rc=0
	wait "$kpid" || rc=$?
	bkill "$blocker"
	[ "$rc" -eq 126 ]
}

@test "a script on stdin runs under its #! interpreter, #BSUB options applied" {
	printf '#!/usr/bin/env python3\n#BSUB -J pyjob\n#BSUB -oo %s/py.out\nimport os\nprint("python", os.environ["LSB_JOBNAME"])\n' \
		"$TESTDIR" | bsub >"$TESTDIR/sub.out"
	JOBID=$(sed -E 's/^Job <([0-9]+)>.*/\1/' "$TESTDIR/sub.out")
	wait_job_state "$JOBID" DONE
	run grep -x "python pyjob" "$TESTDIR/py.out"
	assert_success
}

@test "bsub script.sh runs the file and ignores its #BSUB lines unless LSB_BSUB_PARSE_SCRIPT=Y" {
	printf '#!/bin/sh\n#BSUB -J fromscript\necho ran $LSB_JOBNAME\n' >"$TESTDIR/s.sh"
	chmod +x "$TESTDIR/s.sh"
	submit -oo "$TESTDIR/plain.out" "$TESTDIR/s.sh"
	wait_job_state "$JOBID" DONE
	run -0 bjobs -noheader -o job_name "$JOBID"
	assert_output "$TESTDIR/s.sh"
	JOBID=$(LSB_BSUB_PARSE_SCRIPT=Y bsub -oo "$TESTDIR/parsed.out" "$TESTDIR/s.sh" |
		sed -E 's/^Job <([0-9]+)>.*/\1/')
	wait_job_state "$JOBID" DONE
	run -0 bjobs -noheader -o job_name "$JOBID"
	assert_output fromscript
	run grep -x "ran fromscript" "$TESTDIR/parsed.out"
	assert_success
}

@test "-oo and -eo overwrite, -o and -e append" {
	echo old >"$TESTDIR/o"
	echo old >"$TESTDIR/e"
	submit -oo "$TESTDIR/o" -eo "$TESTDIR/e" 'echo out; echo err >&2'
	wait_job_state "$JOBID" DONE
	run head -n 1 "$TESTDIR/o"
	assert_output out
	run cat "$TESTDIR/e"
	assert_output err
	submit -o "$TESTDIR/o" -e "$TESTDIR/e" 'echo out2; echo err2 >&2'
	wait_job_state "$JOBID" DONE
	run grep -c '^out' "$TESTDIR/o"
	assert_output 2
	run cat "$TESTDIR/e"
	assert_output "err
err2"
}
