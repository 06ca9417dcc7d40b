#include "engine/stage_stats.hpp"

#include <algorithm>
#include <utility>

namespace apb {

void StageTotals::add(const std::vector<Stage>& stages,
                      const std::vector<std::int64_t>& rows, double wall) {
  const std::size_t n = stages.size();
  const std::size_t width = 1 + 2 * n;
  time_s.resize(n, 0);
  queue_s.resize(n, 0);
  wall_s += wall;
  // (time, +1/-1, is_cpu) events for the overlap sweep.
  std::vector<std::pair<std::int64_t, int>> events;
  for (std::size_t at = 0; at + width <= rows.size(); at += width) {
    const std::int64_t* row = &rows[at];
    if (std::any_of(row, row + width, [](std::int64_t t) { return t == 0; }))
      continue;  // a failed op: its row is incomplete
    ++ops;
    std::int64_t previous_end = row[0];
    for (std::size_t s = 0; s < n; ++s) {
      const std::int64_t begin = row[1 + 2 * s], end = row[2 + 2 * s];
      time_s[s] += static_cast<double>(end - begin) * 1e-9;
      queue_s[s] +=
          static_cast<double>(std::max<std::int64_t>(begin - previous_end, 0)) *
          1e-9;
      previous_end = end;
      const int kind = is_cpu(stages[s].kind) ? 2 : 1;
      events.emplace_back(begin, kind);
      events.emplace_back(end, -kind);
    }
  }
  // Sweep: time with a CPU stage running, an I/O stage waiting, or both.
  std::sort(events.begin(), events.end());
  int cpu = 0, io = 0;
  std::int64_t last = events.empty() ? 0 : events.front().first;
  for (const auto& [t, change] : events) {
    const double span = static_cast<double>(t - last) * 1e-9;
    if (cpu > 0) cpu_busy_s += span;
    if (io > 0) io_wait_s += span;
    if (cpu > 0 && io > 0) overlap_s += span;
    last = t;
    if (change == 2 || change == -2)
      cpu += change / 2;
    else
      io += change;
  }
}

std::vector<StageResult> StageTotals::results(
    const std::vector<Stage>& stages) const {
  std::vector<StageResult> out;
  const double per_op = ops > 0 ? 1.0 / static_cast<double>(ops) : 0;
  for (std::size_t s = 0; s < stages.size() && s < time_s.size(); ++s)
    out.push_back({stages[s].name, std::string(to_string(stages[s].kind)),
                   time_s[s] * per_op, queue_s[s] * per_op});
  return out;
}

StageOverlap StageTotals::overlap() const {
  if (wall_s <= 0) return {};
  return {std::min(1.0, cpu_busy_s / wall_s), std::min(1.0, io_wait_s / wall_s),
          std::min(1.0, overlap_s / wall_s)};
}

}  // namespace apb
