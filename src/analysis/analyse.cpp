#include <fmt/format.h>

#include <algorithm>

#include "apbench/analysis.hpp"
#include "apbench/regime_map.hpp"

namespace apb {

void analyse(Results& results) {
  for (RunResult& run : results.runs) run.speedup_vs_sequential.reset();
  compute_speedups(results.runs);

  results.series = build_series(results.runs, results.slo);
  for (const EarlyStop& stop : results.early_stops)
    for (Series& series : results.series)
      if (std::any_of(series.points.begin(), series.points.end(),
                      [&](const SeriesPoint& p) {
                        return p.run_index == stop.last_run;
                      }))
        series.stopped_early = stop.reason;

  results.advice = advise(results.runs);
  results.maps = build_maps(results.runs);
  results.summary = findings(results.runs);
  for (auto& line : series_findings(results.series, results.slo))
    results.summary.push_back(std::move(line));
  for (const RegimeMap& map : results.maps)
    if (!map.advice.empty())
      results.summary.push_back(fmt::format("{} (map of {} x {}): {}",
                                            map.workload, map.x_axis,
                                            map.y_axis, map.advice));
}

}  // namespace apb
