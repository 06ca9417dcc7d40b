#pragma once
// Merging results files: the shards of one load run as several processes
// (--shard I/N) into the one result of the whole load, or one run per host
// into one report with the host as an axis. Latencies merge bucket by
// bucket from the runs' histograms, never by averaging percentiles.
#include <string>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/results.hpp"

namespace apb {

// Files that must not be merged (different workloads, parameters, apbench
// versions or schedules, a shard missing or twice, no histograms). what()
// is one line naming the files and the difference.
class MergeError : public UsageError {
 public:
  using UsageError::UsageError;
};

struct MergeInput {
  std::string file;  // names it in messages and in context.shards
  Results results;
  std::string host;  // --by host: its label (empty: context.host)
};

enum class MergeBy { shard, host };

struct MergeOptions {
  MergeBy by = MergeBy::shard;
  // Shards whose first measured repetitions started further apart than
  // this ran their loads only partly together: a warning.
  double start_spread_limit_s = 1.0;
};

struct MergeOutcome {
  // Not analysed yet: run analyse() (analysis.hpp) on it, as after
  // run_plan(), for its speed-ups, series, advice and summary.
  Results results;
  std::vector<std::string> warnings;
  // By shard: the latest shard's first start minus the earliest's, by each
  // shard's own clock (context.shards[].start_unix_s).
  double start_spread_s = 0;
};

// By shard: every file holds the same runs (workload, strategy, params,
// load, seed, shard count) as one shard each; the merged run sums ops,
// errors, drops and histograms, its repetition j spans the earliest start
// to the latest end of the shards' repetition j. By host: the runs of all
// files side by side, each labelled with its host; closed-loop runs of
// different thread counts form a scaling series across hosts.
MergeOutcome merge_results(const std::vector<MergeInput>& inputs,
                           const MergeOptions& options = {});

// One plan measured in several fresh processes (apbench --forks), each
// doing a share of the repetitions: `parts` are the processes' results in
// order, all of the same runs (a process stopped early may hold fewer). A
// run's repetitions are put together, each tagged with its process
// (Repetition::process), histograms added, errors and counters summed, and
// its summaries recomputed; the context is the first part's. Not analysed
// (analyse() does that). Throws MergeError when the parts' runs differ.
Results merge_processes(const std::vector<Results>& parts);

}  // namespace apb
