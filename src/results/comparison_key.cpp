#include "apbench/comparison_key.hpp"

#include <algorithm>

namespace apb {

ComparisonKey comparison_key(const RunResult& run) {
  const Load& load = run.load;
  ComparisonKey key;
  key.workload = run.workload;
  key.params = run.params;
  key.mode = load.mode;
  key.threads = load.threads;
  if (load.open()) {
    // The lanes asked for, not clipped to the ops: those vary with the rate.
    key.concurrency =
        load.concurrency == 0 ? load.max_in_flight : load.concurrency;
    key.rate_ops_s = load.rate;
    key.duration_s = load.duration_s;
    key.arrival = load.arrival;
    key.max_in_flight = load.max_in_flight;
  } else {
    key.ops = load.ops;
    key.concurrency = load.requested_concurrency();
  }
  return key;
}

ComparisonKey series_key(const RunResult& run) {
  ComparisonKey key = comparison_key(run);
  if (key.mode == LoadMode::open)
    key.rate_ops_s = 0;
  else
    key.concurrency = 0;
  return key;
}

ComparisonKey threads_series_key(const RunResult& run) {
  ComparisonKey key = comparison_key(run);
  key.threads = 0;
  return key;
}

ComparisonKey parameter_series_key(const RunResult& run,
                                   std::string_view name) {
  ComparisonKey key = comparison_key(run);
  std::erase_if(key.params, [&](const auto& p) { return p.first == name; });
  return key;
}

ComparisonKey map_key(const RunResult& run) {
  ComparisonKey key = comparison_key(run);
  for (const auto& axis : run.sweep_axes) {
    if (axis == "concurrency")
      key.concurrency = 0;
    else if (axis == "threads")
      key.threads = 0;
    else
      std::erase_if(key.params, [&](const auto& p) { return p.first == axis; });
  }
  return key;
}

std::vector<std::size_t> comparison_groups(const std::vector<RunResult>& runs) {
  std::vector<ComparisonKey> seen;
  std::vector<std::size_t> groups;
  groups.reserve(runs.size());
  for (const RunResult& run : runs) {
    const ComparisonKey key = comparison_key(run);
    const auto it = std::find(seen.begin(), seen.end(), key);
    groups.push_back(static_cast<std::size_t>(it - seen.begin()));
    if (it == seen.end()) seen.push_back(key);
  }
  return groups;
}

}  // namespace apb
