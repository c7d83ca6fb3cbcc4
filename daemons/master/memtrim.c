/*
 * memtrim.c - gives freed heap back to the system after big work.
 *
 * A bsub -pack of 20,000 jobs or a query over every job parses or builds
 * a tree of hundreds of MB that is freed once answered; glibc keeps such
 * memory for reuse, so the master's RSS would stay at its peak (the issue
 * asks that no memory is kept after a big query). malloc_trim returns the
 * free pages, also those between live blocks (madvise), at a cost of a
 * few ms per 100 MB: it runs after a frame of MEMTRIM_FRAME bytes or more
 * and, from the tick, when MEMTRIM_FREE bytes or more lie free (replies
 * are freed only once their last byte is written).
 */
#include <malloc.h>

#include "master.h"

#define MEMTRIM_FRAME (1024 * 1024)
#define MEMTRIM_FREE (16L * 1024 * 1024)

void
memtrim_after_frame(size_t len)
{
	if (len >= MEMTRIM_FRAME)
		malloc_trim(0);
}

void
memtrim_tick(void)
{
	struct mallinfo2 mi = mallinfo2();

	if (mi.fordblks >= (size_t)MEMTRIM_FREE)
		malloc_trim(0);
}
