#pragma once
// The advisor: for each workload and load, which strategy to use, by how
// much (with the interval across repetitions), and why, in one sentence
// that cites the measured evidence. Never a canned sentence: every reason
// names the numbers that justify it.
#include <cstddef>
#include <string>
#include <vector>

#include "apbench/results.hpp"

namespace apb {

// Closed-loop groups (same workload, parameters and load) with at least two
// ok runs. Among strategies tied with the fastest (within 3 %, or within
// 10 % and not significantly slower), the simplest wins: fewer threads and
// moving parts.
std::vector<Advice> advise(const std::vector<RunResult>& runs);

}  // namespace apb
