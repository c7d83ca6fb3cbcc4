# libFuzzer targets for the parsers and the wire decoding, built with clang
# into $(B)/fuzz: the sources under test are compiled once into archives
# (fuzzer-no-link, ASan, UBSan) and each target links what it uses.
#   make fuzz [FUZZ_TIME=600]  runs every target FUZZ_TIME seconds (default
#                              20), corpora in $(B)/fuzz/corpus-<name> (never
#                              committed), and prints executions per target
#                              and the total; fails on any finding
#   make check-fuzz            each target over its seed corpus only (in
#                              make check: a few seconds)
FUZZ_CC ?= clang
FUZZ_TIME ?= 20
FUZZ_NAMES := proto dep arrayspec bsubscript cfg resreq nfsurl units jobspec \
	mjobspec jobcols bsubopt jobsel conf mjobsel msg rowtext acctrec
FUZZ_BINS := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -g -O1 -Werror=implicit-function-declaration -Werror=int-conversion -fno-omit-frame-pointer $(FUZZ_SAN) -D_GNU_SOURCE -DHAVE_NFS=0 \
	$(VERSION_DEFS) -Icommon -iquote cli -iquote daemons/master -iquote daemons/agent \
	-iquote daemons/shepherd -iquote daemons/spool \
	$(JANSSON_CFLAGS) $(SODIUM_CFLAGS) $(CRYPTO_CFLAGS) $(EVENT_CFLAGS) $(SQLITE_CFLAGS) $(UV_CFLAGS)
FUZZ_LIBS := $(EVENT_SSL_LIBS) $(EVENT_LIBS) $(SQLITE_LIBS) $(UV_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS) $(CRYPTO_LIBS) -lm
FUZZ_OBJ = $(patsubst %.c,$(B)/fuzz/obj/%.o,$(1))
FUZZ_ARS := $(B)/fuzz/libfix.a $(B)/fuzz/libmaster.a $(B)/fuzz/libagent.a $(B)/fuzz/libspool.a $(B)/fuzz/libcli.a $(B)/fuzz/libcommon.a

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
$(B)/fuzz/libfix.a: $(B)/fuzz/obj/tests/fuzz/fuzzmaster.o
$(B)/fuzz/libcommon.a: $(call FUZZ_OBJ,$(COMMON_SRC))
$(B)/fuzz/libmaster.a: $(call FUZZ_OBJ,$(MASTER_SRC) $(B)/daemons/master/webpage.c)
$(B)/fuzz/libagent.a: $(call FUZZ_OBJ,$(AGENT_SRC))
$(B)/fuzz/libspool.a: $(call FUZZ_OBJ,$(SPOOL_SRC))
$(B)/fuzz/libcli.a: $(call FUZZ_OBJ,$(CLI_SRC))
$(FUZZ_ARS):
	rm -f $@; $(AR) rcs $@ $^

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_ARS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_ARS) $(FUZZ_LIBS)
.SECONDARY: $(FUZZ_NAMES:%=$(B)/fuzz/obj/tests/fuzz/fuzz_%.o)
-include $(wildcard $(B)/fuzz/obj/*/*.d $(B)/fuzz/obj/*/*/*.d)

fuzz-build: $(FUZZ_BINS)

# Each target for FUZZ_TIME s; the "Done N runs" line of each log is its count.
fuzz: $(FUZZ_BINS)
	@set -e; total=0; for f in $(FUZZ_NAMES); do \
	  mkdir -p $(B)/fuzz/corpus-$$f; \
	  if ! $(B)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=10 \
	      -artifact_prefix=$(B)/fuzz/crash-$$f- $(B)/fuzz/corpus-$$f \
	      tests/fuzz/seeds/$$f >$(B)/fuzz/fuzz_$$f.log 2>&1; then \
	    tail -n 40 $(B)/fuzz/fuzz_$$f.log; echo "fuzz_$$f: FINDING"; exit 1; \
	  fi; \
	  n=$$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' $(B)/fuzz/fuzz_$$f.log); \
	  total=$$((total + $${n:-0})); \
	  printf 'fuzz_%-10s %12s executions in %s s\n' $$f "$${n:-?}" $(FUZZ_TIME); \
	done; printf 'fuzz total      %12s executions, no finding\n' $$total

# The seeds only, no mutation: a regression check of every past finding
# (part of make check; skipped with a note where clang is missing).
check-fuzz:
	@if ! command -v $(FUZZ_CC) >/dev/null; then \
	  echo "fuzz seeds: skipped ($(FUZZ_CC) not installed)"; exit 0; fi; \
	$(MAKE) -s B=$(B) fuzz-build >/dev/null && $(MAKE) -s B=$(B) check-fuzz-run

check-fuzz-run:
	@set -e; for f in $(FUZZ_NAMES); do \
	  $(B)/fuzz/fuzz_$$f -runs=0 -timeout=10 tests/fuzz/seeds/$$f >$(B)/fuzz/seeds_$$f.log 2>&1 || \
	    { tail -n 40 $(B)/fuzz/seeds_$$f.log; echo "fuzz_$$f: seed failed"; exit 1; }; \
	done; echo "fuzz seeds: $(words $(FUZZ_NAMES)) targets, every seed ok"

.PHONY: fuzz fuzz-build check-fuzz check-fuzz-run
