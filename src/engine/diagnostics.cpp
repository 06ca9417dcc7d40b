#include "apbench/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "apbench/units.hpp"

namespace apb {

std::vector<Diagnosis> diagnose(const RunResult& run) {
  std::vector<Diagnosis> out;
  if (run.status != RunStatus::ok || run.repetitions.empty()) return out;

  // Where the CPU work is already off the loop, a lagging loop
  // thread is one the pool's workers crowd off the cores.
  if (run.loop_lag_s && run.loop_lag_s->p99 > kLoopLagLimit_s)
    out.push_back(
        {"loop_lag",
         fmt::format("event-loop lag p99 {} (max {}): {}",
                     format_duration(run.loop_lag_s->p99),
                     format_duration(run.loop_lag_s->max),
                     run.strategy_traits.offloads_cpu
                         ? "the io thread waits for a core while the pool's "
                           "workers compute (try --threads cores - 1)"
                         : "work running on the loop thread delays every "
                           "ready coroutine; offload CPU work to a pool "
                           "(await Task.Run)")});

  // A closed loop asks for requested_concurrency ops at once; far fewer in
  // flight while the CPU idles means the pool threads that should run them
  // are blocked, not busy. Only pools of blocking workers starve this way
  // (sequential and async run one op or one thread by design).
  const std::size_t requested_ops = run.load.requested_concurrency();
  const double requested = static_cast<double>(requested_ops);
  const bool closed = !run.load.open();
  const unsigned threads = run.load.threads;
  const bool blocking_pool = run.strategy_traits.blocking_workers;
  if (closed && blocking_pool && requested >= 2 &&
      run.achieved_concurrency < kStarvedShare * requested &&
      run.cpu_utilization < kStarvedCpu)
    out.push_back(
        {"starvation",
         fmt::format("{:.1f} ops in flight on average of {} requested, CPU "
                     "{:.0f} %: blocking waits hold the {} worker threads",
                     run.achieved_concurrency, requested_ops,
                     run.cpu_utilization * 100, threads)});

  // A fixed pool running blocking calls (parallel's oneTBB workers,
  // tbb-pipeline's filters) had its ops in flight yet mostly waited:
  // blocking I/O holds the workers, so the cores idle.
  const double workers = std::min<double>(threads, requested);
  const double busy =
      threads > 0 ? run.cpu_utilization * run.cores / threads : 0;
  if (blocking_pool &&
      out.end() == std::find_if(out.begin(), out.end(),
                                [](const Diagnosis& d) {
                                  return d.kind == "starvation";
                                }) &&
      closed && workers >= 1 && run.achieved_concurrency >= 0.8 * workers &&
      busy < kStarvedCpu)
    out.push_back(
        {"blocked_workers",
         fmt::format("its {} worker threads were busy computing only {:.0f} % "
                     "of the time with {:.1f} ops in flight: blocking waits "
                     "hold them (CPU {:.0f} %); async I/O with the CPU work on "
                     "a pool frees them",
                     threads, busy * 100, run.achieved_concurrency,
                     run.cpu_utilization * 100)});

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
