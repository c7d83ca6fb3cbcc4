/*
 * memtrim.c - gives freed heap back to the system after big work.
 *
 * A bsub -pack of 10,000 jobs or a query over every job parses or builds
 * a tree of hundreds of MB that is freed once answered; glibc keeps such
 * memory for reuse, so the master's RSS would stay at its peak (the issue
 * asks that no memory is kept after a big query). malloc_trim returns the
 * free pages, also those between live blocks (madvise). It walks the
 * heap, so it runs only after big frames: once a request of
 * MEMTRIM_FRAME bytes or more was handled or a reply that big encoded (its
 * tree is gone), and again once that reply has left the output buffer
 * (conn.c). Never from a timer: measuring the free heap (mallinfo2) costs
 * as much as trimming it, ~0.2 s with a million jobs.
 */
#include <malloc.h>

#include "master.h"

#define MEMTRIM_FRAME (1024 * 1024)

bool
memtrim_worth(size_t len)
{
	return len >= MEMTRIM_FRAME;
}

void
memtrim_now(void)
{
	malloc_trim(0);
}

void
memtrim_after_frame(size_t len)
{
	if (memtrim_worth(len))
		memtrim_now();
}
