// The advisor: picks from measured runs, ties go to the simpler strategy,
// and every reason cites numbers.
#include "apbench/advisor.hpp"

#include <gtest/gtest.h>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // 2-20x slower, timing is not meaningful
#else
constexpr bool kSanitized = false;
#endif

namespace apb {
namespace {

RunResult synthetic(std::string strategy, std::vector<double> walls,
                    double cpu) {
  RunResult r;
  r.workload =
      std::string(1, 'w');  // not = "w": g++ 12 -O3 warns falsely (-Wrestrict)
  r.strategy = std::move(strategy);
  r.load.ops = 10;
  r.load.concurrency = 10;
  r.cores = 2;
  for (double w : walls) {
    Repetition rep;
    rep.wall_s = w;
    r.repetitions.push_back(rep);
  }
  r.wall_s = summarize(walls);
  r.cpu_utilization = cpu;
  r.cpu_time_s = cpu * 2 * r.wall_s.median;
  r.latency_s.count = 10 * walls.size();
  r.latency_s.mean = r.wall_s.median;
  return r;
}

TEST(Advisor, ClearWinnerWithIntervalAndNumbers) {
  const std::vector<RunResult> runs = {
      synthetic("sequential", {1.00, 1.01, 0.99}, 0.01),
      synthetic("async", {0.100, 0.101, 0.099}, 0.01)};
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "async");
  EXPECT_TRUE(advice[0].significant);
  EXPECT_NEAR(advice[0].ratio, 10, 0.2);
  EXPECT_LT(advice[0].ci95_low, 10.1);
  EXPECT_GT(advice[0].ci95_high, 9.9);
  EXPECT_NE(advice[0].text.find("10.00x faster than sequential"),
            std::string::npos)
      << advice[0].text;
  EXPECT_NE(advice[0].text.find("% of their time waiting"), std::string::npos)
      << advice[0].text;
}

// Time queued for a core is not time waiting for I/O: a CPU-bound pipeline
// whose ops mostly wait in the queue before their CPU stage is called
// CPU-bound, with the share spent waiting for a core.
TEST(Advisor, WaitingForACoreIsNotWaitingForIo) {
  std::vector<RunResult> runs = {
      synthetic("sequential", {1.00, 1.01, 0.99}, 0.5),
      synthetic("tbb-pipeline", {0.50, 0.51, 0.49}, 0.95)};
  for (auto& r : runs) {
    r.compute_threads = 2;
    r.stages = {{"fetch", "io", 0.002, 0.0}, {"process", "cpu", 0.010, 0.030}};
  }
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "tbb-pipeline");
  EXPECT_EQ(advice[0].text.find("waiting for I/O"), std::string::npos)
      << advice[0].text;
  EXPECT_NE(advice[0].text.find("CPU-bound"), std::string::npos)
      << advice[0].text;
  EXPECT_NE(advice[0].text.find("of their time for a core"), std::string::npos)
      << advice[0].text;
}

TEST(Advisor, PureWaitsAreWaitingForIo) {
  const std::vector<RunResult> runs = {
      synthetic("sequential", {1.00, 1.01, 0.99}, 0.01),
      synthetic("async", {0.100, 0.101, 0.099}, 0.01)};
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_NE(advice[0].text.find("of their time waiting for I/O"),
            std::string::npos)
      << advice[0].text;
}

TEST(Advisor, ATieGoesToTheSimplerStrategy) {
  const std::vector<RunResult> runs = {
      synthetic("threads", {0.100, 0.104, 0.097}, 0.02),
      synthetic("async", {0.101, 0.103, 0.099}, 0.01),
      synthetic("sequential", {1.0, 1.0, 1.0}, 0.01)};
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "async") << advice[0].text;
}

TEST(Advisor, NoAdviceForALoneRun) {
  EXPECT_TRUE(advise({synthetic("async", {0.1}, 0.1)}).empty());
}

RunResult measured(std::string_view workload, std::string_view strategy,
                   std::size_t ops, std::size_t concurrency,
                   std::vector<std::pair<std::string, std::string>> sets) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  for (const auto& [name, value] : sets) r.params.set(name, value);
  r.load.ops = ops;
  r.load.concurrency = concurrency;
  r.repetitions = 3;
  r.warmup = 1;
  return run(r);
}

std::string pick(std::string_view workload, std::size_t ops,
                 std::size_t concurrency,
                 std::vector<std::pair<std::string, std::string>> sets) {
  std::vector<RunRequest> requests;
  std::vector<RunResult> runs;
  for (const Strategy* s : Registry::instance().strategies())
    runs.push_back(measured(workload, s->name(), ops, concurrency, sets));
  compute_speedups(runs);
  const auto advice = advise(runs);
  if (advice.empty()) return "(none)";
  return advice.front().best + " -- " + advice.front().text;
}

// Pure waits -> async (every overlapping strategy ties; async is the
// simplest). 60 ms waits keep late wake-ups small beside them. Not under
// sanitizers: they slow waits' bookkeeping unevenly.
TEST(Advisor, PicksAsyncForPureWaits) {
  if (kSanitized) GTEST_SKIP() << "timing comparisons need a normal build";
  const std::string waits = pick("io.sleep", 16, 0, {{"delay", "60ms"}});
  EXPECT_EQ(waits.rfind("async --", 0), 0u) << waits;
}

// Pure CPU -> parallel; fetch then process at the defaults (16 requests, 2
// in flight) -> hybrid. CPU-bound comparisons only mean something in an
// optimized build: Debug oneTBB (TBB_USE_DEBUG) and sanitizers slow
// parallel_reduce and the offload path unevenly, and then the advisor is
// right to pick differently. Run with the release preset:
//   build/release/tests/apbench_tests --gtest_filter='Advisor.*'
TEST(Advisor, PicksParallelForCpuAndHybridForFetchThenProcess) {
#ifndef NDEBUG
  GTEST_SKIP() << "CPU-bound comparisons need an optimized build";
#endif
  if (kSanitized) GTEST_SKIP() << "timing comparisons need a normal build";
  const std::string cpu = pick("cpu.spin", 8, 0, {{"work", "20ms"}});
  EXPECT_TRUE(cpu.rfind("parallel --", 0) == 0) << cpu;
  const std::string hybrid = pick("hybrid.fetch_process", 16, 2, {});
  EXPECT_TRUE(hybrid.rfind("hybrid --", 0) == 0) << hybrid;
}

}  // namespace
}  // namespace apb
