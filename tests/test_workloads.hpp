#pragma once
// Workloads used only by the tests, registered like any user's workload.
#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "apbench/registry.hpp"

namespace apb::testing {

// Counts how often each op index ran; ops whose index is a multiple of
// `fail_every` (when non-zero) throw.
struct OpCounts {
  std::vector<std::atomic<int>> runs;
  std::size_t fail_every = 0;
  std::atomic<std::size_t> lanes_seen{0};  // highest lane index + 1
  std::atomic<int> lane_overlaps{0};       // two ops at once on one lane
  void reset(std::size_t ops, std::size_t fail = 0) {
    runs = std::vector<std::atomic<int>>(ops);
    fail_every = fail;
    lanes_seen = 0;
    lane_overlaps = 0;
  }
};
OpCounts& op_counts();

// The registered strategies that can run `workload` (not n/a for it).
std::vector<const Strategy*> strategies_for(std::string_view workload);

// Entries in a directory: /proc/self/fd and /proc/self/task count the
// process's open files and threads (leak checks).
std::size_t directory_entries(const char* dir);

}  // namespace apb::testing
