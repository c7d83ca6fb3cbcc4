#!/usr/bin/env bats
# clients.bats - the workflow tools of LSF.md §9, each driven the way its
# own code drives LSF: the same command lines, the same parsing of the
# answers (the regular expressions are theirs), end to end on a real
# cluster. A tool that breaks here would break against Pumice.

load helpers

setup_file() {
	cluster_start -n 2 --cpus 2
}

teardown_file() {
	cluster_teardown
}

# poll_json ID: Toil's status call; prints STAT when the job has ended.
toil_stat() {
	bjobs -json -o "jobid user exit_code stat exit_reason pend_reason" "$1" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["RECORDS"][0]; print(r["STAT"], r["EXIT_CODE"], r["EXIT_REASON"], sep="|")'
}

toil_ended() {
	case "$(toil_stat "$1")" in DONE\|* | EXIT\|*) return 0 ;; esac
	return 1
}

@test "Toil: bsub -cwd . -R select/rusage -M -n -o/-e %J, bjobs -json -o polling, bacct -l, bparams -a" {
	run -0 bsub -cwd . -J toil_job_1 -R "select[mem>100MB] rusage[mem=100MB]" -M 100MB -n 1 \
		-o "$TESTDIR/toil_job_%J.out" -e "$TESTDIR/toil_job_%J.err" "echo toil ran; pwd; exit 3"
	[[ "$output" =~ Job\ \<(.*)\>\ is\ submitted ]]
	local id=${BASH_REMATCH[1]}
	wait_for toil_ended "$id"
	run toil_stat "$id"
	assert_output "EXIT|3|"
	run -0 bjobs -json -o "jobid stat start_time" "$id"
	python3 -c 'import json,sys; r=json.loads(sys.argv[1])["RECORDS"][0]; assert r["STAT"]=="EXIT" and r["START_TIME"], r' "$output"
	run grep -x "toil ran" "$TESTDIR/toil_job_$id.out"
	assert_success
	# -cwd . is the submission directory, made absolute
	run grep -x "$TESTDIR" "$TESTDIR/toil_job_$id.out"
	assert_success
	run -0 bacct -l "$id"
	assert_output --partial "Completed <exit>"
	run -0 bparams -a
	assert_line --regexp '^ *RESOURCE_RESERVE_PER_TASK = '
	run -0 lsadmin showconf lim
	assert_line --regexp '^ *LSF_UNIT_FOR_LIMITS = MB$'
	run -0 lsid
	[[ "${lines[0]}" =~ [0-9]+\.[0-9]+ ]]
}

@test "Snakemake: bsub -J with :=() -env all -W -R x2 -cwd, bjobs -noheader -o 'jobid stat' -aJ '*uuid*', showconf, lsclusters -w, lsb.params" {
	local uuid=3f6c1a2e-5b1d-4c1e-9f3a-$RANDOM$RANDOM
	local name="Snakemake_rule_x:a=1___($uuid)"
	run -0 bsub -J "$name" -o "$TESTDIR/sm.log" -e "$TESTDIR/sm.log" -env all -q normal -W 10 \
		-n 2 -R "rusage[mem=100]" -R "span[hosts=1]" -cwd "$TESTDIR" "echo \$LSB_DJOB_NUMPROC \$LSB_MCPU_HOSTS"
	[[ "$output" =~ Job\ \<([0-9]+)\> ]]
	local id=${BASH_REMATCH[1]}
	wait_for bash -c "bjobs -noheader -o 'jobid stat' -aJ '*$uuid*' | grep -qx '$id DONE'"
	# both slots on one host
	run grep -E '^2 node[12] 2$' "$TESTDIR/sm.log"
	assert_success
	run -0 badmin showconf mbd
	assert_line --regexp '^ *LSB_SHAREDIR = /'
	assert_line --regexp '^ *LSF_CONFDIR = /'
	assert_line --regexp '^ *LSF_UNIT_FOR_LIMITS = MB$'
	run -0 lsclusters -w
	local cluster
	cluster=$(echo "${lines[1]}" | awk '{ print $1 }')
	[ "$cluster" = pumice ]
	local confdir
	confdir=$(badmin showconf mbd | awk '$1 == "LSF_CONFDIR" { print $3 }')
	grep -q '^ *DEFAULT_QUEUE *=' "$confdir/lsbatch/$cluster/configdir/lsb.params"
	run -0 bhist -l -a "$id"
	assert_output --partial "Job <$id>"
}

