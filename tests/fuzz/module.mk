# libFuzzer targets for the parsers and the wire framing, built with clang
# into $(B)/fuzz. `make fuzz` builds them and runs each for FUZZ_TIME
# seconds (corpora live in $(B)/fuzz/corpus-<name>, never committed).
FUZZ_CC ?= clang
FUZZ_TIME ?= 20
FUZZ_NAMES := proto dep arrayspec bsubscript cfg resreq
FUZZ_BINS := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-D_GNU_SOURCE -Icommon $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
FUZZ_LIBSRC := $(wildcard common/*.c)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIBSRC) $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIBSRC) $(JANSSON_LIBS) $(CRYPTO_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_NAMES); do \
	  mkdir -p $(B)/fuzz/corpus-$$f; \
	  echo "== fuzz_$$f ($(FUZZ_TIME) s)"; \
	  if ! $(B)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_TIME) -max_len=4096 \
	      -artifact_prefix=$(B)/fuzz/crash-$$f- $(B)/fuzz/corpus-$$f \
	      tests/fuzz/seeds/$$f >$(B)/fuzz/fuzz_$$f.log 2>&1; then \
	    tail -n 40 $(B)/fuzz/fuzz_$$f.log; exit 1; \
	  fi; \
	  tail -n 1 $(B)/fuzz/fuzz_$$f.log; \
	done

.PHONY: fuzz fuzz-build
