#!/usr/bin/env bats
# encodings.bats - bjobs prints the same bytes whatever encoding its pages
# came in: the row encoding (rowtext.h, asked for with "rows": lines sent
# raw after the reply's JSON), the same rows relayed by an agent (a JSON
# string), and the JSON rows an older client asks for (PUMICE_QUERY_ROWS=0),
# in one page or in pages of two or three records, for jobs whose values
# need escaping: names with spaces, tabs, backslashes and non-ASCII bytes,
# a command of 6,000 bytes with a tab and a newline, arrays with pending
# ranges, a job on two hosts.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 3
}

teardown_file() {
	cluster_teardown
}

# One "jobs" request with "rows" straight to the master, as bjobs sends
# it; prints the reply's data head, then each raw line of its rows.
raw_page() {
	local fields
	fields=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
	"$BATS_TEST_DIRNAME/rawreq.py" "$CLUSTER_DIR/run/master.sock" jobs \
	    "{\"fields\": $fields, \"rows\": true, \"ranges\": true, \"all_states\": true}" --rows
}

# same_bytes ARGS...: bjobs ARGS prints the same (and exits the same) in
# every encoding and page size.
same_bytes() {
	local want got how
	want=$(PUMICE_QUERY_ROWS=0 bjobs "$@" 2>&1; echo "rc=$?")
	for how in "" "PUMICE_QUERY_PAGE=2" "PUMICE_QUERY_PAGE=3 PUMICE_QUERY_ROWS=0" \
	    "PUMICE_SOCKET=$CLUSTER_DIR/run/agent-node1.sock" \
	    "PUMICE_SOCKET=$CLUSTER_DIR/run/agent-node1.sock PUMICE_QUERY_PAGE=3"; do
		got=$(env $how bjobs "$@" 2>&1; echo "rc=$?")
		if [ "$got" != "$want" ]; then
			echo "bjobs $* differs with $how:"
			diff <(echo "$want") <(echo "$got")
			return 1
		fi
	done
}

@test "bjobs prints the same bytes from rows, relayed rows and JSON, paged or not" {
	local long i
	long="sleep 600 #$(printf 'x%.0s' $(seq 6000))"
	submit -J 'plain name' -o /dev/null true
	local done_id=$JOBID
	wait_job_state "$done_id" DONE
	submit -J $'tab\there and "q" back\\slash' -P projx -o /dev/null "$long"$'\t#\n#'
	local tab=$JOBID
	submit -J 'naïve-日本-名前' -g /grp/a -H -o /dev/null true
	local utf=$JOBID
	submit -n 4 -J wide -o /dev/null sleep 600	# on both hosts
	local wide=$JOBID
	submit -J 'arr[1-30]%1' -o /dev/null sleep 600	# one runs, a range waits
	local arr=$JOBID
	wait_job_state "$tab" RUN
	wait_job_state "$wide" RUN
	wait_job_state "$arr[1]" RUN
	bkill "$arr[7]" "$arr[20-22]" >/dev/null
	bstop "$arr[9]" >/dev/null
	wait_job_state "$arr[7]" EXIT
	wait_job_state "$arr[9]" PSUSP
	# the master answers in rows: a head, then the lines it counts
	run -0 raw_page name cmd exec_hosts
	[[ "${lines[0]}" == *'"cols": ["id", "idx", "name", "exec_hosts", "cmd", "array", "npos"]'* ]]
	local head=${lines[0]} rows
	rows=$(echo "$head" | sed -E 's/.*"rows": ([0-9]+).*/\1/')
	[[ "$head" == *"\"tail\": $rows}"* ]]
	assert_line --partial $'tab\\there and "q" back\\\\slash\t'
	assert_line --regexp $'^'"$arr"$'\t10\tarr\\[10\\]\t\t.*\t1-30\t10$'	# 10-19: a range
	assert_line --regexp $'^'"$wide"$'\t0\twide\tnode[12](\x1fnode[12]){3}\t'
	for args in "" "-w" "-a" "-a -w" "-p" "-r" "-d" "-noheader -a" "-a -P projx" \
	    "-a -g /grp" "-o 'jobid:3 stat name cmd exec_host nexec_host first_host' -a" \
	    "-o 'jobid name cmd proj job_group delimiter=|' -a -noheader" \
	    "-o 'jobid name stat cmd exec_host' -json -a" "-json -a" "-W -a" \
	    "$arr" "$arr[5-12]" "$tab $utf 999999" "-u all -a"; do
		eval "set -- $args"
		same_bytes "$@"
		LSB_SHORT_HOSTLIST=1 same_bytes "$@"
	done
	# what the escapes stand for comes out as it went in
	run -0 bjobs -o 'name cmd' -noheader "$tab"
	assert_output "$(printf '%s %s' $'tab\there and "q" back\\slash' "$long"$'\t#\n#')"
	run -0 bjobs -w "$utf"
	assert_output --partial 'naïve-日本-名前'
	bkill "$tab" "$utf" "$wide" "$arr" >/dev/null
}
