# Scheduler benchmark (issue 4): place.c and limits.c on simulated hosts
# and jobs; printed, never asserted.  make bench-sched
$(B)/tests/bench/sched_bench.o: MOD_CFLAGS = $(JANSSON_CFLAGS) $(EVENT_CFLAGS)
$(B)/bin/sched_bench: $(B)/tests/bench/sched_bench.o $(B)/libmaster.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libmaster.a $(COMMON_LIBS) $(EVENT_LIBS) $(SQLITE_LIBS) -lm

tests-build: $(B)/bin/sched_bench

bench-sched: $(B)/bin/sched_bench
	$(B)/bin/sched_bench

.PHONY: bench-sched
