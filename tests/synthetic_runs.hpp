#pragma once
// Hand-built closed-loop runs of io.sleep for the analysis tests: each
// repetition's wall time given, every op succeeded, the strategy's traits
// those of the registered strategy of that name (as a run read back from a
// file carries them; the analysis reads traits, not names).
#include <string>
#include <utility>
#include <vector>

#include "apbench/registry.hpp"
#include "apbench/results.hpp"
#include "apbench/stats.hpp"

namespace apb::testing {

inline RunResult synthetic_closed_run(std::string strategy,
                                      std::vector<double> walls,
                                      unsigned threads = 2,
                                      std::size_t ops = 10) {
  RunResult r;
  r.workload = "io.sleep";
  r.kind = WorkloadKind::io;
  r.strategy = std::move(strategy);
  if (const Strategy* known = Registry::instance().find_strategy(r.strategy))
    r.strategy_traits = known->traits();
  r.params = {{"delay", "10ms"}};
  r.load.ops = ops;
  r.load.threads = threads;
  r.cores = 2;
  for (double w : walls) {
    Repetition rep;
    rep.wall_s = w;
    rep.ops_ok = ops;
    r.repetitions.push_back(rep);
  }
  r.wall_s = summarize(walls);
  r.latency_s.count = ops * walls.size();
  r.latency_s.mean = 0.010;
  r.cpu_utilization = 0.01;
  return r;
}

}  // namespace apb::testing
