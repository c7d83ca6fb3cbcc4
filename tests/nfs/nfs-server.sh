#!/bin/bash
# nfs-server.sh - a user-space NFS server (nfs-ganesha, FSAL VFS, root only)
# for the tests and the demo, on 127.0.0.1 only, with no kernel NFS and no
# rpcbind (tests/nfs/norpcbind.c is preloaded).
#
#   nfs-server.sh start DIR PORT [PSEUDO]  exports DIR as PSEUDO (default
#       /export): NFS on PORT, MOUNT on PORT+1. Prints shell assignments:
#       NFS_PID NFS_STATE NFS_URL (nfs://127.0.0.1PSEUDO) NFS_ARGS
#       (nfsport=PORT&mountport=PORT+1). State in DIR.state/.
#   nfs-server.sh stop STATE               SIGTERM (then SIGKILL after 10 s)
#       to the pid recorded in STATE/server.pid, only if that process is
#       still our ganesha.
#   nfs-server.sh check                    exit 0 when a server can run here,
#       else prints why not (for skip messages).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

nfs_check() {
	[ "$(id -u)" -eq 0 ] || { echo "needs root (ganesha's FSAL VFS)"; return 1; }
	command -v ganesha.nfsd >/dev/null || { echo "nfs-ganesha is not installed (packaging/deps.sh --nfs)"; return 1; }
	[ -n "$(nfs_plugins)" ] || { echo "nfs-ganesha-vfs is not installed"; return 1; }
	command -v cc >/dev/null || { echo "no C compiler for the rpcbind shim"; return 1; }
}

nfs_plugins() {
	local d
	for d in /usr/lib/x86_64-linux-gnu/ganesha /usr/lib/aarch64-linux-gnu/ganesha \
		/usr/lib/*/ganesha /usr/lib64/ganesha; do
		[ -e "$d/libfsalvfs.so" ] && { echo "$d"; return; }
	done
	return 0
}

nfs_ours() {	# STATE PID
	[ -r "/proc/$2/cmdline" ] && tr '\0' ' ' <"/proc/$2/cmdline" | grep -q "ganesha.nfsd .*$1/ganesha.conf"
}

nfs_conf() {	# DIR STATE PORT PSEUDO
	cat <<CONF
NFS_CORE_PARAM {
	Plugins_Dir = $(nfs_plugins);
	Bind_addr = 127.0.0.1;
	NFS_Port = $3; MNT_Port = $(($3 + 1));
	Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false;
	Protocols = 3; mount_path_pseudo = true;
}
NFS_KRB5 { Active_krb5 = false; }
NFSV4 { Graceless = true; RecoveryRoot = "$2/recov"; }
EXPORT {
	Export_Id = 1; Path = "$1"; Pseudo = "$4";
	Access_Type = RW; Squash = no_root_squash; SecType = sys;
	Protocols = 3; Transports = TCP;
	FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
CONF
}

nfs_ready() {	# STATE PORT
	grep -q 'NFS SERVER INITIALIZED' "$1/ganesha.log" 2>/dev/null &&
		ss -ltnH "( sport = :$2 )" | grep -q . &&
		ss -ltnH "( sport = :$(($2 + 1)) )" | grep -q .
}

nfs_start() {	# DIR PORT [PSEUDO]
	local dir=$1 port=$2 pseudo=${3:-/export} state pid end
	nfs_check >&2 || exit 1
	mkdir -p "$dir" "$dir.state/recov"
	dir=$(cd "$dir" && pwd)
	state=$(cd "$dir.state" && pwd)
	if ss -ltnH "( sport = :$port or sport = :$((port + 1)) )" | grep -q .; then
		echo "nfs-server: port $port or $((port + 1)) is in use" >&2
		exit 1
	fi
	nfs_conf "$dir" "$state" "$port" "$pseudo" >"$state/ganesha.conf"
	[ -s "$state/norpcbind.so" ] || cc -shared -fPIC -O2 -o "$state/norpcbind.so" "$HERE/norpcbind.c" -ldl
	: >"$state/ganesha.log"
	LD_PRELOAD=$state/norpcbind.so setsid ganesha.nfsd -F -f "$state/ganesha.conf" \
		-L "$state/ganesha.log" -p "$state/ganesha.pid" </dev/null >>"$state/stdout" 2>&1 &
	pid=$!
	echo "$pid" >"$state/server.pid"
	end=$((SECONDS + ${NFS_START_TIMEOUT:-30}))
	until nfs_ready "$state" "$port"; do
		if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$end" ]; then
			echo "nfs-server: ganesha did not start; see $state/ganesha.log" >&2
			nfs_stop "$state" >&2
			exit 1
		fi
		sleep 0.05
	done
	printf 'NFS_PID=%q\nNFS_STATE=%q\nNFS_URL=%q\nNFS_ARGS=%q\n' "$pid" "$state" \
		"nfs://127.0.0.1$pseudo" "nfsport=$port&mountport=$((port + 1))"
}

nfs_stop() {	# STATE
	local state=$1 pid end
	[ -s "$state/server.pid" ] || return 0
	pid=$(cat "$state/server.pid")
	if nfs_ours "$state" "$pid"; then
		kill -CONT "$pid" 2>/dev/null || true	# a stopped server cannot exit
		kill -TERM "$pid" 2>/dev/null || true
		end=$((SECONDS + 10))
		while nfs_ours "$state" "$pid" && [ "$SECONDS" -lt "$end" ]; do sleep 0.05; done
		nfs_ours "$state" "$pid" && kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$state/server.pid"
}

case ${1:-} in
start) shift; nfs_start "$@" ;;
stop) nfs_stop "$2" ;;
check) nfs_check ;;
*) echo "usage: $0 start DIR PORT [PSEUDO] | stop STATE | check" >&2; exit 64 ;;
esac
