# Unit tests: tests/unit/test_<name>.c, one cmocka binary each, linked with
# the libraries the programs use. Integration tests: bats files that start
# real clusters with pumice-cluster.
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
$(UNIT_SRC:%.c=$(B)/%.o) $(B)/tests/unit/testlib.o: MOD_CFLAGS = $(CMOCKA_CFLAGS) $(JANSSON_CFLAGS) $(EVENT_CFLAGS) $(SQLITE_CFLAGS) $(UV_CFLAGS) $(SPOOL_CFLAGS)
$(B)/tests/%: $(B)/tests/unit/%.o $(B)/tests/unit/testlib.o $(B)/libmaster.a $(B)/libagent.a $(B)/libshepherd.a $(B)/libspool.a $(B)/libcli.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/tests/unit/testlib.o $(B)/libmaster.a $(B)/libagent.a $(B)/libshepherd.a $(B)/libspool.a $(B)/libcli.a $(COMMON_LIBS) $(CMOCKA_LIBS) $(EVENT_SSL_LIBS) $(EVENT_LIBS) $(SQLITE_LIBS) $(UV_LIBS) $(NFS_LIBS) -lm

tests-build: $(UNIT_BINS)

check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# PUMICE_TEST_FILTER=name limits bats to matching test names.
check-integration: all $(B)/tests/linkem
	PATH="$(CURDIR)/$(B)/bin:$$PATH" PUMICE_BIN="$(CURDIR)/$(B)/bin" \
	  bats --print-output-on-failure $(if $(PUMICE_TEST_FILTER),-f "$(PUMICE_TEST_FILTER)") tests/integration

.PHONY: tests-build check-unit check-integration
include tests/fuzz/module.mk
include tests/bench/module.mk
include tests/bench/sched.mk
include tests/faults/module.mk
include tests/netlinks/module.mk

# make install into a scratch DESTDIR: every program, link, unit, page and
# sample lands where the README says, and the units name the real sbindir.
check-install: all
	@set -e; d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT; \
	$(MAKE) -s B=$(B) SAN=$(SAN) DESTDIR=$$d install >/dev/null; \
	for f in bin/pumice bin/bsub bin/bjobs bin/pumice-cluster sbin/pumice-master \
	  sbin/pumice-agent sbin/pumice-shepherd share/man/man1/bsub.1 \
	  share/man/man8/pumice-agent.8 share/doc/pumice/conf/lsf.conf \
	  share/doc/pumice/conf/lsbatch/pumice/configdir/lsb.queues; do \
	  test -e "$$d$(prefix)/$$f" || { echo "install: $$f missing"; exit 1; }; done; \
	grep -q '^ExecStart=$(prefix)/sbin/pumice-agent ' $$d$(prefix)/lib/systemd/system/pumice-agent.service; \
	grep -q '^KillMode=process$$' $$d$(prefix)/lib/systemd/system/pumice-agent.service; \
	! grep -q '@SBINDIR@' $$d$(prefix)/lib/systemd/system/*.service; \
	test "$$(readlink $$d$(prefix)/bin/bkill)" = pumice; \
	echo "install: ok"

.PHONY: check-install

# The part a --without-nfs build compiles differently (outnfs.c's stubs),
# checked in every build so that configuration cannot rot unseen.
check-nonfs:
	$(CC) $(WARN) $(CFLAGS) $(filter-out -MMD -MP,$(CPPFLAGS)) -UHAVE_NFS -DHAVE_NFS=0 \
	  -fsyntax-only daemons/shepherd/outnfs.c
	@echo "without-nfs: outnfs.c compiles"

.PHONY: check-nonfs
