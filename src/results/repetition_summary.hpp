#pragma once
// The one summary of a run's repetitions: the runner summarizes a run it
// measured with it, merge a run it put together from shards or processes,
// so a merged run and a measured one are summarized by the same rules.
#include <optional>
#include <vector>

#include "apbench/histogram.hpp"
#include "apbench/results.hpp"

namespace apb {

// The percentiles of a latency spectrum: enough standard ones to draw the
// distribution's shape, tail included, and `extra` (e.g. an SLO's); sorted,
// each once.
std::vector<double> spectrum_percentiles(const std::vector<double>& extra);

// The percentiles a run's spectrum holds (to summarize a merge alike).
std::vector<double> spectrum_percentiles(const RunResult& run);

// From run.repetitions: wall time and throughput (throughput_samples in
// results.hpp: an open loop's rate is per its schedule's length), CPU time and
// utilization, context switches and achieved concurrency (medians), the
// errors, drops and peaks (memory, threads); then the efficiency against
// the ideal from goodput, so failing fast never looks closer to the ideal.
// Samples are left as they are when there are no repetitions.
void summarize_repetitions(RunResult& run);

// The latency (and an open loop's service time) summaries, spectrum at
// `percentiles` and histograms, from the run's histograms in ns.
void summarize_latency(RunResult& run, const Histogram& latency,
                       const Histogram& service,
                       const std::vector<double>& percentiles);

// A closed-loop fork-join run's time added per task (ForkJoinCost::
// overhead_per_task_s): (median wall x threads - ops x serial) / (ops x
// tasks); none without tasks, repetitions or ops, or in an open loop.
std::optional<double> overhead_per_task(const RunResult& run);

}  // namespace apb
