#!/bin/sh
# Installs every Debian package that building, the demo and the tests need.
# Does nothing when all are present. Usage: packaging/deps.sh [--nfs]
# [--slurm] [--deb] [--chroot] [--web] (--slurm: Slurm and munge for make
# bench-compare, which starts its own daemons in a scratch directory;
# --deb: building and checking Debian packages; --chroot: chroots of other
# architectures, run under qemu, for make deb ARCH=... and make deb-test;
# --web: chromium, which tests/integration/webpage.bats drives headless
# over the DevTools protocol (python3-websocket), curl and the Prometheus
# client library for http.bats)
set -eu
pkgs="build-essential autoconf automake pkg-config libevent-dev libuv1-dev
libsqlite3-dev libjansson-dev libnfs-dev libssl-dev libsodium-dev libcmocka-dev bats
bats-assert bats-support mandoc procps iproute2 util-linux python3"
for a in "$@"; do
	case "$a" in
	--nfs) pkgs="$pkgs nfs-ganesha nfs-ganesha-vfs nfs-ganesha-mem libnfs-utils" ;;
	--slurm) pkgs="$pkgs slurmctld slurmd slurm-client munge" ;;
	--deb) pkgs="$pkgs debhelper lintian git" ;;
	--chroot) pkgs="$pkgs mmdebstrap qemu-user-static binfmt-support arch-test" ;;
	--web) pkgs="$pkgs chromium curl python3-prometheus-client python3-websocket" ;;
	esac
done
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "packaging/deps.sh: installing:$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

# The tests start what they need (nfs-ganesha) in the foreground for their
# own run. The packages' services (nfs-ganesha, rpcbind, ...) must neither
# start now nor at boot: a policy-rc.d that refuses every start covers the
# install (unless the machine already has one), and whatever unit or init
# script the install enabled is disabled again. Units that were enabled
# before are left as they were.
enabled_links() {
	find /etc/systemd/system /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d \
	    -type l \( -path '*.wants/*' -o -name 'S*' \) 2>/dev/null | sort
}
before=$(mktemp)
trap 'rm -f "$before"; [ -z "${policy:-}" ] || $sudo rm -f "$policy"' EXIT
enabled_links >"$before"
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\n# packaging/deps.sh: no service starts during this install\nexit 101\n' |
	    $sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
fi
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
enabled_links | comm -13 "$before" - | while read -r link; do
	case "$link" in
	*.wants/*)
		unit=${link##*/}
		echo "packaging/deps.sh: disabling $unit, enabled by the install" >&2
		$sudo systemctl disable --quiet "$unit" 2>/dev/null || $sudo rm -f "$link"
		# booted with systemd: a unit started despite policy-rc.d stops too
		[ ! -d /run/systemd/system ] || $sudo systemctl stop "$unit" 2>/dev/null || true
		;;
	*)
		script=${link##*/S[0-9][0-9]}
		echo "packaging/deps.sh: disabling init script $script, enabled by the install" >&2
		$sudo update-rc.d "$script" disable >/dev/null 2>&1 || $sudo rm -f "$link"
		;;
	esac
done
