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
set -o pipefail	# not -u: bash counts an empty associative array as unset

top=$(cd "$(dirname -- "$0")/../.." && pwd)
. "$top/tests/waitfor.sh"
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
	local p f
	# the agents first (their pid files), then their unshare wrappers
	for f in "$dir"/run/pi-*.pid; do
		[ -n "$dir" ] && [ -f "$f" ] || continue
		p=$(cat "$f") && pids="$p $pids"
	done
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
		# the packages' dependencies; the packages come and go with each run
		deps=$(for d in "$top"/build/deb/"$a"/*.deb; do dpkg-deb -f "$d" Depends; done |
		    tr ',' '\n' | sed 's/(.*//; s/|.*//; s/ //g' | grep -v '^pumice' | grep . |
		    sort -u | tr '\n' ',')
		mmdebstrap --variant=apt --architectures="$a" --include="procps,file,$deps" \
		    bookworm "$root" >"$top/build/deb/$a/run-chroot.log" 2>&1 || return 1
		touch "$root/.pumice-ready"
	fi
	echo "$root"
}

# Runs the unit tests cross-built for $1 in its build chroot, under qemu.
unit_tests() {
	local a=$1 root=$chroots/build-$1 t out rc=0
	chroot "$root" dpkg -s "libcmocka-dev:$a" >/dev/null 2>&1 ||
		chroot "$root" sh -c "apt-get update -qq && apt-get install -y -qq libcmocka-dev:$a" \
		    >/dev/null 2>&1 || { note "$a: cannot install libcmocka-dev:$a"; return 1; }
	rm -rf "$root/build/unit" && mkdir -p "$root/build/unit"
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    xargs -0 cp --parents -a -t "$root/build/unit") || return 1
	unshare --mount --fork sh -c '
		mount -t proc proc "$1/proc" &&
		chroot "$1" sh -c "cd /build/unit && eval \$(dpkg-architecture -a$2 -s 2>/dev/null) &&
		    export PKG_CONFIG_LIBDIR=/usr/lib/\$DEB_HOST_MULTIARCH/pkgconfig:/usr/share/pkgconfig &&
		    autoreconf -fi >/dev/null 2>&1 && ./configure --host=\$DEB_HOST_GNU_TYPE >/dev/null &&
		    make -s -j2 tests-build >/dev/null"' sh "$root" "$a" ||
		{ note "$a: the unit tests do not build"; return 1; }
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

# Starts $1's agent from chroot $3 as the README's "Installing on a shelf
# of Pis" does on a Pi: the installed /etc/pumice with the master's address
# and the master's key, the packaged paths (spool, socket, log), the host
# name its own (a UTS namespace named $2). The cluster directory is bound
# at its own path, for the jobs' output (/data on a real cluster). All in
# namespaces of its own: nothing to undo. --mem: past 4 GB on 32 bits.
start_agent() {
	local a=$1 h=$2 root=$3 mem=$4 port
	port=$(sed -n 's/^LSB_MBD_PORT=//p' "$dir/conf/lsf.conf")
	sed -i "s/^LSF_MASTER_LIST=.*/LSF_MASTER_LIST=127.0.0.1/; s/^LSB_MBD_PORT=.*/LSB_MBD_PORT=$port/" \
	    "$root/etc/pumice/lsf.conf"
	install -m 600 -o "$(stat -c %u "$root/etc/pumice/cluster.key")" "$dir/conf/cluster.key" \
	    "$root/etc/pumice/cluster.key"
	mkdir -p "$root/sys/firmware/devicetree/base" "$root/run/pumice" "$root/var/log/pumice/agent"
	printf '%s\0' "$(board "$a")" >"$root/sys/firmware/devicetree/base/model"
	setsid unshare --mount --uts --fork --kill-child=SIGTERM sh -c '
		root=$1 d=$2 h=$3; shift 3
		hostname "$h" && mkdir -p "$root$d" && mount --bind "$d" "$root$d" &&
		mount -t proc proc "$root/proc" && exec chroot "$root" "$@"' sh "$root" "$dir" "$h" \
	    /usr/sbin/pumice-agent -e /etc/pumice -l /var/log/pumice/agent/agent.log \
	    --pid "$dir/run/$h.pid" --mem "$mem" </dev/null >>"$dir/log/$h.out" 2>&1 &
	pids="$pids $!"
}

# What a Pi's device tree calls it, and uname's machine, per architecture.
board() {
	case $1 in
	arm64) echo "Raspberry Pi 4 Model B Rev 1.4" ;;
	armhf) echo "Raspberry Pi 3 Model B Plus Rev 1.3" ;;
	esac
}
machine() {
	case $1 in
	arm64) echo aarch64 ;;
	armhf) echo armv7l ;;
	esac
}

host_ok() {
	[ "$("$bin/bhosts" -w "$1" 2>/dev/null | awk 'NR == 2 { print $2 }')" = ok ]
}


# The agent's memory as far as qemu-user lets it be seen: the resident
# pages of the files it maps from its chroot (its binary and libraries,
# what a Pi's kernel would count as shared), beside the whole qemu process
# (guest heap and stacks plus qemu's own translation cache, which a Pi does
# not have) and a native agent of this build (same code, same libraries).
guest_rss() {
	local root=$1 pid=$2 files total
	files=$(awk -v r="$root/" '
	    /^[0-9a-f]+-[0-9a-f]+ / { f = (index($6, r) == 1) }
	    /^Rss:/ && f { kb += $2 } END { print kb + 0 }' "/proc/$pid/smaps")
	total=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	echo "files mapped from the chroot $files KB; qemu process $total KB; native node1 agent $(awk '/^VmRSS/ { print $2 }' "/proc/$(cat "$dir/run/node1.pid")/status") KB"
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
	check "$a: the pumice system user exists" chroot "$root" sh -c 'getent passwd pumice >/dev/null'
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
	"$bin/badmin" hclose node1 >/dev/null 2>&1
	for a in "${!root_of[@]}"; do
		# armhf reports 8 GB: memory sizes past 4 GB in a 32-bit agent
		start_agent "$a" "pi-$a" "${root_of[$a]}" 8G
	done
	for a in "${!root_of[@]}"; do
		check "$a: the agent registers and shows ok" wait_until 60 host_ok "pi-$a"
		want=$(machine "$a" | tr a-z A-Z)
		model=$(board "$a" | tr ' ' _)
		line=$("$bin/lshosts" -w "pi-$a" 2>/dev/null | awk 'NR == 2')
		note "$a: lshosts: $line"
		check "$a: lshosts type is $want, model is the device tree's ($model)" \
		    grep -q "^pi-$a  *$want  *$model " <<<"$line"
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
		want=$(machine "$a")
		c=$(cat "$dir"/data/out/* 2>/dev/null | grep -c "^$want\$")
		note "$a: $c of 46 prime elements ran on pi-$a"
		check "$a: elements ran on pi-$a" [ "$c" -gt 0 ]
		pid=$(cat "$dir/run/pi-$a.pid" 2>/dev/null)
		[ -z "$pid" ] || note "$a: agent memory: $(guest_rss "${root_of[$a]}" "$pid")"
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
