#!/bin/sh
# Installs every Debian package that building, the demo and the tests need.
# Does nothing when all are present. Usage: packaging/deps.sh [--nfs] [--slurm]
# (--slurm: Slurm and munge for make bench-compare, which starts its own
# daemons in a scratch directory)
set -eu
pkgs="build-essential autoconf automake pkg-config libevent-dev libuv1-dev
libsqlite3-dev libjansson-dev libnfs-dev libssl-dev libcmocka-dev bats
bats-assert bats-support mandoc procps iproute2 util-linux python3"
for a in "$@"; do
	case "$a" in
	--nfs) pkgs="$pkgs nfs-ganesha nfs-ganesha-vfs nfs-ganesha-mem libnfs-utils" ;;
	--slurm) pkgs="$pkgs slurmctld slurmd slurm-client munge" ;;
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
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
