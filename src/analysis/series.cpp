#include "apbench/series.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "apbench/comparison_key.hpp"
#include "apbench/error.hpp"
#include "apbench/units.hpp"

namespace apb {

Slo parse_slo(std::string_view text) {
  const auto fail = [&] {
    return UsageError(fmt::format(
        "bad --slo '{}': expected pNN=DURATION, e.g. p99=50ms or p99.9=1s",
        text));
  };
  const auto eq = text.find('=');
  if (text.size() < 4 || (text[0] != 'p' && text[0] != 'P') ||
      eq == std::string_view::npos)
    throw fail();
  Slo slo;
  try {
    slo.percentile = parse_real(text.substr(1, eq - 1));
    slo.limit_s =
        std::chrono::duration<double>(parse_duration(text.substr(eq + 1)))
            .count();
  } catch (const UsageError&) {
    throw fail();
  }
  if (!(slo.percentile > 0 && slo.percentile < 100) || !(slo.limit_s > 0))
    throw UsageError(fmt::format(
        "bad --slo '{}': the percentile must be in (0, 100) and the limit "
        "above 0, e.g. p99=50ms",
        text));
  return slo;
}

namespace {

SeriesPoint point_of(const RunResult& run, std::size_t index,
                     const std::optional<Slo>& slo) {
  SeriesPoint p;
  p.run_index = index;
  if (run.load.open())
    p.offered_rate_ops_s = run.load.rate;
  else
    p.concurrency = run.load.requested_concurrency();
  p.throughput_ops_s = run.throughput_ops_s.median;
  p.latency_s = run.latency_s;
  p.service_time_s = run.service_time_s;
  p.dropped = run.dropped;
  p.errors = run.errors;
  if (slo) {
    p.slo_latency_s = latency_at(run, slo->percentile);
    p.meets_slo = meets_slo(run, *slo);
  }
  return p;
}

}  // namespace

std::vector<Series> build_series(const std::vector<RunResult>& runs,
                                 const std::optional<Slo>& slo) {
  // A strategy and the key without the swept value identify a series.
  using Key = std::pair<std::string, ComparisonKey>;
  std::map<Key, Series> by_key;
  std::vector<Key> order;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    if (r.status != RunStatus::ok || r.repetitions.empty()) continue;
    const bool open = r.load.open();
    // Closed-loop runs at different concurrencies form a curve only when
    // they were swept (the default suite's separate loads are not a curve).
    if (!open && !r.swept) continue;
    Key key{r.strategy, series_key(r)};
    auto [it, added] = by_key.try_emplace(key);
    if (added) {
      order.push_back(key);
      it->second.workload = r.workload;
      it->second.strategy = r.strategy;
      it->second.params = r.params;
      it->second.x = open ? "offered_rate" : "concurrency";
    }
    it->second.points.push_back(point_of(r, i, slo));
  }

  std::vector<Series> out;
  for (const auto& key : order) {
    Series s = std::move(by_key[key]);
    auto x = [](const SeriesPoint& p) {
      return p.offered_rate_ops_s ? *p.offered_rate_ops_s
                                  : static_cast<double>(*p.concurrency);
    };
    std::stable_sort(s.points.begin(), s.points.end(),
                     [&](const auto& a, const auto& b) { return x(a) < x(b); });
    if (s.x == "concurrency" && s.points.size() < 2) continue;
    for (const auto& p : s.points) {
      s.max_throughput_ops_s =
          std::max(s.max_throughput_ops_s, p.throughput_ops_s);
      if (slo && p.meets_slo.value_or(false) &&
          (!s.knee || p.throughput_ops_s > s.knee->throughput_ops_s))
        s.knee = Knee{p.throughput_ops_s, p.offered_rate_ops_s, p.concurrency,
                      p.slo_latency_s.value_or(0), slo->percentile};
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace apb
