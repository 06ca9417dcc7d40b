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
// ok runs. Speed is goodput: successful ops per second (goodput_wall_s in
// results.hpp), so a run that fails ops is only as fast as the ops it
// completed. A run that failed more than 1 % of its ops is not advised while
// another run of the group stayed within 1 %, however much faster it is; the
// sentence names what was passed over and its error rate. Among the
// remaining strategies tied with the fastest (within 3 %, or within 10 % and
// not significantly slower), the simplest wins: fewer threads and moving
// parts. An advised run with errors has its error rate in the sentence.
std::vector<Advice> advise(const std::vector<RunResult>& runs);

}  // namespace apb
