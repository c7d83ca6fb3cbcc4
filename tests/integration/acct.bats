#!/usr/bin/env bats
# lsb.acct: one JOB_FINISH line per finished job in LSF's field order
# under LSB_SHAREDIR/<cluster>/logdir, read back by a small reader here;
# rotation past ACCT_ARCHIVE_SIZE; bacct finds a job the master forgot
# (no sqlite history: PUMICE_HISTORY_DAYS = 0) in the file.
# lsb.events next to it: JOB_NEW, JOB_START(_ACCEPT), JOB_STATUS lines
# read by field position with awk as Snakemake's fallback reads them.

load helpers

restart_master() {
	local pid
	pid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill -TERM "$pid"
	wait_for bash -c "! kill -0 $pid 2>/dev/null"
	pumice cluster start "$CLUSTER_DIR" >/dev/null
}

setup_file() {
	cluster_start -n 1 --cpus 2
	local params=$CLUSTER_DIR/conf/lsbatch/pumice/configdir/lsb.params
	sed -i 's/^CLEAN_PERIOD = .*/CLEAN_PERIOD = 2/' "$params"
	sed -i '/^End Parameters/i PUMICE_HISTORY_DAYS = 0\nACCT_ARCHIVE_SIZE = 2\nMAX_ACCT_ARCHIVE_FILE = 2' "$params"
	restart_master
	export ACCT=$CLUSTER_DIR/work/pumice/logdir/lsb.acct
	export EVENTS=$CLUSTER_DIR/work/pumice/logdir/lsb.events
}

# ev TYPE ID AWKEXPR: AWKEXPR of each TYPE record of job ID, split on
# blanks as awk does (Snakemake: JOB_NEW $5 uid, $42 name; JOB_STATUS $4
# job, $5 status bits), oldest file first.
ev() {
	local f files=""
	for f in $(ls -r "$EVENTS"* 2>/dev/null); do files="$files $f"; done
	# shellcheck disable=SC2086
	awk -v t="\"$1\"" -v id="$2" "\$1 == t && \$4 == id { print $3 }" $files
}

# ev_has PATTERN: a line of lsb.events or a rotated one matches (a line
# can land in lsb.events.1 right away when its write rotates the file).
ev_has() {
	cat "$EVENTS"* 2>/dev/null | grep -q "$1"
}

teardown_file() {
	cluster_teardown
}

# acct_fields ID: "user queue status exit name command nhosts start>=submit
# end>=start" of job ID's JOB_FINISH line, read by field position as
# lsb.acct(5) lists them (strings quoted, "" a quote).
acct_fields() {
	cat "$ACCT"* 2>/dev/null | python3 -c '
import re, sys
want = int(sys.argv[1])
for line in sys.stdin:
    t = [a.replace("\"\"", "\"") if a != "" or b == "" else b
         for a, b in re.findall(r"\"((?:[^\"]|\"\")*)\"|(\S+)", line)]
    t = [x if x is not None else "" for x in t]
    if t[0] != "JOB_FINISH" or int(t[3]) != want:
        continue
    ev, sub, begin, term, start = (int(t[i]) for i in (2, 7, 8, 9, 10))
    user, queue = t[11], t[12]
    nex = int(t[23]); hosts = t[24:24 + nex]; k = 24 + nex
    jstatus, name, cmd = int(t[k]), t[k + 2], t[k + 3]
    rest = t[k + 4 + 19:]          # after the 19 rusage fields
    project, exitstatus, idx = rest[1], int(rest[2]), int(rest[6])
    print(user, queue, {64: "DONE", 32: "EXIT"}[jstatus], exitstatus >> 8,
          name, cmd, nex, ",".join(hosts), project, idx,
          start >= sub, ev >= start)
' "$1"
}

