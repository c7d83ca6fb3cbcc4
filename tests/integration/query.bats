#!/usr/bin/env bats
# The query surface tools parse: bjobs -l/-UF/-A/-json/-o as Toil,
# Snakemake and Cromwell call them, bhist -l -a, bacct -l, and a finished
# job found by its id after CLEAN_PERIOD (from the master's sqlite
# history), also after a master restart. CLEAN_PERIOD is 3 s here.

load helpers

# The master reads lsb.params at start: only it is restarted.
restart_master() {
	local pid
	pid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill "$1" "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	pumice cluster start "$CLUSTER_DIR" >/dev/null
}

setup_file() {
	cluster_start -n 2 --cpus 2
	sed -i 's/^CLEAN_PERIOD = .*/CLEAN_PERIOD = 3/' \
		"$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.params"
	restart_master -TERM
}

teardown_file() {
	cluster_teardown
}

# run_unwrapped CMD...: runs CMD (it must succeed), then joins the -l
# continuation lines in $output and $lines, as Toil reads them.
run_unwrapped() {
	run -0 "$@"
	output=$(printf '%s\n' "$output" | python3 -c \
		'import sys; sys.stdout.write(sys.stdin.read().replace("\n" + " " * 21, ""))')
	mapfile -t lines <<<"$output"
}

@test "bjobs -json -o with no jobs: exit 0 and an empty RECORDS list" {
	run -0 bjobs -json -o "jobid stat"
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["COMMAND"]=="bjobs" and d["JOBS"]==0 and d["RECORDS"]==[], d' "$output"
}

@test "bjobs -l of done, exit, running and pending jobs carries the words Toil greps" {
	submit -P proj1 -o out.%J -R "rusage[mem=10MB]" -M 100MB 'echo hello'
	local done=$JOBID
	submit 'exit 3'
	local bad=$JOBID
	submit sleep 30
	local running=$JOBID
	submit -w "done($running)" true
	local pending=$JOBID
	wait_job_state "$done" DONE
	wait_job_state "$bad" EXIT
	wait_job_state "$running" RUN
	run_unwrapped bjobs -l "$done"
	assert_line --regexp "^Job <$done>, Job Name <echo hello>, User <$ME>, Project <proj1>, Status <DONE>, Queue <normal>, Command <echo hello>$"
	assert_output --partial "Output File <out.%J>"
	assert_output --partial "Requested Resources <rusage[mem=10MB]>"
	assert_line --regexp '^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8}: Started on <node[12]>, '
	assert_line --regexp ': Done successfully\. The CPU time used is [0-9.]+ seconds\.$'
	assert_line --regexp '^ MAX MEM: [0-9.]+ [KMG]bytes;'
	run_unwrapped bjobs -l "$bad"
	assert_output --partial "Status <EXIT>"
	assert_output --partial "Exited with exit code 3."
	run -0 bjobs -l "$running"
	assert_output --partial "Started on "
	run -0 bjobs -UF -l "$pending"
	assert_line --regexp "^Job <$pending>, .*Status <PEND>, Queue <normal>, Command <true>$"
	assert_line " PENDING REASONS:"
	assert_line " Job dependency condition not satisfied;"
	# -l wraps at 80 columns, -UF does not
	run -0 bjobs -l "$done" "$bad" "$running"
	local long
	long=$(printf '%s\n' "$output" | awk 'length > 80' | wc -l)
	[ "$long" -eq 0 ]
	assert_line --regexp '^ {21}'
	run -0 bkill "$running" "$pending"
}

@test "Toil: bjobs -json -o 'jobid user exit_code stat exit_reason pend_reason' ID ID" {
	submit true
	local ok=$JOBID
	submit 'exit 7'
	local bad=$JOBID
	wait_job_state "$ok" DONE
	wait_job_state "$bad" EXIT
	echo "$ok $bad" >"$BATS_FILE_TMPDIR/finished"	# for bhist and bacct
	run -0 bjobs -json -o "jobid user exit_code stat exit_reason pend_reason" "$ok" "$bad"
	python3 - "$output" "$ok" "$bad" "$ME" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
ok, bad, me = sys.argv[2:5]
assert d["COMMAND"] == "bjobs" and d["JOBS"] == 2, d
r = {x["JOBID"]: x for x in d["RECORDS"]}
for x in d["RECORDS"]:
    assert list(x) == ["JOBID", "USER", "EXIT_CODE", "STAT", "EXIT_REASON", "PEND_REASON"], x
    assert all(isinstance(v, str) for v in x.values()), x
assert r[ok]["STAT"] == "DONE" and r[ok]["EXIT_CODE"] == "" and r[ok]["USER"] == me, r
assert r[bad]["STAT"] == "EXIT" and r[bad]["EXIT_CODE"] == "7", r
EOF
}

