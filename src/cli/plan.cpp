#include "plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

#include "apbench/error.hpp"
#include "apbench/stats.hpp"
#include "apbench/units.hpp"
#include "cli/shard_options.hpp"
#include "cli/value_lists.hpp"
#include "registry/settings.hpp"
#include "text/names.hpp"

namespace apb::cli {
namespace {

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream in(item);
    std::string part;
    while (std::getline(in, part, ','))
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::int64_t parse_count(const std::optional<std::string>& text,
                         std::string_view flag, std::int64_t fallback,
                         std::int64_t min, std::int64_t max) {
  if (!text) return fallback;
  std::int64_t v = 0;
  try {
    v = parse_integer(*text);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", flag, e.what()));
  }
  if (v < min || v > max)
    throw UsageError(fmt::format("bad value '{}' for {}: expected {}..{}",
                                 *text, flag, min, max));
  return v;
}

std::chrono::nanoseconds parse_duration_option(const std::string& text,
                                               std::string_view flag) {
  try {
    return parse_duration(text);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", flag, e.what()));
  }
}

std::pair<std::string, std::string> split_setting(const std::string& setting) {
  const auto eq = setting.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(fmt::format(
        "bad --set '{}': expected NAME=VALUE, e.g. --set delay=500ms",
        setting));
  return {setting.substr(0, eq), setting.substr(eq + 1)};
}

std::vector<const WorkloadEntry*> select_workloads(const Options& o) {
  const auto& registry = Registry::instance();
  NameFilter filter;
  // Workload names have no commas, so 'a,b' is two patterns (as --kind).
  for (const auto& f : split_commas(o.filters)) filter.add(f);
  // A pattern that selects nothing is a typo, not a wish for fewer runs.
  const auto names = registry.workload_names();
  for (const auto& pattern : filter.includes()) {
    if (std::none_of(names.begin(), names.end(), [&](const std::string& n) {
          return glob_match(pattern, n);
        })) {
      const auto near = nearest_name(pattern, names);
      throw UsageError(fmt::format(
          "--filter '{}' matches no workload{}; workloads: {}", pattern,
          near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near),
          fmt::join(names, ", ")));
    }
  }
  std::set<std::string> kinds;
  for (const auto& k : split_commas(o.kinds)) {
    if (k != "io" && k != "cpu" && k != "hybrid")
      throw UsageError(
          unknown_name_message("kind", k, {"io", "cpu", "hybrid"}));
    kinds.insert(k);
  }
  std::vector<const WorkloadEntry*> out;
  for (const auto* w : registry.workloads()) {
    if (!filter.matches(w->info.name)) continue;
    if (!kinds.empty() && !kinds.count(std::string(to_string(w->info.kind))))
      continue;
    out.push_back(w);
  }
  if (out.empty()) {
    std::string what = "no workload matches";
    for (const auto& f : o.filters) what += fmt::format(" --filter '{}'", f);
    for (const auto& k : o.kinds) what += fmt::format(" --kind '{}'", k);
    // Suggest the nearest name to the first include pattern.
    std::string hint;
    if (!filter.includes().empty()) {
      const auto near =
          nearest_name(filter.includes().front(), registry.workload_names());
      if (!near.empty()) hint = fmt::format(" (did you mean '{}'?)", near);
    }
    throw UsageError(fmt::format("{}{}; workloads: {}", what, hint,
                                 fmt::join(registry.workload_names(), ", ")));
  }
  return out;
}

std::vector<const Strategy*> select_strategies(const Options& o) {
  const auto& registry = Registry::instance();
  const auto names = split_commas(o.strategies);
  if (names.empty()) return registry.strategies();
  std::vector<const Strategy*> out;
  for (const auto& name : names) {
    const Strategy* s = &registry.strategy(name);  // throws when unknown
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

}  // namespace

void apply_setting(Params& params, const std::string& setting) {
  const auto [name, value] = split_setting(setting);
  params.set(name, value);
}

namespace {

// --threads: one count, or a list or range to sweep ({0}: the cores).
std::vector<unsigned> thread_counts(const Options& o) {
  if (!o.threads) return {0};
  std::vector<unsigned> out;
  for (auto t : parse_count_list(*o.threads, "--threads", 1, 4096))
    out.push_back(static_cast<unsigned>(t));
  return out;
}

}  // namespace

RunSettings common_settings(const Options& o, bool sweeping, bool map) {
  RunSettings c;
  // A sweep measures many points: one repetition each, no warm-up, unless
  // asked, keeps a 10-point sweep within a couple of minutes.
  c.repetitions = static_cast<unsigned>(
      parse_count(o.repetitions, "--repetitions", sweeping ? 1 : 3, 1, 1000));
  c.warmup = static_cast<unsigned>(
      parse_count(o.warmup, "--warmup", sweeping ? 0 : 1, 0, 1000));
  // A list of threads is swept (load_points); then each point has its own.
  if (const auto threads = thread_counts(o); threads.size() == 1)
    c.threads = threads.front();
  c.seed = static_cast<std::uint64_t>(parse_count(
      o.seed, "--seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  c.refine = static_cast<unsigned>(parse_count(o.refine, "--refine", 0, 0, 20));
  if (c.refine > 0 && !map && (!sweeping || !o.slo))
    throw UsageError(
        "--refine needs a sweep with an SLO (a --rate or --concurrency list "
        "or range, and --slo, e.g. --rate 250..4000 --slo p99=50ms) or a "
        "regime map (two swept axes)");
  return c;
}

namespace {

// The load points of the command line: open loop at each --rate, or closed
// loop at each --concurrency (one point when neither is a list).
std::vector<Load> load_points(const Options& o) {
  const auto ops = parse_count(o.ops, "--ops", 0, 1, 100'000'000);
  std::vector<std::size_t> concurrencies = {0};
  if (o.concurrency)
    concurrencies =
        parse_count_list(*o.concurrency, "--concurrency", 1, 100'000'000);

  const bool open = o.rate.has_value();
  for (const auto& [flag, value] : {std::pair{"--duration", o.duration},
                                    {"--arrival", o.arrival},
                                    {"--max-in-flight", o.max_in_flight}})
    if (value && !open)
      throw UsageError(fmt::format(
          "{} applies to an open loop: add --rate R (ops per second)", flag));

  std::vector<Load> points;
  const auto threads = thread_counts(o);
  if (threads.size() > 1 && (concurrencies.size() > 1 || open))
    throw UsageError(
        "sweep one of --threads, --concurrency and --rate at a time: give the "
        "others a single value (a --threads sweep is a closed loop)");
  if (!open) {
    for (auto c : concurrencies)
      for (auto t : threads) {
        Load load;
        load.ops = static_cast<std::size_t>(ops);  // 0: workload default
        load.concurrency = c;
        load.threads = threads.size() > 1 ? t : 0;  // 0: from the settings
        points.push_back(load);
      }
    return points;
  }
  if (concurrencies.size() > 1)
    throw UsageError(
        "sweep either --rate or --concurrency, not both: give one of them a "
        "single value");
  if (ops > 0)
    throw UsageError(
        "--ops sets a closed loop's length; an open loop's is --rate x "
        "--duration (drop --ops or --rate)");
  Load base;
  base.mode = LoadMode::open;
  base.concurrency = concurrencies.front();
  if (o.duration) {
    const double d = std::chrono::duration<double>(
                         parse_duration_option(*o.duration, "--duration"))
                         .count();
    if (!(d > 0) || d > 86400)
      throw UsageError(fmt::format(
          "bad value '{}' for --duration: expected 1ms..24h", *o.duration));
    base.duration_s = d;
  }
  if (o.arrival) {
    if (*o.arrival == "constant")
      base.arrival = Arrival::constant;
    else if (*o.arrival == "poisson")
      base.arrival = Arrival::poisson;
    else
      throw UsageError(
          unknown_name_message("arrival", *o.arrival, {"constant", "poisson"}));
  }
  base.max_in_flight = static_cast<std::size_t>(
      parse_count(o.max_in_flight, "--max-in-flight", 1024, 1, 1'000'000));
  for (double rate : parse_rate_list(*o.rate, "--rate")) {
    Load load = base;
    load.rate = rate;
    if (rate * load.duration_s < 1)
      throw UsageError(fmt::format(
          "--rate {} for --duration {} schedules no op: raise either so "
          "rate x duration >= 1",
          format_rate(rate), format_duration(load.duration_s)));
    if (rate * load.duration_s > 100'000'000)
      throw UsageError(fmt::format(
          "--rate {} for --duration {} schedules more than 100M ops",
          format_rate(rate), format_duration(load.duration_s)));
    points.push_back(load);
  }
  return points;
}

// A map's cells are judged by Mann-Whitney's test, Holm-adjusted over the
// cells: Holm's first step needs a p below 0.05 / cells, which the test
// reaches only with enough repetitions (5 each for 4 cells, 7 for 36).
// The default measures that many, at least 5.
unsigned map_repetitions(std::size_t cells) {
  unsigned n = 5;
  while (n < 50 &&
         static_cast<double>(cells) * mann_whitney_min_p(n, n) >= 0.05)
    ++n;
  return n;
}

// A parameter sweep is one axis; a second (another --set list, or a
// --concurrency or --threads list) makes a map. Anything more is refused before
// it runs.
void check_axes(const Options& o, const WorkloadEntry& w,
                const std::vector<SweptParameter>& swept,
                std::size_t load_points) {
  if (swept.empty()) return;
  if (swept.size() > 2)
    throw UsageError(fmt::format(
        "{}: {} parameters swept; sweep one (a series) or two (a regime "
        "map): give the others a single value",
        w.info.name, swept.size()));
  if (load_points > 1 && swept.size() == 2)
    throw UsageError(fmt::format(
        "{}: two --set sweeps and a --concurrency or --threads list are "
        "three axes; a regime map has two: give it a single value",
        w.info.name));
  if (load_points > 1 && o.rate)
    throw UsageError(
        "a --set sweep goes with a --concurrency or --threads list (a regime "
        "map), not a --rate list: give --rate a single value");
  if (o.refine && swept.size() + (load_points > 1) == 1)
    throw UsageError(
        "--refine bisects a --rate or --concurrency sweep under an SLO, or "
        "the borders of a regime map (two swept axes), not a one-axis --set "
        "sweep: drop --refine or sweep a second axis");
}

// The points of `sweep` become the product of the swept parameters' values
// and its load points (concurrencies): the first axis varies fastest.
void sweep_parameters(const std::vector<SweptParameter>& swept, Sweep& sweep) {
  if (swept.empty()) return;
  using Values = std::vector<std::pair<std::string, std::string>>;
  std::vector<Values> ordered;
  if (swept.size() == 2) {
    for (const auto& second : swept[1].values)
      for (const auto& first : swept[0].values)
        ordered.push_back({{swept[0].name, first}, {swept[1].name, second}});
  } else {
    for (const auto& value : swept[0].values)
      ordered.push_back({{swept[0].name, value}});
  }
  std::vector<Load> points;
  std::vector<Values> params;
  for (const Load& load : sweep.points)
    for (const auto& combo : ordered) {
      points.push_back(load);
      params.push_back(combo);
    }
  for (const auto& parameter : swept) sweep.axes.push_back(parameter.name);
  // Load points differ in their threads (a --threads list) or concurrency.
  if (sweep.points.size() > 1)
    sweep.axes.push_back(std::any_of(sweep.points.begin(), sweep.points.end(),
                                     [](const Load& l) { return l.threads; })
                             ? "threads"
                             : "concurrency");
  sweep.points = std::move(points);
  sweep.point_params = std::move(params);
}

}  // namespace

Plan plan_from_options(const Options& o) {
  Plan plan;
  if (o.slo) plan.slo = parse_slo(*o.slo);
  if (!o.selects_runs()) {
    Plan suite = default_suite(common_settings(o, false));
    suite.slo = plan.slo;
    apply_shard_options(o, suite);
    return suite;
  }

  const auto workloads = select_workloads(o);
  const auto strategies = select_strategies(o);
  const auto points = load_points(o);
  const auto sets = parse_settings(o.sets, workloads);
  std::size_t most_axes = 0, most_cells = 0;
  for (const auto* w : workloads) {
    const auto swept = swept_parameters(sets, *w);
    check_axes(o, *w, swept, points.size());
    if (swept.empty()) continue;
    most_axes = std::max(most_axes, swept.size() + (points.size() > 1));
    std::size_t cells = points.size();
    for (const auto& parameter : swept) cells *= parameter.values.size();
    most_cells = std::max(most_cells, cells);
  }
  RunSettings settings =
      common_settings(o, points.size() > 1 || most_axes > 0, most_axes == 2);
  if (most_axes == 2 && !o.repetitions)
    settings.repetitions = map_repetitions(most_cells);
  // A map spends more repetitions only where its verdict is unsettled.
  if (most_axes == 2) settings.map_rounds = 2;

  for (const auto* w : workloads) {
    Sweep sweep;
    sweep.workload = w;
    sweep.params = Params(w->info.params);
    apply_settings(sets, *w, sweep.params);
    sweep.strategies = strategies;
    sweep.points = points;
    for (auto& load : sweep.points) {
      if (!load.open() && load.ops == 0) load.ops = w->info.default_ops;
      if (!load.open() && !o.concurrency)
        load.concurrency = w->info.default_concurrency;
    }
    sweep_parameters(swept_parameters(sets, *w), sweep);
    sweep.settings = settings;
    plan.sweeps.push_back(std::move(sweep));
  }
  apply_shard_options(o, plan);
  return plan;
}

}  // namespace apb::cli
