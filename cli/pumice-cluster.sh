#!/bin/bash
# pumice-cluster - a whole Pumice cluster on one machine, in one directory:
# a master and agents node1..nodeN on loopback, like a shelf of Pis, or
# (--netns) each in its own network namespace behind a shaped link.
#
#   pumice cluster start DIR [-n N] [--cpus C] [--mem SIZE] [--netns] [--netem SPEC]
#   pumice cluster add DIR HOST [--cpus C] [--mem SIZE]
#   pumice cluster env DIR
#   pumice cluster stop DIR
#   pumice cluster status DIR
#   pumice cluster link DIR HOST down|up
#
# DIR holds everything: conf/ (LSF layout, cluster key), cluster.conf (what
# start starts), run/ (pid files, sockets), log/, state/, spool/, work/,
# data/ (the shared /data). Invariants: start only starts processes that
# are not running and never rewrites an existing conf/, so a restart keeps
# every job; stop signals only processes whose pid file names one of our
# programs started for this DIR. Progress goes to stderr; stdout carries
# only the shell lines that point the commands at the cluster.
set -eu

prog=pumice-cluster
deadline_up=30		# seconds for every host to show "ok"
deadline_stop=10	# seconds between SIGTERM and SIGKILL

die() {
	echo "$prog: $*" >&2
	exit 1
}

say() {
	echo "$prog: $*" >&2
}

usage() {
	cat >&2 <<EOF
usage: pumice cluster start DIR [-n N] [--cpus C] [--mem SIZE] [--netns] [--netem SPEC]
       pumice cluster add DIR HOST [--cpus C] [--mem SIZE]
       pumice cluster env DIR
       pumice cluster stop DIR
       pumice cluster status DIR
       pumice cluster link DIR HOST down|up
EOF
	exit 2
}

