#!/usr/bin/env bats
# httpauth.bats - writes over HTTP (httpwrite.c) with per-user tokens
# (btoken, token.c): anonymous cannot submit or kill, a bad token is
# refused, a token's user submits a job that runs as them and kills it,
# another user's token cannot kill it, a running job's output is read
# with its owner's token only, tokens survive a master restart,
# btoken -d revokes them, and PUMICE_HTTP_ANON=N closes reads too.

load helpers

PY=/usr/bin/python3

setup_file() {
	command -v curl >/dev/null || skip "curl missing: packaging/deps.sh --web"
	cluster_start -n 1 --cpus 2
	export W=${PUMICE_WEB%/}
}

teardown_file() {
	cluster_teardown
}

# http METHOD PATH [TOKEN] [BODY]: prints "STATUS BODY".
http() {
	local args=(-s -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' -X "$1")
	[ -n "${3:-}" ] && args+=(-H "Authorization: Bearer $3")
	[ -n "${4:-}" ] && args+=(-d "$4")
	local code
	code=$(curl "${args[@]}" "$W$2")
	echo "$code $(cat "$BATS_TEST_TMPDIR/body")"
}

@test "anonymous cannot submit or kill; a bad token is refused everywhere" {
	run -0 http POST /api/jobs "" '{"job": {"cmd": "true"}}'
	assert_output --regexp '^401 .*needs a token'
	submit -o /dev/null sleep 60
	run -0 http DELETE "/api/jobs/$JOBID"
	assert_output --regexp '^401 '
	run -0 http GET /api/hosts pmt_0123
	assert_output --regexp '^401 .*not valid'
	run -0 job_stats "$JOBID"
	refute_output EXIT
	bkill "$JOBID"
}

@test "btoken: shown once, kept hashed; its user submits and kills over HTTP" {
	run -0 btoken
	[[ "$output" =~ ^pmt_[0-9a-f]{64}$ ]]
	local t=$output
	# the master's state holds the hash, never the token
	run grep -rl "${t#pmt_}" "$CLUSTER_DIR/state"
	assert_failure
	run -0 http POST /api/jobs "$t" '{"job": {"cmd": "sleep 60", "name": "webjob"}}'
	assert_output --regexp '^200 \{"id":[0-9]+'
	local id
	id=$(echo "$output" | sed -E 's/.*"id":([0-9]+).*/\1/')
	wait_job_state "$id" RUN
	run -0 job_field "$id" user
	assert_output "$ME"
	run -0 job_field "$id" job_name
	assert_output webjob
	# a refusal's reason names what was wrong (its words are formatted)
	run -0 http POST /api/jobs "$t" '{"job": {"cmd": "true", "queue": "no_such_q"}}'
	assert_output --regexp '^400 .*no_such_q'
	run -0 lsid

	run -0 http DELETE "/api/jobs/$id" "$t"
	assert_output --regexp '^200 .*"ok":true'
	wait_job_state "$id" EXIT
}

@test "another user's token cannot kill my job, nor submit as me" {
	require_root
	submit -o /dev/null sleep 60
	local mine=$JOBID
	run -0 as_nobody btoken
	local nt=$output
	run -0 http DELETE "/api/jobs/$mine" "$nt"
	assert_output --regexp '"ok":false'
	run -0 job_stats "$mine"
	assert_output RUN
	# a job submitted with nobody's token is nobody's
	run -0 http POST /api/jobs "$nt" '{"job": {"cmd": "id -u", "user": "root", "uid": 0}}'
	local id
	id=$(echo "$output" | sed -E 's/.*"id":([0-9]+).*/\1/')
	run -0 job_field "$id" user
	assert_output nobody
	bkill "$mine"
	as_nobody btoken -d
}

@test "a job's output over HTTP, running and finished: its owner's token, from an offset; no one else's" {
	submit -o "$DATA/webout.%J" sh -c 'echo first line; echo second; sleep 60'
	local id=$JOBID
	wait_job_state "$id" RUN
	run -0 btoken
	local t=$output
	run -0 http GET "/api/jobs/$id/output"
	assert_output --regexp '^401 .*needs a token'
	wait_for -t 20 eval "http GET /api/jobs/$id/output $t | grep -q '\"size\":18'"
	run -0 http GET "/api/jobs/$id/output" "$t"
	assert_output --regexp '^200 .*"file":"[^"]*webout\.'"$id"'"'
	local data
	data=$(echo "$output" | sed -E 's/.*"data":"([^"]*)".*/\1/')
	run -0 sh -c "echo $data | base64 -d"
	assert_output $'first line\nsecond'
	run -0 http GET "/api/jobs/$id/output?off=11" "$t"
	data=$(echo "$output" | sed -E 's/.*"data":"([^"]*)".*/\1/')
	run -0 sh -c "echo $data | base64 -d"
	assert_output second
	submit -H -o /dev/null true
	run -0 http GET "/api/jobs/$JOBID/output" "$t"
	assert_output --regexp '^409 .*Not yet started'
	bkill "$JOBID"
	run -0 http GET "/api/jobs/999999/output" "$t"
	assert_output --regexp '^404 '
	if [ "$(id -u)" = 0 ]; then	# another user's token does not read it
		run -0 as_nobody btoken
		run -0 http GET "/api/jobs/$id/output" "$output"
		assert_output --regexp '^404 '
		as_nobody btoken -d
	fi
	bkill "$id"
	wait_job_state "$id" EXIT
	# finished: the agent works the file out from the job's spec and reads it
	run -0 http GET "/api/jobs/$id/output" "$t"
	assert_output --regexp '^200 .*"file":"[^"]*webout\.'"$id"'"'
	# a relative -o with %J/%I, in an array's element, after the job is DONE
	submit -J 'wo[1-2]' -o 'wo.%J.%I' sh -c 'echo element $LSB_JOBINDEX'
	local arr=$JOBID
	wait_job_state "$arr[2]" DONE
	run -0 http GET "/api/jobs/$arr%5B2%5D/output" "$t"
	assert_output --regexp "^200 .*\"file\":\"$PWD/wo\.$arr\.2\""
	data=$(echo "$output" | sed -E 's/.*"data":"([^"]*)".*/\1/')
	run -0 sh -c "echo $data | base64 -d"
	assert_line --index 0 'element 2'
	# killed while pending: it never ran, there is nothing to read
	submit -H -o /dev/null true
	bkill "$JOBID"
	wait_job_state "$JOBID" EXIT
	run -0 http GET "/api/jobs/$JOBID/output" "$t"
	assert_output --regexp '^409 .*never ran'
}

@test "tokens survive a master restart; btoken -d revokes them" {
	run -0 btoken
	local t=$output
	local mpid
	mpid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill "$mpid"
	wait_for -t 20 eval '! kill -0 '"$mpid"' 2>/dev/null'
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
	run -0 http GET /api/queues "$t"
	assert_output --regexp '^200 '
	run -0 btoken -c
	assert_output --regexp "^$ME holds [1-9][0-9]* token"
	run -0 btoken -d
	assert_output --regexp 'token\(s\) of '"$ME"' revoked'
	run -0 http POST /api/jobs "$t" '{"job": {"cmd": "true"}}'
	assert_output --regexp '^401 '
}

@test "PUMICE_HTTP_ANON=N: reads need a token too" {
	echo "PUMICE_HTTP_ANON=N" >>"$LSF_ENVDIR/lsf.conf"
	local mpid
	mpid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill "$mpid"
	wait_for -t 20 eval '! kill -0 '"$mpid"' 2>/dev/null'
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
	run -0 http GET /api/hosts
	assert_output --regexp '^401 .*anonymous access is off'
	run -0 btoken
	run -0 http GET /api/hosts "$output"
	assert_output --regexp '^200 '
	sed -i '/^PUMICE_HTTP_ANON=N$/d' "$LSF_ENVDIR/lsf.conf"
}
