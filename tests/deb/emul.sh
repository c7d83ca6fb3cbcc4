#!/bin/bash
# emul.sh - make deb-test: Pumice's Debian packages of every architecture,
# installed and run the way a shelf of Pis would run them, on this machine.
#   tests/deb/emul.sh [ARCH...]        (default: arm64 armhf)
# For each ARCH: build the packages (packaging/deb.sh), lintian them (no
# error), install them in a chroot of that architecture (mmdebstrap, run
# by qemu-user-static through binfmt), check what the maintainer scripts
# made, run the unit tests cross-built for ARCH (32-bit armhf: time_t,
# sizes, 64-bit counters), then start one agent per architecture from its
# chroot against a native master (a local cluster whose node1 is closed),
# run a job array and a dependent sort on them, check lshosts' type and
# model and the agents' memory, and purge the packages again. Needs root;
# the chroots are cached in PUMICE_CHROOTS (default /var/cache/pumice).
# Prints TAP; exit 1 if anything failed.
set -uo pipefail

top=$(cd "$(dirname -- "$0")/../.." && pwd)
chroots=${PUMICE_CHROOTS:-/var/cache/pumice}
arches=${*:-arm64 armhf}
host_arch=$(dpkg --print-architecture)
bin=$top/build/bin
n=0 failed=0
dir="" pids=""

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() {	# check DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
note() { echo "# $*"; }

cleanup() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -z "$dir" ] || "$bin/pumice" cluster stop "$dir" >/dev/null 2>&1
	for p in $pids; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	[ -z "$dir" ] || [ -n "${PUMICE_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (chroots, binfmt)"; exit 0; }
"$top/packaging/deps.sh" --deb --chroot
[ -e /proc/sys/fs/binfmt_misc/register ] ||
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable >/dev/null 2>&1 || true
make -C "$top" -s -j2 all >/dev/null || { echo "Bail out! native build failed"; exit 1; }

# The runtime chroot of $1, made once with the packages' dependencies.
run_root() {
	local a=$1 root=$chroots/run-$1
	if [ ! -x "$root/usr/bin/dpkg" ] || [ ! -e "$root/.pumice-ready" ]; then
		rm -rf "$root" && mkdir -p "$chroots"
		# shellcheck disable=SC2046
		mmdebstrap --variant=apt --architectures="$a" \
		    --include="procps,$(ls "$top"/build/deb/"$a"/*.deb | grep -v dbgsym | tr '\n' ',')" \
		    bookworm "$root" >"$top/build/deb/$a/run-chroot.log" 2>&1 || return 1
		# the packages come and go with each run: only their dependencies stay
		chroot "$root" dpkg --purge pumice-master pumice-agent pumice-clients pumice-common \
		    >/dev/null 2>&1
		touch "$root/.pumice-ready"
	fi
	echo "$root"
}

# Runs the unit tests cross-built for $1 in its build chroot, under qemu.
unit_tests() {
	local a=$1 root=$chroots/build-$1 t out rc=0
	chroot "$root" dpkg -s "libcmocka-dev:$a" >/dev/null 2>&1 ||
		chroot "$root" apt-get install -y -qq "libcmocka-dev:$a" >/dev/null 2>&1 || return 1
	rm -rf "$root/build/unit" && mkdir -p "$root/build/unit"
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    xargs -0 cp --parents -a -t "$root/build/unit") || return 1
	unshare --mount --fork sh -c '
		mount -t proc proc "$1/proc" &&
		chroot "$1" sh -c "cd /build/unit && eval \$(dpkg-architecture -a$2 -s 2>/dev/null) &&
		    export PKG_CONFIG_LIBDIR=/usr/lib/\$DEB_HOST_MULTIARCH/pkgconfig:/usr/share/pkgconfig &&
		    autoreconf -fi >/dev/null 2>&1 && ./configure --host=\$DEB_HOST_GNU_TYPE >/dev/null &&
		    make -s -j2 tests-build >/dev/null"' sh "$root" "$a" || return 1
	for t in "$root"/build/unit/build/tests/test_*; do
		[ -x "$t" ] || continue
		out=$(cd "$root/build/unit" && unshare --mount --fork sh -c \
		    'mount -t proc proc "$1/proc" && chroot "$1" sh -c "cd /build/unit && $2"' \
		    sh "$root" "build/tests/${t##*/}" 2>&1)
		if ! grep -q "^not ok" <<<"$out" && ! grep -q "FAILED" <<<"$out"; then
			:
		else
			note "$a ${t##*/}:"; grep -E "^not ok|FAILED|rror" <<<"$out" | head -5 | sed 's/^/#   /'
			rc=1
		fi
	done
	rm -rf "$root/build/unit"
	return $rc
}

