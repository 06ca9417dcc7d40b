// analyse(): speed-ups, series, early stops, advice and summary of a
// hand-built result set, in one call.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "apbench/analysis.hpp"
#include "apbench/registry.hpp"
#include "apbench/stats.hpp"
#include "synthetic_runs.hpp"

namespace apb {
namespace {

RunResult measured_closed(std::string strategy, std::vector<double> walls,
                          unsigned threads = 2) {
  return testing::synthetic_closed_run(std::move(strategy), std::move(walls),
                                       threads);
}

RunResult measured_open(std::string strategy, double rate, double achieved) {
  RunResult r = measured_closed(std::move(strategy), {0.5});
  r.load.mode = LoadMode::open;
  r.load.rate = rate;
  r.load.duration_s = 0.5;
  r.load.ops = static_cast<std::size_t>(rate / 2);
  r.swept = true;
  r.throughput_ops_s.median = achieved;
  r.latency_s.p99 = 0.012;
  r.latency_spectrum = {{50, 0.010}, {99, 0.012}};
  return r;
}

Results hand_built() {
  Results results;
  results.runs = {
      measured_closed("sequential", {0.100, 0.101, 0.102}),
      measured_closed("async", {0.010, 0.011, 0.010}),
      // The same load on more threads: another question, no speed-up.
      measured_closed("async", {0.012, 0.012, 0.013}, 4),
      measured_open("sequential", 100, 99),
      measured_open("async", 100, 100),
      measured_open("async", 200, 199),
  };
  // sequential stopped after its first rate.
  results.early_stops.push_back({3, "saturated"});
  return results;
}

TEST(Analyse, FillsSpeedupsSeriesAdviceAndSummary) {
  Results results = hand_built();
  analyse(results);
  const auto& runs = results.runs;
  ASSERT_TRUE(runs[1].speedup_vs_sequential.has_value());
  EXPECT_NEAR(*runs[1].speedup_vs_sequential, 0.101 / 0.010, 1e-9);
  EXPECT_DOUBLE_EQ(*runs[0].speedup_vs_sequential, 1.0);
  EXPECT_FALSE(runs[2].speedup_vs_sequential.has_value());
  EXPECT_FALSE(runs[3].speedup_vs_sequential.has_value());  // open loop

  ASSERT_EQ(results.series.size(), 2u);
  EXPECT_EQ(results.series[0].strategy, "sequential");
  EXPECT_EQ(results.series[0].stopped_early, "saturated");
  EXPECT_EQ(results.series[1].strategy, "async");
  EXPECT_EQ(results.series[1].points.size(), 2u);
  EXPECT_EQ(results.series[1].stopped_early, "");

  // One closed-loop group with two runs gets advice; async alone on 4
  // threads does not.
  ASSERT_EQ(results.advice.size(), 1u);
  EXPECT_EQ(results.advice[0].best, "async");
  EXPECT_EQ(results.advice[0].first_run, 0u);
  ASSERT_FALSE(results.summary.empty());
  EXPECT_NE(results.summary.front().find("fastest is async"), std::string::npos)
      << results.summary.front();
}

// `failed` of each repetition's 10 ops fail as timeouts.
RunResult with_failures(RunResult r, std::uint64_t failed) {
  r.errors = 0;
  for (auto& rep : r.repetitions) {
    rep.ops_ok = 10 - failed;
    rep.errors = failed;
    r.errors += failed;
  }
  r.errors_by_cause["timeout"] = r.errors;
  return r;
}

// Speed-ups, the fastest and the summary count only successful ops: async
// finishes its 10 ops in a tenth of the time, but 6 of them fail, so it
// completes 4 ops per 0.010 s against sequential's 10 per 0.101 s.
TEST(Analyse, SpeedCountsOnlySuccessfulOps) {
  Results results;
  results.runs = {
      measured_closed("sequential", {0.100, 0.101, 0.102}),
      with_failures(measured_closed("async", {0.010, 0.011, 0.010}), 6),
      with_failures(measured_closed("threads", {0.020, 0.020, 0.021}), 0)};
  analyse(results);
  const auto& runs = results.runs;
  EXPECT_NEAR(error_rate(runs[1]), 0.6, 1e-12);
  EXPECT_NEAR(goodput_wall_s(runs[1]), 0.010 / 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(goodput_wall_s(runs[2]), runs[2].wall_s.median);
  ASSERT_TRUE(runs[1].speedup_vs_sequential.has_value());
  EXPECT_NEAR(*runs[1].speedup_vs_sequential, 0.101 / 0.025, 1e-9);
  EXPECT_NEAR(*runs[2].speedup_vs_sequential, 0.101 / 0.020, 1e-9);
  ASSERT_FALSE(results.summary.empty());
  EXPECT_NE(results.summary.front().find("fastest is threads"),
            std::string::npos)
      << results.summary.front();
  const std::string line =
      "  async: 18 of 30 ops failed (60.0 %), mostly timeout; its speed counts "
      "only the ops that succeeded.";
  EXPECT_NE(std::find(results.summary.begin(), results.summary.end(), line),
            results.summary.end())
      << ::testing::PrintToString(results.summary);
  ASSERT_EQ(results.advice.size(), 1u);
  EXPECT_EQ(results.advice[0].best, "threads");
  EXPECT_TRUE(results.advice[0].passed_over.empty());  // async is slower
}

TEST(Analyse, IsRepeatable) {
  Results once = hand_built();
  analyse(once);
  Results twice = once;
  analyse(twice);
  EXPECT_EQ(twice.summary, once.summary);
  EXPECT_EQ(twice.series.size(), once.series.size());
  EXPECT_EQ(twice.advice.size(), once.advice.size());
  EXPECT_EQ(twice.runs[1].speedup_vs_sequential,
            once.runs[1].speedup_vs_sequential);
}

}  // namespace
}  // namespace apb
