#include "apbench/diagnostics.hpp"

#include <fmt/format.h>

#include "apbench/units.hpp"

namespace apb {

std::vector<Diagnosis> diagnose(const RunResult& run) {
  std::vector<Diagnosis> out;
  if (run.status != RunStatus::ok || run.repetitions.empty()) return out;

  // Under hybrid the CPU work is already off the loop: a lagging loop
  // thread there is one the oneTBB workers crowd off the cores.
  if (run.loop_lag_s && run.loop_lag_s->p99 > kLoopLagLimit_s)
    out.push_back(
        {"loop_lag",
         fmt::format("event-loop lag p99 {} (max {}): {}",
                     format_duration(run.loop_lag_s->p99),
                     format_duration(run.loop_lag_s->max),
                     run.strategy == "hybrid"
                         ? "the io thread waits for a core while the oneTBB "
                           "workers compute (try --threads cores - 1)"
                         : "work running on the loop thread delays every "
                           "ready coroutine; offload CPU work (hybrid)")});

  // A closed loop asks for requested_concurrency ops at once; far fewer in
  // flight while the CPU idles means the threads that should run them are
  // blocked, not busy. (sequential runs one at a time by definition.)
  const double requested = static_cast<double>(run.requested_concurrency);
  if (run.load_mode == "closed" && run.strategy != "sequential" &&
      requested >= 2 && run.achieved_concurrency < kStarvedShare * requested &&
      run.cpu_utilization < kStarvedCpu)
    out.push_back(
        {"starvation",
         fmt::format("{:.1f} ops in flight on average of {} requested, CPU "
                     "{:.0f} %: blocking waits hold the {} worker threads",
                     run.achieved_concurrency, run.requested_concurrency,
                     run.cpu_utilization * 100, run.threads)});

  // Many threads hurt when they compete for the cores (or when there are
  // so many that their stacks and scheduling dominate); sleeping ones are
  // nearly free.
  if (run.cores > 0 && run.peak_threads > kOversubscribedPerCore * run.cores &&
      (run.cpu_utilization >= kOversubscribedCpu ||
       run.peak_threads > 64 * run.cores))
    out.push_back(
        {"oversubscription",
         fmt::format("{} threads on {} cores ({:.0f} involuntary context "
                     "switches per repetition): each thread costs a stack and "
                     "scheduling",
                     run.peak_threads, run.cores, run.involuntary_switches)});
  return out;
}

}  // namespace apb