# Starts $1's agent as host $2 from chroot $3, with the cluster directory
# bound at its own path (mount namespace of its own: nothing to undo).
start_agent() {
	local a=$1 h=$2 root=$3 mem=$4
	mkdir -p "$dir/spool/$h" "$root/sys/firmware/devicetree/base"
	printf 'Raspberry Pi emulated (%s)\0' "$a" >"$root/sys/firmware/devicetree/base/model"
	setsid unshare --mount --fork sh -c '
		root=$1 d=$2; shift 2
		mkdir -p "$root$d" && mount --bind "$d" "$root$d" &&
		mount -t proc proc "$root/proc" && exec chroot "$root" "$@"' sh "$root" "$dir" \
	    /usr/sbin/pumice-agent -e "$dir/conf" --host "$h" --spool "$dir/spool/$h" \
	    --socket "$dir/run/agent-$h.sock" --log "$dir/log/$h.log" --pid "$dir/run/$h.pid" \
	    --mem "$mem" </dev/null >>"$dir/log/$h.out" 2>&1 &
	pids="$pids $!"
}

host_ok() {
	[ "$("$bin/bhosts" -w "$1" 2>/dev/null | awk 'NR == 2 { print $2 }')" = ok ]
}

wait_for() {	# wait_for SECONDS COMMAND...
	local end=$(($(date +%s) + $1)); shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
}

# RSS in KB of the guest program in qemu process $1, less qemu's own:
# qemu-user running a guest "sleep" is the baseline (an estimate: a Pi has
# no qemu, and the baseline holds sleep's own few pages).
guest_rss() {
	local root=$1 pid=$2 base rss sp
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	chroot "$root" /bin/sleep 5 & sp=$!
	sleep 1
	base=$(awk '/^VmRSS/ { print $2 }' "/proc/$sp/status")
	kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
	echo "$((rss - base)) (qemu process $rss KB, qemu running sleep $base KB)"
}