@test "Nextflow: bsub < .command.run with #BSUB lines, an array, bjobs -w -q columns by header, bkill, lsf.conf read by regex" {
	cat >"$TESTDIR/.command.run" <<-EOF
	#!/bin/bash
	#BSUB -o $TESTDIR/.command.log
	#BSUB -q normal
	#BSUB -n 2
	#BSUB -R "span[hosts=1]"
	#BSUB -W 01:00
	#BSUB -M 100MB
	#BSUB -R "select[mem>=100MB] rusage[mem=100MB]"
	#BSUB -J nf-task_1
	echo "nf \$LSB_JOBINDEX \$LSB_DJOB_NUMPROC"
	EOF
	run -0 bash -c "bsub < '$TESTDIR/.command.run'"
	[[ "$output" =~ Job\ \<([0-9]+)\>\ is\ submitted ]]
	local id=${BASH_REMATCH[1]}
	wait_job_state "$id" DONE
	run grep -x "nf 0 2" "$TESTDIR/.command.log"
	assert_success
	# an array of tasks, each reading LSB_JOBINDEX
	run -0 bash -c "printf '#!/bin/bash\n#BSUB -o $TESTDIR/arr.%%I\n#BSUB -J \"nf-arr[1-3]\"\necho idx \$LSB_JOBINDEX\n' | bsub"
	[[ "$output" =~ Job\ \<([0-9]+)\>\ is\ submitted ]]
	local arr=${BASH_REMATCH[1]}
	wait_job_state "$arr" DONE
	run grep -x "idx 2" "$TESTDIR/arr.2"
	assert_success
	# bjobs -w: columns found by their header words
	submit -q normal sleep 60
	local slow=$JOBID
	wait_job_state "$slow" RUN
	run -0 bjobs -w -q normal
	python3 - "$output" "$slow" <<-'PY'
	import sys
	lines = sys.argv[1].splitlines()
	head = lines[0].split()
	assert head[:3] == ["JOBID", "USER", "STAT"], head
	rows = [l.split() for l in lines[1:]]
	assert [sys.argv[2], "RUN"] in [[r[head.index("JOBID")], r[head.index("STAT")]] for r in rows], rows
	PY
	# -d: killed and recorded as DONE (LSF)
	run -0 bkill -d "$slow"
	wait_job_state "$slow" DONE
	# Nextflow's lsf.conf reader: ^[A-Z_0-9]+=.*
	run grep -E '^LSF_UNIT_FOR_LIMITS=' "$LSF_ENVDIR/lsf.conf"
	assert_output "LSF_UNIT_FOR_LIMITS=MB"
}

@test "dask-jobqueue: bsub < script, the id is the first number on stdout, bkill ID" {
	mkdir -p "$TESTDIR/logs"
	cat >"$TESTDIR/dask.sh" <<-EOF
	#!/usr/bin/env bash
	#BSUB -J dask-worker
	#BSUB -e $TESTDIR/logs/dask-worker-%J.err
	#BSUB -o $TESTDIR/logs/dask-worker-%J.out
	#BSUB -q normal
	#BSUB -P "dask project"
	#BSUB -n 1
	#BSUB -R "span[hosts=1]"
	#BSUB -M 100
	#BSUB -W 00:30
	echo worker up; sleep 60
	EOF
	local out id
	out=$(bsub <"$TESTDIR/dask.sh" 2>/dev/null)
	id=$(echo "$out" | grep -o '[0-9]\+' | head -n 1)
	[[ "$out" =~ ^Job\ \<$id\>\ is\ submitted ]]
	wait_job_state "$id" RUN
	run -0 bjobs -noheader -o "proj_name memlimit" "$id"
	assert_output --regexp '^dask project +100'
	run -0 bkill "$id"
	wait_job_state "$id" EXIT
	run -0 bjobs -noheader -o exit_reason "$id"
	assert_output "TERM_OWNER: job killed by owner"
}

@test "Cromwell: bsub -J -cwd -o -e /usr/bin/env bash script, alive check by rc and -o stat" {
	printf 'echo cromwell in $(pwd)\nsleep 2\n' >"$TESTDIR/script"
	mkdir -p "$TESTDIR/exec"
	run -0 bsub -J cromwell_x -cwd "$TESTDIR/exec" -o "$TESTDIR/stdout" -e "$TESTDIR/stderr" \
		/usr/bin/env bash "$TESTDIR/script"
	[[ "$output" =~ Job\ \<([0-9]+)\>.* ]]
	local id=${BASH_REMATCH[1]}
	run -0 bjobs "$id"
	run -0 bash -c "bjobs -noheader -o stat $id | grep 'PEND\|RUN'"
	wait_job_state "$id" DONE
	run -1 bash -c "bjobs -noheader -o stat $id | grep 'PEND\|RUN'"
	run grep -x "cromwell in $TESTDIR/exec" "$TESTDIR/stdout"
	assert_success
	run -255 bjobs 999999
	run -255 bkill "$id"
	assert_output --partial "already finished"
}
