#include "plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

#include "apbench/error.hpp"
#include "apbench/names.hpp"
#include "apbench/units.hpp"

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
  for (const auto& f : o.filters) filter.add(f);
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

RunRequest make_request(const WorkloadEntry& workload, const Strategy& strategy,
                        const Params& params, std::size_t ops,
                        std::size_t concurrency, const Common& common) {
  RunRequest r;
  r.workload = &workload;
  r.strategy = &strategy;
  r.params = params;
  r.load.ops = ops;
  r.load.concurrency = concurrency;
  r.load.threads = common.threads;
  r.repetitions = common.repetitions;
  r.warmup = common.warmup;
  r.seed = common.seed;
  return r;
}

void apply_setting(Params& params, const std::string& setting) {
  const auto [name, value] = split_setting(setting);
  params.set(name, value);
}

Common common_settings(const Options& o) {
  Common c;
  c.repetitions = static_cast<unsigned>(
      parse_count(o.repetitions, "--repetitions", 3, 1, 1000));
  c.warmup =
      static_cast<unsigned>(parse_count(o.warmup, "--warmup", 1, 0, 1000));
  c.threads =
      static_cast<unsigned>(parse_count(o.threads, "--threads", 0, 1, 4096));
  c.seed = static_cast<std::uint64_t>(parse_count(
      o.seed, "--seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  return c;
}

Plan plan_from_options(const Options& o) {
  const Common common = common_settings(o);
  if (!o.selects_runs()) return default_suite(common);

  const auto workloads = select_workloads(o);
  const auto strategies = select_strategies(o);
  const auto ops = parse_count(o.ops, "--ops", 0, 1, 100'000'000);
  const auto concurrency =
      parse_count(o.concurrency, "--concurrency", 0, 1, 100'000'000);

  // Each --set must name a parameter of at least one selected workload.
  std::vector<std::pair<std::string, std::string>> sets;
  for (const auto& s : o.sets) sets.push_back(split_setting(s));
  for (const auto& [name, value] : sets) {
    const bool known = std::any_of(workloads.begin(), workloads.end(),
                                   [&](const WorkloadEntry* w) {
                                     return Params(w->info.params).has(name);
                                   });
    if (!known) {
      std::set<std::string> all;
      for (const auto* w : workloads)
        for (const auto& p : w->info.params) all.insert(p.name);
      throw UsageError(unknown_name_message(
          "parameter", name, std::vector<std::string>(all.begin(), all.end())));
    }
  }

  Plan plan;
  for (const auto* w : workloads) {
    Params params(w->info.params);
    for (const auto& [name, value] : sets)
      if (params.has(name)) params.set(name, value);
    for (const auto* s : strategies)
      plan.runs.push_back(make_request(
          *w, *s, params,
          ops > 0 ? static_cast<std::size_t>(ops) : w->info.default_ops,
          static_cast<std::size_t>(concurrency), common));
  }
  return plan;
}

}  // namespace apb::cli