# The directory holding this script and the Pumice binaries.
find_bindir() {
	case "$0" in
	*/*) p=$0 ;;
	*) p=$(command -v -- "$0") || die "cannot locate $0" ;;
	esac
	CDPATH="" cd -- "$(dirname -- "$p")" && pwd -P
}

# Absolute, physical path of an existing directory.
abs_dir() {
	[ -d "$1" ] || die "$1: no such directory"
	CDPATH="" cd -- "$1" && pwd -P
}

check_dir_name() {
	case "$1" in
	*[[:space:]]* | *[\'\"\\\$\`]*) die "$1: a cluster directory must not contain blanks or quotes" ;;
	esac
}

now() {
	date +%s
}

# Prints a TCP port on loopback that nothing uses, from 20000 up to just
# below the kernel's ephemeral range (ip_local_port_range): a port in that
# range can be taken by any outgoing connection (an agent's, a test's)
# between this check and the master's bind.
pick_port() {
	local tries=0 port hi
	hi=$(awk '{ print $1 - 1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	case "$hi" in '' | *[!0-9]*) hi=60000 ;; esac
	[ "$hi" -ge 21000 ] || hi=60000
	while [ "$tries" -lt 50 ]; do
		port=$(shuf -i "20000-$hi" -n 1)
		if ! ss -Htan "( sport = :$port or dport = :$port )" | grep -q .; then
			echo "$port"
			return 0
		fi
		tries=$((tries + 1))
	done
	die "no free port found in 20000-$hi"
}

short_hostname() {
	uname -n | cut -d. -f1
}

# ---- configuration ----------------------------------------------------------

write_lsf_conf() {
	cat >"$dir/conf/lsf.conf" <<EOF
# Written by pumice cluster start for a local cluster in $dir.
LSF_ENVDIR=$dir/conf
LSF_CONFDIR=$dir/conf
LSB_CONFDIR=$dir/conf/lsbatch
LSB_SHAREDIR=$dir/work
LSF_MASTER_LIST=$1
LSB_MBD_PORT=$2
LSF_UNIT_FOR_LIMITS=MB
# Kill a job whose total memory passes -M: a Pi has no memory to spare
# (LSF's default, without the key, only sets a per-process limit).
LSB_MEMLIMIT_ENFORCE=Y
LSF_CLUSTER_NAME=pumice
PUMICE_MASTER_ADDR=$(net_master_addr)
PUMICE_KEY_FILE=$dir/conf/cluster.key
PUMICE_MASTER_SOCKET=$dir/run/master.sock
PUMICE_SOCKET=$dir/run/master.sock
PUMICE_AGENT_SOCKET=$dir/run/agent-%h.sock
PUMICE_STATEDIR=$dir/state
PUMICE_SPOOLDIR=$dir/spool
PUMICE_HEARTBEAT=2
PUMICE_HTTP_PORT=$3
EOF
}

write_lsf_shared() {
	cat >"$dir/conf/lsf.shared" <<'EOF'
Begin Cluster
ClusterName
pumice
End Cluster

Begin HostType
TYPENAME
linux
End HostType

Begin HostModel
MODELNAME  CPUFACTOR  ARCHITECTURE
generic    1          ()
End HostModel

Begin Resource
RESOURCENAME  TYPE     INTERVAL  INCREASING  DESCRIPTION
local         Boolean  ()        ()          (Host of a local Pumice cluster)
End Resource
EOF
}

# lsf.cluster.pumice: the master host is client-only (no agent runs under
# its name); node1..nodeN are the servers.
write_lsf_cluster() {
	{
		echo "Begin ClusterAdmins"
		echo "Administrators = $(id -un)"
		echo "End ClusterAdmins"
		echo
		echo "Begin Host"
		echo "HOSTNAME  model  type  server  RESOURCES"
		echo "$1  !  !  0  ()"
		local k=1
		while [ "$k" -le "$nodes" ]; do
			echo "node$k  !  !  1  (local)"
			k=$((k + 1))
		done
		echo "End Host"
	} >"$dir/conf/lsf.cluster.pumice"
}

write_lsb() {
	local d=$dir/conf/lsbatch/pumice/configdir
	mkdir -p "$d"
	cat >"$d/lsb.params" <<'EOF'
Begin Parameters
DEFAULT_QUEUE = normal
CLEAN_PERIOD = 3600
MAX_JOB_ARRAY_SIZE = 1000000
End Parameters
EOF
	cat >"$d/lsb.queues" <<'EOF'
Begin Queue
QUEUE_NAME = normal
PRIORITY = 30
DESCRIPTION = For normal jobs
End Queue

Begin Queue
QUEUE_NAME = short
PRIORITY = 40
DESCRIPTION = For short jobs
End Queue

Begin Queue
QUEUE_NAME = long
PRIORITY = 20
DESCRIPTION = For long jobs
End Queue
EOF
}

# 32 random bytes as hex, readable by the owner only.
write_key() {
	(
		umask 077
		od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$dir/conf/cluster.key"
		echo >>"$dir/conf/cluster.key"
	)
	chmod 600 "$dir/conf/cluster.key"
}

write_cluster_conf() {
	cat >"$dir/cluster.conf" <<EOF
# What pumice cluster start starts in this directory.
NODES=$nodes
CPUS=$cpus
MEM=$mem
NETID=$netid
NETEM='$netem'
EOF
}

write_config() {
	local host port web
	host=$(short_hostname)
	port=$(pick_port)
	[ -z "$opt_netns" ] || netid=$(net_pick_id)
	web=$(pick_port)
	while [ "$web" = "$port" ]; do web=$(pick_port); done
	mkdir -p "$dir/conf"
	write_lsf_conf "$host" "$port" "$web"
	write_lsf_shared
	write_lsf_cluster "$host"
	write_lsb
	write_key
	write_cluster_conf
	say "wrote the configuration in $dir/conf (master port $port)"
}

validate_settings() {
	case "$nodes" in
	'' | *[!0-9]* | 0*) die "-n: expected a positive number, got '$nodes'" ;;
	esac
	case "$cpus" in
	'') ;;
	*[!0-9]* | 0*) die "--cpus: expected a positive number, got '$cpus'" ;;
	esac
	case "$mem" in
	'') ;;
	*[!0-9A-Za-z]* | [!0-9]*) die "--mem: expected a size like 512M or 2G, got '$mem'" ;;
	esac
	case "$netem" in
	*[!0-9A-Za-z.%\ _-]*) die "--netem: expected tc netem words like 'delay 25ms 20ms loss 1%', got '$netem'" ;;
	esac
}

# Reads DIR/cluster.conf; options given again must agree with it.
load_cluster_conf() {
	[ -f "$dir/cluster.conf" ] || die "$dir/cluster.conf missing; not a cluster directory?"
	local want_n=$opt_n want_c=$opt_cpus want_m=$opt_mem
	NODES='' CPUS='' MEM='' NETID='' NETEM=''
	. "$dir/cluster.conf"
	nodes=$NODES cpus=$CPUS mem=$MEM netid=$NETID netem=$NETEM
	validate_settings
	[ -z "$opt_netns" ] || [ -n "$netid" ] ||
		die "$dir runs on loopback; remove the directory to use --netns"
	[ -z "$opt_netem" ] || [ "$opt_netem" = "$netem" ] ||
		die "$dir was started with --netem '$netem'; remove the directory to change it"
	[ -z "$want_n" ] || [ "$want_n" = "$nodes" ] ||
		die "$dir runs $nodes agents; remove the directory to change -n"
	[ -z "$want_c" ] || [ "$want_c" = "$cpus" ] ||
		die "$dir was started with --cpus '$cpus'; remove the directory to change it"
	[ -z "$want_m" ] || [ "$want_m" = "$mem" ] ||
		die "$dir was started with --mem '$mem'; remove the directory to change it"
}

# ---- processes --------------------------------------------------------------

# Which program a pid file's process must run: master, or an agent.
exe_for() {
	case "$1" in
	master) echo pumice-master ;;
	link-*) basename -- "$(cut -d' ' -f2- "$dir/run/netmode" 2>/dev/null)" ;;
	*) echo pumice-agent ;;
	esac
}

# Prints the pid in run/NAME.pid if it is our program, running for DIR.
running_pid() {
	local f=$dir/run/$1.pid pid
	[ -f "$f" ] || return 1
	pid=$(head -n 1 "$f" 2>/dev/null | tr -dc 0-9)
	[ -n "$pid" ] || return 1
	is_ours "$pid" "$(exe_for "$1")" || return 1
	echo "$pid"
}

# True when PID runs program EXE with DIR in its command line.
is_ours() {
	local exe
	[ -d "/proc/$1" ] || return 1
	exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	exe=${exe% (deleted)}
	[ "$(basename -- "$exe")" = "$2" ] || return 1
	tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$dir/" || return 1
	! is_zombie "$1"
}

# Sanitizer reports of the daemons (and shepherds) land in DIR/log.
sanitizer_env() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$dir/log/asan"
	UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$dir/log/ubsan"
	export ASAN_OPTIONS UBSAN_OPTIONS
}

debug_flag() {
	[ "${PUMICE_CLUSTER_DEBUG:-0}" = 1 ] && echo -d || true
}

# Starts NAME (master or nodeK) in its own session; sets started_pid.
launch() {
	local name=$1
	shift
	rm -f "$dir/run/$name.pid"
	# the daemon's stdout may name jobs and users: its owner's alone
	(umask 077 && : >>"$dir/log/$name.out") && chmod 600 "$dir/log/$name.out"
	# shellcheck disable=SC2046
	setsid "$@" $(debug_flag) </dev/null >>"$dir/log/$name.out" 2>&1 &
	started_pid=$!
	started="$started $name:$started_pid"
	say "started $name (pid $started_pid)"
}

start_master() {
	local pid
	if pid=$(running_pid master); then
		say "master already runs (pid $pid)"
		return 0
	fi
	# shellcheck disable=SC2046
	launch master $(net_exec master) "$bindir/pumice-master" -e "$dir/conf" \
		-l "$dir/log/master.log" -p "$dir/run/master.pid"
}

start_agent() {
	local h=$1 pid cpus=${2-$cpus} mem=${3-$mem}
	if pid=$(running_pid "$h"); then
		say "$h already runs (pid $pid)"
		return 0
	fi
	mkdir -p "$dir/spool/$h"
	# shellcheck disable=SC2046
	set -- $(net_exec "$h") "$bindir/pumice-agent" -e "$dir/conf" --host "$h" \
		--spool "$dir/spool/$h" --socket "$dir/run/agent-$h.sock" \
		--log "$dir/log/$h.log" --pid "$dir/run/$h.pid"
	[ -z "$cpus" ] || set -- "$@" --cpus "$cpus"
	[ -z "$mem" ] || set -- "$@" --mem "$mem"
	launch "$h" "$@"
}

# Fails (with the end of its log) if a process we just started has died.
# Only whether it is gone counts: between fork and exec it is still the
# shell or setsid, and while it execs its exe and cmdline can be
# unreadable for a moment (a loaded machine makes both windows long; the
# daemon was then taken for dead with nothing in its logs). It is our
# child, so its pid is not reused before this shell reaps it.
check_started_alive() {
	local e name pid
	for e in $started; do
		name=${e%%:*}
		pid=${e#*:}
		if [ ! -d "/proc/$pid" ] || is_zombie "$pid"; then
			say "$name (pid $pid) exited; end of its logs:"
			tail -n 20 "$dir/log/$name.out" "$dir/log/$name.log" >&2 2>/dev/null || true
			return 1
		fi
	done
}

# A daemon writes its own pid file; one that never does gets ours.
ensure_pid_files() {
	local e name pid
	for e in $started; do
		name=${e%%:*}
		pid=${e#*:}
		[ -s "$dir/run/$name.pid" ] || echo "$pid" >"$dir/run/$name.pid"
	done
}

# Number of node1..nodeN whose agent is linked: bhosts -w shows "ok", or
# closed by an administrator (badmin hclose survives restarts) or full.
hosts_ok() {
	{ LSF_ENVDIR=$dir/conf "$bindir/bhosts" -w 2>/dev/null || true; } |
		awk -v n="$nodes" '
		($2 == "ok" || $2 == "closed_Adm" || $2 == "closed_Full") &&
		$1 ~ /^node[0-9]+$/ && substr($1, 5) + 0 <= n { ok[$1] = 1 }
		END { c = 0; for (h in ok) c++; print c }'
}

# A failed start stops what it started itself (what ran before stays).
abort_start() {
	local e name pid pids=""
	for e in $started; do
		name=${e%%:*}
		pid=${e#*:}
		if is_ours "$pid" "$(exe_for "$name")"; then
			kill -TERM "$pid" 2>/dev/null || true
			pids="$pids $pid"
		fi
	done
	# shellcheck disable=SC2086
	[ -z "$pids" ] || wait_gone $pids
	die "start failed; logs are in $dir/log"
}

wait_hosts_ok() {
	local end n
	end=$(($(now) + deadline_up))
	while :; do
		check_started_alive || abort_start
		n=$(hosts_ok)
		[ "$n" -ge "$nodes" ] && break
		if [ "$(now)" -ge "$end" ]; then
			say "only $n of $nodes hosts are ok after ${deadline_up}s:"
			LSF_ENVDIR=$dir/conf "$bindir/bhosts" >&2 || true
			abort_start
		fi
		sleep 0.2
	done
	ensure_pid_files
	say "all $nodes hosts are ok"
}

# The master's web page (PUMICE_HTTP_PORT), or nothing when it is off.
web_url() {
	local p
	p=$(sed -n 's/^PUMICE_HTTP_PORT=\([0-9]*\)$/\1/p' "$dir/conf/lsf.conf" | tail -n 1)
	[ -n "$p" ] && [ "$p" != 0 ] && echo "http://127.0.0.1:$p/"
}

print_env() {
	local url
	echo "export LSF_ENVDIR='$dir/conf'"
	echo "export PATH='$bindir':\$PATH"
	if url=$(web_url); then
		echo "export PUMICE_WEB='$url'"
	fi
}

# ---- stop -------------------------------------------------------------------

# Pids of every daemon of DIR that is running.
our_daemon_pids() {
	local f name
	for f in "$dir"/run/*.pid; do
		[ -f "$f" ] || continue
		name=$(basename -- "$f" .pid)
		running_pid "$name" || true
	done
}

wait_gone() {
	local end alive p
	end=$(($(now) + deadline_stop))
	while :; do
		alive=""
		for p in "$@"; do
			[ -d "/proc/$p" ] && ! is_zombie "$p" && alive="$alive $p"
		done
		[ -z "$alive" ] && return 0
		[ "$(now)" -ge "$end" ] && break
		sleep 0.1
	done
	for p in $alive; do
		say "pid $p ignored SIGTERM; sending SIGKILL"
		kill -KILL "$p" 2>/dev/null || true
	done
}

is_zombie() {
	local st
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ "$st" = Z ]
}

# For processes that should exit on their own: wait, then SIGTERM, wait,
# then SIGKILL.
wait_gone_term() {
	local end p alive
	end=$(($(now) + deadline_stop))
	while [ "$(now)" -lt "$end" ]; do
		alive=""
		for p in "$@"; do
			[ -d "/proc/$p" ] && ! is_zombie "$p" && alive="$alive $p"
		done
		[ -z "$alive" ] && return 0
		sleep 0.1
	done
	for p in "$@"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	wait_gone "$@"
}

stop_daemons() {
	local pids p
	pids=$(our_daemon_pids)
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null || true
	done
	# shellcheck disable=SC2086
	[ -z "$pids" ] || wait_gone $pids
	say "stopped $(echo "$pids" | wc -w) daemons"
}

# True when some member of process group $1 is Pumice job $2 (its
# environment says LSB_JOBID=$2), so we never signal a stranger's group.
group_is_job() {
	local s p g
	for s in /proc/[0-9]*/stat; do
		p=${s#/proc/}
		p=${p%/stat}
		# comm (field 2) may hold blanks: fields after ")" start at state
		g=$(sed 's/^.*) //' "$s" 2>/dev/null | cut -d' ' -f3) || continue
		[ "$g" = "$1" ] || continue
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
			grep -qx "LSB_JOBID=$2" && return 0
	done
	return 1
}

# True when pid $1 is a shepherd (spool file named it; its exe agrees).
is_shepherd() {
	local exe
	[ -d "/proc/$1" ] && ! is_zombie "$1" || return 1
	exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	exe=${exe% (deleted)}
	[ "$(basename -- "$exe")" = pumice-shepherd ]
}

# Kills the process groups of jobs still running under DIR/spool (layout
# in daemons/spool/spool.c: spool/<host>/jobs/<id>.<idx>/{pgid,
# shepherd.pid,status}), then waits for their shepherds, so a stopped
# cluster leaves nothing behind. Job records stay; a restart reports them.
stop_jobs() {
	local jd key g p n=0 shep="" groups=""
	for jd in "$dir"/spool/*/jobs/*; do
		[ -d "$jd" ] && [ ! -e "$jd/status" ] || continue
		key=$(basename -- "$jd")
		case "$key" in .*) continue ;; esac
		g=$(head -n 1 "$jd/pgid" 2>/dev/null | tr -dc 0-9) || true
		if [ -n "$g" ] && [ "$g" -gt 1 ] && kill -0 -- "-$g" 2>/dev/null &&
			group_is_job "$g" "${key%%.*}"; then
			kill -KILL -- "-$g" 2>/dev/null && n=$((n + 1)) groups="$groups $g"
		fi
		p=$(head -n 1 "$jd/shepherd.pid" 2>/dev/null | tr -dc 0-9) || true
		if [ -n "$p" ] && is_shepherd "$p"; then
			shep="$shep $p"
		fi
	done
	[ "$n" -eq 0 ] || say "killed $n running jobs"
	# A shepherd exits by itself once its job is gone.
	# shellcheck disable=SC2086
	[ -z "$shep" ] || wait_gone_term $shep
	# shellcheck disable=SC2086
	[ -z "$groups" ] || wait_groups_gone $groups
}

# Waits until no process (not even an unreaped one) is left in the groups.
wait_groups_gone() {
	local end g left
	end=$(($(now) + deadline_stop))
	while :; do
		left=""
		for g in "$@"; do
			kill -0 -- "-$g" 2>/dev/null && left="$left $g"
		done
		[ -z "$left" ] && return 0
		if [ "$(now)" -ge "$end" ]; then
			say "process groups$left are still there after ${deadline_stop}s"
			return 0
		fi
		sleep 0.1
	done
}

# ---- network namespaces (--netns) -------------------------------------------
# With --netns the master runs in network namespace pmc<ID>-master, which
# holds bridge br0 with 10.231.<ID>.1/24, and agent HOST number i in
# pmc<ID>-HOST, whose eth0 (10.231.<ID>.<i+1>/24) is a veth whose other end
# p<i> is a port of br0. Nothing is added to the root namespace: the
# commands reach the master by its unix socket. --netem SPEC shapes each
# direction of every agent link: tc netem SPEC on both ends of the veth,
# or, on a kernel without sch_netem, the link emulator PUMICE_LINKEM names
# (a process per link, forwarding between a<i>, the peer of the agent's
# eth0, and r<i>, the peer of p<i>). `link DIR HOST down` sets p<i> down: the
# agent's frames are lost silently, as on a dropped Wi-Fi link. Senders
# hand one TCP segment per frame (gso_max_segs 1), so loss is per packet.
# DIR/run/netns lists the namespaces this directory made (stop deletes
# those and no other); DIR/run/netmode says how links are shaped.

net_prefix=10.231

net_master_addr() {
	if [ -n "$netid" ]; then echo "$net_prefix.$netid.1"; else echo 127.0.0.1; fi
}

net_ns() {
	echo "pmc$netid-$1"
}

# The words that run a daemon in NAME's namespace (none on loopback).
net_exec() {
	[ -z "$netid" ] || echo "nsenter --net=/run/netns/$(net_ns "$1") --"
}

# A network id whose master namespace does not exist yet.
net_pick_id() {
	local id
	for id in $(shuf -i 1-254); do
		[ -e "/run/netns/pmc$id-master" ] || { echo "$id"; return 0; }
	done
	die "no free network id: pmc1-master..pmc254-master all exist"
}

net_check_tools() {
	[ "$(id -u)" -eq 0 ] || die "--netns needs root (it creates network namespaces)"
	command -v ip >/dev/null && command -v nsenter >/dev/null ||
		die "--netns needs ip (iproute2) and nsenter (util-linux)"
	[ -z "$netem" ] || command -v tc >/dev/null || die "--netem needs tc (iproute2)"
}

# Agent HOST's link number: nodeK is K; an added host comes after them.
net_index() {
	local k
	case "$1" in
	node*)
		k=${1#node}
		case "$k" in '' | *[!0-9]*) ;; *) [ "$k" -gt "$nodes" ] || { echo "$k"; return 0; } ;; esac
		;;
	esac
	k=$(awk -v h="$1" '$1 == h { print NR; exit }' "$dir/hosts.add" 2>/dev/null)
	[ -n "$k" ] || die "$1 is not a host of $dir"
	[ $((nodes + k)) -le 253 ] || die "$1: at most 253 agents have a link"
	echo $((nodes + k))
}

# Creates NAME's namespace; false when this directory made it before.
# One that exists without being ours belongs to someone else.
net_add_ns() {
	local ns
	ns=$(net_ns "$1")
	if grep -qxF "$ns" "$dir/run/netns" 2>/dev/null; then
		[ -e "/run/netns/$ns" ] && return 1
		sed -i "/^$ns\$/d" "$dir/run/netns"
	fi
	[ ! -e "/run/netns/$ns" ] || die "network namespace $ns exists and is not $dir's"
	ip netns add "$ns" || die "cannot create network namespace $ns"
	echo "$ns" >>"$dir/run/netns"
	net_created="$net_created $ns"
	ip -n "$ns" link set lo up
}

# Removes the namespaces a failed start made (its processes are gone).
net_undo_created() {
	local ns
	for ns in $net_created; do
		ip netns del "$ns" 2>/dev/null || true
		sed -i "/^$ns\$/d" "$dir/run/netns"
	done
	net_created=""
}

# netem when the kernel has sch_netem (tried on a scratch veth), else linkem.
net_pick_mode() {
	local m out
	m=$(net_ns master)
	if [ -z "$netem" ]; then
		echo plain >"$dir/run/netmode"
		return 0
	fi
	ip -n "$m" link add pq0 type veth peer name pq1
	# shellcheck disable=SC2086
	if out=$(tc -n "$m" qdisc add dev pq0 root netem $netem 2>&1); then
		echo netem >"$dir/run/netmode"
	elif echo "$out" | grep -q 'qdisc kind is unknown'; then
		[ -n "${PUMICE_LINKEM:-}" ] && [ -x "$PUMICE_LINKEM" ] ||
			die "this kernel has no tc netem (sch_netem) and PUMICE_LINKEM names no link emulator"
		net_linkem_args >/dev/null
		echo "linkem $(readlink -f -- "$PUMICE_LINKEM")" >"$dir/run/netmode"
	else
		die "--netem '$netem': $out"
	fi
	ip -n "$m" link del pq0
}

net_mode() {
	cut -d' ' -f1 "$dir/run/netmode" 2>/dev/null
}

# milliseconds in a tc time (20ms, 0.5s, 800us)
net_ms() {
	case "$1" in
	*ms) echo "${1%ms}" ;;
	*us) awk -v v="${1%us}" 'BEGIN { print v / 1000 }' ;;
	*s) awk -v v="${1%s}" 'BEGIN { print v * 1000 }' ;;
	*) return 1 ;;
	esac
}

# linkem's options for the --netem SPEC: delay D [J [C%]] and loss P% only.
net_linkem_args() {
	local d=0 j=0 l=0
	# shellcheck disable=SC2086
	set -- $netem
	while [ $# -gt 0 ]; do
		case "$1" in
		delay)
			d=$(net_ms "${2-}") || die "--netem: bad delay '${2-}'"
			shift 2
			if [ $# -gt 0 ] && j=$(net_ms "$1"); then shift; else j=0; fi
			case "${1-}" in *%) shift ;; esac
			;;
		loss)
			shift
			[ "${1-}" != random ] || shift
			l=${1-}
			l=${l%\%}
			shift
			;;
		*) die "--netem: the link emulator knows delay and loss, not '$1'" ;;
		esac
	done
	echo "-d $d -j $j -l $l"
}

net_master_up() {
	local m
	m=$(net_ns master)
	net_add_ns master || return 0
	ip -n "$m" link add br0 type bridge
	ip -n "$m" link set br0 gso_max_segs 1
	ip -n "$m" addr add "$(net_master_addr)/24" dev br0
	ip -n "$m" link set br0 up
	net_pick_mode
	say "network $net_prefix.$netid.0/24 in $m, links $(net_mode)${netem:+: $netem}"
}

# Agent HOST's namespace and link (and its link emulator, if it has one).
net_agent_up() {
	local h=$1 i a m
	i=$(net_index "$h")
	a=$(net_ns "$h")
	m=$(net_ns master)
	if net_add_ns "$h"; then
		if [ "$(net_mode)" = linkem ]; then
			ip -n "$m" link add "a$i" type veth peer name eth0 netns "$a"
			ip -n "$m" link add "r$i" type veth peer name "p$i"
			ip -n "$m" link set "a$i" up
			ip -n "$m" link set "r$i" up
		else
			ip -n "$m" link add "p$i" type veth peer name eth0 netns "$a"
		fi
		ip -n "$m" link set "p$i" master br0 up
		ip -n "$a" link set eth0 gso_max_segs 1
		ip -n "$a" addr add "$net_prefix.$netid.$((i + 1))/24" dev eth0
		ip -n "$a" link set eth0 up
		if [ "$(net_mode)" = netem ]; then
			# shellcheck disable=SC2086
			tc -n "$a" qdisc add dev eth0 root netem $netem &&
				tc -n "$m" qdisc add dev "p$i" root netem $netem ||
				die "tc netem on the link of $h failed"
		fi
	fi
	net_linkem_start "$h" "$i"
}

net_linkem_start() {
	local h=$1 i=$2 pid
	[ "$(net_mode)" = linkem ] || return 0
	if pid=$(running_pid "link-$h"); then
		return 0
	fi
	# shellcheck disable=SC2046
	launch "link-$h" $(net_exec master) "$(cut -d' ' -f2- "$dir/run/netmode")" \
		$(net_linkem_args) -p "$dir/run/link-$h.pid" "a$i" "r$i"
}

# Every namespace and link of the cluster that is missing.
net_up() {
	local k=1 h c m
	net_check_tools
	net_master_up
	while [ "$k" -le "$nodes" ]; do
		net_agent_up "node$k"
		k=$((k + 1))
	done
	[ -f "$dir/hosts.add" ] || return 0
	while read -r h c m; do
		[ -z "$h" ] || net_agent_up "$h"
	done <"$dir/hosts.add"
}

# Deletes the namespaces listed in DIR/run/netns (with them their links).
net_down() {
	local ns
	[ -f "$dir/run/netns" ] || return 0
	while read -r ns; do
		case "$ns" in
		pmc[0-9]*-?*) ip netns del "$ns" 2>/dev/null || true ;;
		esac
	done <"$dir/run/netns"
	rm -f "$dir/run/netns" "$dir/run/netmode"
	say "removed the network namespaces"
}

# ---- commands ---------------------------------------------------------------

cmd_start() {
	mkdir -p "$dir"
	dir=$(abs_dir "$dir")
	check_dir_name "$dir"
	mkdir -p "$dir/run" "$dir/log" "$dir/state" "$dir/spool" "$dir/work" "$dir/data"
	# state, logs and spools hold job environments: the daemons' user's
	# alone (the spool stays searchable: jobs run their scripts from it)
	chmod 700 "$dir/state" "$dir/log"
	chmod 711 "$dir/spool"
	if [ -d "$dir/conf" ]; then
		load_cluster_conf
	else
		nodes=${opt_n:-1} cpus=$opt_cpus mem=$opt_mem netem=$opt_netem netid=""
		validate_settings
		[ -z "$opt_netns" ] || net_check_tools
		write_config
	fi
	for b in pumice-master pumice-agent pumice bhosts; do
		[ -x "$bindir/$b" ] || die "$bindir/$b is missing; run make first"
	done
	export LSF_ENVDIR="$dir/conf"
	sanitizer_env
	started=""
	net_created=""
	# a start that fails removes the namespaces it made, and only those
	trap 'net_undo_created' EXIT
	trap 'exit 130' INT TERM HUP
	[ -z "$netid" ] || net_up
	start_master
	local k=1
	while [ "$k" -le "$nodes" ]; do
		start_agent "node$k"
		k=$((k + 1))
	done
	wait_hosts_ok
	start_added
	trap - EXIT INT TERM HUP
	if url=$(web_url); then
		echo "web: $url" >&2
	fi
	print_env
}

# ---- added hosts (pumice cluster add) ---------------------------------------
# DIR/hosts.add: one "HOST CPUS MEM" line per added agent ("-": the
# default), started by start after node1..nodeN and stopped with them.

# Starts every added host and waits until each is linked.
start_added() {
	local h c m
	[ -f "$dir/hosts.add" ] || return 0
	while read -r h c m; do
		[ -n "$h" ] || continue
		[ "$c" != - ] || c=""
		[ "$m" != - ] || m=""
		start_agent "$h" "$c" "$m"
	done <"$dir/hosts.add"
	while read -r h c m; do
		[ -z "$h" ] || wait_host_ok "$h"
	done <"$dir/hosts.add"
}

# Waits until bhosts shows host $1 linked (ok, closed or full).
wait_host_ok() {
	local end
	end=$(($(now) + deadline_up))
	while :; do
		check_started_alive || abort_start
		{ LSF_ENVDIR=$dir/conf "$bindir/bhosts" -w 2>/dev/null || true; } |
			awk -v h="$1" '$1 == h && ($2 == "ok" || $2 ~ /^closed_(Adm|Full)$/) { f = 1 }
			END { exit !f }' && break
		if [ "$(now)" -ge "$end" ]; then
			say "$1 is not ok after ${deadline_up}s"
			abort_start
		fi
		sleep 0.2
	done
	ensure_pid_files
	say "$1 is ok"
}

check_added_name() {
	local h=$1
	case "$h" in
	'' | *[!A-Za-z0-9._-]* | [!A-Za-z0-9]*) die "$h: a host name is letters, digits, '.', '_' and '-'" ;;
	master) die "master: the name of the master's pid file; pick another" ;;
	link-*) die "$h: link-* names the pid files of link emulators; pick another" ;;
	esac
	case "$h" in
	node*)
		local k=${h#node}
		case "$k" in
		'' | *[!0-9]*) ;;
		*) [ "$k" -gt "$nodes" ] || die "$h is one of node1..node$nodes" ;;
		esac
		;;
	esac
	! grep -q "^$h " "$dir/hosts.add" 2>/dev/null || die "$h was already added to $dir"
	[ "$h" != "$(short_hostname)" ] || die "$h is the master's host"
}

cmd_add() {
	dir=$(abs_dir "$dir")
	local want_c=$opt_cpus want_m=$opt_mem
	opt_cpus="" opt_mem=""
	load_cluster_conf
	cpus=$want_c mem=$want_m
	validate_settings
	check_added_name "$host"
	running_pid master >/dev/null || die "the master of $dir is not running; start the cluster first"
	echo "$host ${cpus:--} ${mem:--}" >>"$dir/hosts.add"
	# the host table's row, for the next reconfig (attributes only)
	grep -q "^$host " "$dir/conf/lsf.cluster.pumice" ||
		sed -i "/^End Host/i $host  !  !  1  (local)" "$dir/conf/lsf.cluster.pumice"
	export LSF_ENVDIR="$dir/conf"
	sanitizer_env
	started=""
	net_created=""
	trap 'net_undo_created' EXIT
	trap 'exit 130' INT TERM HUP
	[ -z "$netid" ] || net_agent_up "$host"
	start_agent "$host" "$cpus" "$mem"
	wait_host_ok "$host"
	trap - EXIT INT TERM HUP
}

cmd_env() {
	dir=$(abs_dir "$dir")
	[ -f "$dir/conf/lsf.conf" ] || die "$dir is not a cluster directory"
	print_env
}

cmd_stop() {
	dir=$(abs_dir "$dir")
	[ -d "$dir/run" ] || die "$dir is not a cluster directory"
	stop_daemons
	stop_jobs
	net_down
	rm -f "$dir"/run/*.pid
}

# Cuts (down) or restores (up) the link between agent HOST and the bridge.
cmd_link() {
	local i
	dir=$(abs_dir "$dir")
	load_cluster_conf
	[ -n "$netid" ] || die "$dir runs on loopback: links exist with --netns only"
	i=$(net_index "$host")
	ip -n "$(net_ns master)" link set "p$i" "$what" || die "cannot set the link of $host $what"
	say "link of $host is $what"
}

cmd_status() {
	dir=$(abs_dir "$dir")
	load_cluster_conf
	local down=0 name pid
	for name in master $(seq -f 'node%g' 1 "$nodes") \
		$(cut -d' ' -f1 "$dir/hosts.add" 2>/dev/null) \
		$(cd "$dir/run" && ls link-*.pid 2>/dev/null | sed 's/\.pid$//'); do
		if pid=$(running_pid "$name"); then
			printf '%-10s running (pid %s)\n' "$name" "$pid"
		else
			printf '%-10s down\n' "$name"
			down=$((down + 1))
		fi
	done
	[ -z "$netid" ] || printf '%-10s %s.%s.0/24 in %s, links %s%s\n' network \
		"$net_prefix" "$netid" "$(net_ns master)" "$(net_mode)" "${netem:+: $netem}"
	if running_pid master >/dev/null; then
		LSF_ENVDIR=$dir/conf "$bindir/bhosts" || true
	fi
	[ "$down" -eq 0 ]
}

main() {
	[ $# -ge 2 ] || usage
	cmd=$1
	shift
	dir="" host="" what="" opt_n="" opt_cpus="" opt_mem="" opt_netns="" opt_netem=""
	while [ $# -gt 0 ]; do
		case "$1" in
		-n) [ $# -ge 2 ] || usage; opt_n=$2; shift 2 ;;
		-n*) opt_n=${1#-n}; shift ;;
		--cpus) [ $# -ge 2 ] || usage; opt_cpus=$2; shift 2 ;;
		--cpus=*) opt_cpus=${1#--cpus=}; shift ;;
		--mem) [ $# -ge 2 ] || usage; opt_mem=$2; shift 2 ;;
		--mem=*) opt_mem=${1#--mem=}; shift ;;
		--netns) opt_netns=1; shift ;;
		--netem) [ $# -ge 2 ] || usage; opt_netns=1 opt_netem=$2; shift 2 ;;
		--netem=*) opt_netns=1 opt_netem=${1#--netem=}; shift ;;
		-h | --help) usage ;;
		-*) say "unknown option $1"; usage ;;
		*)
			if [ -z "$dir" ]; then
				dir=$1
			elif { [ "$cmd" = add ] || [ "$cmd" = link ]; } && [ -z "$host" ]; then
				host=$1
			elif [ "$cmd" = link ] && [ -z "$what" ]; then
				what=$1
			else
				usage
			fi
			shift
			;;
		esac
	done
	[ -n "$dir" ] || usage
	[ "$cmd" != add ] || [ -n "$host" ] || usage
	[ "$cmd" != link ] || case "$what" in down | up) ;; *) usage ;; esac
	[ "$cmd" = start ] || [ -z "$opt_netns" ] || die "--netns and --netem belong to start"
	if [ "$cmd" = add ] && [ -n "$opt_n" ]; then
		die "-n belongs to start"
	elif [ "$cmd" != start ] && [ "$cmd" != add ] && [ -n "$opt_n$opt_cpus$opt_mem" ]; then
		die "-n, --cpus and --mem belong to start"
	fi
	bindir=$(find_bindir)
	case "$cmd" in
	start) cmd_start ;;
	add) cmd_add ;;
	env) cmd_env ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	link) cmd_link ;;
	*) say "unknown command $cmd"; usage ;;
	esac
}

main "$@"
