#!/usr/bin/env bats
# scale_query.bats - listings cannot stall the master (issue 11): a pending
# 1M-element array listed in full by another user, several times at once,
# while the hosts stay ok, lsid answers within 100 ms and the master's RSS
# barely moves; bjobs -A counts it from the master's summary. Paged
# listings (PUMICE_QUERY_PAGE=1, 3: a record or three a page) print
# exactly what a one-page listing prints, in every format. Needs root, to
# list as another user.

load helpers

setup_file() {
	# freed memory is reused at once, so RSS shows what the master keeps
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
	cluster_start -n 2 --cpus 2
	echo "PUMICE_QUERY_PER_USER=1" >>"$LSF_ENVDIR/lsf.conf"	# busy, retried
	badmin reconfig >/dev/null
}

teardown_file() {
	cluster_teardown
}

master_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$CLUSTER_DIR/run/master.pid")/status"
}

# lsid's wall time in ms.
lsid_ms() {
	local t0 t1
	t0=$(date +%s%N)
	lsid >/dev/null || return 1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# The storm's clients run niced: on this one machine they would otherwise
# take the cores from lsid (printing a million rows is the client's work),
# and what is measured here is the master.
storm_one() {
	as_nobody env PATH="$PATH" LSF_ENVDIR="$LSF_ENVDIR" nice -n 19 "$@"
}

@test "a 1M-element array listed by another user: hosts ok, lsid < 100 ms, master RSS flat, -A counts" {
	require_root
	badmin qinact normal >/dev/null	# the array stays pending, hosts ok
	submit -J 'a[1-1000000]' -o /dev/null true
	local big=$JOBID rss0 rss1 ms worst=0 i pids=() n
	run -0 bjobs -A "$big"	# the summary: no record per element
	assert_line --regexp "^$big +a\[1-1000000\] +$ME +1000000 +1000000 +0 +0 +0 +0 +0 +0$"
	rss0=$(master_rss_kb)
	for i in 1 2 3; do
		(storm_one bjobs -a -u all | wc -l >"storm$i.n") 2>"storm$i.err" &
		pids+=($!)
	done
	(for i in 1 2 3 4 5; do storm_one bjobs -A -u all; done >stormA.out) &
	pids+=($!)
	n=0
	while kill -0 "${pids[0]}" 2>/dev/null; do	# measure during the storm
		ms=$(lsid_ms)
		echo "$ms" >>lsid.ms
		((ms > worst)) && worst=$ms
		run -0 bhosts
		[ "$(awk 'NR > 1 && $2 != "ok"' <<<"$output")" = "" ]
		[ "${#lines[@]}" -eq 3 ]
		n=$((n + 1))
	done
	for i in "${pids[@]}"; do wait "$i"; done
	rss1=$(master_rss_kb)
	echo "# lsid ms over $n tries: median $(sort -n lsid.ms | awk '{ a[NR] = $1 }
	    END { print a[int((NR + 1) / 2)] }'), worst $worst; master RSS ${rss0} -> ${rss1} KB" >&3
	((n >= 3))
	# 95 in 100 within 100 ms (the rest is this loaded machine's scheduling
	# of a sanitized lsid; the worst is printed above)
	(($(sort -n lsid.ms | awk '{ a[NR] = $1 } END { print a[int(NR * 0.95)] }') < 100))
	# a page is at most 256 KB of records, built and sent one at a time
	# (PUMICE_QUERY_PER_USER=1); 8 MB leaves room for the allocator's arenas
	((rss1 - rss0 < 8192))
	for i in 1 2 3; do
		[ "$(cat "storm$i.n")" -eq 1000001 ]
	done
	[ "$(grep -c "^$big " stormA.out)" -eq 5 ]
	bkill "$big" >/dev/null
	badmin qact normal >/dev/null
}

# The same output with a record or three a page as with one page.
same_paged() {
	local want got pg
	want=$(PUMICE_QUERY_PAGE=5000 bjobs "$@" 2>&1; echo "rc=$?")
	for pg in 1 3; do
		got=$(PUMICE_QUERY_PAGE=$pg bjobs "$@" 2>&1; echo "rc=$?")
		if [ "$got" != "$want" ]; then
			echo "bjobs $* differs with PUMICE_QUERY_PAGE=$pg:"
			diff <(echo "$want") <(echo "$got")
			return 1
		fi
	done
}

@test "paged listings print what one page prints: default, -o, -json, -l, -A; missing ids" {
	bkill 0 >/dev/null 2>&1 || true	# what a failed test above left
	badmin qact normal >/dev/null
	submit -o /dev/null true
	local plain=$JOBID
	wait_job_state "$plain" DONE
	submit -J 'p[1-12]%2' -o /dev/null sleep 600	# two run, the rest wait
	local arr=$JOBID
	wait_job_state "$arr[2]" RUN
	bkill "$arr[2]" "$arr[9-10]" >/dev/null
	bstop "$arr[11]" >/dev/null
	wait_job_state "$arr[2]" EXIT
	wait_job_state "$arr[3]" RUN	# then nothing changes for a while
	for args in "" "-a" "-w -a" "-l -a" "-json -a" "-A" "-A -a" "-A -json -a" \
	    "-o 'jobid:4 stat name exec_host' -a" "-o 'jobid stat' -json -a" "-p" \
	    "-r" "-d" "-noheader -a"; do
		eval "set -- $args"
		same_paged "$@" -J 'p*'	# not the killed 1M array above
		same_paged "$@" "$arr" "$plain"
		same_paged "$@" "$arr[1-4]" 999999 "$arr[40]"
	done
	# relayed by an agent, page after page on one connection
	[ "$(PUMICE_SOCKET=$CLUSTER_DIR/run/agent-node1.sock PUMICE_QUERY_PAGE=2 \
	    bjobs -a -J 'p*' 2>&1)" = "$(bjobs -a -J 'p*' 2>&1)" ]
	run -255 --separate-stderr bjobs -o "jobid stat" "$arr[11]" 999999
	assert_output --partial PSUSP
	[[ "$stderr" == *"Job <999999> is not found"* ]]
	# -A -P: the master counts only the project's arrays
	submit -P projx -H -J 'q[1-5]' -o /dev/null true
	run -0 bjobs -A -P projx
	assert_line --regexp "^$JOBID +q\[1-5\] +$ME +5 +0 +0 +0 +0 +0 +0 +5$"
	refute_output --partial "p[1-12]"
	local proj=$JOBID
	# -A -g: the master counts only the arrays of that group or below it
	submit -g /grp/a -H -J 'g[1-3]' -o /dev/null true
	local grp=$JOBID
	submit -g /grpx -H -J 'h[1-4]' -o /dev/null true
	run -0 bjobs -A -g /grp
	assert_line --regexp "^$grp +g\[1-3\] +$ME +3 +0 +0 +0 +0 +0 +0 +3$"
	refute_output --partial "h[1-4]"
	refute_output --partial "q[1-5]"
	run -0 bjobs -A -g /grpx
	assert_line --regexp "^$JOBID +h\[1-4\] +$ME +4 +0 +0 +0 +0 +0 +0 +4$"
	refute_output --partial "g[1-3]"
	run -0 bjobs -g /grp/a -o "jobid job_name" -noheader
	assert_equal "$(echo "$output" | wc -l)" 3
	refute_output --partial "h["
	bkill "$arr" "$proj" "$grp" "$JOBID" >/dev/null
}
