#!/bin/bash
# demo.sh - the classic first job of a Pi cluster, on a 4-agent local
# cluster: a job array checks 2..1000 for primality (element i checks i,
# read from LSB_JOBINDEX, and writes DIR/data/out/i when i is prime), then a
# job that depends on the whole array sorts the results into one file.
# Run by `make demo` (env B = build dir). Prints the sorted file's path as
# its last line; the cluster is stopped on every exit path.
# With NFS=1 (root, packaging/deps.sh --nfs) DIR/data is exported by a
# user-space NFS server (tests/nfs/nfs-server.sh) as nfs://127.0.0.1/data
# and the array writes its results and logs through libnfs: element i
# prints i when prime into nfs://.../out/i; the sort job reads DIR/data.
set -eu

cd "$(dirname "$0")/.."
B=${B:-build}
bindir=$(pwd -P)/$B/bin
deadline=600		# seconds for the whole run

say() {
	echo "demo: $*" >&2
}

die() {
	say "$*"
	exit 1
}

stop_nfs() {
	[ -n "${nfs_state:-}" ] || return 0
	tests/nfs/nfs-server.sh stop "$nfs_state" || say "stopping the NFS server failed"
	nfs_state=
}

stop_cluster() {
	stop_nfs
	[ -n "${dir:-}" ] || return 0
	"$bindir/pumice" cluster stop "$dir" || say "stopping the cluster failed"
	dir_stopped=1
}

on_exit() {
	rc=$?
	[ -n "${dir_stopped:-}" ] || stop_cluster
	[ "$rc" -eq 0 ] || say "FAILED; the cluster's logs are in ${dir:-?}/log"
}

# The element's script: trial division, POSIX sh only.
write_isprime() {
	cat >"$1" <<'EOF'
#!/bin/sh
# isprime.sh [OUTDIR]: writes OUTDIR/$LSB_JOBINDEX when the index is
# prime; without OUTDIR prints it (the -o file is the result).
n=$LSB_JOBINDEX
[ "$n" -ge 2 ] || exit 0
i=2
while [ $((i * i)) -le "$n" ]; do
	[ $((n % i)) -ne 0 ] || exit 0
	i=$((i + 1))
done
if [ -n "${1:-}" ]; then echo "$n" >"$1/$n"; else echo "$n"; fi
EOF
}

# Submits "$@" with bsub; prints the job id from LSF's success line.
submit() {
	local line
	line=$("$bindir/bsub" "$@") || die "bsub failed: $line"
	echo "$line" >&2
	echo "$line" | sed -n 's/^Job <\([0-9]*\)> is submitted.*/\1/p'
}

show_jobs() {
	local all
	all=$("$bindir/bjobs" -a -w 2>&1) || true
	echo "$all" | head -n 4
	echo "   ... ($(echo "$all" | grep -c ' DONE ') DONE, $(echo "$all" | grep -c ' EXIT ') EXIT in all)"
	echo "$all" | tail -n 3
}

check_result() {
	local f=$1 n
	[ -f "$f" ] || die "$f was not written"
	n=$(wc -l <"$f")
	[ "$n" -eq 168 ] || die "$f holds $n lines, not the 168 primes below 1000"
	[ "$(head -n 1 "$f")" = 2 ] && [ "$(tail -n 1 "$f")" = 997 ] ||
		die "$f does not run from 2 to 997"
	sort -n -c "$f" || die "$f is not sorted"
}

# Starts the NFS server for $data; sets nfs_url (nfs://127.0.0.1/data) and
# nfs_args. Ports: the first free pair from 20490 on.
start_nfs() {
	local why port vars
	why=$(tests/nfs/nfs-server.sh check 2>&1) || die "NFS=1: $why"
	for port in $(seq 20490 2 20590); do
		ss -ltnH "( sport = :$port or sport = :$((port + 1)) )" | grep -q . || break
	done
	vars=$(tests/nfs/nfs-server.sh start "$data" "$port" /data) ||
		die "the NFS server did not start"
	eval "$vars"
	nfs_state=$NFS_STATE
	nfs_url=$NFS_URL
	nfs_args=$NFS_ARGS
	say "NFS server (pid $NFS_PID) exports $data as $nfs_url"
}

# Submits the array; prints its id.
submit_array() {
	if [ -n "${nfs_url:-}" ]; then
		submit -J "primes[2-1000]" -oo "$nfs_url/out/%I?$nfs_args" \
			-e "$nfs_url/logs/%J.%I.err?$nfs_args" "/bin/sh $data/bin/isprime.sh"
	else
		submit -J "primes[2-1000]" -o "$data/logs/%J.%I.log" \
			"/bin/sh $data/bin/isprime.sh $data/out"
	fi
}

main() {
	[ -x "$bindir/pumice" ] || die "$bindir/pumice missing; run make first"
	dir=$(mktemp -d /tmp/pumice-demo.XXXXXX)
	trap on_exit EXIT
	say "starting a 4-agent cluster in $dir"
	envlines=$("$bindir/pumice" cluster start "$dir" -n 4) ||
		die "the cluster did not start"
	eval "$envlines"
	data=$dir/data
	mkdir -p "$data/out" "$data/logs" "$data/bin"
	write_isprime "$data/bin/isprime.sh"
	[ "${NFS:-0}" = 1 ] && start_nfs

	arr=$(submit_array)
	[ -n "$arr" ] || die "no job id from bsub"
	say "waiting for the sort job, which waits for array $arr"
	timeout "$deadline" "$bindir/bsub" -K -w "done($arr)" -J sort \
		-o "$data/logs/%J.log" \
		"cat $data/out/* | grep -x '[0-9][0-9]*' | sort -n > $data/primes.txt" ||
		die "the sort job failed (bsub -K exit $?)"

	show_jobs
	check_result "$data/primes.txt"
	stop_cluster
	say "168 primes below 1000, sorted:"
	echo "$data/primes.txt"
}

main "$@"
