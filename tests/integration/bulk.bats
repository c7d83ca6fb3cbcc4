#!/usr/bin/env bats
# bsub -pack: many jobs in one call (one connection, packs of jobs each
# acknowledged after one commit).

load helpers

setup_file() {
	cluster_start -n 2 --cpus 4
}

teardown_file() {
	cluster_teardown
}

# done_count IDFILE: how many of the ids in IDFILE bjobs -a shows DONE.
done_count() {
	bjobs -a -noheader -o "id stat" 2>/dev/null |
		awk 'NR == FNR { want[$1] = 1; next } ($1 in want) && $2 == "DONE"' "$1" - |
		wc -l
}

all_done() {
	[ "$(done_count "$1")" -eq "$2" ]
}

@test "1000 jobs in one bsub -pack call: 1000 ids, all run DONE" {
	for i in $(seq 1 1000); do
		echo "-o /dev/null -J pk$i touch got.$i"
	done >pack.txt
	run -0 bsub -pack pack.txt
	assert_equal "$(echo "$output" | grep -cE "$SUBMIT_RE")" 1000
	echo "$output" | sed -E "s/$SUBMIT_RE/\\1/" >ids
	assert_equal "$(sort -u ids | wc -l)" 1000
	wait_for -t 240 all_done ids 1000
	assert_equal "$(ls got.* | wc -l)" 1000
	run -0 bjobs -a -noheader -o "name stat" "$(sed -n 7p ids)"
	assert_output --regexp '^pk7 +DONE$'
}

@test "bsub -pack - reads stdin; options per line; comments and blanks skipped" {
	run -0 bsub -pack - <<'PACK'
# a comment

-q short -J first echo one
-J "second[1-3]" -o out.%I 'echo $LSB_JOBINDEX'
PACK
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp '^Job <[0-9]+> is submitted to queue <short>\.$'
	assert_line --index 1 --regexp '^Job <[0-9]+> is submitted to default queue <normal>\.$'
	id=$(echo "${lines[1]}" | sed -E "s/$SUBMIT_RE/\\1/")
	wait_job_state "$id" DONE
	assert_equal "$(head -n 1 out.2)" 2	# the job report follows
}

@test "a bad line is refused with its number; the others are submitted" {
	printf 'echo ok1\n-q nosuchq echo bad\n-n\necho ok2\n' >mixed.txt
	run -255 --separate-stderr bsub -pack mixed.txt
	assert_equal "$(echo "$output" | grep -cE "$SUBMIT_RE")" 2
	# line 3 fails in bsub, line 2 in the master: compare them sorted
	assert_equal "$(echo "$stderr" | sort)" "$(printf '%s\n' \
		'bsub: line 2: nosuchq: No such queue. Job not submitted.' \
		'bsub: line 3: option requires an argument -- n. Job not submitted.')"
}

@test "bsub -pack with a missing file or no jobs fails" {
	run -255 bsub -pack /nonexistent/pack
	assert_output --partial "Job not submitted."
	: >empty.txt
	run -255 bsub -pack empty.txt
	assert_output --partial "No job in the file"
}
