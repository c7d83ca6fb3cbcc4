# Benchmarks (issue 5): measured, printed, never pass/fail on a time. They
# use the normal optimized build of $(B) (default build/), not build/san.
#   make bench          measurements 1-9 on a local cluster; table + $(B)/bench/results.json
#                       (5, the lifecycle of issue 12: BENCH_DRAIN=300 for a quick run)
#   make bench-compare  the same measurements 1,2,5,6,7,8 against a local Slurm
#                       (CMP_ONLY=5: latency and end to end only)
#   make bench-scale    1,000 / 10,000 simulated agents (simagents) and 100k-1M jobs
#   make bench-bflow    a workflow: a chord over a 1,000-element array (issue 16)
BENCH_TOOLS := $(B)/bin/benchtool $(B)/bin/simagents
$(B)/tests/bench/benchtool.o $(B)/tests/bench/simagents.o: MOD_CFLAGS = -Icli $(JANSSON_CFLAGS) $(EVENT_CFLAGS)
$(B)/bin/benchtool: $(B)/tests/bench/benchtool.o $(B)/libcli.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcli.a $(COMMON_LIBS)
$(B)/bin/simagents: $(B)/tests/bench/simagents.o $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(COMMON_LIBS) $(EVENT_LIBS)

bench-tools: $(BENCH_TOOLS)
tests-build: $(BENCH_TOOLS)

bench: all $(BENCH_TOOLS)
	B=$(B) tests/bench/bench.sh

bench-compare: all $(BENCH_TOOLS)
	@packaging/deps.sh --slurm
	B=$(B) tests/bench/compare.sh

bench-scale: all $(BENCH_TOOLS)
	B=$(B) tests/bench/scale.sh

bench-bflow: all $(BENCH_TOOLS)
	B=$(B) tests/bench/bflow.sh

.PHONY: bench bench-compare bench-scale bench-bflow bench-tools
