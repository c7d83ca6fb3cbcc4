#!/usr/bin/env bats
# The NFS server (nfs-ganesha on loopback, tests/nfs/nfs-server.sh) cut
# again and again, flapping (down and up every half second) and for longer
# periods, stopped or frozen, while jobs on two agents write to nfs://
# outputs: every job ends DONE with its whole output once and in order, and
# no shepherd dies of a signal. Before outnfs.c used libnfs's async calls,
# the nfs_destroy_context of a reconnect completed calls that libnfs's sync
# wrappers had given up into their dead stack frames: now and then a
# shepherd died of SIGSEGV and its job ended EXIT TERM_ZOMBIE (fault
# scenario s7). The daemons run with tests/nfs/stalecb.c preloaded, a
# canary around nfs_destroy_context that aborts at such a write, so each
# one fails the test instead of the odd one that crashes. Needs root, like
# nfs.bats.

load helpers
load nfs

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
	cc -O2 -shared -fPIC -o "$CLUSTER_DIR/stalecb.so" "$BATS_TEST_DIRNAME/../nfs/stalecb.c" -ldl
	# a sanitizer build wants its runtime first: the shim comes before it
	LD_PRELOAD=$CLUSTER_DIR/stalecb.so STALECB_LOG=$CLUSTER_DIR/log/stalecb.log \
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
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

# secs MS: MS milliseconds as sleep takes them.
secs() {
	printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

# flap: the server stopped and started again at once (a reconnect meets
# a server going away: calls are left unanswered on a dead connection).
flap() {
	"$NFS_SH" stop "$NFS_STATE"
	sleep "$(secs $((100 + RANDOM % 200)))"
	eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
}

# cut N: the server away for longer: stopped, every third N frozen
# instead (calls time out, the server applies them later).
cut() {
	local pid ms=$((400 + RANDOM % 1200))
	if [ $(($1 % 3)) -ne 0 ]; then
		"$NFS_SH" stop "$NFS_STATE"
		sleep "$(secs $ms)"
		eval "$("$NFS_SH" start "$NFS_DIR" "$NFS_PORT")"
		echo "# cut $1: stopped for ~$ms ms" >&3
	else
		pid=$(cat "$NFS_STATE/server.pid")
		kill -STOP "$pid"
		sleep "$(secs $((ms + 1000)))"
		kill -CONT "$pid"
		echo "# cut $1: frozen for ~$((ms + 1000)) ms" >&3
	fi
}

# shepherds_watched: how many running jobs' shepherds (named in the spool,
# not the agent's long-lived one that forks them) have the canary loaded.
shepherds_watched() {
	local f d n=0
	for f in "$CLUSTER_DIR"/spool/*/jobs/*/shepherd.pid; do
		d=/proc/$(tr -dc 0-9 <"$f" 2>/dev/null)
		[ "$(cat "$d/comm" 2>/dev/null)" = pumice-shepherd ] &&
			grep -q "$CLUSTER_DIR/stalecb.so" "$d/maps" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
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
	local jobs="" j id n k c st
	# small lines, and 16 KB lines 40 times a second: calls are in flight
	# at every cut
	for k in 1 2 3 4 5 6 7 8; do
		if [ $((k % 2)) -eq 1 ]; then
			n=600
			submit -o "$NFS_URL/cuts/%J.out?$NFS_ARGS" \
				"for i in \$(seq 1 $n); do echo \"line \$i\"; sleep 0.05; done"
		else
			n=1000
			submit -o "$NFS_URL/cuts/%J.out?$NFS_ARGS" \
				"for i in \$(seq 1 $n); do echo \"line \$i \$(head -c 16000 /dev/zero | tr '\\0' x)\"; sleep 0.025; done"
		fi
		jobs="$jobs $JOBID:$n"
	done
	for j in $jobs; do
		wait_for bash -c "grep -qE '^line 3( |\$)' $NFS_DIR/cuts/${j%:*}.out 2>/dev/null"
	done
	# the canary watches every shepherd
	run shepherds_watched
	assert_output 8
	for c in $(seq 1 20); do
		flap
		sleep "$(secs $((200 + RANDOM % 400)))"
	done
	for c in 1 2 3 4 5 6; do
		cut "$c"
		sleep "$(secs $((300 + RANDOM % 700)))"
	done
	for j in $jobs; do
		id=${j%:*}
		wait_for -t 90 job_ended "$id"
		st=$(bjobs -noheader -o "stat exit_reason" "$id")
		[[ $st == DONE* ]] || fail "job $id: $st"
	done
	for j in $jobs; do
		id=${j%:*} n=${j#*:}
		lines_ok "$NFS_DIR/cuts/$id.out" "$n" ||
			fail "job $id: $(grep -c '^line ' "$NFS_DIR/cuts/$id.out") lines, not 1..$n once in order"
	done
	run grep -hsE 'shepherd [0-9]+ exited with status -?[0-9]+ signal [1-9]|^stalecb' \
		"$CLUSTER_DIR"/log/node*.log "$CLUSTER_DIR"/log/stalecb.log
	assert_output ""
}
