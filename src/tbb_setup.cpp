#include "tbb_setup.hpp"

namespace apb {

OffloadArena::OffloadArena(unsigned threads)
    : limit_(tbb::global_control::max_allowed_parallelism, threads + 1),
      arena_(static_cast<int>(threads), 0) {
  arena_.initialize();
}

}  // namespace apb
