// The reports never contradict themselves (issue: a first-time user's
// findings): the summary and the advice quote one ratio for one pair, a
// spread too large to trust names the strategies, a thread sweep's lines
// say their thread count, the advice never praises a run its own diagnosis
// flags, and efficiency counts only the ops that succeeded.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "apbench/analysis.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "apbench/stats.hpp"
#include "synthetic_runs.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

RunResult closed_run(std::string strategy, std::vector<double> walls,
                     unsigned threads = 2) {
  return testing::synthetic_closed_run(std::move(strategy), std::move(walls),
                                       threads, 4);
}

std::string all_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

// A skewed repetition makes the mean ratio (2.41x) differ from the median
// ratio the runs were ranked by (2.02x): both reports quote the median one.
TEST(ReportAgreement, SummaryAndAdviceQuoteOneRatio) {
  Results results;
  results.runs = {closed_run("sequential", {0.200, 0.202, 0.320}),
                  closed_run("async", {0.099, 0.100, 0.101})};
  analyse(results);
  ASSERT_EQ(results.advice.size(), 1u);
  EXPECT_EQ(results.advice[0].best, "async");
  const double ratio = results.advice[0].ratio;
  EXPECT_NEAR(ratio, 0.202 / 0.100, 1e-9);
  EXPECT_NE(results.advice[0].text.find("2.02x"), std::string::npos)
      << results.advice[0].text;
  const std::string quoted = fmt::format("{:.2f}x", ratio);
  EXPECT_NE(all_lines(results.summary).find(quoted), std::string::npos)
      << "summary does not quote " << quoted << ":\n"
      << all_lines(results.summary);
}

TEST(ReportAgreement, ASpreadTooLargeNamesTheStrategies) {
  Results results;
  results.runs = {closed_run("sequential", {0.050, 0.100, 0.150}),
                  closed_run("async", {0.040, 0.090, 0.140})};
  analyse(results);
  const std::string text = all_lines(results.summary);
  ASSERT_NE(text.find("spread too large to trust"), std::string::npos) << text;
  EXPECT_NE(text.find("% on sequential"), std::string::npos) << text;
  EXPECT_EQ(text.find("% on a,"), std::string::npos) << text;
  EXPECT_EQ(text.find("% on b,"), std::string::npos) << text;
}

TEST(ReportAgreement, AThreadSweepSaysEachLinesThreads) {
  Results results;
  for (unsigned t : {1u, 2u}) {
    results.runs.push_back(closed_run("sequential", {0.100, 0.101}, t));
    results.runs.push_back(closed_run("async", {0.010, 0.011}, t));
  }
  analyse(results);
  const std::string text = all_lines(results.summary);
  EXPECT_NE(text.find("4 ops all at once, 1 thread)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("4 ops all at once, 2 threads)"), std::string::npos)
      << text;
}

// The advised run is flagged blocked_workers: the advice says so instead
// of "keeps the cores busy".
TEST(ReportAgreement, TheAdviceNamesTheAdvisedRunsDiagnosis) {
  Results results;
  RunResult seq = closed_run("sequential", {0.400, 0.401, 0.402});
  RunResult par = closed_run("parallel", {0.200, 0.201, 0.202});
  seq.cpu_utilization = par.cpu_utilization = 0.45;
  par.latency_s.mean = 0.100;  // ops waited for a core, or for a wait
  seq.latency_s.mean = 0.100;
  par.diagnoses.push_back(
      {"blocked_workers",
       "its 2 worker threads were busy computing only 45 % of the time: "
       "blocking waits hold them"});
  results.runs = {seq, par};
  analyse(results);
  ASSERT_EQ(results.advice.size(), 1u);
  EXPECT_EQ(results.advice[0].best, "parallel");
  const std::string& text = results.advice[0].text;
  EXPECT_EQ(text.find("keeps the cores busy"), std::string::npos) << text;
  EXPECT_NE(text.find("diagnosis"), std::string::npos) << text;
}

// Half of every repetition's ops fail: efficiency is ideal / goodput wall,
// never above 100 % because failing ops finished early.
TEST(ReportAgreement, EfficiencyCountsOnlyOpsThatSucceeded) {
  const auto& w = Registry::instance().workload("test.half_failing");
  RunRequest req;
  req.workload = &w;
  req.strategy = &Registry::instance().strategy("async");
  req.params = Params(w.info.params);
  req.load.ops = 8;
  req.repetitions = 2;
  req.warmup = 0;
  const RunResult r = run(req);
  ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
  ASSERT_EQ(r.errors, 8u);  // 4 of 8 ops, 2 repetitions
  ASSERT_TRUE(r.efficiency.has_value());
  ASSERT_TRUE(r.ideal_s.has_value());
  EXPECT_NEAR(*r.efficiency, *r.ideal_s / goodput_wall_s(r), 1e-12);
  EXPECT_LE(*r.efficiency, 1.0);
}

}  // namespace
}  // namespace apb
