#!/bin/bash
# demo.sh - the classic first job of a Pi cluster, on a 4-agent local
# cluster: a job array checks 2..1000 for primality (element i checks i,
# read from LSB_JOBINDEX, and writes DIR/data/out/i when i is prime), then a
# job that depends on the whole array sorts the results into one file.
# Run by `make demo` (env B = build dir). Prints the sorted file's path as
# its last line; the cluster is stopped on every exit path.
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

stop_cluster() {
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
# isprime.sh OUTDIR: writes OUTDIR/$LSB_JOBINDEX when the index is prime.
n=$LSB_JOBINDEX
[ "$n" -ge 2 ] || exit 0
i=2
while [ $((i * i)) -le "$n" ]; do
	[ $((n % i)) -ne 0 ] || exit 0
	i=$((i + 1))
done
echo "$n" >"$1/$n"
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

main() {
	[ "${NFS:-0}" = 1 ] &&
		say "NFS=1 is not supported yet; the share is a local directory"
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

	arr=$(submit -J "primes[2-1000]" -o "$data/logs/%J.%I.log" \
		"/bin/sh $data/bin/isprime.sh $data/out")
	[ -n "$arr" ] || die "no job id from bsub"
	say "waiting for the sort job, which waits for array $arr"
	timeout "$deadline" "$bindir/bsub" -K -w "done($arr)" -J sort \
		-o "$data/logs/%J.log" \
		"cat $data/out/* | sort -n > $data/primes.txt" ||
		die "the sort job failed (bsub -K exit $?)"

	show_jobs
	check_result "$data/primes.txt"
	stop_cluster
	say "168 primes below 1000, sorted:"
	echo "$data/primes.txt"
}

main "$@"
