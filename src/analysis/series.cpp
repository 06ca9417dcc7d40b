#include "apbench/series.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analysis/amdahl.hpp"
#include "apbench/comparison_key.hpp"
#include "apbench/error.hpp"
#include "apbench/units.hpp"
#include "text/parameter_value.hpp"

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

// A shard that got no ops has no point to place on a curve.
bool usable(const RunResult& r) {
  return r.status == RunStatus::ok && !r.repetitions.empty() && r.load.ops > 0;
}

// Strong scaling: a strategy's swept closed-loop runs that differ only in
// their threads. Marks the runs it uses in `used`.
std::vector<Series> threads_series(const std::vector<RunResult>& runs,
                                   const std::optional<Slo>& slo,
                                   std::vector<bool>& used) {
  using Key = std::pair<std::string, ComparisonKey>;
  std::map<Key, std::vector<std::size_t>> by_key;
  std::vector<Key> order;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    if (!usable(r) || r.load.open() || !r.swept) continue;
    Key key{r.strategy, threads_series_key(r)};
    auto [it, added] = by_key.try_emplace(key);
    if (added) order.push_back(key);
    it->second.push_back(i);
  }
  std::vector<Series> out;
  for (const auto& key : order) {
    auto indices = by_key[key];
    std::set<unsigned> threads;
    for (auto i : indices) threads.insert(runs[i].load.threads);
    if (threads.size() < 2) continue;  // a concurrency sweep, or one point
    std::stable_sort(indices.begin(), indices.end(), [&](auto a, auto b) {
      return runs[a].load.threads < runs[b].load.threads;
    });
    const RunResult& base = runs[indices.front()];
    const double base_wall = base.wall_s.median;
    const double base_threads = base.load.threads;
    Series s;
    s.workload = base.workload;
    s.strategy = base.strategy;
    s.params = base.params;
    s.x = "threads";
    std::vector<ScalingSample> samples;
    for (auto i : indices) {
      const RunResult& r = runs[i];
      used[i] = true;
      SeriesPoint p = point_of(r, i, slo);
      p.threads = r.load.threads;
      const double cores = std::max(1u, r.cores);
      const double ratio = r.load.threads / base_threads;
      if (r.wall_s.median > 0) p.speedup = base_wall / r.wall_s.median;
      // Each run on its own machine's cores (merge --by host puts runs
      // of machines with different cores in one series).
      const auto computing = [](const RunResult& run) {
        return std::max(1.0, std::min<double>(run.compute_threads,
                                              std::max(1u, run.cores)));
      };
      p.ideal_speedup = computing(r) / computing(base);
      // Points past the cores measure oversubscription, not scaling.
      if (r.load.threads <= cores)
        for (const auto& rep : r.repetitions)
          if (rep.wall_s > 0)
            samples.push_back({ratio, base_wall / rep.wall_s});
      s.max_throughput_ops_s =
          std::max(s.max_throughput_ops_s, p.throughput_ops_s);
      s.points.push_back(std::move(p));
    }
    // A strategy that computes on one thread whatever --threads says has
    // nothing to scale: a serial fraction fitted to its noise means nothing.
    if (!base.strategy_traits.one_thread) s.amdahl = fit_amdahl(samples);
    out.push_back(std::move(s));
  }
  return out;
}

// A --set sweep: a strategy's runs that differ only in the first swept
// parameter (in a map, one series per value of the other axis). Marks the
// runs it uses in `used`.
std::vector<Series> parameter_series(const std::vector<RunResult>& runs,
                                     const std::optional<Slo>& slo,
                                     std::vector<bool>& used) {
  using Key = std::tuple<std::string, std::string, ComparisonKey>;
  std::map<Key, std::vector<std::size_t>> by_key;
  std::vector<Key> order;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    if (r.sweep_axes.empty() || r.sweep_axes.front() == "concurrency") continue;
    used[i] = true;  // never a point of a rate or concurrency curve
    if (!usable(r)) continue;
    const std::string& name = r.sweep_axes.front();
    Key key{r.strategy, name, parameter_series_key(r, name)};
    auto [it, added] = by_key.try_emplace(key);
    if (added) order.push_back(key);
    it->second.push_back(i);
  }
  std::vector<Series> out;
  for (const auto& key : order) {
    const auto& [strategy, name, rest] = key;
    Series s;
    s.strategy = strategy;
    s.x = "parameter";
    s.parameter = name;
    for (auto i : by_key[key]) {
      const RunResult& r = runs[i];
      s.workload = r.workload;
      SeriesPoint p = point_of(r, i, slo);
      for (const auto& [param, value] : r.params) {
        if (param != name) continue;
        p.parameter_value = value;
        if (const auto number = parameter_number(value)) {
          p.parameter_number = number->value;
          if (!number->unit.empty()) s.parameter_unit = number->unit;
        }
      }
      p.ideal_s = r.ideal_s;
      s.max_throughput_ops_s =
          std::max(s.max_throughput_ops_s, p.throughput_ops_s);
      s.points.push_back(std::move(p));
    }
    s.params = rest.params;
    // Numbers ascending; values that are no number (choices) as measured.
    std::stable_sort(s.points.begin(), s.points.end(),
                     [](const SeriesPoint& a, const SeriesPoint& b) {
                       return a.parameter_number && b.parameter_number &&
                              *a.parameter_number < *b.parameter_number;
                     });
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::vector<Series> build_series(const std::vector<RunResult>& runs,
                                 const std::optional<Slo>& slo) {
  std::vector<bool> used(runs.size(), false);
  std::vector<Series> parameters = parameter_series(runs, slo, used);
  std::vector<Series> scaling = threads_series(runs, slo, used);
  // A strategy and the key without the swept value identify a series.
  using Key = std::pair<std::string, ComparisonKey>;
  std::map<Key, Series> by_key;
  std::vector<Key> order;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& r = runs[i];
    if (!usable(r) || used[i]) continue;
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
  for (auto& s : parameters) out.push_back(std::move(s));
  for (auto& s : scaling) out.push_back(std::move(s));
  return out;
}

}  // namespace apb