@test "Snakemake: bjobs -noheader -o 'jobid stat' -aJ '*pattern*'; Cromwell: -o stat ID" {
	submit -J "smk_rule_a_3f9c2e_x" true
	local id=$JOBID
	wait_for bash -c "bjobs -noheader -o 'jobid stat' -aJ '*3f9c2e*' | grep -qx '$id DONE'"
	run -0 bjobs -noheader -o stat "$id"
	assert_output "DONE"
	run -255 bjobs 999998
	assert_output "Job <999998> is not found"
}

@test "bjobs -A summarizes an array; -W shows the wide columns" {
	submit -J "qarr[1-4]" true
	local id=$JOBID
	wait_job_state "$id" DONE
	run -0 bjobs -A "$id"
	assert_line "JOBID    ARRAY_SPEC  OWNER   NJOBS PEND DONE  RUN EXIT SSUSP USUSP PSUSP"
	assert_line --regexp "^$id +qarr\[1-4\] +$ME +4 +0 +4 +0 +0 +0 +0 +0$"
	run -0 bjobs -W "$id"
	assert_line --index 0 "JOBID USER STAT QUEUE FROM_HOST EXEC_HOST JOB_NAME SUBMIT_TIME PROJ_NAME CPU_USED MEM SWAP PIDS START_TIME FINISH_TIME"
	assert_line --regexp "^$id $ME DONE normal .* [A-Z][a-z]{2} [ 0-9]{2} [0-9]{2}:[0-9]{2} L$"
}

@test "bjobs -o: nreq_slot, :unit, -hms, LSB_BJOBS_FORMAT, a narrow jobid, unique -json keys" {
	submit -n 2,3 -M 1024MB sleep 30
	local id=$JOBID
	wait_job_state "$id" RUN
	run -0 bjobs -noheader -o "jobid:1 nreq_slot slots memlimit::GB" "$id"
	assert_output --regexp "^$id 2,3 [23] 1\.00G$"
	run -0 bjobs -o "jobid:1 stat" "$id"
	assert_line --index 1 --regexp "^$id RUN$"
	run -0 bjobs -noheader -hms -o "run_time cpu_used" "$id"
	assert_output --regexp '^[0-9]{2}:[0-5][0-9]:[0-5][0-9] [0-9]{2}:[0-5][0-9]:[0-5][0-9]$'
	LSB_BJOBS_FORMAT="jobid stat" run -0 bjobs -noheader "$id"
	assert_output "$id RUN"
	run -0 bjobs -json -o "jobid id stat" "$id"
	python3 - "$output" "$id" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d["RECORDS"] == [{"JOBID": sys.argv[2], "STAT": "RUN"}], d
assert sys.argv[1].count('"JOBID"') == 1
EOF
	run -0 bkill "$id"
}

@test "bjobs -json -l and -json -A as records; bpeek -json" {
	submit -J "jarr[1-2]" -o out.%J.%I 'echo peeked; printf "\377\n"; sleep 30'
	local arr=$JOBID
	submit -H true
	local held=$JOBID
	wait_job_state "$arr" RUN
	run -0 bjobs -json -A "$arr"
	python3 - "$output" "$arr" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d["JOBS"] == 1, d
r = d["RECORDS"][0]
assert list(r) == ["JOBID", "ARRAY_SPEC", "OWNER", "NJOBS", "PEND", "DONE", "RUN",
    "EXIT", "SSUSP", "USUSP", "PSUSP"], r
assert r["JOBID"] == sys.argv[2] and r["ARRAY_SPEC"] == "jarr[1-2]", r
assert r["NJOBS"] == "2" and r["RUN"] == "2", r
EOF
	run -0 bjobs -json -l "$arr"
	python3 - "$output" "$arr" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d["JOBS"] == 2, d
for r in d["RECORDS"]:
    assert r["JOBID"] == sys.argv[2] and r["STAT"] == "RUN", r
    assert r["NREQ_SLOT"] == "1" and r["JOB_NAME"].startswith("jarr["), r
    # every value a string as LSF's, but the outcome record: an object or null
    assert len(r) > 40 and all(isinstance(v, str) for k, v in r.items()
        if k != "RESULT"), r
    assert r["RESULT"] is None or isinstance(r["RESULT"], dict), r
EOF
	wait_for bash -c "bpeek -json '$arr[1]' | grep -q peeked"
	run -0 bpeek -json "$arr[1]"
	python3 - "$output" "$arr" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d["COMMAND"] == "bpeek" and d["JOBID"] == sys.argv[2] + "[1]", d
assert d["OUTPUT"].startswith("peeked\n") and "\ufffd" in d["OUTPUT"], d
assert d["OUTPUT_FILE"].endswith("out.%s.1" % sys.argv[2]), d
EOF
	run -255 bpeek -json "$held"
	python3 - "$output" "$held" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d == {"COMMAND": "bpeek", "JOBID": sys.argv[2],
    "ERROR": "Job <%s> : Not yet started." % sys.argv[2]}, d
EOF
	run -0 bkill "$arr" "$held"
}

