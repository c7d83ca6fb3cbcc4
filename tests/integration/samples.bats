#!/usr/bin/env bats
# samples.bats - the sample configuration in conf/ loads as shipped (paths
# moved from /etc/pumice to a scratch copy), and a broken line in it is
# reported with its file and line. No daemon is started: pumice-master -n
# only reads and checks the configuration.

load helpers

setup() {
	SAMPLE=$(mktemp -d /tmp/pumice-sample.XXXXXX)
	cp -r "$BATS_TEST_DIRNAME/../../conf/." "$SAMPLE"
	sed -i "s#/etc/pumice#$SAMPLE#g" "$SAMPLE/lsf.conf"
	CONFIGDIR=$SAMPLE/lsbatch/pumice/configdir
}

teardown() {
	rm -rf "$SAMPLE"
}

@test "the sample configuration in conf/ loads: cluster, queues, hosts, users" {
	for f in lsf.conf lsf.shared lsf.cluster.pumice; do
		[ -f "$SAMPLE/$f" ]
	done
	for f in lsb.params lsb.queues lsb.hosts lsb.users; do
		[ -f "$CONFIGDIR/$f" ]
	done
	run pumice-master -n -e "$SAMPLE"
	assert_success
	assert_output "configuration OK: cluster pumice, 4 queues"
	grep -q '^LSF_UNIT_FOR_LIMITS=MB$' "$SAMPLE/lsf.conf"
	grep -q '^DEFAULT_QUEUE = normal$' "$CONFIGDIR/lsb.params"
}

@test "a broken line in a sample file is reported with file and line" {
	sed -i 's/^default    !    -$/default    many    -/' "$CONFIGDIR/lsb.hosts"
	run pumice-master -n -e "$SAMPLE"
	assert_failure
	assert_output --partial "$CONFIGDIR/lsb.hosts:4: MXJ must be a number"
	cp "$BATS_TEST_DIRNAME/../../conf/lsbatch/pumice/configdir/lsb.hosts" "$CONFIGDIR"
	sed -i 's/^PRIORITY = 40$/PRIORITY = high/' "$CONFIGDIR/lsb.queues"
	run pumice-master -n -e "$SAMPLE"
	assert_failure
	assert_output --partial "$CONFIGDIR/lsb.queues:"
}