@test "each finished job has its JOB_FINISH line with LSF's fields" {
	submit -J okjob true
	local ok=$JOBID
	submit -J badjob 'exit 3'
	local bad=$JOBID
	submit -J 'arr[1-2]' 'echo "q""uoted"'
	local arr=$JOBID
	wait_job_state "$ok" DONE
	wait_job_state "$bad" EXIT
	wait_job_state "$arr" DONE
	wait_for grep -q "^\"JOB_FINISH\" \"10.1\" [0-9]* $arr " "$ACCT"
	run -0 acct_fields "$ok"
	assert_output "$ME normal DONE 0 okjob true 1 node1 default 0 True True"
	run -0 acct_fields "$bad"
	assert_output "$ME normal EXIT 3 badjob exit 3 1 node1 default 0 True True"
	run -0 acct_fields "$arr"
	assert_line "$ME normal DONE 0 arr[1] echo \"q\"\"uoted\" 1 node1 default 1 True True"
	assert_line "$ME normal DONE 0 arr[2] echo \"q\"\"uoted\" 1 node1 default 2 True True"
	# a pending job killed ends too: EXIT, never started, no host
	submit -b 23:59 -J never true
	local never=$JOBID
	bkill "$never"
	wait_job_state "$never" EXIT
	wait_for grep -q "^\"JOB_FINISH\" \"10.1\" [0-9]* $never " "$ACCT"
	run -0 acct_fields "$never"
	assert_output --regexp "^$ME normal EXIT [0-9]+ never true 0  default 0 False"
}

@test "lsb.events has LSF's job records, read as Snakemake reads them" {
	submit -J evok true
	local ok=$JOBID
	submit -J evbad 'exit 3'
	local bad=$JOBID
	wait_job_state "$ok" DONE
	wait_job_state "$bad" EXIT
	wait_for ev_has "^\"JOB_STATUS\" \"10.1\" [0-9]* $bad "
	# JOB_NEW: uid, user name, queue, job name at 42 (no -m hosts)
	run -0 ev JOB_NEW "$ok" '$5, $14, $29, $42'
	assert_output "$(id -u) \"$ME\" \"normal\" \"evok\""
	run -0 ev JOB_NEW "$bad" '$5, $42'
	assert_output "$(id -u) \"evbad\""
	# cwd: where bsub ran (no -cwd); jobFile submitTime.jobId
	run -0 ev JOB_NEW "$ok" '$32, ($38 == "\"" $8 "." $4 "\"")'
	assert_output "\"$PWD\" 1"
	# JOB_START: status RUN, one host; JOB_START_ACCEPT follows, idx 0
	run -0 ev JOB_START "$ok" '$5, $9, $10, $14'
	assert_output '4 1 "node1" 0'
	run -0 ev JOB_START_ACCEPT "$ok" '$7'
	assert_output 0
	# JOB_STATUS: status bits, end time, exit status as wait(2), idx
	run -0 ev JOB_STATUS "$ok" '$5, ($9 >= $3), $11, $12'
	assert_output "64 1 0 0"
	run -0 ev JOB_STATUS "$bad" '$5, $11'
	assert_output "32 768"
	# an array: one JOB_NEW with its indices, a JOB_START and a
	# JOB_STATUS per element, by idx
	submit -J 'evarr[1-2]' true
	local arr=$JOBID
	wait_job_state "$arr" DONE
	wait_for ev_has "^\"JOB_STATUS\" \"10.1\" [0-9]* $arr 64 .* 2\$"
	run -0 ev JOB_NEW "$arr" '$42'
	assert_output '"evarr[1-2]"'
	run -0 ev JOB_START "$arr" '$14'
	assert_line 1
	assert_line 2
	run -0 ev JOB_STATUS "$arr" '$5, $12'
	assert_line "64 1"
	assert_line "64 2"
	# every line whole: type, version, time first, quotes balanced
	run -0 bash -c "cat '$EVENTS'* | grep -Evc '^\"[A-Z_]+\" \"10.1\" [0-9]+ ' || true"
	assert_output 0
	run -0 bash -c "cat '$EVENTS'* | awk -F'\"' 'NF % 2 == 0' | wc -l"
	assert_output 0
}

