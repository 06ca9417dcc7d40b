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
// plain wall time when no op failed), or successful ops per second (the
// samples of the throughput summary: an open loop's over its schedule).
std::vector<double> samples(const RunResult& run, bool throughput) {
  return throughput ? throughput_samples(run) : goodput_wall_samples(run);
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

// A match measured, before the verdicts: they wait for the p-values of
// the whole file (its families).
struct Pending {
  RunComparison c;
  bool tested = false;  // in the speed family: the verdict comes from p
  double min_p = 1;     // smallest p these sample sizes allow
};

// Medians, ratio, interval and the raw p-value; the verdict is settled here
// only when there is nothing to test (not measured, too few repetitions).
Pending measure(const RunResult& base, std::size_t base_index,
                const RunResult& cand, std::size_t cand_index,
                const CompareOptions& options) {
  Pending pending;
  RunComparison& c = pending.c;
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
    return pending;
  }
  const std::size_t nb = b.size(), nn = n.size();
  if (nb < 2 || nn < 2) {
    c.note = fmt::format(
        "{} and {} repetitions: the test needs at least 2 on each side "
        "(about {} for power; --repetitions)",
        nb, nn, kRepetitionsForPower);
    return pending;
  }
  const RatioEstimate interval = compare_ratio(slow, fast);
  if (interval.ci95_low > 0) {
    c.ci95_low = interval.ci95_low;
    c.ci95_high = interval.ci95_high;
  }
  const MannWhitney u = mann_whitney_u(b, n);
  c.p_value = u.p_value;
  c.exact = u.exact;
  pending.min_p = mann_whitney_min_p(nb, nn);
  if (pending.min_p >= options.alpha) {
    c.note = fmt::format(
        "{} and {} repetitions can never reach p < {} (smallest p {:.3g}); "
        "run about {} each",
        nb, nn, options.alpha, pending.min_p, kRepetitionsForPower);
    return pending;
  }
  pending.tested = true;
  return pending;
}

// The largest number of tests k with k * min_p < alpha: Holm compares the
// smallest of m p-values with alpha / m, the next with alpha / (m - 1), ...,
// so a row whose p cannot go below alpha / m can be flagged only after
// m - k other rows were.
std::size_t holm_reach(double min_p, double alpha) {
  auto k = static_cast<std::size_t>(std::floor(alpha / min_p));
  while (k > 0 && static_cast<double>(k) * min_p >= alpha) --k;
  return k;
}

// Repetitions per side whose smallest p passes Holm's first step among m
// tests (below alpha / m).
std::size_t repetitions_to_lead(std::size_t m, double alpha) {
  std::size_t n = 2;
  while (n < 1000 && static_cast<double>(m) * mann_whitney_min_p(n, n) >= alpha)
    ++n;
  return n;
}

// The speed verdict of a tested row, from its adjusted p among `m` tests.
void judge_speed(Pending& pending, std::size_t m,
                 const CompareOptions& options) {
  RunComparison& c = pending.c;
  const double p = *c.p_adjusted;
  const bool holm = options.p_adjust == PAdjust::holm && m > 1;
  const bool significant = p < options.alpha;
  const bool beyond_slow = c.ratio > 1 + options.threshold;
  const bool beyond_fast = c.ratio < 1 / (1 + options.threshold);
  if (significant && beyond_slow)
    c.verdict = Verdict::slower;
  else if (significant && beyond_fast)
    c.verdict = Verdict::faster;
  else
    c.verdict = Verdict::no_change;
  const std::size_t nb = c.base.repetitions, nn = c.candidate.repetitions;
  // Holm compares the smallest p with alpha / m: a row whose sample sizes
  // cannot go below it needs other rows flagged first.
  std::string reach;
  if (holm && !significant &&
      static_cast<double>(m) * pending.min_p >= options.alpha)
    reach = fmt::format(
        "with {} and {} repetitions the smallest p is {:.2g}; among {} tests "
        "Holm needs below {:.2g} for the first, so this row is flagged only "
        "if {} others are (run about {} each)",
        nb, nn, pending.min_p, m, options.alpha / static_cast<double>(m),
        m - std::min(m, holm_reach(pending.min_p, options.alpha)),
        std::max(kRepetitionsForPower, repetitions_to_lead(m, options.alpha)));
  const bool beyond = beyond_slow || beyond_fast;
  const std::string change =
      fmt::format("a change beyond {}", percent(options.threshold));
  if (c.verdict == Verdict::no_change && significant)
    c.note = fmt::format("a significant change within the {} threshold",
                         percent(options.threshold));
  else if (c.verdict == Verdict::no_change && beyond && !reach.empty())
    c.note = fmt::format("{}, but {}", change, reach);
  else if (c.verdict == Verdict::no_change && beyond && holm &&
           *c.p_value < options.alpha)
    c.note = fmt::format(
        "{}, significant alone (p {:.2g}) but not among {} tests "
        "(Holm-adjusted p {:.2g})",
        change, *c.p_value, m, p);
  else if (c.verdict == Verdict::no_change && beyond)
    c.note =
        fmt::format("{}, but not significant (p {:.2g})", change, *c.p_value);
  else
    c.note = reach;
  if (reach.empty() && std::min(nb, nn) < kRepetitionsForPower) {
    if (!c.note.empty()) c.note += "; ";
    c.note += fmt::format(
        "{} and {} repetitions: small changes may go unseen (about {} each "
        "give the test power)",
        nb, nn, kRepetitionsForPower);
  }
}

