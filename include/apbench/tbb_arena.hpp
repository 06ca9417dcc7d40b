#pragma once
// oneTBB set-up shared by the strategies that use it.
#include <oneapi/tbb/task_arena.h>

namespace apb {

// Raises oneTBB's process-wide thread limit to at least `threads` (never
// lowers it). The limit lives for the whole process: re-creating it per
// repetition made oneTBB retire and re-wake workers, and the timings wobble.
void allow_tbb_threads(unsigned threads);

// An arena of `threads` workers that a thread outside it (the io_context
// thread) can enqueue into and get all of them working. On 2 cores oneTBB
// otherwise runs such work on one worker: it needs both a global limit of
// threads + 1 and an arena that reserves no slot for a master thread.
class OffloadArena {
 public:
  explicit OffloadArena(unsigned threads);
  tbb::task_arena& arena() { return arena_; }

 private:
  tbb::task_arena arena_;
};

}  // namespace apb
