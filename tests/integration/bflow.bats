#!/usr/bin/env bats
# Workflows (bflow): chain, group and chord, nested; submitted whole or
# refused whole; a failed step stops what waits on it, retry and
# continue; bflow kill; kill -9 of the master in the middle of a workflow.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

restart_master() {
	kill -9 "$(cat "$CLUSTER_DIR/run/master.pid")"
	run -0 pumice cluster start "$CLUSTER_DIR"
}

# flow_submit ARGS...: bflow ARGS, checks the first line, sets FLOWID and
# STEPJOB[name] from the step lines.
flow_submit() {
	local out line
	unset STEPJOB
	declare -gA STEPJOB
	if ! out=$(bflow "$@"); then
		echo "bflow $* failed: $out" >&2
		return 1
	fi
	if ! [[ "$out" =~ ^Workflow\ \<([0-9]+)\>\ is\ submitted\. ]]; then
		echo "bflow $*: unexpected output: $out" >&2
		return 1
	fi
	FLOWID=${BASH_REMATCH[1]}
	while read -r line; do
		if [[ "$line" =~ ^step\ ([^:]+):\ Job\ \<([0-9]+)\>$ ]]; then
			STEPJOB[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		fi
	done <<<"$out"
}

flow_state() {
	bflow status -json "$1" | jq -r .flow.state
}

flow_in_state() {
	[ "$(flow_state "$1")" = "$2" ]
}

wait_flow_state() {
	if ! wait_for -t "${3:-60}" flow_in_state "$1" "$2"; then
		bflow status "$1" >&2 || true
		return 1
	fi
}

# step_state FLOW NAME: the state bflow status -json gives the step.
step_state() {
	bflow status -json "$1" | jq -r --arg n "$2" \
	    '.flow.tree | .. | objects | select(.job? and .name == $n) | .state'
}

@test "chain: each step starts after the one before is DONE" {
	flow_submit chain 'echo a >> order; sleep 1' 'echo b >> order; sleep 1' \
	    'echo c >> order'
	wait_flow_state "$FLOWID" DONE
	run cat order
	assert_output "$(printf 'a\nb\nc')"
	run bflow status "$FLOWID"
	assert_line --index 0 --regexp "^Workflow <$FLOWID>, user <$ME>: DONE$"
	assert_line --index 1 chain
	assert_line --index 2 --regexp '^\|-- step1 +job <[0-9]+>  DONE$'
	assert_line --index 4 --regexp '^`-- step3 +job <[0-9]+>  DONE$'
}

@test "group: the members run side by side; the workflow is DONE when all are" {
	# each member waits until the other has started: both must run at once
	flow_submit group 'touch a; while ! [ -e b ]; do sleep 0.1; done' \
	    'touch b; while ! [ -e a ]; do sleep 0.1; done'
	wait_flow_state "$FLOWID" DONE
	run bflow status "$FLOWID"
	assert_line --index 1 group
}

@test "chord over an array: one done() condition, the reduce step after the last element" {
	cat >chord.json <<-'EOF'
	{"name": "sweep", "chord": [
	   {"name": "el", "bsub": "-J el[1-20]",
	    "cmd": "sleep 0.$((LSB_JOBINDEX % 5)); echo $LSB_JOBINDEX > out.$LSB_JOBINDEX; date +%s.%N > end.$LSB_JOBINDEX"}],
	 "then": {"name": "reduce", "cmd": "date +%s.%N > reduce.start; awk '{ s += $1 } END { print s }' out.* > sum"}}
	EOF
	flow_submit submit chord.json
	local arr=${STEPJOB[el]} red=${STEPJOB[reduce]}
	# the reduce step waits on the array as a whole: no per-element records
	run job_field "$red" dependency
	assert_output "done($arr)"
	wait_flow_state "$FLOWID" DONE
	run cat sum
	assert_output 210
	local last
	last=$(cat end.* | sort -n | tail -n 1)
	run awk -v a="$last" -v b="$(cat reduce.start)" 'BEGIN { exit !(b >= a) }'
	assert_success
	echo "# reduce started $(awk -v a="$last" -v b="$(cat reduce.start)" \
	    'BEGIN { printf "%.3f", b - a }') s after the last element ended" >&3
	run bflow status "$FLOWID"
	assert_line --regexp '^\|-- el +job <[0-9]+>  DONE   20 elements: 20 DONE, 0 EXIT, 0 RUN, 0 PEND$'
	assert_line --regexp '^`-- then: reduce +job <[0-9]+>  DONE$'
}

@test "nesting: a chain of a step, a chord of a group and an array, and a last step" {
	cat >nest.json <<-'EOF'
	{"chain": [
	   {"name": "prep", "cmd": "echo prep >> log"},
	   {"chord": [
	      {"group": [{"name": "g1", "cmd": "echo g >> log"},
	                 {"chain": [{"name": "g2", "cmd": "echo g >> log"},
	                            {"name": "g3", "cmd": "echo g >> log"}]}]},
	      {"name": "arr", "bsub": "-J nestarr[1-3]", "cmd": "echo g >> log"}],
	    "then": {"name": "join", "cmd": "echo join >> log"}},
	   {"name": "last", "cmd": "echo last >> log"}]}
	EOF
	flow_submit submit nest.json
	run job_field "${STEPJOB[join]}" dependency
	assert_output "done(${STEPJOB[g1]}) && done(${STEPJOB[g3]}) && done(${STEPJOB[arr]})"
	wait_flow_state "$FLOWID" DONE
	run cat log
	assert_output "$(printf 'prep\ng\ng\ng\ng\ng\ng\njoin\nlast')"
	run bflow status "$FLOWID"
	assert_line --index 4 '|   |-- group'
	assert_line --index 6 '|   |   `-- chain'
}

@test "atomic: a bad step refuses the whole workflow, naming the step; no job is made" {
	submit true
	local before=$JOBID
	cat >bad.json <<-'EOF'
	{"chain": [{"name": "ok1", "cmd": "true"},
	           {"group": [{"name": "ok2", "cmd": "true"},
	                      {"name": "wrong", "bsub": "-q nosuchqueue", "cmd": "true"}]}]}
	EOF
	run -255 --separate-stderr bflow submit bad.json
	assert_equal "$stderr" "bflow: step wrong: nosuchqueue: No such queue. Workflow not submitted."
	run -255 --separate-stderr bflow chain true '-n 0 true'
	assert_regex "$stderr" '^bflow: step step2: .*Workflow not submitted\.$'
	run -255 --separate-stderr bflow submit - <<<'{"chain": [{"name": "a", "cmd": "true"}, {"name": "a", "cmd": "true"}]}'
	assert_equal "$stderr" "bflow: step name a is used twice. Workflow not submitted."
	run -255 --separate-stderr bflow submit - <<<'{"chord": [{"cmd": "true"}]}'
	assert_equal "$stderr" 'bflow: chord: "then" is missing. Workflow not submitted.'
	run -255 --separate-stderr bflow submit - <<<'{"chain": [{"cmd": "true", "retry": 11}]}'
	assert_equal "$stderr" "bflow: step step1: retry must be 0 to 10. Workflow not submitted."
	# nothing was recorded: the next job takes the next id
	submit true
	assert_equal "$JOBID" "$((before + 1))"
}

@test "failure: what waits on a failed step is killed with the reason; the workflow is EXIT naming it" {
	flow_submit chain -name failing 'echo one' 'exit 3' 'echo never > never' 'echo never > never'
	wait_flow_state "$FLOWID" EXIT
	run bflow status -json "$FLOWID"
	assert_equal "$(jq -r .flow.failed <<<"$output")" step2
	assert_equal "$(step_state "$FLOWID" step3)" EXIT
	assert_equal "$(step_state "$FLOWID" step4)" EXIT
	run bjobs -noheader -o "stat exit_reason" "${STEPJOB[step4]}"
	assert_output --partial "TERM_FLOW: step step2 of workflow <$FLOWID> failed"
	run bflow status "$FLOWID"
	assert_line --index 0 "Workflow <$FLOWID> \"failing\", user <$ME>: EXIT; step step2 failed"
	[ ! -e never ]
	# nothing of it is left pending
	run bjobs -noheader -o stat "${STEPJOB[step3]}" "${STEPJOB[step4]}"
	refute_output --partial PEND
}

@test "retry: a step runs again after an EXIT, up to its count" {
	cat >retry.json <<-'EOF'
	{"chain": [
	   {"name": "flaky", "retry": 3, "cmd": "echo x >> tries; [ $(wc -l < tries) -ge 3 ]"},
	   {"name": "after", "cmd": "echo after > after"}]}
	EOF
	flow_submit submit retry.json
	wait_flow_state "$FLOWID" DONE
	run wc -l <tries
	assert_output 3
	[ -e after ]
	# too few retries: it ends EXIT after 1 + retry runs
	flow_submit submit - <<<'{"chain": [{"name": "hopeless", "retry": 2, "cmd": "echo x >> runs; exit 1"}, {"name": "then", "cmd": "true"}]}'
	wait_flow_state "$FLOWID" EXIT
	run wc -l <runs
	assert_output 3
	assert_equal "$(step_state "$FLOWID" then)" EXIT
}

@test "continue: dependants run past a failure; the workflow is EXIT naming it" {
	flow_submit chain -c 'exit 1' 'echo ran > ran'
	wait_flow_state "$FLOWID" EXIT
	[ -e ran ]
	assert_equal "$(step_state "$FLOWID" step2)" DONE
	run bflow status -json "$FLOWID"
	assert_equal "$(jq -r .flow.failed <<<"$output")" step1
	assert_equal "$(jq -r .flow.continue <<<"$output")" true
	run job_field "${STEPJOB[step2]}" dependency
	assert_output "ended(${STEPJOB[step1]})"
}

@test "bflow kill: every unfinished step ends, running ones and pending ones" {
	flow_submit chord -- '-J killarr[1-4] sleep 60' -then 'echo never > never'
	wait_job_state "${STEPJOB[step1]}" RUN
	run -0 bflow kill "$FLOWID"
	assert_line "Job <${STEPJOB[step1]}> is being terminated"
	assert_line "Job <${STEPJOB[step2]}> is being terminated"
	wait_flow_state "$FLOWID" EXIT
	wait_job_state "${STEPJOB[step1]}" EXIT
	wait_job_state "${STEPJOB[step2]}" EXIT
	[ ! -e never ]
	run -255 bflow kill "$FLOWID"
	assert_output "Workflow <$FLOWID>: Workflow has already finished"
	run -255 bflow kill 999999
	assert_output "Workflow <999999>: No such workflow"
}

@test "the steps are in job group /bflow/ID: bjobs -g lists them, bkill -g kills them" {
	flow_submit chain 'sleep 60' 'echo never > never' '-g /mine true'
	wait_job_state "${STEPJOB[step1]}" RUN
	run bjobs -noheader -o jobid -g "/bflow/$FLOWID"
	assert_output "$(printf '%s\n%s' "${STEPJOB[step1]}" "${STEPJOB[step2]}")"
	run job_field "${STEPJOB[step3]}" job_group
	assert_output /mine
	run -0 bkill -g "/bflow/$FLOWID" 0
	wait_job_state "${STEPJOB[step1]}" EXIT
	wait_job_state "${STEPJOB[step2]}" EXIT
	# the step outside the group waits on a killed one: killed too
	wait_flow_state "$FLOWID" EXIT
	assert_equal "$(step_state "$FLOWID" step3)" EXIT
	[ ! -e never ]
}

@test "bflow kill of another user's workflow is refused" {
	flow_submit chain 'sleep 30'
	run as_nobody bflow kill "$FLOWID"
	assert_failure
	assert_output "Workflow <$FLOWID>: User permission denied"
	bflow kill "$FLOWID"
	wait_flow_state "$FLOWID" EXIT
}

@test "kill -9 of the master mid-workflow: nothing lost, nothing run twice, failures still stop dependants" {
	cat >restart.json <<-'EOF'
	{"chain": [
	   {"name": "s1", "cmd": "echo s1 >> ran; sleep 2"},
	   {"chord": [{"name": "arr", "bsub": "-J rarr[1-6]", "cmd": "echo arr$LSB_JOBINDEX >> ran; sleep 2"}],
	    "then": {"name": "s2", "cmd": "echo s2 >> ran; sleep 2"}},
	   {"name": "s3", "retry": 1, "cmd": "echo s3 >> ran; exit 1"},
	   {"name": "s4", "cmd": "echo s4 >> ran"}]}
	EOF
	flow_submit submit restart.json
	wait_job_state "${STEPJOB[s1]}" RUN
	restart_master
	wait_for grep -q '^arr' ran
	restart_master
	wait_flow_state "$FLOWID" EXIT 90
	# every step ran once (s3 twice: its retry), s4 never
	run sort ran
	assert_output "$(printf 'arr1\narr2\narr3\narr4\narr5\narr6\ns1\ns2\ns3\ns3')"
	run bflow status -json "$FLOWID"
	assert_equal "$(jq -r .flow.failed <<<"$output")" s3
	run bjobs -noheader -o exit_reason "${STEPJOB[s4]}"
	assert_output --partial "TERM_FLOW: step s3 of workflow <$FLOWID> failed"
}

@test "bflow status: the list, -json, and unknown ids" {
	flow_submit chain -name listed true
	wait_flow_state "$FLOWID" DONE
	run bflow status
	assert_line --index 0 --regexp '^FLOWID +USER +STAT +STEPS +FAILED +NAME$'
	assert_line --regexp "^$FLOWID +$ME +DONE +1 +- +listed$"
	run bflow status -json "$FLOWID"
	assert_equal "$(jq -r .COMMAND <<<"$output")" bflow
	assert_equal "$(jq -r .flow.tree.chain[0].job <<<"$output")" "${STEPJOB[step1]}"
	run -255 bflow status 999999
	assert_output "Workflow <999999>: No such workflow"
	run -255 bflow status abc
	assert_output "abc: Illegal workflow ID."
}

@test "results flow: a chain step gets its predecessor's result, a chord's then the group's as an array" {
	cat >flow.json <<-'EOF2'
	{"chain": [
	   {"name": "first", "cmd": "echo '{\"x\": 1}' > \"$PUMICE_RESULT\"; [ -z \"$PUMICE_FLOW_INPUT\" ] && touch no_input"},
	   {"name": "second", "cmd": "cp \"$PUMICE_FLOW_INPUT\" second.in; echo '{\"y\": 2}' > \"$PUMICE_RESULT\""},
	   {"chord": [{"name": "sweep", "bsub": "-J rsweep[1-5]",
	               "cmd": "echo \"{\\\"i\\\": $LSB_JOBINDEX, \\\"score\\\": $((LSB_JOBINDEX * 7 % 5))}\" > \"$PUMICE_RESULT\""},
	              {"name": "side", "cmd": "echo '{\"side\": true}' > \"$PUMICE_RESULT\""}],
	    "then": {"name": "reduce", "cmd": "cp \"$PUMICE_FLOW_INPUT\" reduce.in; ls -l \"$PUMICE_FLOW_INPUT\" > reduce.ls"}}]}
	EOF2
	flow_submit submit flow.json
	wait_flow_state "$FLOWID" DONE
	[ -e no_input ]
	run jq -c . second.in
	assert_output '{"x":1}'
	# the array's elements in index order, then the other member
	run jq -c '[.[0:5][] | .i]' reduce.in
	assert_output '[1,2,3,4,5]'
	run jq -c '.[5]' reduce.in
	assert_output '{"side":true}'
	run jq -c 'max_by(.score?) | .i' reduce.in
	assert_output 2
	# read-only, the job's own
	run cut -c1-10 reduce.ls
	assert_output -r--------
}

@test "results flow: an element without a result is null; the input survives a master restart" {
	cat >flow2.json <<-'EOF2'
	{"chord": [{"name": "part", "bsub": "-J rpart[1-3]",
	            "cmd": "[ $LSB_JOBINDEX = 2 ] || echo \"{\\\"i\\\": $LSB_JOBINDEX}\" > \"$PUMICE_RESULT\"; sleep 2"}],
	 "then": {"name": "join", "cmd": "cp \"$PUMICE_FLOW_INPUT\" join.in"}}
	EOF2
	flow_submit submit flow2.json
	wait_job_state "${STEPJOB[part]}" RUN
	restart_master
	wait_flow_state "$FLOWID" DONE
	run jq -c . join.in
	assert_output '[{"i":1},null,{"i":3}]'
}

# Last in the file: it shortens CLEAN_PERIOD for the rest of the cluster.
@test "a workflow whose steps were all purged is forgotten, also after a restart" {
	local pid params=$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.params
	sed -i 's/^CLEAN_PERIOD = .*/CLEAN_PERIOD = 2/' "$params"
	pid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill -TERM "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	pumice cluster start "$CLUSTER_DIR" >/dev/null
	flow_submit chain -name purged true true
	wait_flow_state "$FLOWID" DONE
	wait_for -t 40 bash -c "! bflow status $FLOWID >/dev/null 2>&1"
	run -255 bflow status "$FLOWID"
	assert_output "Workflow <$FLOWID>: No such workflow"
	# the steps' jobs are in the history; the workflow's record is gone
	run -0 bhist -l "${STEPJOB[step2]}"
	restart_master
	run -255 bflow status "$FLOWID"
	assert_output "Workflow <$FLOWID>: No such workflow"
	run -0 bflow status
	refute_line --regexp "^$FLOWID "
}
