#pragma once
// oneTBB set-up shared by the strategies that use it.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <memory>

namespace apb {

// An arena of `threads` workers that a thread outside it (the io_context
// thread) can enqueue into and get all of them working. On 2 cores oneTBB
// otherwise runs such work on one worker: it needs both a global limit of
// threads + 1 and an arena that reserves no slot for a master thread.
class OffloadArena {
 public:
  explicit OffloadArena(unsigned threads);
  tbb::task_arena& arena() { return arena_; }

 private:
  tbb::global_control limit_;
  tbb::task_arena arena_;
};

}  // namespace apb
