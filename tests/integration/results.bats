#!/usr/bin/env bats
# results.bats - a job's outcome record (issue 16): a JSON object the job
# writes to $PUMICE_RESULT or sets with bresult; a refused file (over 64 KB,
# not JSON, not an object) reported beside a state it does not change; the
# record durable with the finish (kill -9 of the master, and of the agent
# while the job runs); shown by bjobs -o result / result.PATH / -json / -l,
# bhist -l, bacct -l and the HTTP API; selected with -filter, -sort, -n.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
	export W=${PUMICE_WEB%/}
}

teardown_file() {
	cluster_teardown
}

teardown() {
	bkill 0 >/dev/null 2>&1 || true
	test_teardown
}

pid_of() {
	cat "$CLUSTER_DIR/run/$1.pid"
}

# A job that writes its record with printf (no quoting games in bsub).
result_job() {
	printf '%s\n' "printf '%s\\n' '$1' > \"\$PUMICE_RESULT\"${2:+; $2}" > job.sh
	submit -o out.%J sh job.sh
}

@test "a record written to \$PUMICE_RESULT: bjobs -o result, paths, -json and -l" {
	result_job '{"loss": 0.25, "acc": 0.93, "m": {"hist": [2, 3]}, "name": "run 7"}'
	local id=$JOBID
	wait_job_state "$id" DONE
	run -0 bjobs -noheader -o "jobid result" "$id"
	assert_output "$id {\"loss\":0.25,\"acc\":0.93,\"m\":{\"hist\":[2,3]},\"name\":\"run 7\"}"
	run -0 bjobs -o "jobid result.loss result.m.hist.1 result.name result.none" "$id"
	assert_line --index 0 --regexp '^JOBID +RESULT\.loss +RESULT\.m\.hist\.1 +RESULT\.name +RESULT\.none$'
	assert_line --index 1 --regexp "^$id +0\.25 +3 +run 7 +-$"
	# -json: the record as a JSON object and a path's value as a number
	run -0 bjobs -json -o "jobid result result.acc result.none" "$id"
	run -0 jq -c '.RECORDS[0] | [.RESULT.acc, .RESULT.name, ."RESULT.acc", ."RESULT.none"]' <<<"$output"
	assert_output '[0.93,"run 7",0.93,null]'
	run -0 bjobs -l "$id"
	assert_output --partial $' RESULT:\n {"loss":0.25,"acc":0.93'
	# the path is given to the job, in its own directory of the agent's spool
	run -0 bsub -K -o env.out 'echo "[$PUMICE_RESULT]"'
	run -0 grep -E "^\[$CLUSTER_DIR/spool/node1/jobs/[0-9]+\.0/result/result\.json\]$" env.out
	# whatever the job leaves in that directory goes with the job's spool
	submit -o /dev/null 'd=$(dirname "$PUMICE_RESULT"); mkdir -p "$d/a/b"; touch "$d/a/b/f"; ln -s / "$d/root"'
	wait_job_state "$JOBID" DONE
	wait_for bash -c "! ls -d '$CLUSTER_DIR/spool/node1/jobs/'*$JOBID* 2>/dev/null"
	run ! grep -F "Directory not empty" "$CLUSTER_DIR/log/node1.log"
	test -d /etc
}

@test "bresult inside the job, and by the owner while it runs; refusals" {
	submit -o br.out 'bresult -r "{\"step\": 1}" && sleep 30'
	local id=$JOBID
	wait_for bash -c "bjobs -noheader -o result.step $id | grep -qx 1"
	run -0 bresult -f - "$id" <<<'{"step": 2, "note": "from outside"}'
	assert_output "Job <$id>: Result has been recorded."
	run -0 bjobs -noheader -o result "$id"
	assert_output '{"step":2,"note":"from outside"}'
	run -0 grep -x "Job <$id>: Result has been recorded." br.out
	# checked before anything is sent
	run -255 --separate-stderr bresult -r '{"a": ' "$id"
	assert_regex "$stderr" '^bresult: invalid JSON: '
	run -255 --separate-stderr bresult -r '[1, 2]' "$id"
	assert_regex "$stderr" 'a JSON object \{\.\.\.\} is expected'
	head -c 70000 /dev/zero | tr '\0' ' ' > big.json
	sed -i '1s/^ /{}/' big.json
	run -255 --separate-stderr bresult -f big.json "$id"
	assert_regex "$stderr" 'over the limit of 65536 bytes'
	run -255 --separate-stderr env -u LSB_JOBID bresult -r '{}'
	assert_regex "$stderr" 'not inside a job'
	# no result before the job ran; none for a job that is not there
	submit -H true
	run -255 --separate-stderr bresult -r '{}' "$JOBID"
	assert_regex "$stderr" "Job <$JOBID>: The job has not started"
	run -255 --separate-stderr bresult -r '{}' 999999
	assert_regex "$stderr" 'Job <999999>: No matching job found'
}

