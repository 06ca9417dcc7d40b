// The advisor: picks from measured runs, ties go to the simpler strategy,
// and every reason cites numbers.
#include "apbench/advisor.hpp"

#include <gtest/gtest.h>

#include "apbench/analysis.hpp"
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
  // What the registered strategy of that name declares (runs read back
  // from a file carry it; the analysis reads traits, not names).
  if (const Strategy* known = Registry::instance().find_strategy(r.strategy))
    r.strategy_traits = known->traits();
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

// `failed` of every repetition's `ops` ops fail, with `cause`.
RunResult failing(RunResult r, std::uint64_t ops, std::uint64_t failed,
                  std::string cause = "timeout") {
  r.load.ops = ops;
  r.errors = 0;
  for (auto& rep : r.repetitions) {
    rep.ops_ok = ops - failed;
    rep.errors = failed;
    r.errors += failed;
  }
  r.errors_by_cause[cause] = r.errors;
  r.latency_s.count = (ops - failed) * r.repetitions.size();
  return r;
}

RunResult clean(std::string strategy, std::vector<double> walls, double cpu,
                std::uint64_t ops = 10) {
  return failing(synthetic(std::move(strategy), std::move(walls), cpu), ops, 0);
}

// The fastest run fails a fifth of its ops: it is passed over for the clean
// one, and the sentence says what was traded (by goodput: 8 of 10 ops in
// 0.1 s is 8x the clean run's 10 in 1 s).
TEST(Advisor, ARunOverTheErrorLimitIsPassedOverForACleanOne) {
  const std::vector<RunResult> runs = {
      clean("sequential", {1.00, 1.01, 0.99}, 0.01),
      failing(synthetic("async", {0.100, 0.101, 0.099}, 0.01), 10, 2)};
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "sequential") << advice[0].text;
  EXPECT_EQ(advice[0].error_rate, 0.0);
  ASSERT_EQ(advice[0].passed_over, std::vector<std::string>{"async"});
  EXPECT_EQ(advice[0].runner_up, "async");
  EXPECT_NEAR(advice[0].ratio, 1.0 / 8, 0.01);  // best is the slower one
  EXPECT_FALSE(advice[0].significant);
  EXPECT_EQ(advice[0].text.rfind(
                "use sequential: async is 8.00x faster but 20.0 % of its ops "
                "failed (mostly timeout), while sequential completes all its "
                "ops; ",
                0),
            0u)
      << advice[0].text;
}

// With another clean run faster than the baseline, the margin against it
// follows the run passed over; a small error rate of the advised run is
// said too.
TEST(Advisor, PassedOverThenTheMarginAmongRunsWithinTheLimit) {
  const std::vector<RunResult> runs = {
      clean("sequential", {1.00, 1.01, 0.99}, 0.01, 1000),
      failing(synthetic("async", {0.100, 0.101, 0.099}, 0.01), 1000, 300,
              "reset"),
      failing(synthetic("threads", {0.200, 0.202, 0.198}, 0.01), 1000, 2)};
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "threads") << advice[0].text;
  EXPECT_EQ(advice[0].runner_up, "sequential");
  EXPECT_NEAR(advice[0].ratio, 0.998 / 0.2, 0.01);  // goodput: 998 ops ok
  EXPECT_TRUE(advice[0].significant);
  EXPECT_NEAR(advice[0].error_rate, 0.002, 1e-9);
  EXPECT_NE(advice[0].text.find("async is 1.40x faster but 30.0 % of its ops "
                                "failed (mostly reset), while threads fails "
                                "only 0.2 % of its ops (mostly timeout)"),
            std::string::npos)
      << advice[0].text;
  EXPECT_NE(advice[0].text.find("4.99x faster than sequential"),
            std::string::npos)
      << advice[0].text;
}

// 0.1 % of its ops failed, and it is clearly fastest: still advised, and
// the sentence says how many failed.
TEST(Advisor, ASmallErrorRateIsAdvisedAndSaid) {
  const std::vector<RunResult> runs = {
      clean("sequential", {1.00, 1.01, 0.99}, 0.01, 1000),
      failing(synthetic("async", {0.100, 0.101, 0.099}, 0.01), 1000, 1)};
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "async") << advice[0].text;
  EXPECT_TRUE(advice[0].passed_over.empty());
  EXPECT_NEAR(advice[0].error_rate, 0.001, 1e-9);
  EXPECT_NEAR(advice[0].ratio, 10 * 0.999, 0.2);
  EXPECT_NE(advice[0].text.find("faster than sequential"), std::string::npos)
      << advice[0].text;
  EXPECT_NE(advice[0].text.find("; 0.1 % of its ops failed (mostly timeout)"),
            std::string::npos)
      << advice[0].text;
}

// Goodput, not wall time: a run that finishes sooner because half its ops
// fail at once is no faster for the ops it completed.
TEST(Advisor, FailingFastIsNotBeingFast) {
  const std::vector<RunResult> runs = {
      failing(synthetic("async", {0.50, 0.51, 0.49}, 0.01), 10, 8),
      failing(synthetic("threads", {1.00, 1.01, 0.99}, 0.01), 10, 4)};
  // Both over the limit: goodput decides, and the sentence warns.
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "threads") << advice[0].text;  // 6/1 s > 2/0.5 s
  EXPECT_TRUE(advice[0].passed_over.empty());
  EXPECT_NE(advice[0].text.find("every strategy failed more than 1.0 % of its "
                                "ops (threads 40.0 %, mostly timeout)"),
            std::string::npos)
      << advice[0].text;
}

// Every run over the limit, two of them tied: the simpler is advised as
// before, with the margin and the warning.
TEST(Advisor, ATieOverTheErrorLimitKeepsItsMargin) {
  const std::vector<RunResult> runs = {
      failing(synthetic("threads", {0.098, 0.099, 0.100}, 0.02), 100, 5),
      failing(synthetic("async", {0.100, 0.101, 0.099}, 0.01), 100, 6)};
  const auto advice = advise(runs);
  ASSERT_EQ(advice.size(), 1u);
  EXPECT_EQ(advice[0].best, "async") << advice[0].text;
  EXPECT_EQ(advice[0].text.rfind("use async: as fast as threads (", 0), 0u)
      << advice[0].text;
  EXPECT_NE(advice[0].text.find("; every strategy failed more than 1.0 % of "
                                "its ops (async 6.0 %, mostly timeout)"),
            std::string::npos)
      << advice[0].text;
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
