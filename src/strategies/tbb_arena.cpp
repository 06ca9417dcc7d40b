#include "apbench/tbb_arena.hpp"

#include <oneapi/tbb/global_control.h>

#include <memory>
#include <mutex>

namespace apb {

void allow_tbb_threads(unsigned threads) {
  static std::mutex mutex;
  static std::unique_ptr<tbb::global_control> limit;
  static unsigned current = 0;
  std::lock_guard lock(mutex);
  if (threads <= current) return;
  limit = std::make_unique<tbb::global_control>(
      tbb::global_control::max_allowed_parallelism, threads);
  current = threads;
}

OffloadArena::OffloadArena(unsigned threads) {
  allow_tbb_threads(threads + 1);
  arena_.initialize(static_cast<int>(threads), 0);
}

}  // namespace apb
