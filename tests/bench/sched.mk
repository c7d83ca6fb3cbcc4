# Scheduler benchmark (issue 4): the placement core (place.c, limits.c) and
# sched_pass on a master with simulated hosts and jobs (benchmaster.c);
# printed, never asserted, not part of make check.  make bench-sched
SCHED_BENCH_OBJS := $(B)/tests/bench/sched_bench.o $(B)/tests/bench/benchmaster.o
$(SCHED_BENCH_OBJS): MOD_CFLAGS = $(JANSSON_CFLAGS) $(EVENT_CFLAGS) $(SQLITE_CFLAGS)
$(B)/bin/sched_bench: $(SCHED_BENCH_OBJS) $(B)/libmaster.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SCHED_BENCH_OBJS) $(B)/libmaster.a $(COMMON_LIBS) $(EVENT_SSL_LIBS) $(EVENT_LIBS) $(SQLITE_LIBS) -lm

tests-build: $(B)/bin/sched_bench

bench-sched: $(B)/bin/sched_bench
	$(B)/bin/sched_bench

.PHONY: bench-sched