@test "bjobs: a missing element, an unknown queue or user is reported (rc 255); -u takes a user group" {
	submit -J "sel[1-2]" true
	local id=$JOBID
	wait_job_state "$id" DONE
	run -255 --separate-stderr bjobs -noheader -o "jobid jobindex" "$id[1-2,9]"
	assert_output "$id 1
$id 2"
	assert_equal "$stderr" "Job <$id[9]> is not found"
	run -255 --separate-stderr bjobs -json -o "jobid jobindex" "$id[2,9]"
	python3 - "$output" "$id" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
assert d["RECORDS"] == [{"JOBID": sys.argv[2], "JOBINDEX": "2"},
    {"ERROR": "Job <%s[9]> is not found" % sys.argv[2]}], d
EOF
	run -255 --separate-stderr bjobs -q nosuchq
	assert_equal "$stderr" "nosuchq: No such queue"
	run -255 --separate-stderr bjobs -u nosuchuser_x
	assert_equal "$stderr" "nosuchuser_x: No such user"
	cat >"$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.users" <<EOF
Begin UserGroup
GROUP_NAME   GROUP_MEMBER
qgroup       ($ME)
End UserGroup
EOF
	run -0 badmin reconfig
	submit sleep 30
	local live=$JOBID
	run -0 bjobs -noheader -o jobid -u qgroup
	assert_line "$live"
	run -0 bjobs -noheader -o jobid -u all
	assert_line "$live"
	run -0 bkill "$live"
}

@test "bhist -l -a shows Project <default>; bacct -l shows Completed <done> and <exit>" {
	local ok bad
	read -r ok bad <"$BATS_FILE_TMPDIR/finished"
	run_unwrapped bhist -l -a
	assert_line --regexp "^Job <$ok>, Job Name <true>, User <$ME>, Project <default>, Command <true>$"
	assert_output --partial "Completed <done>."
	run -0 bhist "$ok"
	assert_line --index 0 "Summary of time in seconds spent in various states:"
	assert_line --regexp "^$ok +$ME +true +[0-9]+ +0 +[0-9]+ +0 +0 +0 +[0-9]+$"
	run -0 bacct -l "$ok" "$bad"
	assert_output --partial "Status <DONE>"
	assert_output --partial "Completed <done>."
	assert_output --partial "Completed <exit>."
	assert_line --regexp '^ +CPU_T +WAIT +TURNAROUND +STATUS +HOG_FACTOR +MEM +SWAP$'
	assert_line --regexp '^ Total number of done jobs: +1 +Total number of exited jobs: +1$'
}

@test "bhist of more records than a reply may hold is refused up front with a hint; a narrower one answers" {
	submit -H -J 'hb[1-30000]' -o /dev/null true
	local big=$JOBID
	run -255 --separate-stderr bhist
	[[ "$stderr" == *"would hold 30"*" job records, over the limit of 20000"* ]]
	[[ "$stderr" == *"name jobs by ID"* ]]
	run -255 --separate-stderr bhist "$big"
	[[ "$stderr" == *"over the limit of 20000"* ]]
	run -0 bhist "$big[1-3]"
	assert_line --regexp "^$big\[2\] +$ME +hb\[2\] "
	run -0 lsid	# the master answered the refusals at once and is alive
	bkill "$big" >/dev/null
}

@test "a job past CLEAN_PERIOD leaves memory but bjobs ID, bhist and bacct still find it" {
	submit -P hist 'exit 4'
	local id=$JOBID
	wait_job_state "$id" EXIT
	# gone from the in-memory listing once CLEAN_PERIOD (3 s) is over ...
	wait_for -t 40 bash -c "! bjobs -a -noheader -o jobid 2>/dev/null | grep -qx '$id'"
	# ... still found by its id, from the history
	run -0 bjobs -noheader -o 'jobid stat exit_code proj_name' "$id"
	assert_output "$id EXIT 4 hist"
	run -0 bjobs -l "$id"
	assert_output --partial "Exited with exit code 4."
	run -0 bhist -l "$id"
	assert_output --partial "Project <hist>"
	run -0 bacct "$id"
	assert_line --regexp '^ Total number of done jobs: +0 +Total number of exited jobs: +1$'
	# and after a restart of the master, which does not replay it
	restart_master -KILL
	run -0 bjobs -noheader -o 'jobid stat' "$id"
	assert_output "$id EXIT"
	# a new job does not take its id
	submit true
	[ "$JOBID" -gt "$id" ]
}
