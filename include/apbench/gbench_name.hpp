#pragma once
// The name a run has as a Google Benchmark benchmark. The adapter
// (apbench/gbench.hpp) registers its benchmarks under it and --gbench-json
// writes apbench's own runs under it, so Google Benchmark's compare.py
// matches the two outputs run for run.
//
//   WORKLOAD/STRATEGY/LOAD/PARAM:VALUE.../process_time/manual_time
//
// LOAD is "ops:N", then "concurrency:C" when fewer than all N are in flight,
// for a closed loop; "rate:R/duration:Ds" (and "arrival:poisson") for an
// open one; then "threads:T" when T is not the thread count of the host
// that measured (RunResult::cores; the adapter: hardware_threads()). Every
// parameter follows, in declaration order, defaults included: a name says
// everything that ran, so two builds whose defaults differ never compare
// different runs. "/process_time/manual_time" is what Google Benchmark
// appends to a benchmark with MeasureProcessCPUTime() and UseManualTime(),
// as the adapter's are: wall time per repetition as measured by apbench,
// CPU time of the whole process (every thread of a pool).
// e.g.
// "io.sleep/async/ops:10/delay:500ms/distribution:fixed/process_time/manual_time"
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/load.hpp"
#include "apbench/results.hpp"

namespace apb {

// What Google Benchmark appends to the name a benchmark is registered with.
inline constexpr std::string_view kGbenchNameSuffix =
    "/process_time/manual_time";

// `load` as run: ops and concurrency resolved (ops 0 is not "default" here);
// `cores`: the hardware threads of the host that measures it, the default
// thread count (a name says threads only when they differ).
std::string gbench_name(
    std::string_view workload, std::string_view strategy,
    const std::vector<std::pair<std::string, std::string>>& params,
    const Load& load, unsigned cores);

// The name of a measured (or n/a, or failed) run, with the cores of the
// host that measured it, whichever host names it.
std::string gbench_name(const RunResult& run);

}  // namespace apb
