// Every strategy runs every op exactly once, counts failures, and reports
// n/a for workloads it cannot run.
#include <gtest/gtest.h>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "test_workloads.hpp"

namespace apb {
namespace {

RunRequest request(std::string_view workload, const Strategy* strategy,
                   std::size_t ops, std::size_t concurrency) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = strategy;
  r.params = Params(w.info.params);
  r.load.ops = ops;
  r.load.concurrency = concurrency;
  r.load.threads = 2;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

struct Case {
  const char* workload;
  std::size_t ops;
  std::size_t concurrency;
};

class EveryStrategy : public ::testing::TestWithParam<Case> {};

TEST_P(EveryStrategy, RunsEachOpExactlyOnce) {
  const Case c = GetParam();
  std::optional<std::uint64_t> checksum;
  for (const Strategy* s : testing::strategies_for(c.workload)) {
    SCOPED_TRACE(std::string(s->name()));
    testing::op_counts().reset(c.ops);
    const RunResult result = run(request(c.workload, s, c.ops, c.concurrency));
    ASSERT_EQ(result.status, RunStatus::ok) << result.reason;
    EXPECT_EQ(result.errors, 0u);
    EXPECT_EQ(result.latency_s.count, c.ops);
    for (std::size_t i = 0; i < c.ops; ++i)
      ASSERT_EQ(testing::op_counts().runs[i].load(), 1) << "op " << i;
    // Lanes: indices below the effective concurrency, one op at a time.
    EXPECT_LE(testing::op_counts().lanes_seen.load(), result.concurrency);
    EXPECT_EQ(testing::op_counts().lane_overlaps.load(), 0);
    // Same ops, same digests: every strategy computes the same checksum.
    ASSERT_TRUE(result.checksum.has_value());
    if (!checksum) checksum = result.checksum;
    EXPECT_EQ(result.checksum, checksum);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Loads, EveryStrategy,
    ::testing::Values(Case{"test.counting", 1, 0},
                      Case{"test.counting", 257, 0},
                      Case{"test.counting", 257, 3}, Case{"test.kernel", 1, 0},
                      Case{"test.kernel", 33, 0}, Case{"test.kernel", 33, 5}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = std::string(info.param.workload).substr(5) + "_" +
                         std::to_string(info.param.ops) + "_ops_c" +
                         std::to_string(info.param.concurrency);
      return name;
    });

TEST(Strategies, FailingOpsAreCountedAndTheRunGoesOn) {
  for (const Strategy* s : testing::strategies_for("test.counting")) {
    SCOPED_TRACE(std::string(s->name()));
    testing::op_counts().reset(100, 10);  // ops 0, 10, ..., 90 throw
    const RunResult result = run(request("test.counting", s, 100, 0));
    ASSERT_EQ(result.status, RunStatus::ok) << result.reason;
    EXPECT_EQ(result.errors, 10u);
    EXPECT_EQ(result.latency_s.count, 90u);
    ASSERT_EQ(result.error_messages.size(), 1u);
    EXPECT_EQ(result.error_messages.begin()->first, "planted failure");
    EXPECT_EQ(result.error_messages.begin()->second, 10u);
    ASSERT_EQ(result.errors_by_cause.size(), 1u);
    EXPECT_EQ(result.errors_by_cause.begin()->first, "exception");
  }
}

TEST(Strategies, BlockingStrategiesAreNotApplicableToAsyncOnlyWorkloads) {
  for (const char* name : {"threads", "parallel"}) {
    const RunResult result = run(
        request("test.async_only", &Registry::instance().strategy(name), 5, 0));
    EXPECT_EQ(result.status, RunStatus::not_applicable) << name;
    EXPECT_NE(result.reason.find("no blocking form"), std::string::npos)
        << result.reason;
  }
  // sequential awaits the async form one op at a time instead.
  testing::op_counts().reset(5);
  const RunResult seq = run(request(
      "test.async_only", &Registry::instance().strategy("sequential"), 5, 0));
  EXPECT_EQ(seq.status, RunStatus::ok) << seq.reason;
  EXPECT_EQ(seq.concurrency, 1u);
}

TEST(Strategies, EffectiveConcurrency) {
  Load load;
  load.ops = 100;
  load.concurrency = 0;
  load.threads = 2;
  const auto& r = Registry::instance();
  EXPECT_EQ(r.strategy("sequential").effective_concurrency(load), 1u);
  EXPECT_EQ(r.strategy("async").effective_concurrency(load), 100u);
  EXPECT_EQ(r.strategy("parallel").effective_concurrency(load), 2u);
  load.concurrency = 7;
  EXPECT_EQ(r.strategy("threads").effective_concurrency(load), 7u);
}

}  // namespace
}  // namespace apb
