/* fuzzmaster.h - a real master in a scratch directory for the targets
 * that need one (fuzz_mjobsel, fuzz_msg): queues normal and short, user
 * group grp, jobs 1 (alice, pending), 2 (bob, running on n1) and 3
 * (carol, array 1-10,20-30:2). With loop, the event loop is the daemon's
 * (loop_init: listeners on loopback and in the directory, real commit and
 * scheduling callbacks); without, events that must never run. */
#ifndef PUMICE_FUZZMASTER_H
#define PUMICE_FUZZMASTER_H

#include <stdbool.h>
#include "master.h"

void fuzzmaster_init(struct master *m, bool loop);

#endif
