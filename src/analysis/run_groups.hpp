#pragma once
// Runs that answer one question: the strategies measured on the same
// workload, parameters and closed-loop load. Findings and advice compare
// strategies only within such a group.
#include <vector>

#include "apbench/results.hpp"

namespace apb {

using RunGroup = std::vector<const RunResult*>;

// Closed-loop runs grouped by comparison key (comparison_key.hpp), groups
// and their runs in first-seen order. Open-loop runs are left out:
// their series describe them.
std::vector<RunGroup> closed_loop_groups(const std::vector<RunResult>& runs);

// The wall time of each measured repetition, for compare_ratio.
std::vector<double> wall_samples(const RunResult& r);

}  // namespace apb
