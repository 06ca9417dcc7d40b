// Pathology diagnostics from real runs: pool starvation, event-loop lag.
#include "apbench/diagnostics.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

RunResult run_of(std::string_view workload, std::string_view strategy,
                 std::size_t ops, std::vector<std::string> settings) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  for (const auto& s : settings) {
    const auto eq = s.find('=');
    r.params.set(s.substr(0, eq), s.substr(eq + 1));
  }
  r.load.ops = ops;
  r.load.threads = 2;
  r.repetitions = 1;
  r.warmup = 0;
  return run(r);
}

bool has(const RunResult& r, std::string_view kind) {
  return std::any_of(r.diagnoses.begin(), r.diagnoses.end(),
                     [&](const Diagnosis& d) { return d.kind == kind; });
}

// 16 sleeps on 2 oneTBB workers: 2 in flight of 16 requested, CPU idle.
// Long sleeps keep start-up costs out of the ops in flight: async reaches
// about 16, parallel at most 2. (TSan on a loaded machine can spend 0.7 s
// starting async's threads and lanes: still over 4 in flight at 300 ms.)
TEST(Diagnostics, ParallelOnSleepsIsStarved) {
  const RunResult parallel =
      run_of("io.sleep", "parallel", 16, {"delay=300ms"});
  ASSERT_EQ(parallel.status, RunStatus::ok) << parallel.reason;
  EXPECT_LT(parallel.achieved_concurrency, 3.0);
  EXPECT_TRUE(has(parallel, "starvation"));

  const RunResult async = run_of("io.sleep", "async", 16, {"delay=300ms"});
  ASSERT_EQ(async.status, RunStatus::ok) << async.reason;
  // Relative, for sanitizer builds whose start-up stretches the wall time.
  EXPECT_GT(async.achieved_concurrency, 1.5 * parallel.achieved_concurrency);
  EXPECT_FALSE(has(async, "starvation"));
}

// CPU work on the loop thread (async) delays its heartbeat by whole ops;
// offloaded (hybrid) it does not. Async's worst lags are whole ops (30 ms
// or more; a slower machine only adds to them); hybrid's typical lag is far
// below that. Hybrid is read at the median: one late wake-up of a busy
// machine can set its p99.
TEST(Diagnostics, LoopLagIsHighForAsyncNotForHybridOnCpuWork) {
  const std::vector<std::string> settings = {"delay=5ms", "work=30ms",
                                             "respond=1ms"};
  const RunResult async = run_of("hybrid.fetch_process", "async", 8, settings);
  const RunResult hybrid =
      run_of("hybrid.fetch_process", "hybrid", 8, settings);
  ASSERT_EQ(async.status, RunStatus::ok) << async.reason;
  ASSERT_EQ(hybrid.status, RunStatus::ok) << hybrid.reason;
  ASSERT_TRUE(async.loop_lag_s.has_value());
  ASSERT_TRUE(hybrid.loop_lag_s.has_value());
  EXPECT_GE(async.loop_lag_s->p99, 0.015);
  EXPECT_GE(async.loop_lag_s->p99, 10 * hybrid.loop_lag_s->p50)
      << "async p99 lag " << async.loop_lag_s->p99 << " s, hybrid p50 "
      << hybrid.loop_lag_s->p50 << " s";
  EXPECT_TRUE(has(async, "loop_lag"));
}

TEST(Diagnostics, StrategiesWithoutALoopHaveNoLag) {
  const RunResult r = run_of("io.sleep", "threads", 4, {"delay=60ms"});
  ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
  EXPECT_FALSE(r.loop_lag_s.has_value());
  EXPECT_GE(r.peak_threads, 4u);  // a thread per op in flight
}

}  // namespace
}  // namespace apb
