#pragma once
// --shard I/N, --shards N (index from Slurm or Kubernetes) and --start-at:
// this process's part of a load split over several processes or hosts.
#include "apbench/plan.hpp"
#include "cli/options.hpp"

namespace apb::cli {

// Sets every load point's shard and the plan's start time from the options
// (and, with --shards, the environment); a UsageError names a bad value.
void apply_shard_options(const Options& options, Plan& plan);

// "1767225600", "1767225600.5" (Unix seconds) or "2026-01-01T00:00:00Z"
// (UTC) as Unix seconds; a UsageError otherwise.
double parse_start_at(const std::string& text);

// APBENCH_CLOCK_OFFSET (seconds, either sign; 0 when unset): for tests, the
// offset of this process's wall clock from the machine's, as a host whose
// clock is off would have (docs/many-machines.md). A UsageError when bad.
double clock_offset_from_environment();

}  // namespace apb::cli
