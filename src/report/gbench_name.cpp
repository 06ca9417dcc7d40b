// Benchmark names shared by the Google Benchmark adapter and --gbench-json.
#include "apbench/gbench_name.hpp"

#include <fmt/format.h>

namespace apb {

std::string gbench_name(
    std::string_view workload, std::string_view strategy,
    const std::vector<std::pair<std::string, std::string>>& params,
    const Load& load, unsigned cores) {
  std::string name = fmt::format("{}/{}", workload, strategy);
  if (load.open()) {
    name += fmt::format("/rate:{}/duration:{}s", load.rate, load.duration_s);
    if (load.arrival != Arrival::constant)
      name += fmt::format("/arrival:{}", to_string(load.arrival));
  } else {
    name += fmt::format("/ops:{}", load.ops);
    if (load.requested_concurrency() < load.ops)
      name += fmt::format("/concurrency:{}", load.concurrency);
  }
  // Threads default to the measuring host's: only another count is worth a
  // word.
  if (load.threads != 0 && load.threads != cores)
    name += fmt::format("/threads:{}", load.threads);
  for (const auto& [param, value] : params)
    name += fmt::format("/{}:{}", param, value);
  return name.append(kGbenchNameSuffix);
}

std::string gbench_name(const RunResult& run) {
  // The load as requested, not as limited by the workload: the adapter
  // names a run before it is set up.
  return gbench_name(run.workload, run.strategy, run.params, run.load,
                     run.cores);
}

}  // namespace apb
