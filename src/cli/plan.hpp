#pragma once
// Turns checked options into the list of runs to measure.
#include <vector>

#include "apbench/runner.hpp"
#include "options.hpp"

namespace apb::cli {

struct Plan {
  std::vector<RunRequest> runs;
  bool default_suite = false;
};

// Settings every run shares: repetitions, warm-up, threads, seed.
struct Common {
  unsigned repetitions = 3;
  unsigned warmup = 1;
  unsigned threads = 0;
  std::uint64_t seed = 1;
};

// Throws UsageError for anything wrong, before anything runs.
Common common_settings(const Options& options);
Plan plan_from_options(const Options& options);

// The default suite (no selection on the command line): see suite.cpp.
Plan default_suite(const Common& common);

// One run of `strategy` on `workload` with the shared settings.
RunRequest make_request(const WorkloadEntry& workload, const Strategy& strategy,
                        const Params& params, std::size_t ops,
                        std::size_t concurrency, const Common& common);

// Applies "name=value" settings to `params`; returns the names applied.
// Throws UsageError for a malformed setting or a bad value.
void apply_setting(Params& params, const std::string& setting);

}  // namespace apb::cli
