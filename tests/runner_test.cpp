// The runner's bookkeeping: failed strategies, repetitions, ideal and
// efficiency, speed-ups, and the JSON it produces from a real run.
#include "apbench/runner.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>
#include <stdexcept>

#include "apbench/analysis.hpp"
#include "apbench/context.hpp"
#include "apbench/findings.hpp"
#include "apbench/report.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

// A strategy that runs out of a resource half-way, like `threads` with
// more ops than the system allows threads.
class ExhaustedStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "test-exhausted"; }
  std::string_view description() const override { return "test"; }
  StrategyTraits traits() const override { return {}; }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo&) const override {
    return std::nullopt;
  }
  std::size_t effective_concurrency(const Load&) const override { return 1; }
  void execute(const WorkloadInfo&, Workload&, Batch& batch) const override {
    batch.stop();
    throw std::runtime_error("could not create thread 3 of 5: no resources");
  }
};

RunRequest sleep_request(std::string_view strategy, std::size_t ops) {
  const auto& w = Registry::instance().workload("io.sleep");
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  r.params.set("delay", "2ms");
  r.load.ops = ops;
  r.repetitions = 3;
  r.warmup = 1;
  return r;
}

TEST(Runner, AStrategyThatFailsGivesStatusFailedWithTheReason) {
  ExhaustedStrategy exhausted;
  RunRequest r = sleep_request("sequential", 5);
  r.strategy = &exhausted;
  const RunResult result = run(r);
  EXPECT_EQ(result.status, RunStatus::failed);
  EXPECT_NE(result.reason.find("could not create thread"), std::string::npos);
}

TEST(Runner, WarmupIsNotMeasuredAndProgressIsReported) {
  unsigned calls = 0;
  const RunResult result =
      run(sleep_request("async", 4),
          [&](const RunRequest&, std::size_t, unsigned done, unsigned total) {
            EXPECT_EQ(done, calls);
            EXPECT_EQ(total, 4u);
            ++calls;
          });
  EXPECT_EQ(calls, 4u);
  ASSERT_EQ(result.status, RunStatus::ok) << result.reason;
  EXPECT_EQ(result.repetitions.size(), 3u);
  EXPECT_EQ(result.latency_s.count, 12u);  // 3 measured x 4 ops
  EXPECT_GE(result.latency_s.p50, 0.002);
  ASSERT_TRUE(result.ideal_s && result.efficiency);
  EXPECT_DOUBLE_EQ(*result.ideal_s, 0.002);
  EXPECT_GT(*result.efficiency, 0.0);
  EXPECT_LE(*result.efficiency, 1.0);
  EXPECT_LE(result.wall_s.min, result.wall_s.median);
  EXPECT_LE(result.wall_s.median, result.wall_s.max);
}

TEST(Runner, GroupsInterleaveRepetitionsAlternatingTheOrder) {
  std::vector<RunRequest> group = {sleep_request("sequential", 2),
                                   sleep_request("async", 2)};
  for (auto& r : group) r.warmup = 0;
  std::vector<std::pair<std::size_t, unsigned>> order;
  const auto results =
      run_group(group, [&](const RunRequest&, std::size_t index, unsigned rep,
                           unsigned) { order.emplace_back(index, rep); });
  const std::vector<std::pair<std::size_t, unsigned>> expected = {
      {0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 2}, {1, 2}};
  EXPECT_EQ(order, expected);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].strategy, "sequential");
  EXPECT_EQ(results[1].strategy, "async");
  EXPECT_EQ(results[1].repetitions.size(), 3u);
}

TEST(Runner, AStoppedGroupKeepsWhatWasMeasured) {
  std::vector<RunRequest> group = {sleep_request("sequential", 2),
                                   sleep_request("async", 2)};
  for (auto& r : group) r.warmup = 0;
  unsigned rounds = 0;
  const auto results =
      run_group(group, {}, [&] { return rounds++ == 1; });  // after round 1
  for (const auto& r : results) {
    EXPECT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.repetitions.size(), 1u);
    EXPECT_TRUE(r.interrupted);
    EXPECT_EQ(r.repetitions_requested, 3u);
  }
}

TEST(Runner, SpeedupsAreAgainstSequentialWithTheSameLoad) {
  // 20 ms waits: 8 overlapping ones beat 8 in a row by far more than the
  // 2x asserted, even with a late wake-up or two on a busy machine.
  auto request = [](std::string_view strategy, std::size_t ops) {
    RunRequest r = sleep_request(strategy, ops);
    r.params.set("delay", "20ms");
    return r;
  };
  std::vector<RunResult> runs = {run(request("sequential", 8)),
                                 run(request("async", 8)),
                                 run(request("async", 4))};
  compute_speedups(runs);
  ASSERT_TRUE(runs[0].speedup_vs_sequential);
  EXPECT_DOUBLE_EQ(*runs[0].speedup_vs_sequential, 1.0);
  ASSERT_TRUE(runs[1].speedup_vs_sequential);
  EXPECT_GT(*runs[1].speedup_vs_sequential, 2.0);  // 8 waits overlap
  EXPECT_FALSE(runs[2].speedup_vs_sequential);     // no baseline for 4 ops
  EXPECT_FALSE(findings(runs).empty());
}

TEST(Runner, JsonOfARealRunHasTheDocumentedKeys) {
  Results results;
  results.context = current_context("apbench test");
  results.runs = {run(sleep_request("sequential", 3)),
                  run(sleep_request("async", 3))};
  compute_speedups(results.runs);
  std::ostringstream out;
  write_json(out, results);
  const auto doc = boost::json::parse(out.str()).as_object();
  EXPECT_EQ(doc.at("schema").as_string(), "apbench.results/1");
  const auto& context = doc.at("context").as_object();
  for (const char* key :
       {"date", "host", "cores", "compiler", "build_type", "libraries"})
    EXPECT_TRUE(context.contains(key)) << key;
  const auto& runs = doc.at("runs").as_array();
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& v : runs) {
    const auto& r = v.as_object();
    for (const char* key :
         {"workload", "kind", "strategy", "status", "reason", "params", "load",
          "repetitions", "wall_s", "throughput_ops_s", "latency_s",
          "cpu_utilization", "ideal_s", "efficiency", "speedup_vs_sequential",
          "errors"})
      EXPECT_TRUE(r.contains(key)) << key;
    for (const char* key : {"mode", "ops", "concurrency", "threads"})
      EXPECT_TRUE(r.at("load").as_object().contains(key)) << key;
    for (const char* key : {"median", "min", "max", "ci95_low", "ci95_high"})
      EXPECT_TRUE(r.at("wall_s").as_object().contains(key)) << key;
    for (const char* key : {"p50", "p90", "p99", "p999", "max", "mean"})
      EXPECT_TRUE(r.at("latency_s").as_object().contains(key)) << key;
    EXPECT_TRUE(r.at("throughput_ops_s").as_object().contains("median"));
    EXPECT_TRUE(r.at("wall_s").at("median").is_double());
    EXPECT_EQ(r.at("status").as_string(), "ok");
  }
}

}  // namespace
}  // namespace apb