@test "lsb.events: bstop, bresume and a pending kill write JOB_STATUS" {
	submit -J evsusp 'sleep 30'
	local id=$JOBID
	wait_job_state "$id" RUN
	bstop "$id"
	wait_job_state "$id" USUSP
	bresume "$id"
	wait_job_state "$id" RUN
	bkill "$id"
	wait_job_state "$id" EXIT
	wait_for ev_has "^\"JOB_STATUS\" \"10.1\" [0-9]* $id 32 "
	run -0 ev JOB_STATUS "$id" '$5'
	assert_output "$(printf '16\n4\n32')"
	# JOB_SIGNAL: uid, runCount, signal, idx, who
	run -0 ev JOB_SIGNAL "$id" '$5, $6, $7, $8, $9'
	assert_output "$(id -u) 1 \"KILL\" 0 \"$ME\""
	submit -b 23:59 -J evnever true
	local never=$JOBID
	bkill "$never"
	wait_job_state "$never" EXIT
	wait_for ev_has "^\"JOB_STATUS\" \"10.1\" [0-9]* $never "
	run -0 ev JOB_STATUS "$never" '$5, $12'
	assert_output "32 0"
	run -0 ev JOB_START "$never" '$5'
	assert_output ""
	run -0 ev JOB_SIGNAL "$never" '$6, $7'
	assert_output '0 "KILL"'
}

@test "lsb.events: btop and bbot write JOB_MOVE" {
	submit -H -J mv1 true
	local a=$JOBID
	submit -H -J mv2 true
	local b=$JOBID
	btop "$b"
	bbot "$b"
	wait_for ev_has "^\"JOB_MOVE\" \"10.1\" [0-9]* [0-9]* $b 1 2 "
	# shellcheck disable=SC2046
	run -0 awk -v id="$b" '$1 == "\"JOB_MOVE\"" && $5 == id { print $4, $6, $7, $9 }' \
	    $(ls -r "$EVENTS"*)
	assert_output "$(printf '%s 1 1 "%s"\n%s 1 2 "%s"' "$(id -u)" "$ME" "$(id -u)" "$ME")"
	bkill "$a" "$b"
}

@test "bacct finds a job the master forgot in lsb.acct" {
	submit -J forgotten 'exit 5'
	local id=$JOBID
	wait_job_state "$id" EXIT
	# CLEAN_PERIOD 2 s and no sqlite history: the master forgets it
	wait_for -t 30 bash -c "! bjobs -a $id >/dev/null 2>&1"
	run -0 bacct -l "$id"
	assert_output --partial "Job <$id>, Job Name <forgotten>, User <$ME>"
	assert_output --partial "Completed <exit>"
	assert_output --partial "Total number of done jobs:       0      Total number of exited jobs:     1"
	run -255 --separate-stderr bacct 999999
	assert_regex "$stderr" "999999"
}

@test "lsb.acct is rotated past ACCT_ARCHIVE_SIZE, two archives kept" {
	local i ids=""
	for i in $(seq 1 12); do
		submit -J "rot$i" true
		ids="$ids $JOBID"
	done
	for i in $ids; do
		wait_job_state "$i" DONE
	done
	wait_for test -e "$ACCT.2"
	[ ! -e "$ACCT.3" ]
	[ "$(stat -c %s "$ACCT.1")" -ge 2048 ]
	# every line is whole, in whichever file
	run -0 bash -c "cat '$ACCT'* | grep -vc '^\"JOB_FINISH\" \"10.1\" .* \"[^\"]*\"\$' || true"
	assert_output 0
	# lsb.events rotates the same way
	wait_for test -e "$EVENTS.2"
	[ ! -e "$EVENTS.3" ]
	[ -e "$EVENTS" ]
}