@test "another user may not set a job's result" {
	require_root
	submit -o x.out sleep 30
	local id=$JOBID
	wait_job_state "$id" RUN
	run -255 --separate-stderr as_nobody bresult -r '{"x": 1}' "$id"
	assert_regex "$stderr" "Job <$id>: User permission denied"
	run -0 bjobs -noheader -o result "$id"
	[ "$output" = - ]
	# a job run as its owner writes its own record; a link is not followed
	run -0 as_nobody bsub -o /dev/null "echo '{\"who\": \"nobody\"}' > \"\$PUMICE_RESULT\""
	[[ "$output" =~ $SUBMIT_RE ]]
	local mine=${BASH_REMATCH[1]}
	run -0 as_nobody bsub -o /dev/null 'ln -s /etc/shadow "$PUMICE_RESULT"'
	[[ "$output" =~ $SUBMIT_RE ]]
	local link=${BASH_REMATCH[1]}
	wait_job_state "$mine" DONE
	wait_job_state "$link" DONE
	run -0 job_field "$mine" result
	assert_output '{"who":"nobody"}'
	run -0 job_field "$link" result_error
	assert_output 'result file: Too many levels of symbolic links'
	run -0 as_nobody bresult -r '{"who": "owner"}' "$mine"
	run -0 job_field "$mine" result
	assert_output '{"who":"owner"}'
}

@test "a file over 64 KB is refused with its reason; the job's state is its own" {
	printf '%s\n' 'head -c 70000 /dev/zero | tr "\0" " " > "$PUMICE_RESULT"; exit 0' > big.sh
	submit -o big.out sh big.sh
	local id=$JOBID
	wait_job_state "$id" DONE
	run -0 bjobs -noheader -o "result_error" "$id"
	assert_output 'result of 70000 bytes is over the limit of 65536 bytes'
	run -0 bjobs -noheader -o "result" "$id"
	[ "$output" = - ]
	run -0 bjobs -l "$id"
	assert_output --partial $' RESULT FILE REFUSED:\n result of 70000 bytes is over the limit of 65536 bytes;'
}

@test "invalid JSON is reported, not dropped; an exit code stays the job's" {
	result_job '{"loss": 0.1,' 'exit 3'
	local id=$JOBID
	wait_job_state "$id" EXIT
	run -0 job_field "$id" exit_code
	assert_output 3
	run -0 job_field "$id" result_error
	assert_regex "$output" '^invalid JSON: .* at line [0-9]+, column [0-9]+$'
	run -0 grep -F "invalid JSON" "$CLUSTER_DIR"/log/node1*
	# an object is required; a job that writes nothing has neither
	result_job '[1, 2]'
	wait_job_state "$JOBID" DONE
	run -0 job_field "$JOBID" result_error
	assert_output 'invalid result: a JSON object {...} is expected'
	submit true
	wait_job_state "$JOBID" DONE
	run -0 bjobs -noheader -o "result result_error" "$JOBID"
	assert_output '- -'
}

@test "the record survives kill -9 of the master, and bhist -l, bacct -l show it" {
	result_job '{"kept": true, "score": 17}'
	local id=$JOBID
	wait_job_state "$id" DONE
	submit -o cmd.out 'bresult -r "{\"by\": \"bresult\"}"'
	local id2=$JOBID
	wait_job_state "$id2" DONE
	kill -9 "$(pid_of master)"
	run -0 pumice cluster start "$CLUSTER_DIR"
	run -0 bjobs -noheader -o "jobid result" "$id" "$id2"
	assert_line --index 0 "$id {\"kept\":true,\"score\":17}"
	assert_line --index 1 "$id2 {\"by\":\"bresult\"}"
	run -0 bhist -l "$id2"
	assert_output --partial "Result set by user <$ME>;"
	assert_output --partial $'RESULT:\n{"by":"bresult"}'
	run -0 bacct -l "$id"
	assert_output --partial $'RESULT:\n{"kept":true,"score":17}'
}

