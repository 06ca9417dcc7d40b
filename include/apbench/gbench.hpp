#pragma once
// apbench::gbench: apbench's workloads as Google Benchmark benchmarks, in
// your own benchmark binary or in apbench_gbench. Each selected (workload,
// strategy) becomes one benchmark, named as apbench/gbench_name.hpp says
// (e.g. "io.sleep/async/ops:10/delay:500ms/distribution:fixed/process_time/
// manual_time"), where one iteration is one apbench repetition: its wall
// time is the iteration's manual time, the process's CPU time its CPU time.
// Counters: items_per_second (successful ops per second), p50_s and p99_s
// (op latency, seconds), efficiency (the workload's ideal time / mean
// wall time, when it has one) and errors (failed ops per iteration). A
// strategy that cannot run the workload (n/a), a failed setup or a failed
// repetition is reported with SkipWithError and its reason, never a time.
//
//   int main(int argc, char** argv) {
//     apb::gbench::register_benchmarks("io.*", {"sequential", "async"});
//     benchmark::Initialize(&argc, argv);
//     benchmark::RunSpecifiedBenchmarks();
//   }
//
// Link apbench::gbench and, for the built-in workloads, apbench::workloads.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/load.hpp"

namespace apb::gbench {

// What to register. The defaults register every workload under every
// strategy at the workload's own default load and parameters.
struct Options {
  // Globs over workload names, as apbench's --filter: '*' any run, '?' one
  // character, a leading '-' excludes. Empty: every workload.
  std::vector<std::string> filters;
  // Strategy names, in the order to register them. Empty: every strategy.
  std::vector<std::string> strategies;
  // The load; unset fields take each workload's default, as apbench's
  // command line does.
  std::optional<std::size_t> ops;          // closed loop: ops per repetition
  std::optional<std::size_t> concurrency;  // ops in flight at most; 0: all
  unsigned threads = 0;  // threads of the pools; 0: hardware threads
  // Or a whole load instead of the three above, e.g. an open loop (rate,
  // duration); a closed loop's ops == 0 takes the workload's default ops.
  std::optional<Load> load;
  // Parameter values as apbench's --set: "NAME=VALUE" for every selected
  // workload that has NAME, "WORKLOAD.NAME=VALUE" for that one only.
  std::vector<std::string> settings;
  // Unmeasured repetitions each time Google Benchmark runs a benchmark,
  // before the iterations it times (apbench's --warmup).
  unsigned warmup = 1;
  std::uint64_t seed = 1;  // apbench's --seed
};

// Registers the selected benchmarks with benchmark::RegisterBenchmark and
// returns their full names, as Google Benchmark reports them, in
// registration order (workloads by name, then strategies). Throws
// apb::UsageError when no workload matches, for an unknown strategy, or a
// malformed or unknown setting; nothing is registered then.
std::vector<std::string> register_benchmarks(const Options& options = {});

// Shorthand: one glob over workload names ("" or "*": all), strategy names
// (empty: all), a load (nullopt: each workload's default).
std::vector<std::string> register_benchmarks(
    std::string_view filter, std::vector<std::string> strategies = {},
    std::optional<Load> load = std::nullopt);

}  // namespace apb::gbench