// Errors after speed: a new run that fails a larger share of its ops than
// the base, above the advisor's limit and significantly so (the two
// proportions' z-test, its adjusted p below alpha among `m` such tests), is
// a regression however fast it is.
void judge_errors(RunComparison& c, std::size_t m,
                  const CompareOptions& options) {
  const CompareSide& b = c.base;
  const CompareSide& n = c.candidate;
  const double p = *c.error_p_adjusted;
  const std::string test =
      options.p_adjust == PAdjust::holm && m > 1
          ? fmt::format(
                "p {:.2g}, Holm-adjusted {:.2g} over {} rows with "
                "failed ops",
                *c.error_p_value, p, m)
          : fmt::format("p {:.2g}", *c.error_p_value);
  const std::string rates =
      fmt::format("error rate {} -> {} ({})", percent(b.error_rate),
                  percent(n.error_rate), test);
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
}

// The p-values of one family, adjusted as the options say.
std::vector<double> adjust(const std::vector<double>& p,
                           const CompareOptions& options) {
  return options.p_adjust == PAdjust::holm ? holm_adjust(p) : p;
}

// Verdicts for all matches of a file: each family's p-values adjusted
// together, then each row judged on its adjusted p.
void judge_all(std::vector<Pending>& pending, FileComparison& out,
               const CompareOptions& options) {
  std::vector<double> speed_p;
  for (const Pending& r : pending)
    if (r.tested) speed_p.push_back(*r.c.p_value);
  const std::vector<double> speed_adjusted = adjust(speed_p, options);
  out.tests = speed_p.size();
  std::size_t i = 0;
  for (Pending& r : pending) {
    if (!r.tested) continue;
    r.c.p_adjusted = speed_adjusted[i++];
    judge_speed(r, out.tests, options);
  }

  std::vector<double> error_p;
  for (Pending& r : pending) {
    const CompareSide& b = r.c.base;
    const CompareSide& n = r.c.candidate;
    if (r.c.verdict == Verdict::not_measured ||
        (b.failed_ops == 0 && n.failed_ops == 0))
      continue;
    r.c.error_p_value = two_proportion_p(b.failed_ops, b.finished_ops,
                                         n.failed_ops, n.finished_ops);
    error_p.push_back(*r.c.error_p_value);
  }
  const std::vector<double> error_adjusted = adjust(error_p, options);
  out.error_tests = error_p.size();
  i = 0;
  for (Pending& r : pending) {
    if (!r.c.error_p_value) continue;
    r.c.error_p_adjusted = error_adjusted[i++];
    judge_errors(r.c, out.error_tests, options);
  }
  for (Pending& r : pending) out.runs.push_back(std::move(r.c));
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
  differ("processes", std::to_string(b.processes), std::to_string(n.processes));
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

// A file whose runs have enough repetitions for a test, all measured in
// one process: the test then sees that process's luck as the build's.
void one_process(const char* which, const Results& r, FileComparison& out) {
  if (r.context.processes != 1) return;
  std::size_t most = 0;
  for (const RunResult& run : r.runs)
    most = std::max(most, run.repetitions.size());
  if (most < 4) return;
  out.one_process.push_back(fmt::format(
      "{}: each run's {} repetitions were measured in one process, so its "
      "rows leave out what changes between processes (thread placement, "
      "memory layout); measure with --forks (the default from 5 "
      "repetitions on)",
      which, most));
}

// The series of a run file, keyed like its runs (the swept axis left out).
std::map<MatchKey, std::vector<std::size_t>> series_by_key(
    const Results& results, const CompareOptions& options) {
  std::map<MatchKey, std::vector<std::size_t>> out;
  for (std::size_t i = 0; i < results.series.size(); ++i) {
    const Series& s = results.series[i];
    // A --set sweep's points are compared run by run (as_run below).
    if (s.points.empty() || s.x == "parameter") continue;
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

std::string_view to_string(PAdjust method) {
  return method == PAdjust::holm ? "holm" : "none";
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
  one_process("base", base, out);
  one_process("new", candidate, out);

  // Runs with equal keys in one file pair up in order of appearance.
  std::map<MatchKey, std::vector<std::size_t>> waiting;
  std::vector<Pending> matched;
  // A load sweep is compared as series (its knees); a --set sweep's point
  // is a question of its own (its parameters differ), compared as a run.
  const auto as_run = [](const RunResult& r) {
    return !r.swept || !r.sweep_axes.empty();
  };
  for (std::size_t i = 0; i < candidate.runs.size(); ++i)
    if (as_run(candidate.runs[i]))
      waiting[run_key(candidate.runs[i], options)].push_back(i);
  for (std::size_t i = 0; i < base.runs.size(); ++i) {
    const RunResult& run = base.runs[i];
    if (!as_run(run)) continue;
    auto it = waiting.find(run_key(run, options));
    if (it == waiting.end() || it->second.empty()) {
      out.only_in_base.push_back(identity(run));
      continue;
    }
    const std::size_t j = it->second.front();
    it->second.erase(it->second.begin());
    matched.push_back(measure(run, i, candidate.runs[j], j, options));
  }
  judge_all(matched, out, options);
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
