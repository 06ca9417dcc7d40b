// apbench compare: matching runs of two results files and judging each
// match (compare.hpp).
#include "apbench/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "apbench/comparison_key.hpp"
#include "apbench/noise.hpp"
#include "apbench/stats.hpp"

namespace apb {
namespace {

// Below this many repetitions per side the U test rarely detects a change
// of a few percent (its power); it still runs from 2 on when it can reach
// alpha at all.
constexpr std::size_t kRepetitionsForPower = 9;

struct MatchKey {
  std::string strategy;
  ComparisonKey key;
  friend auto operator<=>(const MatchKey&, const MatchKey&) = default;
  friend bool operator==(const MatchKey&, const MatchKey&) = default;
};

void drop_ignored(ComparisonKey& key, const CompareOptions& options) {
  std::erase_if(key.params, [&](const auto& p) {
    return std::find(options.ignore_params.begin(), options.ignore_params.end(),
                     p.first) != options.ignore_params.end();
  });
}

MatchKey run_key(const RunResult& run, const CompareOptions& options) {
  MatchKey k{run.strategy, comparison_key(run)};
  drop_ignored(k.key, options);
  return k;
}

RunIdentity identity(const RunResult& run) {
  return {run.workload, run.strategy, run.params, run.load};
}

// Per repetition: the wall time at goodput (as analyse() ranks runs; the
// plain wall time when no op failed), or successful ops per second (as the
// runner computes the throughput summary: an open loop's over at least its
// schedule).
std::vector<double> samples(const RunResult& run, bool throughput) {
  if (!throughput) return goodput_wall_samples(run);
  std::vector<double> out;
  const double span = run.load.open() ? run.load.duration_s : 0.0;
  for (const Repetition& r : run.repetitions) {
    const double wall = std::max(r.wall_s, span);
    out.push_back(wall > 0 ? static_cast<double>(r.ops_ok) / wall : 0.0);
  }
  return out;
}

CompareSide side(const RunResult& run, std::size_t index) {
  CompareSide s{index, run.repetitions.size(), goodput_wall_s(run),
                run.throughput_ops_s.median, run.latency_s.p99};
  for (const Repetition& r : run.repetitions) {
    s.failed_ops += r.errors;
    s.finished_ops += r.ops_ok + r.errors;
  }
  s.error_rate = s.finished_ops > 0 ? static_cast<double>(s.failed_ops) /
                                          static_cast<double>(s.finished_ops)
                                    : 0.0;
  return s;
}

std::string percent(double fraction) {
  return fmt::format("{:.3g} %", 100 * fraction);
}

RunComparison judge_speed(const RunResult& base, std::size_t base_index,
                          const RunResult& cand, std::size_t cand_index,
                          const CompareOptions& options) {
  RunComparison c;
  c.run = identity(base);
  c.base = side(base, base_index);
  c.candidate = side(cand, cand_index);
  const bool throughput = base.load.open();
  c.metric = throughput ? "throughput_ops_s" : "wall_s";

  const std::vector<double> b = samples(base, throughput);
  const std::vector<double> n = samples(cand, throughput);
  // Time-like: larger is slower. Throughput inverts.
  const std::vector<double>& slow = throughput ? b : n;
  const std::vector<double>& fast = throughput ? n : b;
  const double mb = throughput ? c.candidate.throughput_ops_s : c.base.wall_s;
  const double mn = throughput ? c.base.throughput_ops_s : c.candidate.wall_s;
  c.ratio = mb > 0 ? mn / mb : 0;
  c.ci95_low = c.ci95_high = c.ratio;

  if (base.status != RunStatus::ok || cand.status != RunStatus::ok) {
    c.verdict = Verdict::not_measured;
    c.note = fmt::format("not compared: base {}, new {}",
                         to_string(base.status), to_string(cand.status));
    return c;
  }
  const std::size_t nb = b.size(), nn = n.size();
  if (nb < 2 || nn < 2) {
    c.note = fmt::format(
        "{} and {} repetitions: the test needs at least 2 on each side "
        "(about {} for power; --repetitions)",
        nb, nn, kRepetitionsForPower);
    return c;
  }
  const RatioEstimate interval = compare_ratio(slow, fast);
  if (interval.ci95_low > 0) {
    c.ci95_low = interval.ci95_low;
    c.ci95_high = interval.ci95_high;
  }
  const MannWhitney u = mann_whitney_u(b, n);
  c.p_value = u.p_value;
  c.exact = u.exact;
  const double min_p = mann_whitney_min_p(nb, nn);
  if (min_p > options.alpha) {
    c.note = fmt::format(
        "{} and {} repetitions can never reach p < {} (smallest p {:.3g}); "
        "run about {} each",
        nb, nn, options.alpha, min_p, kRepetitionsForPower);
    return c;
  }
  const bool significant = u.p_value < options.alpha;
  const bool beyond_slow = c.ratio > 1 + options.threshold;
  const bool beyond_fast = c.ratio < 1 / (1 + options.threshold);
  if (significant && beyond_slow)
    c.verdict = Verdict::slower;
  else if (significant && beyond_fast)
    c.verdict = Verdict::faster;
  else
    c.verdict = Verdict::no_change;
  if (c.verdict == Verdict::no_change && significant)
    c.note = fmt::format("a significant change within the {} threshold",
                         percent(options.threshold));
  else if (c.verdict == Verdict::no_change && (beyond_slow || beyond_fast))
    c.note = fmt::format("a change beyond {}, but not significant (p {:.2g})",
                         percent(options.threshold), u.p_value);
  if (std::min(nb, nn) < kRepetitionsForPower) {
    if (!c.note.empty()) c.note += "; ";
    c.note += fmt::format(
        "{} and {} repetitions: small changes may go unseen (about {} each "
        "give the test power)",
        nb, nn, kRepetitionsForPower);
  }
  return c;
}

// Speed, then errors: a new run that fails a larger share of its ops than
// the base, above the advisor's limit and significantly so (the two
// proportions' z-test at alpha), is a regression however fast it is.
RunComparison judge(const RunResult& base, std::size_t base_index,
                    const RunResult& cand, std::size_t cand_index,
                    const CompareOptions& options) {
  RunComparison c = judge_speed(base, base_index, cand, cand_index, options);
  if (c.verdict == Verdict::not_measured) return c;
  const CompareSide& b = c.base;
  const CompareSide& n = c.candidate;
  if (b.failed_ops == 0 && n.failed_ops == 0) return c;
  const double p = two_proportion_p(b.failed_ops, b.finished_ops, n.failed_ops,
                                    n.finished_ops);
  const std::string rates =
      fmt::format("error rate {} -> {} (p {:.2g})", percent(b.error_rate),
                  percent(n.error_rate), p);
  if (n.error_rate > b.error_rate && n.error_rate > kErrorRateLimit &&
      p < options.alpha) {
    c.note = c.note.empty()
                 ? fmt::format("{}; speed: {}", rates, to_string(c.verdict))
                 : fmt::format("{}; speed: {} ({})", rates,
                               to_string(c.verdict), c.note);
    c.verdict = Verdict::more_errors;
  } else {
    c.note = c.note.empty() ? rates : fmt::format("{}; {}", c.note, rates);
  }
  return c;
}

void compare_contexts(const RunContext& b, const RunContext& n,
                      FileComparison& out) {
  const auto differ = [&](const char* field, const std::string& x,
                          const std::string& y) {
    if (x != y) out.context_differences.push_back({field, x, y});
  };
  differ("host", b.host, n.host);
  differ("cores", std::to_string(b.cores), std::to_string(n.cores));
  if (!b.cpus.empty() && !n.cpus.empty()) differ("cpus", b.cpus, n.cpus);
  differ("cpu", b.cpu_model, n.cpu_model);
  differ("compiler", b.compiler, n.compiler);
  differ("build type", b.build_type, n.build_type);
  differ("apbench version", b.apbench_version, n.apbench_version);
  const auto unfit = [&](const char* which, const RunContext& c) {
    const std::string why = unfit_for_timing(c.build_type);
    if (!why.empty()) out.unfit.push_back(fmt::format("{}: {}", which, why));
  };
  unfit("base", b);
  unfit("new", n);
  const auto noisy = [&](const char* which, const RunContext& c) {
    const std::string causes = noise_causes(c.noise, c.cores);
    if (!causes.empty())
      out.noise.push_back(
          fmt::format("{}: a busy machine before the runs: {}", which, causes));
  };
  noisy("base", b);
  noisy("new", n);
}

// The series of a run file, keyed like its runs (the swept axis left out).
std::map<MatchKey, std::vector<std::size_t>> series_by_key(
    const Results& results, const CompareOptions& options) {
  std::map<MatchKey, std::vector<std::size_t>> out;
  for (std::size_t i = 0; i < results.series.size(); ++i) {
    const Series& s = results.series[i];
    if (s.points.empty()) continue;
    const RunResult& run = results.runs[s.points.front().run_index];
    MatchKey k{s.strategy, series_key(run)};
    drop_ignored(k.key, options);
    out[k].push_back(i);
  }
  return out;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::faster:
      return "faster";
    case Verdict::slower:
      return "slower";
    case Verdict::no_change:
      return "no change";
    case Verdict::not_measured:
      return "not measured";
    case Verdict::more_errors:
      return "more errors";
    case Verdict::too_few:
      break;
  }
  return "too few repetitions";
}

std::string unfit_for_timing(const std::string& build_type) {
  std::string why;
  if (build_type.find("Debug") != std::string::npos) why = "a Debug build";
  if (build_type.find("sanitize") != std::string::npos)
    why += why.empty() ? "a sanitizer build" : " with sanitizers";
  if (why.empty()) return why;
  return why + " ('" + build_type +
         "'), not fit for timing: measure a Release build";
}

bool FileComparison::regression() const {
  return std::any_of(runs.begin(), runs.end(), [](const RunComparison& r) {
    return r.verdict == Verdict::slower || r.verdict == Verdict::more_errors;
  });
}

bool Comparison::regression() const {
  return std::any_of(files.begin(), files.end(),
                     [](const FileComparison& f) { return f.regression(); });
}

FileComparison compare_results(const Results& base, const Results& candidate,
                               const CompareOptions& options) {
  FileComparison out;
  compare_contexts(base.context, candidate.context, out);

  // Runs with equal keys in one file pair up in order of appearance.
  std::map<MatchKey, std::vector<std::size_t>> waiting;
  for (std::size_t i = 0; i < candidate.runs.size(); ++i)
    if (!candidate.runs[i].swept)
      waiting[run_key(candidate.runs[i], options)].push_back(i);
  for (std::size_t i = 0; i < base.runs.size(); ++i) {
    const RunResult& run = base.runs[i];
    if (run.swept) continue;
    auto it = waiting.find(run_key(run, options));
    if (it == waiting.end() || it->second.empty()) {
      out.only_in_base.push_back(identity(run));
      continue;
    }
    const std::size_t j = it->second.front();
    it->second.erase(it->second.begin());
    out.runs.push_back(judge(run, i, candidate.runs[j], j, options));
  }
  std::vector<std::size_t> left;
  for (const auto& [key, indices] : waiting)
    left.insert(left.end(), indices.begin(), indices.end());
  std::sort(left.begin(), left.end());
  for (std::size_t j : left)
    out.only_in_candidate.push_back(identity(candidate.runs[j]));

  auto cand_series = series_by_key(candidate, options);
  for (const auto& [key, indices] : series_by_key(base, options)) {
    auto it = cand_series.find(key);
    for (std::size_t k = 0; k < indices.size(); ++k) {
      const Series& b = base.series[indices[k]];
      if (it == cand_series.end() || k >= it->second.size()) {
        out.only_in_base.push_back(
            identity(base.runs[b.points.front().run_index]));
        continue;
      }
      const Series& n = candidate.series[it->second[k]];
      out.series.push_back({b.workload, b.strategy, b.x, b.params, b.knee,
                            n.knee, b.max_throughput_ops_s,
                            n.max_throughput_ops_s});
    }
    if (it != cand_series.end()) {
      for (std::size_t k = indices.size(); k < it->second.size(); ++k)
        out.only_in_candidate.push_back(identity(
            candidate.runs
                [candidate.series[it->second[k]].points.front().run_index]));
      cand_series.erase(it);
    }
  }
  for (const auto& [key, indices] : cand_series)
    for (std::size_t k : indices)
      out.only_in_candidate.push_back(identity(
          candidate.runs[candidate.series[k].points.front().run_index]));
  return out;
}

}  // namespace apb
