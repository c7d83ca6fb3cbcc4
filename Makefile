# Pumice: hand-written, non-recursive GNU Makefile. configure writes config.mk;
# each directory adds its part through module.mk. Objects go to $(B).
#   make            build into build/
#   make check      build with ASan+UBSan into build/san and run every test
#   make demo       start a 4-agent local cluster and run the primes demo
#   make install    binaries, man pages, systemd units, sample conf under $(prefix)
.DEFAULT_GOAL := all
SHELL := /bin/bash

B ?= build
# What lsid prints; the date is the release's, not the build's, so that
# builds are reproducible (Debian's -Werror=date-time refuses __DATE__).
VERSION := 0.1.0
RELEASE_DATE := Dec  5 2026
SAN ?= 0

ifeq ($(filter deps distclean,$(MAKECMDGOALS)),)
-include config.mk
endif

config.mk: configure.ac config.mk.in
	@packaging/deps.sh
	autoreconf -fi
	./configure

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter -Wformat=2
CFLAGS ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# 64-bit file offsets on 32-bit targets too (armhf: job output past 2 GB);
# time_t stays the libraries' (32 bits on Debian 12 armhf, see README)
CPPFLAGS += -D_FILE_OFFSET_BITS=64
VERSION_DEFS := -DPUMICE_VERSION='"$(VERSION)"' -DPUMICE_DATE='"$(RELEASE_DATE)"'
CPPFLAGS += -D_GNU_SOURCE -Icommon -MMD -MP -DHAVE_NFS=$(HAVE_NFS) $(VERSION_DEFS)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(CPPFLAGS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(MOD_CFLAGS) -c -o $@ $<

BINS :=
TESTS_UNIT :=
include common/module.mk
include daemons/master/module.mk
include daemons/spool/module.mk
include daemons/agent/module.mk
include daemons/shepherd/module.mk
include cli/module.mk
include tests/module.mk
include man/module.mk

all: $(BINS)

check:
	@packaging/deps.sh --nfs --web
	$(MAKE) B=build/san SAN=1 all tests-build
	$(MAKE) B=build/san SAN=1 check-run

# Every part runs to the end; the last line says "N passed, N failed".
check-run: all tests-build
	@B=$(B) SAN=$(SAN) MAKE="$(MAKE)" UNIT_BINS="$(UNIT_BINS)" MAN_PAGES="$(MAN_PAGES)" \
	  PUMICE_TEST_FILTER="$(PUMICE_TEST_FILTER)" tests/check.sh

demo: all
	@packaging/deps.sh $(if $(NFS),--nfs)
	B=$(B) NFS=$(NFS) tests/demo.sh

clean:
	rm -rf build

distclean: clean
	rm -rf config.mk configure config.log config.status autom4te.cache aclocal.m4

deps:
	packaging/deps.sh --nfs --web

# make deb [ARCH=arm64|armhf]: Debian packages in build/deb/ARCH (native,
# or cross-built in a chroot); make deb-test [ARCH=...]: built, linted,
# installed and run under qemu (tests/deb/emul.sh; root, ~10 minutes).
deb:
	packaging/deb.sh $(ARCH)

deb-test: all
	tests/deb/emul.sh $(ARCH)

# make install [prefix=/usr/local] [DESTDIR=...]: commands in bin (bsub, ...
# as links), daemons in sbin (the agent finds pumice-shepherd beside it),
# systemd units, man pages, and the sample configuration under
# share/doc/pumice/conf (never over an existing /etc/pumice).
bindir = $(prefix)/bin
sbindir = $(prefix)/sbin
mandir = $(prefix)/share/man
docdir = $(prefix)/share/doc/pumice
unitdir = $(prefix)/lib/systemd/system
install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(sbindir) $(DESTDIR)$(unitdir) $(DESTDIR)$(docdir)
	install -m 755 $(B)/bin/pumice $(B)/bin/pumice-cluster $(DESTDIR)$(bindir)
	for l in $(CLI_LINKS); do ln -sf pumice $(DESTDIR)$(bindir)/$$l; done
	install -m 755 $(B)/bin/pumice-master $(B)/bin/pumice-agent $(B)/bin/pumice-shepherd $(DESTDIR)$(sbindir)
	for u in pumice-master pumice-agent; do \
	  sed 's|@SBINDIR@|$(sbindir)|g' packaging/$$u.service >$(DESTDIR)$(unitdir)/$$u.service; done
	for p in $(MAN_PAGES); do s=$${p##*.}; install -d $(DESTDIR)$(mandir)/man$$s; \
	  install -m 644 $$p $(DESTDIR)$(mandir)/man$$s; done
	ln -sf pumice.1 $(DESTDIR)$(mandir)/man1/pumice-cluster.1	# pumice(1) has it
	cp -r conf $(DESTDIR)$(docdir)

.PHONY: all check check-run demo clean distclean deps install deb deb-test

-include $(shell find $(B) -path $(B)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