echo "# arches: $arches (on $host_arch)"
started=$(date +%s)
declare -A root_of
for a in $arches; do
	t0=$(date +%s)
	if "$top/packaging/deb.sh" "$a" >"/tmp/pumice-deb-$a.$$" 2>&1; then
		ok "$a: packages built ($(($(date +%s) - t0)) s)"
	else
		notok "$a: packages built"; sed 's/^/#   /' "/tmp/pumice-deb-$a.$$" | tail -20
		rm -f "/tmp/pumice-deb-$a.$$"; continue
	fi
	rm -f "/tmp/pumice-deb-$a.$$"
	lint=$(lintian "$top"/build/deb/"$a"/*.changes 2>&1 | grep -v "running with root")
	errs=$(grep -c "^E:" <<<"$lint")
	check "$a: lintian reports no error" [ "$errs" -eq 0 ]
	grep -E "^[EW]:" <<<"$lint" | sed 's/^/#   /'
	t0=$(date +%s)
	if unit_tests "$a"; then ok "$a: unit tests cross-built and run under qemu ($(($(date +%s) - t0)) s)"
	else notok "$a: unit tests cross-built and run under qemu"; fi
	if ! root=$(run_root "$a"); then
		notok "$a: runtime chroot made"; continue
	fi
	root_of[$a]=$root
	mkdir -p "$root/tmp/pumice-debs" && rm -f "$root"/tmp/pumice-debs/*
	cp "$top"/build/deb/"$a"/*.deb "$root/tmp/pumice-debs/" && rm -f "$root"/tmp/pumice-debs/*dbgsym*
	check "$a: packages install" chroot "$root" sh -c 'dpkg -i /tmp/pumice-debs/*.deb >/tmp/pumice-debs/install.log 2>&1'
	check "$a: the pumice system user exists" chroot "$root" getent passwd pumice
	check "$a: the cluster key is the pumice user's alone (0600)" \
	    [ "$(chroot "$root" stat -c '%U %a' /etc/pumice/cluster.key)" = "pumice 600" ]
	check "$a: /etc/pumice/lsf.conf is a conffile" \
	    grep -q "/etc/pumice/lsf.conf" <<<"$(chroot "$root" dpkg-query -W -f='${Conffiles}' pumice-common)"
	check "$a: the units are enabled" \
	    test -L "$root/etc/systemd/system/multi-user.target.wants/pumice-agent.service" -a \
	    -L "$root/etc/systemd/system/multi-user.target.wants/pumice-master.service"
	check "$a: the master runs as pumice (systemd drop-in)" \
	    grep -q "^User=pumice" "$root/lib/systemd/system/pumice-master.service.d/debian.conf"
	file=$(chroot "$root" file -L /usr/sbin/pumice-agent 2>/dev/null || file -L "$root/usr/sbin/pumice-agent")
	note "$a: $file"
	check "$a: a reinstall (upgrade path) keeps the key" sh -c "
	    k=\$(cat '$root/etc/pumice/cluster.key') &&
	    chroot '$root' sh -c 'dpkg -i /tmp/pumice-debs/*.deb >/dev/null 2>&1' &&
	    [ \"\$(cat '$root/etc/pumice/cluster.key')\" = \"\$k\" ]"
done

# One agent per architecture against a native master.
if [ "${#root_of[@]}" -gt 0 ]; then
	dir=$(mktemp -d /tmp/pumice-deb.XXXXXX) && chmod 755 "$dir"
	"$bin/pumice" cluster start "$dir" -n 1 >"$dir.env" 2>"$dir.err" ||
		{ echo "Bail out! cluster start: $(tail -3 "$dir.err")"; exit 1; }
	# shellcheck disable=SC1090
	. "$dir.env"; rm -f "$dir.env" "$dir.err"
	"$bin/badmin" hclose node1 >/dev/null
	for a in "${!root_of[@]}"; do
		# armhf reports 8 GB: memory sizes past 4 GB in a 32-bit agent
		start_agent "$a" "pi-$a" "${root_of[$a]}" 8G
	done
	for a in "${!root_of[@]}"; do
		check "$a: the agent registers and shows ok" wait_for 60 host_ok "pi-$a"
		want=$(case $a in arm64) echo aarch64 ;; armhf) echo armv7l ;; *) echo "$a" ;; esac)
		line=$("$bin/lshosts" -w "pi-$a" 2>/dev/null | awk 'NR == 2')
		note "$a: lshosts: $line"
		check "$a: lshosts type is $want, model is the device tree's" \
		    grep -q "^pi-$a  *$want  *Raspberry_Pi_emulated_($a) " <<<"$line"
		check "$a: lshosts maxmem is 8G" grep -Eq " 8(\.0)?G " <<<"$line"
	done
	t0=$(date +%s)
	mkdir -p "$dir/data/out"
	arr=$("$bin/bsub" -J 'primes[2-200]' -o /dev/null \
	    "n=\$LSB_JOBINDEX; i=2; while [ \$((i * i)) -le \$n ]; do [ \$((n % i)) -ne 0 ] || exit 0; i=\$((i + 1)); done; uname -m > $dir/data/out/\$n" |
	    sed -n 's/^Job <\([0-9]*\)>.*/\1/p')
	timeout 600 "$bin/bsub" -K -w "done($arr)" -J sort -o /dev/null \
	    "ls $dir/data/out | sort -n > $dir/data/primes.txt" >/dev/null 2>&1
	check "array of 199 and a dependent sort on the emulated agents ($(($(date +%s) - t0)) s)" \
	    [ "$(wc -l <"$dir/data/primes.txt" 2>/dev/null)" = 46 ]
	check "the primes are right and sorted" \
	    [ "$(head -3 "$dir/data/primes.txt" 2>/dev/null | tr '\n' ' ')" = "2 3 5 " -a \
	      "$(tail -1 "$dir/data/primes.txt" 2>/dev/null)" = 199 ]
	for a in "${!root_of[@]}"; do
		want=$(case $a in arm64) echo aarch64 ;; armhf) echo armv7l ;; esac)
		c=$(cat "$dir"/data/out/* 2>/dev/null | grep -c "^$want\$")
		note "$a: $c of 46 prime elements ran on pi-$a"
		check "$a: elements ran on pi-$a" [ "$c" -gt 0 ]
		pid=$(cat "$dir/run/pi-$a.pid" 2>/dev/null)
		[ -z "$pid" ] || note "$a: agent RSS as the Pi would see it, KB: $(guest_rss "${root_of[$a]}" "$pid")"
	done
	cleanup; dir="" pids=""
fi
for a in "${!root_of[@]}"; do
	check "$a: packages purge" chroot "${root_of[$a]}" sh -c \
	    'dpkg --purge pumice-master pumice-agent pumice-clients pumice-common >/dev/null 2>&1'
	check "$a: purge leaves no key, state or spool" \
	    test ! -e "${root_of[$a]}/etc/pumice/cluster.key" -a ! -e "${root_of[$a]}/var/lib/pumice"
done
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed in $(($(date +%s) - started)) s"
[ "$failed" -eq 0 ]
