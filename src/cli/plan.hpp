#pragma once
// Turns checked options into sweeps of runs to measure.
#include <optional>
#include <vector>

#include "apbench/runner.hpp"
#include "apbench/series.hpp"
#include "options.hpp"

namespace apb::cli {

// Settings every run shares: repetitions, warm-up, threads, seed.
struct Common {
  unsigned repetitions = 3;
  unsigned warmup = 1;
  unsigned threads = 0;
  std::uint64_t seed = 1;
};

// One workload with its parameters, measured under each strategy at one or
// more load points, in order (rates or concurrencies ascending). The
// strategies of a point are measured together (run_group); a strategy past
// saturation skips the remaining points.
struct Sweep {
  const WorkloadEntry* workload = nullptr;
  Params params;
  std::vector<const Strategy*> strategies;
  std::vector<Load> points;
  Common common;
};

struct Plan {
  std::vector<Sweep> sweeps;
  bool default_suite = false;
  std::optional<Slo> slo;
  std::size_t run_count() const;  // at most; sweeps may stop early
};

// Throws UsageError for anything wrong, before anything runs.
Common common_settings(const Options& options, bool sweeping);
Plan plan_from_options(const Options& options);

// The default suite (no selection on the command line): see suite.cpp.
Plan default_suite(const Common& common);

// The run of `strategy` at point `load` of the sweep.
RunRequest make_request(const Sweep& sweep, const Strategy& strategy,
                        const Load& load, const std::optional<Slo>& slo);

// Applies "name=value" settings to `params`; returns the names applied.
// Throws UsageError for a malformed setting or a bad value.
void apply_setting(Params& params, const std::string& setting);

}  // namespace apb::cli
