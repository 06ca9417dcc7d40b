#include "analysis/run_groups.hpp"

#include <algorithm>
#include <tuple>

namespace apb {

std::vector<RunGroup> closed_loop_groups(const std::vector<RunResult>& runs) {
  auto key = [](const RunResult& r) {
    return std::tie(r.workload, r.params, r.ops, r.requested_concurrency,
                    r.threads);
  };
  std::vector<RunGroup> groups;
  for (const auto& run : runs) {
    if (run.load_mode != "closed") continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return key(*g.front()) == key(run);
    });
    if (it == groups.end())
      groups.push_back({&run});
    else
      it->push_back(&run);
  }
  return groups;
}

std::vector<double> wall_samples(const RunResult& r) {
  std::vector<double> v;
  v.reserve(r.repetitions.size());
  for (const auto& rep : r.repetitions) v.push_back(rep.wall_s);
  return v;
}

}  // namespace apb
