# tests/netlinks: linkem, the link emulator pumice cluster --netns uses in
# place of tc netem on a kernel without sch_netem (tests/integration/netlinks.bats).
$(B)/tests/linkem: $(B)/tests/netlinks/linkem.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

tests-build: $(B)/tests/linkem
