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

/*
 * Fixed thresholds instead of glibc's sliding ones. Once a large block
 * (a 16 MB request frame) is freed, glibc raises its mmap threshold to
 * that size and its trim threshold to twice it, for good: from then on
 * the scheduler's per-pass arrays and a pack's buffers come from the heap
 * and stay resident once freed (about 300 bytes a pending job, measured
 * with a -pack of 10,000 jobs). Fixed, large blocks are mapped and given
 * back when freed, and the top of the heap is trimmed as it shrinks.
 */
#define MEMTRIM_MMAP_THRESHOLD (128 * 1024)
#define MEMTRIM_TRIM_THRESHOLD (128 * 1024)

void
memtrim_init(void)
{
	mallopt(M_MMAP_THRESHOLD, MEMTRIM_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, MEMTRIM_TRIM_THRESHOLD);
}

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
