#pragma once
// Workloads used only by the tests, registered like any user's workload.
#include <atomic>
#include <memory>
#include <vector>

#include "apbench/registry.hpp"

namespace apb::testing {

// Counts how often each op index ran; ops whose index is a multiple of
// `fail_every` (when non-zero) throw.
struct OpCounts {
  std::vector<std::atomic<int>> runs;
  std::size_t fail_every = 0;
  void reset(std::size_t ops, std::size_t fail = 0) {
    runs = std::vector<std::atomic<int>>(ops);
    fail_every = fail;
  }
};
OpCounts& op_counts();

}  // namespace apb::testing
