#!/usr/bin/env bats
# The NFS server (nfs-ganesha on loopback, tests/nfs/nfs-server.sh) cut
# again and again for short periods, stopped or frozen, while jobs on two
# agents write to nfs:// outputs: every job ends DONE with its whole output
# once and in order, and no shepherd dies of a signal. Before outnfs.c used
# libnfs's async calls, a reconnect after a cut completed calls the sync
# wrappers had given up into their dead stack frames: shepherds died of
# SIGSEGV and their jobs ended EXIT TERM_ZOMBIE (fault scenario s7). Needs
# root, like nfs.bats.

load helpers

NFS_SH=$BATS_TEST_DIRNAME/../nfs/nfs-server.sh

nfs_free_port() {
	local p
	for p in $(seq $((20500 + RANDOM % 2000 * 2)) 2 29998); do
		ss -ltnH "( sport = :$p or sport = :$((p + 1)) )" | grep -q . || { echo "$p"; return; }
	done
	return 1
}

setup_file() {
	local why
	if ! why=$("$NFS_SH" check 2>&1); then
		export NFS_SKIP="no NFS server for the tests: $why"
		return 0
	fi
	cluster_start -n 2 --cpus 4
	NFS_PORT=$(nfs_free_port)
	NFS_DIR=$CLUSTER_DIR/nfsexport
	"$PUMICE_BIN/pumice-cluster" stop "$CLUSTER_DIR" 2>/dev/null
	# a cut outlasts the 1 s timeout, never the deadline
	cat >>"$CLUSTER_DIR/conf/lsf.conf" <<-EOF
	PUMICE_NFS_TIMEOUT=1
	PUMICE_NFS_DEADLINE=30
	EOF
	"$PUMICE_BIN/pumice-cluster" start "$CLUSTER_DIR" >/dev/null 2>&1
	eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
	chmod 1777 "$NFS_DIR"
	export NFS_PORT NFS_DIR NFS_PID NFS_STATE NFS_URL NFS_ARGS
}

setup() {
	[ -z "${NFS_SKIP:-}" ] || skip "$NFS_SKIP"
	test_setup
}

teardown_file() {
	[ -n "${NFS_STATE:-}" ] && "$NFS_SH" stop "$NFS_STATE"
	cluster_teardown
}

# cut N: the server away for a while: stopped on odd N (the connections
# close), frozen on even N (calls time out, the server applies them later).
cut() {
	local pid ms=$((400 + RANDOM % 1200))
	if [ $(($1 % 2)) -eq 1 ]; then
		"$NFS_SH" stop "$NFS_STATE"
		sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
		eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
	else
		pid=$(cat "$NFS_STATE/server.pid")
		kill -STOP "$pid"
		sleep "$(((ms + 1000) / 1000)).$(printf %03d $(((ms + 1000) % 1000)))"
		kill -CONT "$pid"
	fi
	echo "# cut $1: $([ $(($1 % 2)) -eq 1 ] && echo stopped || echo frozen) for ~$ms ms" >&3
}

job_ended() {
	case $(job_field "$1" stat) in DONE | EXIT) return 0 ;; esac
	return 1
}

# lines_ok FILE N: FILE holds "line 1" .. "line N", each once, in order.
lines_ok() {
	grep '^line ' "$1" 2>/dev/null | awk -v n="$2" '$2 != NR { exit 1 } END { exit NR != n }'
}

@test "short server cuts, again and again: every job DONE, output whole, no shepherd killed" {
	local ids="" id k c st
	# small lines often and 8 KB lines: calls are in flight at every cut
	for k in 1 2 3 4 5 6 7 8; do
		if [ $((k % 2)) -eq 1 ]; then
			submit -o "$NFS_URL/cuts/%J.out?$NFS_ARGS" \
				'for i in $(seq 1 400); do echo "line $i"; sleep 0.05; done'
		else
			submit -o "$NFS_URL/cuts/%J.out?$NFS_ARGS" \
				'for i in $(seq 1 400); do echo "line $i $(head -c 8000 /dev/zero | tr "\0" x)"; sleep 0.05; done'
		fi
		ids="$ids $JOBID"
	done
	for id in $ids; do
		wait_for bash -c "grep -q '^line 3 ' $NFS_DIR/cuts/$id.out 2>/dev/null || grep -q '^line 3\$' $NFS_DIR/cuts/$id.out 2>/dev/null"
	done
	for c in 1 2 3 4 5 6 7 8; do
		cut "$c"
		sleep "0.$((3 + RANDOM % 7))"
	done
	for id in $ids; do
		wait_for -t 90 job_ended "$id"
		st=$(bjobs -noheader -o "stat exit_reason" "$id")
		[[ $st == DONE* ]] || fail "job $id: $st"
	done
	for id in $ids; do
		lines_ok "$NFS_DIR/cuts/$id.out" 400 ||
			fail "job $id: $(grep -c '^line ' "$NFS_DIR/cuts/$id.out") lines, not 1..400 once in order"
	done
	run grep -hE 'shepherd [0-9]+ exited with status -?[0-9]+ signal [1-9]' "$CLUSTER_DIR"/log/node*.log
	assert_output ""
}
