#include "apbench/findings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/run_groups.hpp"
#include "apbench/series.hpp"
#include "apbench/stats.hpp"
#include "apbench/units.hpp"
#include "text/quantities.hpp"

namespace apb {
namespace {

// The first ok run whose strategy's traits match, that failed at most the
// limit of its ops: one that failed more shows no mechanism, only errors.
template <class Match>
const RunResult* find(const RunGroup& g, Match match) {
  for (const auto* r : g)
    if (match(r->strategy_traits) && r->status == RunStatus::ok &&
        error_rate(*r) <= kErrorRateLimit)
      return r;
  return nullptr;
}

// "4 ops all at once", and ", 2 threads" in a thread sweep, whose groups
// differ by nothing else.
std::string load_text(const RunResult& r, bool threads_vary = false) {
  const std::size_t requested = r.load.requested_concurrency();
  std::string text =
      requested >= r.load.ops
          ? fmt::format("{} ops all at once", r.load.ops)
          : fmt::format("{} ops, {} in flight", r.load.ops, requested);
  if (threads_vary)
    text += fmt::format(", {} thread{}", r.load.threads,
                        r.load.threads == 1 ? "" : "s");
  // A --set sweep's points differ in the swept parameter: name its value.
  for (const auto& axis : r.sweep_axes)
    for (const auto& [name, value] : r.params)
      if (name == axis) text += fmt::format(", {}={}", name, value);
  return text;
}

std::string speedup(const RunResult& r) {
  return r.speedup_vs_sequential
             ? fmt::format("{:.2f}x", *r.speedup_vs_sequential)
             : std::string("-");
}

// Two medians differ by less than their intervals' overlap suggests.
bool overlaps(const RunResult& a, const RunResult& b) {
  return a.wall_s.ci95_low <= b.wall_s.ci95_high &&
         b.wall_s.ci95_low <= a.wall_s.ci95_high;
}

void describe_group(const RunGroup& g, bool threads_vary,
                    std::vector<std::string>& out) {
  const RunResult& first = *g.front();
  if (first.load.ops == 0) {  // a shard that got none of the load's ops
    out.push_back(fmt::format("{}: no ops in this shard.", first.workload));
    return;
  }
  std::vector<const RunResult*> ok;
  for (const auto* r : g)
    if (r->status == RunStatus::ok) ok.push_back(r);
  if (ok.empty()) {
    out.push_back(fmt::format("{} ({}): no strategy completed.", first.workload,
                              load_text(first, threads_vary)));
    return;
  }
  // By goodput: a run is as fast as the ops it completed.
  std::stable_sort(ok.begin(), ok.end(), [](auto* a, auto* b) {
    return goodput_wall_s(*a) < goodput_wall_s(*b);
  });
  // Runs over the error limit rank after those within it: the ones faster
  // than the fastest contender are named with their error rate.
  const std::vector<const RunResult*> ranked = contenders(ok);
  const RunResult& best = *ranked.front();
  std::vector<const RunResult*> passed;
  for (const auto* r : ok) {
    if (r == &best) break;
    passed.push_back(r);
  }
  const RunResult* after = nullptr;  // the next contender, else the next run
  const auto rest = std::find(ok.begin(), ok.end(), &best) + 1;
  if (ranked.size() > 1)
    after = ranked[1];
  else if (rest != ok.end())
    after = *rest;
  std::string line = fmt::format("{} ({}): fastest is {} at {}", best.workload,
                                 load_text(best, threads_vary), best.strategy,
                                 format_duration(best.wall_s.median));
  if (best.errors > 0)
    line += fmt::format(" ({} of its ops failed)",
                        format_error_rate(error_rate(best)));
  if (best.speedup_vs_sequential && !best.strategy_traits.baseline)
    line += fmt::format(", {} vs sequential", speedup(best));
  if (best.efficiency)
    line += fmt::format(", {:.0f} % of the ideal {}", *best.efficiency * 100,
                        format_duration(*best.ideal_s));
  for (const auto* r : passed)
    line += fmt::format("; {} ({}) is {:.2f}x faster but {} of its ops failed",
                        r->strategy, format_duration(r->wall_s.median),
                        goodput_wall_s(best) / goodput_wall_s(*r),
                        format_error_rate(error_rate(*r)));
  if (after) {
    const RunResult& next = *after;
    // The ratio of the two with its interval across repetitions: is the
    // winner really ahead, or is the spread too large to tell?
    const auto ratio = slower_by(next, best);
    if (ratio.significant && ratio.trustworthy)
      line += fmt::format(
          "; next is {} at {} ({:.2f}x slower, 95 % CI "
          "{:.2f}-{:.2f}x)",
          next.strategy, format_duration(next.wall_s.median), ratio.ratio,
          ratio.ci95_low, ratio.ci95_high);
    else if (next.repetitions.size() >= 2 && best.repetitions.size() >= 2)
      line += fmt::format("; {} ({}) is not clearly slower: {}", next.strategy,
                          format_duration(next.wall_s.median), ratio.verdict);
    else
      line +=
          overlaps(best, next)
              ? fmt::format("; {} ({}) is within the noise of it",
                            next.strategy, format_duration(next.wall_s.median))
              : fmt::format("; next is {} at {} ({:.2f}x slower)",
                            next.strategy, format_duration(next.wall_s.median),
                            goodput_wall_s(next) / goodput_wall_s(best));
  }
  out.push_back(line + ".");
  // How much of each run failed, and that its speed counts only the rest.
  for (const auto* r : ok)
    if (r->errors > 0)
      out.push_back(fmt::format(
          "  {}: {} of {} ops failed ({}){}; its speed counts only the ops "
          "that succeeded.",
          r->strategy, r->errors, r->errors + ops_succeeded(*r),
          format_error_rate(error_rate(*r)),
          main_error_cause(*r).empty() ? ""
                                       : ", mostly " + main_error_cause(*r)));
  for (const auto* r : ok)
    if (r->wall_s.outliers > 0)
      out.push_back(fmt::format(
          "  {}: {} of {} repetitions are outliers (outside the Tukey "
          "fences); the median resists them, the 95 % interval does not.",
          r->strategy, r->wall_s.outliers, r->wall_s.n));

  // The mechanisms the seed posts contrast, found by what each strategy
  // declares: one op at a time, waits overlapped on one event-loop thread,
  // a pool of blocking workers, and waits on a loop with CPU on a pool.
  const auto* seq = find(g, [](const StrategyTraits& t) { return t.baseline; });
  const auto* async = find(
      g, [](const StrategyTraits& t) { return t.event_loop && t.one_thread; });
  const auto* parallel = find(g, [](const StrategyTraits& t) {
    return t.model == ExecutionModel::task_pool;
  });
  const auto* hybrid =
      find(g, [](const StrategyTraits& t) { return t.offloads_cpu; });

  if (first.kind == WorkloadKind::io && seq && async &&
      async->speedup_vs_sequential) {
    out.push_back(fmt::format(
        "  Waiting overlaps: {} ran the waits together on one thread in "
        "{} instead of {} ({}), using {:.1f} % of the CPU.",
        async->strategy, format_duration(async->wall_s.median),
        format_duration(seq->wall_s.median), speedup(*async),
        async->cpu_utilization * 100));
  }
  if (first.kind == WorkloadKind::cpu && async &&
      async->speedup_vs_sequential) {
    out.push_back(fmt::format(
        "  Coroutines add no cores: {} gives {} on CPU work (one thread "
        "does all of it){}.",
        async->strategy, speedup(*async),
        parallel && parallel->speedup_vs_sequential
            ? fmt::format("; {} gives {} on {} cores", parallel->strategy,
                          speedup(*parallel), parallel->cores)
            : std::string()));
  }
  if (first.kind == WorkloadKind::hybrid && hybrid) {
    const RunResult* rival = nullptr;
    for (const auto* r : ok)
      if (r != hybrid) {
        rival = r;
        break;
      }
    if (rival) {
      const bool tie =
          overlaps(*hybrid, *rival) ||
          std::abs(hybrid->wall_s.median / rival->wall_s.median - 1) < 0.05;
      if (tie && hybrid->cpu_utilization >= 0.85)
        out.push_back(fmt::format(
            "  {} ({}) ties {} ({}): with {} the cores are saturated "
            "({} CPU use {:.0f} %), so any strategy that keeps all cores "
            "busy reaches the same limit.",
            hybrid->strategy, format_duration(hybrid->wall_s.median),
            rival->strategy, format_duration(rival->wall_s.median),
            load_text(*hybrid), hybrid->strategy,
            hybrid->cpu_utilization * 100));
      else if (tie)
        out.push_back(fmt::format(
            "  {} ({}) and {} ({}) differ by less than the spread of the "
            "repetitions; rerun with more --repetitions to tell them apart.",
            hybrid->strategy, format_duration(hybrid->wall_s.median),
            rival->strategy, format_duration(rival->wall_s.median)));
      else if (hybrid == &best)
        out.push_back(fmt::format(
            "  {} wins by {:.2f}x over {}: waits overlap on the io "
            "thread while each op's processing is split over {} cores "
            "(CPU use {:.0f} % vs {:.0f} %).",
            hybrid->strategy, rival->wall_s.median / hybrid->wall_s.median,
            rival->strategy, hybrid->cores, hybrid->cpu_utilization * 100,
            rival->cpu_utilization * 100));
    }
    if (async && hybrid)
      out.push_back(fmt::format(
          "  {} alone: {} (its one thread does all the processing, CPU "
          "use {:.0f} % of {} cores).",
          async->strategy, format_duration(async->wall_s.median),
          async->cpu_utilization * 100, async->cores));
    if (parallel)
      out.push_back(fmt::format(
          "  {}: {} (blocking waits hold {} of its {} worker threads idle "
          "while they wait).",
          parallel->strategy, format_duration(parallel->wall_s.median),
          parallel->concurrency, parallel->load.threads));
  }

  // Strategies that computed a different answer are a bug, never noise.
  std::map<std::uint64_t, std::vector<std::string>> by_checksum;
  for (const auto* r : ok)
    if (r->checksum) by_checksum[*r->checksum].push_back(r->strategy);
  if (by_checksum.size() > 1)
    out.push_back(fmt::format(
        "  WARNING: strategies computed different checksums for {}.",
        first.workload));
  for (const auto* r : g)
    if (r->status == RunStatus::failed)
      out.push_back(fmt::format("  {} failed: {}", r->strategy, r->reason));
}

}  // namespace

std::vector<std::string> findings(const std::vector<RunResult>& runs) {
  // Open-loop runs are described by their series (series_findings).
  const auto groups = closed_loop_groups(runs);
  std::vector<std::string> out;
  // Groups of one workload and parameters that differ in --threads: each
  // line says its thread count, or two lines would read the same.
  const auto threads_vary = [&](const RunGroup& g) {
    for (const auto& other : groups)
      if (other.front()->workload == g.front()->workload &&
          other.front()->params == g.front()->params &&
          other.front()->load.threads != g.front()->load.threads)
        return true;
    return false;
  };
  for (const auto& g : groups)
    // A map's cells are summed up by the map (regime_map.hpp), not a line
    // each.
    if (g.front()->sweep_axes.size() < 2)
      describe_group(g, threads_vary(g), out);
  return out;
}

namespace {

// A --set sweep: the fastest strategy at each value of the parameter, runs
// of equal values merged ("1ms..4ms sequential, 8ms parallel"). A map's
// series (several per strategy) are left to the map.
void parameter_finding(const std::vector<const Series*>& g,
                       std::vector<std::string>& out) {
  for (std::size_t i = 0; i < g.size(); ++i)
    for (std::size_t j = i + 1; j < g.size(); ++j)
      if (g[i]->strategy == g[j]->strategy) return;
  if (g.size() < 2) return;
  // Value -> (highest throughput, its strategy): the same ops at one value,
  // so the highest throughput is the shortest wall.
  std::vector<std::pair<std::string, std::pair<double, std::string>>> best;
  for (const Series* s : g)
    for (const auto& p : s->points) {
      if (!p.parameter_value) continue;
      auto it = std::find_if(best.begin(), best.end(), [&](const auto& b) {
        return b.first == *p.parameter_value;
      });
      if (it == best.end()) {
        best.push_back({*p.parameter_value, {p.throughput_ops_s, s->strategy}});
      } else if (p.throughput_ops_s > it->second.first) {
        it->second = {p.throughput_ops_s, s->strategy};
      }
    }
  if (best.empty()) return;
  std::string line = fmt::format("{} (sweep of {}): fastest ",
                                 g.front()->workload, g.front()->parameter);
  for (std::size_t i = 0; i < best.size();) {
    std::size_t j = i;
    while (j + 1 < best.size() &&
           best[j + 1].second.second == best[i].second.second)
      ++j;
    line +=
        fmt::format("{}{} at {}{}", i == 0 ? "" : ", ", best[i].second.second,
                    best[i].first, j > i ? ".." + best[j].first : "");
    i = j + 1;
  }
  out.push_back(line + ".");
}

}  // namespace

std::vector<std::string> series_findings(const std::vector<Series>& series,
                                         const std::optional<Slo>& slo) {
  // Per workload and parameters: strategies by highest achieved throughput,
  // and by knee under the SLO.
  std::vector<std::vector<const Series*>> groups;
  for (const auto& s : series) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.front()->workload == s.workload && g.front()->params == s.params;
    });
    if (it == groups.end())
      groups.push_back({&s});
    else
      it->push_back(&s);
  }
  std::vector<std::string> out;
  for (auto g : groups) {
    if (g.front()->x == "parameter") {
      // A map's rows: series of the same workload, parameter and strategy
      // at other values of the map's second axis; the map has its finding.
      const auto in_map =
          std::count_if(series.begin(), series.end(), [&](const Series& s) {
            return s.workload == g.front()->workload && s.x == "parameter" &&
                   s.parameter == g.front()->parameter &&
                   s.strategy == g.front()->strategy;
          });
      if (in_map < 2) parameter_finding(g, out);
      continue;
    }
    std::sort(g.begin(), g.end(), [](auto* a, auto* b) {
      return a->max_throughput_ops_s > b->max_throughput_ops_s;
    });
    std::string line =
        fmt::format("{} ({}): highest throughput ", g.front()->workload,
                    g.front()->x == "offered_rate" ? "open loop"
                    : g.front()->x == "threads"    ? "threads sweep"
                                                   : "concurrency sweep");
    for (std::size_t i = 0; i < g.size(); ++i)
      line += fmt::format("{}{} {}", i == 0 ? "" : ", ", g[i]->strategy,
                          format_ops_rate(g[i]->max_throughput_ops_s));
    out.push_back(line + ".");
    if (slo) {
      std::sort(g.begin(), g.end(), [](auto* a, auto* b) {
        const double ka = a->knee ? a->knee->throughput_ops_s : -1;
        const double kb = b->knee ? b->knee->throughput_ops_s : -1;
        return ka > kb;
      });
      std::string knees =
          fmt::format("  Knee (highest throughput with {}): ", slo_text(*slo));
      for (std::size_t i = 0; i < g.size(); ++i)
        knees += fmt::format("{}{} {}", i == 0 ? "" : ", ", g[i]->strategy,
                             g[i]->knee
                                 ? format_ops_rate(g[i]->knee->throughput_ops_s)
                                 : std::string("none (no point met it)"));
      out.push_back(knees + ".");
    }
    // Latency from the due time far above the service time: ops waited to
    // start. A closed loop would have reported only the service time.
    for (const Series* s : g) {
      for (const auto& p : s->points) {
        if (!p.service_time_s || p.service_time_s->p99 <= 0) continue;
        if (p.latency_s.p99 > 2 * p.service_time_s->p99 &&
            p.latency_s.p99 - p.service_time_s->p99 > 1e-3) {
          out.push_back(fmt::format(
              "  {} at {}: p99 {} from when ops were due vs {} from when they "
              "started: ops queued {} before a lane or the event loop got to "
              "them (a closed loop would hide this).",
              s->strategy,
              p.offered_rate_ops_s ? format_ops_rate(*p.offered_rate_ops_s)
                                   : "-",
              format_duration(p.latency_s.p99),
              format_duration(p.service_time_s->p99),
              format_duration(p.latency_s.p99 - p.service_time_s->p99)));
          break;  // the lowest such rate says enough
        }
      }
    }
  }
  return out;
}

}  // namespace apb
