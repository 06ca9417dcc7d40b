#include "analysis/run_groups.hpp"

#include <optional>

#include "apbench/comparison_key.hpp"

namespace apb {

std::vector<RunGroup> closed_loop_groups(const std::vector<RunResult>& runs) {
  const auto group_of = comparison_groups(runs);
  // Comparison group -> its place in `groups`, in first-seen order.
  std::vector<std::optional<std::size_t>> slot(runs.size());
  std::vector<RunGroup> groups;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].load.open()) continue;
    auto& at = slot[group_of[i]];
    if (!at) {
      at = groups.size();
      groups.emplace_back();
    }
    groups[*at].push_back(&runs[i]);
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
