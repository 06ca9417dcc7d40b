#pragma once
// The comparison key: what makes two runs comparable. Runs of different
// strategies with equal keys answer one question (same workload, parameters
// and load), so speed-ups, tables, advice, findings, series and charts
// compare strategies only within a key. This is the one definition.
#include <compare>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/load.hpp"
#include "apbench/results.hpp"

namespace apb {

struct ComparisonKey {
  std::string workload;
  std::vector<std::pair<std::string, std::string>> params;
  LoadMode mode = LoadMode::closed;
  unsigned threads = 0;
  // Closed loop: ops per repetition. Open loop: 0 (its schedule sets them).
  std::size_t ops = 0;
  // Ops in flight as requested: a closed loop's requested_concurrency(); an
  // open loop's lanes (max_in_flight when none were asked for).
  std::size_t concurrency = 0;
  // Open loop only (zero otherwise): the schedule and its limit.
  double rate_ops_s = 0;
  double duration_s = 0;
  Arrival arrival = Arrival::constant;
  std::size_t max_in_flight = 0;

  friend bool operator==(const ComparisonKey&, const ComparisonKey&) = default;
  friend auto operator<=>(const ComparisonKey&, const ComparisonKey&) = default;
};

ComparisonKey comparison_key(const RunResult& run);

// The key without the axis a sweep varies (an open loop's offered rate, a
// closed loop's concurrency): one strategy's runs with equal series keys
// are the points of one series.
ComparisonKey series_key(const RunResult& run);
// The key without the threads: the points of one --threads sweep.
ComparisonKey threads_series_key(const RunResult& run);
// The key without the parameter `name`: the points of one --set sweep.
ComparisonKey parameter_series_key(const RunResult& run, std::string_view name);
// The key without any of the run's sweep axes (RunResult::sweep_axes): the
// cells of one regime map.
ComparisonKey map_key(const RunResult& run);

// Per run, the index of its comparison group: runs with equal keys share
// it; groups are numbered 0, 1, ... in order of first appearance. The JSON
// writes it as each run's "group".
std::vector<std::size_t> comparison_groups(const std::vector<RunResult>& runs);

}  // namespace apb
