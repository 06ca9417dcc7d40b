#pragma once
// Plain-language findings from measured runs: which strategy was fastest
// for each workload and load, by how much, and why, always with the
// numbers that back the sentence.
#include <string>
#include <vector>

#include "apbench/results.hpp"

namespace apb {

std::vector<std::string> findings(const std::vector<RunResult>& runs);

}  // namespace apb
