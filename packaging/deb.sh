#!/bin/bash
# deb.sh - builds Pumice's Debian packages into build/deb/ARCH/.
#   packaging/deb.sh [amd64|arm64|armhf]      (default: this machine's)
# The native build runs dpkg-buildpackage on a copy of the tree with the
# host's build dependencies (packaging/deps.sh --deb). A foreign
# architecture is cross-built in a chroot of this machine's architecture
# made once by mmdebstrap (PUMICE_CHROOTS, default /var/cache/pumice) with
# crossbuild-essential-ARCH and the ARCH -dev libraries: Debian 12's
# libevent-dev:arm64 is not co-installable with the native one, so they
# never touch the host's packages. Needs root for the chroot.
set -euo pipefail

top=$(cd "$(dirname -- "$0")/.." && pwd)
host_arch=$(dpkg --print-architecture)
arch=${1:-$host_arch}
chroots=${PUMICE_CHROOTS:-/var/cache/pumice}
suite=bookworm
out=$top/build/deb/$arch

case "$arch" in
amd64 | arm64 | armhf) ;;
*) echo "deb.sh: unknown architecture '$arch' (amd64, arm64 or armhf)" >&2; exit 2 ;;
esac

# The -dev packages debian/control builds against, for architecture $1.
build_libs() {
	sed -n '/^Build-Depends:/,/^[A-Z]/p' "$top/debian/control" |
	    grep -o 'lib[a-z0-9.+-]*-dev' | sed "s/\$/:$1/" | tr '\n' ',' | sed 's/,$//'
}

# A copy of the tree without build output, for dpkg-buildpackage to work in.
copy_tree() {
	rm -rf "$1" && mkdir -p "$1"
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    xargs -0 cp --parents -a -t "$1")
}

started=$(date +%s)
rm -rf "$out" && mkdir -p "$out"
if [ "$arch" = "$host_arch" ]; then
	"$top/packaging/deps.sh" --deb
	src=$top/build/deb/src-$arch/pumice
	copy_tree "$src"
	(cd "$src" && dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1) || {
		tail -30 "$out/build.log" >&2; exit 1; }
	mv "$src"/../*.deb "$src"/../*.changes "$src"/../*.buildinfo "$out/"
else
	"$top/packaging/deps.sh" --chroot
	root=$chroots/build-$arch
	if [ ! -x "$root/usr/bin/dpkg-buildpackage" ]; then
		echo "deb.sh: making the build chroot $root (once)" >&2
		rm -rf "$root" && mkdir -p "$chroots"
		mmdebstrap --variant=buildd --architectures="$host_arch,$arch" \
		    --include="crossbuild-essential-$arch,debhelper,autoconf,automake,pkg-config,libcmocka-dev:$arch,$(build_libs "$arch")" \
		    "$suite" "$root" >"$out/chroot.log" 2>&1 || {
			tail -30 "$out/chroot.log" >&2; rm -rf "$root"; exit 1; }
	fi
	copy_tree "$root/build/pumice"
	# /proc for the build, in a mount namespace of its own: nothing to undo
	unshare --mount --fork sh -c '
		mount -t proc proc "$1/proc" &&
		chroot "$1" sh -c "cd /build/pumice && dpkg-buildpackage -a$2 -us -uc -B"' \
	    sh "$root" "$arch" >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
	mv "$root"/build/*.deb "$root"/build/*.changes "$root"/build/*.buildinfo "$out/"
	rm -rf "$root/build"
	# the architecture-independent package, from a native build
	if ! ls "$top"/build/deb/"$host_arch"/pumice-common_*_all.deb >/dev/null 2>&1; then
		"$0" "$host_arch"
	fi
	cp "$top"/build/deb/"$host_arch"/pumice-common_*_all.deb "$out/"
fi
echo "deb.sh: $arch packages in build/deb/$arch ($(($(date +%s) - started)) s):"
(cd "$out" && ls *.deb | grep -v dbgsym | sed 's/^/  /')