@test "kill -9 of the agent: a record written while it is down reaches the master" {
	result_job '{"late": 1}' 'sleep 3'
	local id=$JOBID
	wait_job_state "$id" RUN
	kill -9 "$(pid_of node1)"
	wait_for bash -c "test -s '$CLUSTER_DIR/spool/node1/jobs/$id'.*/status"
	run -0 grep -q '"result":{"late":1}' "$CLUSTER_DIR/spool/node1/jobs/$id".*/status
	run -0 pumice cluster start "$CLUSTER_DIR"
	wait_job_state "$id" DONE 60
	run -0 job_field "$id" result
	assert_output '{"late":1}'
}

@test "the 5 best elements of an array by accuracy: -sort, -n, -filter" {
	# element i scores (i * 37) mod 100 hundredths; element 7 writes none
	printf '%s\n' '[ "$LSB_JOBINDEX" = 7 ] && exit 0' \
		'printf "{\"accuracy\": %s, \"i\": %d}\n" $(( LSB_JOBINDEX * 37 % 100 )).0e-2 "$LSB_JOBINDEX" > "$PUMICE_RESULT"' > sweep.sh
	submit -J "sweep[1-20]" -o /dev/null sh sweep.sh
	local id=$JOBID
	wait_job_state "$id" DONE 60
	run -0 bjobs -noheader -o "jobindex result.accuracy" -sort -result.accuracy -n 5 "$id"
	# the expected order, computed the same way here
	local want
	want=$(for i in $(seq 1 20); do [ "$i" = 7 ] || echo "$i $(( i * 37 % 100 ))"; done |
		sort -k2,2nr -k1,1n | head -n 5 | awk '{ printf "%d %g\n", $1, $2 / 100 }')
	assert_output "$want"
	# ascending, and the element without a record last
	run -0 bjobs -noheader -o "jobindex" -sort result.accuracy "$id"
	assert_line --index 19 7
	# a filter selects, -n counts after it
	run -0 bjobs -noheader -o "jobindex" -filter "result.accuracy >= 0.9 && result.i < 10" "$id"
	assert_output "$(for i in $(seq 1 9); do [ $(( i * 37 % 100 )) -ge 90 ] && echo "$i"; done)"
	run -0 bjobs -json -o "jobindex result" -sort -result.accuracy -n 1 "$id"
	run -0 jq -c '[.JOBS, .RECORDS[0].RESULT.i]' <<<"$output"
	assert_output '[1,8]'
	run -255 --separate-stderr bjobs -filter "result.accuracy" "$id"
	assert_regex "$stderr" 'is not FIELD OP VALUE'
	run -255 --separate-stderr bjobs -A -sort jobid "$id"
	assert_regex "$stderr" '-A takes no -sort'
}

@test "the HTTP API's job record holds the record as an object" {
	command -v curl >/dev/null || skip "curl missing"
	result_job '{"http": [1, 2]}'
	local id=$JOBID
	wait_job_state "$id" DONE
	run -0 curl -sf --max-time 10 "$W/api/jobs/$id"
	run -0 jq -c '.jobs[0].result' <<<"$output"
	assert_output '{"http":[1,2]}'
	run -0 curl -sf --max-time 10 "$W/api/jobs?state=all"
	run -0 jq -c ".jobs[] | select(.id == $id) | .result.http[1]" <<<"$output"
	assert_output 2
}

@test "a rerun starts without the earlier run's record" {
	result_job '{"run": 1}'
	local id=$JOBID
	wait_job_state "$id" DONE
	run -0 job_field "$id" result
	assert_output '{"run":1}'
	printf '%s\n' 'sleep 30' > job.sh
	run -0 brequeue -d "$id"
	wait_job_state "$id" RUN
	run -0 job_field "$id" result
	[ "$output" = - ]
}
