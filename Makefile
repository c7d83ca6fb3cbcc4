# Pumice: hand-written, non-recursive GNU Makefile. configure writes config.mk;
# each directory adds its part through module.mk. Objects go to $(B).
#   make            build into build/
#   make check      build with ASan+UBSan into build/san and run every test
#   make demo       start a 4-agent local cluster and run the primes demo
.DEFAULT_GOAL := all
SHELL := /bin/bash

B ?= build
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
CPPFLAGS += -D_GNU_SOURCE -Icommon -MMD -MP -DHAVE_NFS=$(HAVE_NFS) -DPUMICE_VERSION='"0.1.0"'
ALL_CFLAGS = $(WARN) $(CFLAGS) $(CPPFLAGS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(MOD_CFLAGS) -c -o $@ $<

BINS :=
TESTS_UNIT :=
include common/module.mk
include daemons/master/module.mk
include daemons/agent/module.mk
include cli/module.mk
include tests/module.mk
include man/module.mk

all: $(BINS)

check:
	@packaging/deps.sh --nfs
	$(MAKE) B=build/san SAN=1 all tests-build
	$(MAKE) B=build/san SAN=1 check-run

check-run: check-unit check-man check-integration

demo: all
	@packaging/deps.sh $(if $(NFS),--nfs)
	B=$(B) NFS=$(NFS) tests/demo.sh

clean:
	rm -rf build

distclean: clean
	rm -rf config.mk configure config.log config.status autom4te.cache aclocal.m4

deps:
	packaging/deps.sh --nfs

.PHONY: all check check-run demo clean distclean deps

-include $(shell find $(B) -name '*.d' 2>/dev/null)
