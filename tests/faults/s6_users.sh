#!/bin/bash
# Scenario 6: users. Two users created for the run (removed at exit): user B
# runs every job-control command against user A's running and held jobs
# and each is refused with the job unchanged; B's -o/-e/-i paths into
# places B may not write or read create nothing and leak nothing; a frame
# from B on the command socket that claims A's identity (user/uid fields in
# hello, req and args) is judged as B (SO_PEERCRED), so A's job lives on.
set -u
. "$(dirname -- "$0")/lib.sh"
fl_require_root

ua=pf$$a ub=pf$$b
for u in $ua $ub; do
	useradd -M -d /nonexistent -s /bin/sh "$u" || { fl_result FAIL "useradd $u"; exit 1; }
	FL_USERS="$FL_USERS $u"
done
uida=$(id -u "$ua")

# as USER CMD...: runs CMD as USER (own uid and gid, no other groups).
as() {
	local u=$1
	shift
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups -- \
		env LSF_ENVDIR="$LSF_ENVDIR" PATH="$BIN:/usr/bin:/bin" PUMICE_CONNECT_TIMEOUT=10 "$@"
}

job_id() {
	sed -n 's/^Job <\([0-9]*\)>.*/\1/p'
}

st() {
	bjobs -u all -noheader -o stat "$1" 2>/dev/null
}

field() {
	bjobs -u all -noheader -o "$2" "$1" 2>/dev/null
}

# refused WHAT CMD...: CMD as B must fail, and A's jobs stay as they were.
refused() {
	local what=$1 out rc
	shift
	out=$(cd "$W" && as "$ub" "$@" 2>&1)
	rc=$?
	sleep 0.3
	if [ "$rc" -ne 0 ] && [ "$(st "$run_id")" = RUN ] && [ "$(st "$held_id")" = PSUSP ] &&
		[ "$(field "$run_id" name)" = victim ] && [ "$(field "$run_id" queue)" = normal ]; then
		say "ok: refused: $what (exit $rc: $(echo "$out" | head -n 1))"
		nref=$((nref + 1))
	else
		fl_fail "$what as another user: exit $rc, job $run_id $(st "$run_id"), job $held_id $(st "$held_id"): $out"
	fi
}

fl_cluster s6 -n 1 --cpus 4 || { fl_result FAIL "cluster start"; exit 1; }
run_id=$(cd "$W" && as "$ua" bsub -J victim -o /dev/null 'sleep 300' | job_id)
held_id=$(cd "$W" && as "$ua" bsub -H -J held -o /dev/null 'sleep 1' | job_id)
fl_wait_for 30 eval '[ "$(st "$run_id")" = RUN ]' || fl_fail "A's job did not start"
say "user A=$ua job $run_id RUN, job $held_id PSUSP; user B=$ub"

nref=0
refused "bkill" bkill "$run_id"
refused "bkill -s STOP" bkill -s STOP "$run_id"
refused "bkill -u A 0" bkill -u "$ua" 0
refused "bstop" bstop "$run_id"
refused "bresume (held)" bresume "$held_id"
refused "bmod -J" bmod -J hacked "$run_id"
refused "bmod -q" bmod -q short "$held_id"
refused "bswitch" bswitch short "$run_id"
refused "brequeue" brequeue "$run_id"
refused "btop" btop "$held_id"
refused "bbot" bbot "$held_id"
refused "bkill (held)" bkill "$held_id"
if command -v bpost >/dev/null; then
	refused "bpost" bpost -d hacked "$run_id"
fi

# forged identity on the command socket
sock=$CDIR/run/master.sock
forged=$(as "$ub" /usr/bin/python3 "$ROOT/tests/faults/rawframe.py" "$sock" \
	"{\"t\":\"hello\",\"v\":1,\"role\":\"cli\",\"user\":\"$ua\",\"uid\":$uida}" \
	"{\"t\":\"req\",\"id\":1,\"op\":\"kill\",\"user\":\"$ua\",\"uid\":$uida,\"args\":{\"ids\":[{\"id\":$run_id}],\"user\":\"$ua\",\"uid\":$uida,\"sig\":9}}" 2>&1)
sleep 1
say "forged kill answered: $(echo "$forged" | tail -n 1 | cut -c1-160)"
fl_check "forged user/uid fields: A's job still RUN" [ "$(st "$run_id")" = RUN ]
forged=$(as "$ub" /usr/bin/python3 "$ROOT/tests/faults/rawframe.py" "$sock" \
	"{\"t\":\"hello\",\"v\":1,\"role\":\"cli\",\"uid\":0,\"user\":\"root\"}" \
	"{\"t\":\"req\",\"id\":1,\"op\":\"admin\",\"uid\":0,\"user\":\"root\",\"args\":{\"cmd\":\"hclose\",\"hosts\":[\"node1\"]}}" 2>&1)
sleep 0.5
fl_check "forged uid 0: an admin op is refused (node1 not closed)" \
	eval '! bhosts -w node1 | grep -q closed_Adm'

# paths B may not write or read
priv=$W/private.$ua
mkdir "$priv" && chown "$ua:" "$priv" && chmod 700 "$priv"
echo "SECRET-$$" >"$priv/secret" && chown "$ua:" "$priv/secret" && chmod 600 "$priv/secret"
ids=""
for spec in "-o /root/pf$$.out" "-e /etc/pf$$.err" "-o $priv/b.out" "-i $priv/secret -o $W/b.in.out"; do
	# shellcheck disable=SC2086
	out=$(cd "$W" && as "$ub" bsub $spec 'cat; echo ran' 2>&1)
	id=$(echo "$out" | job_id)
	say "bsub $spec as B: $(echo "$out" | head -n 1)"
	[ -n "$id" ] && ids="$ids $id"
done
for id in $ids; do
	fl_wait_for 60 eval '[ "$(st "$id")" = DONE ] || [ "$(st "$id")" = EXIT ]' ||
		fl_fail "B's job $id did not end ($(st "$id"))"
	say "B's job $id ended $(st "$id")"
done
fl_check "no /root/pf$$.out" [ ! -e "/root/pf$$.out" ]
fl_check "no /etc/pf$$.err" [ ! -e "/etc/pf$$.err" ]
fl_check "nothing of B in A's private directory" [ ! -e "$priv/b.out" ]
fl_check "A's secret not read by B's job" eval "! grep -qs SECRET-$$ '$W/b.in.out'"
rm -f "/root/pf$$.out" "/etc/pf$$.err"
bkill "$run_id" >/dev/null 2>&1
bkill "$held_id" >/dev/null 2>&1
fl_verdict "$nref job-control commands refused; forged identity ignored; paths: $(echo $ids | wc -w) jobs, none wrote or read"
