#!/usr/bin/env bats
# watch.bats - the event stream (op "watch", bwatch): a job's changes as
# they happen, a resumed watch that loses nothing, filters, a master
# restart, and bwatch's refusals.

load helpers

setup_file() {
	cluster_start -n 1 --cpus 2
}

teardown_file() {
	[ -n "${WPID:-}" ] && kill "$WPID" 2>/dev/null || true
	cluster_teardown
}

# bwatch_bg FILE ARGS...: bwatch -json in the background into FILE, WPID.
bwatch_bg() {
	local f=$1
	shift
	bwatch -json "$@" >"$f" 2>"$f.err" &
	WPID=$!
}

stop_bwatch() {
	kill "$WPID" 2>/dev/null || true
	wait "$WPID" 2>/dev/null || true
	WPID=
}

# transitions FILE JOB: "from->to" of JOB's events, one a line.
transitions() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("kind") == "job" and e["job"] == int(sys.argv[2]):
        print("%s->%s" % (e["from"] or "-", e["to"]))' "$1" "$2"
}

@test "bwatch sees a submitted job go PEND, RUN, DONE, with its host" {
	bwatch_bg w.json
	sleep 0.5	# subscribed before the submit (the stream starts now)
	submit -o /dev/null sleep 1
	wait_job_state "$JOBID" DONE
	wait_for grep -q '"to":"DONE"' w.json
	stop_bwatch
	run -0 transitions w.json "$JOBID"
	assert_output "$(printf -- '-->PEND\nPEND->RUN\nRUN->DONE')"
	run -0 grep -c "\"job\":$JOBID,.*\"to\":\"RUN\".*\"host\":\"node1\"" w.json
}

@test "the text line: time, job id, old -> new state, host" {
	bwatch >w.txt 2>&1 &
	WPID=$!
	sleep 0.5
	submit -o /dev/null true
	wait_job_state "$JOBID" DONE
	wait_for grep -q "  $JOBID  RUN -> DONE  node1\$" w.txt
	stop_bwatch
	run -0 grep -E "^[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}  $JOBID  PEND -> RUN  node1\$" w.txt
}

@test "a watch resumed from an event id loses no event" {
	bwatch_bg all.json
	sleep 0.5
	submit -o /dev/null sleep 0.3
	local first=$JOBID
	wait_for grep -q "\"job\":$first,.*\"to\":\"RUN\"" all.json
	# a second watcher stops after the first event, then resumes from it
	# while more changes come
	run -0 bwatch -json -n 1 -since "$(head -n 1 all.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"] - 1)')"
	local cut
	cut=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$output")
	submit -o /dev/null true
	local second=$JOBID
	submit -J arr"[1-4]" -o /dev/null true
	local arr=$JOBID
	wait_job_state "$second" DONE
	wait_job_state "$arr" DONE
	wait_for test "$(transitions all.json "$arr" | grep -c DONE)" -ge 4
	stop_bwatch
	local want
	want=$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["id"] > int(sys.argv[2])))' all.json "$cut")
	run -0 bwatch -json -n "$want" -since "$cut"
	# the resumed watch printed exactly what the first one saw after cut
	diff <(echo "$output") <(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    if json.loads(l)["id"] > int(sys.argv[2]): print(l, end="")' all.json "$cut")
	# and an array shows each element and its counts
	run -0 grep -c "\"job\":$arr,.*\"to\":\"DONE\".*\"array\":{" all.json
}

@test "filters: -u another user sees none of mine; job ids select" {
	bwatch_bg other.json -u nosuchuser
	local o=$WPID
	bwatch_bg mine.json 99999999
	local s=$WPID
	bwatch_bg all.json -u all
	sleep 0.5
	submit -o /dev/null true
	wait_job_state "$JOBID" DONE
	wait_for grep -q "\"job\":$JOBID,.*\"to\":\"DONE\"" all.json
	stop_bwatch
	kill "$o" "$s"
	wait "$o" "$s" 2>/dev/null || true
	# by job id, resumed from before its submit: its three changes only
	local since
	since=$(grep -m1 "\"job\":$JOBID," all.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"] - 1)')
	run -0 bwatch -json -n 3 -since "$since" "$JOBID"
	[ "$(echo "$output" | grep -c "\"job\":$JOBID,")" -eq 3 ]
	run grep -c '"kind":"job"' other.json
	assert_output 0
	run grep -c '"kind":"job"' mine.json
	assert_output 0
}

@test "a master restart: bwatch dials again and says so" {
	bwatch_bg r.json -u all
	sleep 0.5
	local mpid
	mpid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill "$mpid"
	wait_for -t 20 grep -q 'dropped' r.json.err
	wait_for -t 20 eval '! kill -0 '"$mpid"' 2>/dev/null'
	pumice cluster start "$CLUSTER_DIR" >/dev/null
	submit -o /dev/null true
	wait_job_state "$JOBID" DONE
	wait_for -t 20 grep -q "\"job\":$JOBID,.*\"to\":\"DONE\"" r.json
	stop_bwatch
	run -0 grep -q 'master restarted' r.json.err
}

@test "refusals: a bad option, since not a number" {
	run bwatch -x
	[ "$status" -eq 255 ]
	assert_output --partial 'Usage: bwatch'
	run bwatch -since abc
	[ "$status" -eq 255 ]
}
