#pragma once
// Runs that answer one question: the strategies measured on the same
// workload, parameters and closed-loop load. Findings and advice compare
// strategies only within such a group.
#include <string>
#include <vector>

#include "apbench/results.hpp"
#include "apbench/stats.hpp"

namespace apb {

using RunGroup = std::vector<const RunResult*>;

// Closed-loop runs grouped by comparison key (comparison_key.hpp), groups
// and their runs in first-seen order. Open-loop runs are left out:
// their series describe them.
std::vector<RunGroup> closed_loop_groups(const std::vector<RunResult>& runs);

// "12.0 % of its ops failed (mostly timeout)": how a run's errors weigh,
// for advice and findings; "" when no op failed.
std::string errors_clause(const RunResult& r);

// How much slower `other` is than `best`: the one figure the advice and
// the summary both quote. The ratio of their goodput wall times (medians,
// as they were ranked), with compare_ratio's 95 % interval and verdict over
// their repetitions, the sides named by strategy.
RatioEstimate slower_by(const RunResult& other, const RunResult& best);

}  // namespace apb
