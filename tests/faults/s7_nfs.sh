#!/bin/bash
# Scenario 7: the NFS server (nfs-ganesha, tests/nfs/nfs-server.sh) stopped
# and restarted FAULT_NFS_CUTS (3) times, for seeded 1-4 s, while 6 jobs
# write numbered lines to nfs:// outputs: every job ends DONE, every
# output holds each line once, in order, and no shepherd dies of a signal
# (PUMICE_NFS_DEADLINE=30 here, so no cut is long enough to give up).
set -u
. "$(dirname -- "$0")/lib.sh"
fl_require_root
nfs_sh=$ROOT/tests/nfs/nfs-server.sh
why=$("$nfs_sh" check 2>&1) || { fl_result SKIP "no NFS server: $why"; exit 0; }

cuts=${FAULT_NFS_CUTS:-3}
port=$(for p in $(seq $((22500 + RANDOM % 2000 * 2)) 2 29998); do
	ss -ltnH "( sport = :$p or sport = :$((p + 1)) )" | grep -q . || { echo "$p"; break; }
done)

fl_cluster s7 -n 2 --cpus 4 || { fl_result FAIL "cluster start"; exit 1; }
"$BIN/pumice-cluster" stop "$CDIR" >/dev/null 2>&1
cat >>"$CDIR/conf/lsf.conf" <<EOF2
PUMICE_NFS_TIMEOUT=1
PUMICE_NFS_DEADLINE=30
EOF2
fl_restart || { fl_result FAIL "cluster restart"; exit 1; }
exp=$CDIR/nfsexport
eval "$("$nfs_sh" start "$exp" "$port")" || { fl_result FAIL "nfs server start"; exit 1; }
FL_UNDO="$FL_UNDO $nfs_sh\x20stop\x20$NFS_STATE"
chmod 1777 "$exp"
ids=""
for k in 1 2 3 4 5 6; do
	id=$(bsub -o "$NFS_URL/out/%J.out?$NFS_ARGS" \
		'for i in $(seq 1 200); do echo "line $i"; sleep 0.05; done' | sed -n 's/^Job <\([0-9]*\)>.*/\1/p')
	ids="$ids $id"
done
sleep 2
total=0
for ((c = 1; c <= cuts; c++)); do
	d=$(fl_rand 1 4)
	"$nfs_sh" stop "$NFS_STATE"
	sleep "$d"
	eval "$("$nfs_sh" start "$exp" "$port")" || fl_fail "nfs restart $c"
	total=$((total + d))
	say "cut $c: server away ${d} s"
	sleep 1
done
fl_wait_empty 120 || fl_fail "jobs unfinished 120 s after the last cut"
bad=0
for id in $ids; do
	st=$(bjobs -a -noheader -o stat "$id")
	f=$exp/out/$id.out
	if [ "$st" != DONE ] || ! grep '^line' "$f" 2>/dev/null | awk '{ if ($2 != NR) exit 1 } END { exit NR != 200 }'; then
		say "job $id: $st, $(grep -c '^line' "$f" 2>/dev/null) lines in $f"
		bad=$((bad + 1))
	fi
done
# a shepherd killed by a signal (it died of SIGSEGV in shepout_down before
# outnfs.c used libnfs's async calls) leaves its job EXIT TERM_ZOMBIE
sig=$(grep -hE 'shepherd [0-9]+ exited with status -?[0-9]+ signal [1-9]' "$CDIR"/log/node*.log | fl_lines)
zombie=$(for id in $ids; do bjobs -a -noheader -o exit_reason "$id"; done | grep -c TERM_ZOMBIE)
fig="$cuts cuts, server away ${total} s in all; $((6 - bad))/6 outputs complete; $sig shepherds killed by a signal"
fl_check "no shepherd killed by a signal ($sig)" [ "$sig" -eq 0 ]
fl_check "no job TERM_ZOMBIE ($zombie)" [ "$zombie" -eq 0 ]
fl_check "6 jobs DONE with all 200 lines once, in order" [ "$bad" -eq 0 ]
fl_verdict "$fig"
