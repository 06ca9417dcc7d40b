#pragma once
// Per-stage breakdown of a pipeline run from the ops' stage time stamps:
// time in each stage, time queued before it, and how much of the wall time
// CPU stages ran while I/O stages waited (overlap).
#include <cstdint>
#include <string>
#include <vector>

#include "apbench/pipeline.hpp"
#include "apbench/results.hpp"

namespace apb {

// Sums over the ops of one or more repetitions.
struct StageTotals {
  std::vector<double> time_s, queue_s;  // per stage
  std::uint64_t ops = 0;                // complete rows summed
  double wall_s = 0, cpu_busy_s = 0, io_wait_s = 0, overlap_s = 0;

  // Adds one repetition: rows of 1 + 2 x stages stamps per op.
  void add(const std::vector<Stage>& stages,
           const std::vector<std::int64_t>& rows, double wall_s);
  // Means per op and shares of the wall time, for the results.
  std::vector<StageResult> results(const std::vector<Stage>& stages) const;
  StageOverlap overlap() const;
};

}  // namespace apb
