#pragma once
// Analysis of a finished result set in one call, so a program of its own
// can go run_plan() -> analyse() -> a reporter (report.hpp). The pieces are
// public too: series.hpp, advisor.hpp, findings.hpp.
#include <vector>

#include "apbench/advisor.hpp"
#include "apbench/findings.hpp"
#include "apbench/results.hpp"
#include "apbench/series.hpp"

namespace apb {

// Fills what the measured runs imply: speed-ups against `sequential` (per
// comparison key), the series and their knees under `results.slo` (those in
// `results.early_stops` marked as stopped early), the advice and the
// summary. Replaces whatever an earlier call filled; the runs' own
// measurements (diagnoses included: the runner makes them) stay as they are.
void analyse(Results& results);

// Fills speedup_vs_sequential of closed-loop runs that share their
// comparison key (comparison_key.hpp) with an ok `sequential` run: the
// ratio of their goodputs (goodput_wall_s in results.hpp), which is the
// ratio of median wall times when no op failed. Leaves the others as they
// are.
void compute_speedups(std::vector<RunResult>& runs);

}  // namespace apb
