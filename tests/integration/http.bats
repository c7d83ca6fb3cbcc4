#!/usr/bin/env bats
# http.bats - the master's HTTP server (http.c): the JSON API's shapes
# (the records of the protocol, as bjobs -json gets them), a job by id,
# 404 and 405, the event stream over SSE resumed with Last-Event-ID after
# a disconnect without losing an event, /metrics parsed by the Prometheus
# client library, and "pumice cluster start" printing the address.

load helpers

PY=/usr/bin/python3	# Debian's, with python3-prometheus-client

setup_file() {
	command -v curl >/dev/null || skip "curl missing: packaging/deps.sh --web"
	cluster_start -n 2 --cpus 2
	export W=${PUMICE_WEB%/}
}

teardown_file() {
	cluster_teardown
}

# get PATH: the body of a 200, else fails.
get() {
	curl -sf --max-time 10 "$W$1"
}

@test "pumice cluster start enabled the page on loopback and said where" {
	[[ "$PUMICE_WEB" =~ ^http://127\.0\.0\.1:[0-9]+/$ ]]
	run -0 grep -x "PUMICE_HTTP_PORT=${W##*:}" "$LSF_ENVDIR/lsf.conf"
	run -0 ss -Htln "( sport = :${W##*:} )"
	assert_output --partial "127.0.0.1:${W##*:}"
}

@test "/api/hosts and /api/queues: the records bhosts and bqueues get" {
	run -0 get /api/hosts
	echo "$output" | $PY -c '
import json, sys
d = json.load(sys.stdin)
names = [h["name"] for h in d["hosts"]]
assert names == ["node1", "node2"], names
for h in d["hosts"]:
    assert h["status"] == "ok" and h["max"] == 2 and "mem_total" in h, h'
	run -0 get /api/queues
	echo "$output" | $PY -c '
import json, sys
d = json.load(sys.stdin)
assert "normal" in [q["name"] for q in d["queues"]], d
assert d["default_queue"]'
}

@test "/api/jobs: bjobs' records and filters, paged; /api/jobs/ID any state" {
	submit -o /dev/null sleep 30
	local run_id=$JOBID
	submit -J "webarr[1-5]" -o /dev/null true
	local arr=$JOBID
	wait_job_state "$run_id" RUN
	wait_job_state "$arr" DONE
	# the running job, as bjobs -json sees it
	run -0 get "/api/jobs?user=$ME"
	echo "$output" | $PY -c '
import json, sys
d = json.load(sys.stdin)
ids = [j["id"] for j in d["jobs"]]
assert int(sys.argv[1]) in ids and int(sys.argv[2]) not in ids, ids
j = [j for j in d["jobs"] if j["id"] == int(sys.argv[1])][0]
assert j["stat"] == "RUN" and j["exec_hosts"] and j["user"] == sys.argv[3], j' \
		"$run_id" "$arr" "$ME"
	# finished jobs by state, two a page: a cursor to the rest
	run -0 get "/api/jobs?state=done&name=webarr&limit=2"
	echo "$output" | $PY -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["jobs"]) == 2 and d["cursor"], d
assert all(j["stat"] == "DONE" for j in d["jobs"])'
	local cur n=0 page
	cur=$(echo "$output" | $PY -c 'import json,sys; print(json.load(sys.stdin)["cursor"])')
	page=/api/jobs?state=done\&name=webarr\&limit=2
	while :; do
		n=$((n + 1))
		[ "$n" -lt 10 ]
		run -0 get "$page&cursor=$cur"
		cur=$(echo "$output" | $PY -c 'import json,sys; print(json.load(sys.stdin).get("cursor", ""))')
		[ -n "$cur" ] || break
	done
	[ "$n" -eq 2 ]	# 5 records: 2 + 2 + 1
	run -0 get "/api/jobs/$arr"
	[ "$(echo "$output" | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["jobs"]))')" -eq 5 ]
	run -0 get "/api/jobs/$arr%5B3%5D"
	echo "$output" | $PY -c '
import json, sys
d = json.load(sys.stdin)
assert [(j["idx"], j["stat"]) for j in d["jobs"]] == [(3, "DONE")], d'
	bkill "$run_id"
}

@test "/api/jobs/ID/history: bhist's events in order" {
	submit -o /dev/null true
	wait_job_state "$JOBID" DONE
	run -0 get "/api/jobs/$JOBID/history"
	echo "$output" | $PY -c '
import json, sys
d = json.load(sys.stdin)
assert d["id"] == int(sys.argv[1]), d
assert [e["type"] for e in d["events"]] == ["submit", "start", "finish"], d["events"]
assert d["records"][0]["stat"] == "DONE"
assert "env" not in d["events"][0]["data"]' "$JOBID"
	run -0 curl -s -o /dev/null -w '%{http_code}' "$W/api/jobs/999999/history"
	assert_output 404
}

@test "unknown paths 404, writes without a token 401, a bad job id 400, JSON errors" {
	run -0 curl -s -o /dev/null -w '%{http_code}' "$W/api/nothing"
	assert_output 404
	run -0 curl -s -o /dev/null -w '%{http_code}' "$W/api/jobs/999999"
	assert_output 404
	run -0 curl -s -o /dev/null -w '%{http_code}' "$W/api/jobs/abc"
	assert_output 400
	run -0 curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$W/api/jobs"
	assert_output 401
	run -0 curl -s -o /dev/null -w '%{http_code}' "$W/api/hosts" -X PUT -H 'Authorization: Bearer x'
	assert_output 401
	run -0 curl -s "$W/api/jobs/999999"
	assert_output --partial '"error":'
}

@test "a Host name that is not this master's is refused (DNS rebinding)" {
	run -0 curl -s -o /dev/null -w '%{http_code}' -H 'Host: evil.example:80' "$W/api/jobs"
	assert_output 421
	run -0 curl -s -o /dev/null -w '%{http_code}' -H "Host: localhost:${W##*:}" "$W/api/jobs"
	assert_output 200
	run -0 curl -s -o /dev/null -w '%{http_code}' -H "Host: $(hostname -s)" "$W/api/hosts"
	assert_output 200
}

# sse FILE [ARGS...]: curl on /api/events into FILE in the background.
sse() {
	local f=$1
	shift
	curl -sN --max-time 60 "$@" "$W/api/events" >"$f" &
	SSEPID=$!
	wait_for grep -q '^event: hello' "$f"
}

# events FILE: "id job from->to" of each event in an SSE capture.
events() {
	$PY -c '
import json, sys
ev_id = None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("id: "):
        ev_id = int(line[4:])
    elif line.startswith("data: ") and ev_id is not None:
        e = json.loads(line[6:])
        assert e["id"] == ev_id
        print(ev_id, e.get("job", e.get("host")), "%s->%s" % (e["from"] or "-", e["to"]))
        ev_id = None' "$1"
}

@test "SSE: a stream cut off and resumed with Last-Event-ID loses no event" {
	sse all.sse
	local all=$SSEPID
	sse first.sse
	local first=$SSEPID
	submit -o /dev/null true
	local a=$JOBID
	wait_job_state "$a" DONE
	wait_for grep -q '"to":"DONE"' first.sse
	kill "$first"	# the disconnect
	wait "$first" 2>/dev/null || true
	local last
	last=$(events first.sse | tail -n 1 | cut -d' ' -f1)
	# changes while nobody listens on the second stream
	submit -J "gap[1-3]" -o /dev/null true
	local b=$JOBID
	wait_job_state "$b" DONE
	wait_for test "$(events all.sse | grep -c " $b .*DONE")" -ge 3
	sse resumed.sse -H "Last-Event-ID: $last"
	wait_for test "$(events resumed.sse | grep -c " $b .*DONE")" -ge 3
	kill "$all" "$SSEPID"
	wait "$all" "$SSEPID" 2>/dev/null || true
	grep -q '"start":"all"' resumed.sse
	# first + resumed is exactly what the uninterrupted stream saw
	diff <(events all.sse) <(events first.sse; events resumed.sse)
	# ids increase
	events all.sse | cut -d' ' -f1 | sort -nc
}

@test "SSE: ?since= from an id the master never issued says so (gap)" {
	curl -sN --max-time 2 "$W/api/events?since=1" >gap.sse || true
	run -0 grep -c '"start":"restart"\|"start":"gap"' gap.sse
}

@test "/metrics parses as Prometheus text and counts what is there" {
	$PY -c 'import prometheus_client.parser' ||
		skip "python3-prometheus-client missing: packaging/deps.sh --web"
	submit -o /dev/null sleep 30
	local id=$JOBID
	wait_job_state "$id" RUN
	run -0 get /metrics
	echo "$output" | $PY -c '
from prometheus_client.parser import text_string_to_metric_families
import sys
fam = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}
def val(name, **labels):
    for s in fam[name].samples:
        if all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise KeyError((name, labels))
assert val("pumice_jobs", queue="normal", state="RUN") >= 1
assert val("pumice_host_slots", host="node1") == 2
assert val("pumice_host_slots_used", host="node1") + val("pumice_host_slots_used", host="node2") >= 1
assert val("pumice_agents_connected") == 2
assert val("pumice_host_up", host="node2") == 1
assert val("pumice_sched_passes") >= 1
assert val("pumice_job_events", event="submit") >= 1
assert val("process_resident_memory_bytes") > 1 << 20
print("ok", len(fam), "families")'
	bkill "$id"
}
