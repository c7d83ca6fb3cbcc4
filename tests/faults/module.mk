# Fault suite (issue 13): make faults builds the normal (unsanitized)
# build and runs tests/faults/run.sh, 10-20 minutes, not part of make check.
#   FAULT_SEED=N        repeat the random kill moments of an earlier run
#   FAULT_SCENARIOS="s1 s6"  run only these scenarios
#   FAULT_ALLOW_KNOWN=1 do not fail on known holes (KNOWN lines)
faults: all
	B=$(B) tests/faults/run.sh

.PHONY: faults
