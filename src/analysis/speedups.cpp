#include "apbench/analysis.hpp"
#include "apbench/comparison_key.hpp"

namespace apb {

void compute_speedups(std::vector<RunResult>& runs) {
  const auto groups = comparison_groups(runs);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    RunResult& run = runs[i];
    // An open loop's wall time is its schedule's: no speed-up there.
    if (run.status != RunStatus::ok || goodput_wall_s(run) <= 0 ||
        run.load.open())
      continue;
    for (std::size_t j = 0; j < runs.size(); ++j) {
      const RunResult& base = runs[j];
      // Goodput against goodput (the wall-time ratio when no op failed):
      // a strategy that fails half its ops is not twice as fast for it.
      if (base.strategy_traits.baseline && base.status == RunStatus::ok &&
          groups[j] == groups[i] && goodput_wall_s(base) > 0) {
        run.speedup_vs_sequential = goodput_wall_s(base) / goodput_wall_s(run);
        break;
      }
    }
  }
}

}  // namespace apb
