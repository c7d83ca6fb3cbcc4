#!/usr/bin/env bats
# httptls.bats - the master's HTTP server over TLS (httptls.c) when
# lsf.conf names a certificate and key: the API and the event stream over
# https with the certificate checked, plain http refused on that port, and
# a key that does not match the certificate stops the master with a
# message naming the key.

load helpers

setup_file() {
	command -v curl >/dev/null || skip "curl missing: packaging/deps.sh --web"
	command -v openssl >/dev/null || skip "openssl missing"
	cluster_start -n 1
	export W=${PUMICE_WEB%/}
	export TLSDIR=$CLUSTER_DIR/tls
	mkdir -p "$TLSDIR"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$TLSDIR/key.pem" \
		-out "$TLSDIR/cert.pem" 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other \
		-keyout "$TLSDIR/other.pem" -out "$TLSDIR/othercert.pem" 2>/dev/null
	printf 'PUMICE_HTTP_CERT=%s\nPUMICE_HTTP_KEY=%s\n' "$TLSDIR/cert.pem" \
		"$TLSDIR/key.pem" >>"$LSF_ENVDIR/lsf.conf"
	restart_master
}

teardown_file() {
	cluster_teardown
}

restart_master() {
	local mpid
	mpid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill "$mpid"
	wait_for -t 20 eval '! kill -0 '"$mpid"' 2>/dev/null'
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
}

@test "https: the API answers with the configured certificate" {
	local h=${W/http:/https:}
	run -0 curl -sf --cacert "$TLSDIR/cert.pem" "$h/api/hosts"
	assert_output --partial '"name":"node1"'
	run -0 grep -q "web: https://127.0.0.1:${W##*:}/" "$CLUSTER_DIR/log/master.log"
}

@test "https: the event stream carries a job's changes" {
	local h=${W/http:/https:}
	curl -sN --max-time 30 --cacert "$TLSDIR/cert.pem" "$h/api/events" >ev.sse &
	local c=$!
	wait_for grep -q '^event: hello' ev.sse
	submit -o /dev/null true
	wait_for grep -q "\"job\":$JOBID,.*\"to\":\"DONE\"" ev.sse
	kill "$c"
	wait "$c" 2>/dev/null || true
}

@test "plain http on the TLS port gets no answer" {
	run curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$W/api/hosts"
	[ "$output" != 200 ]
}

@test "a key that is not the certificate's stops the master, naming the key" {
	sed -i "s|^PUMICE_HTTP_KEY=.*|PUMICE_HTTP_KEY=$TLSDIR/other.pem|" "$LSF_ENVDIR/lsf.conf"
	local mpid
	mpid=$(cat "$CLUSTER_DIR/run/master.pid")
	kill "$mpid"
	wait_for -t 20 eval '! kill -0 '"$mpid"' 2>/dev/null'
	run pumice cluster start "$CLUSTER_DIR"
	assert_failure
	run -0 grep -q "PUMICE_HTTP_KEY $TLSDIR/other.pem" "$CLUSTER_DIR/log/master.log"
	sed -i "s|^PUMICE_HTTP_KEY=.*|PUMICE_HTTP_KEY=$TLSDIR/key.pem|" "$LSF_ENVDIR/lsf.conf"
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
}
