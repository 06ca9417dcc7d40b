#include "analysis/run_groups.hpp"

#include <fmt/format.h>

#include <optional>

#include "apbench/comparison_key.hpp"
#include "text/quantities.hpp"

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

std::string errors_clause(const RunResult& r) {
  if (r.errors == 0) return "";
  const std::string cause = main_error_cause(r);
  return fmt::format("{} of its ops failed{}", format_error_rate(error_rate(r)),
                     cause.empty() ? "" : " (mostly " + cause + ")");
}

RatioEstimate slower_by(const RunResult& other, const RunResult& best) {
  const double b = goodput_wall_s(best);
  RatioOptions options;
  options.a_name = other.strategy;
  options.b_name = best.strategy;
  if (b > 0) options.point = goodput_wall_s(other) / b;
  return compare_ratio(goodput_wall_samples(other), goodput_wall_samples(best),
                       options);
}

}  // namespace apb
