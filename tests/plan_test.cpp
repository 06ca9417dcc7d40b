// run_plan(): sweeps of points, strategies measured per point, the early
// stop of a strategy past saturation, stop requests, and the runs kept when
// a bad parameter value stops the plan.
#include "apbench/plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apbench/analysis.hpp"
#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "test_workloads.hpp"

namespace apb::testing {
namespace {

// Setup rejects more than 4 ops per repetition, as a workload rejects a bad
// parameter value: a UsageError.
class RejectsLongRunsWorkload final : public Workload {
 public:
  static WorkloadInfo info() {
    return {.name = "test.rejects_long_runs",
            .kind = WorkloadKind::io,
            .description = "test: setup rejects more than 4 ops",
            .params = {},
            .forms = form_async | form_blocking,
            .default_ops = 2};
  }
  void setup(const RunSetup& run) override {
    if (run.ops > 4) throw UsageError("test.rejects_long_runs: ops above 4");
  }
  asio::awaitable<void> async_op(OpContext&) override { co_return; }
  void blocking_op(OpContext&) override {}
};

// Closed-loop points of `ops` ops at each concurrency, one repetition.
Sweep closed_sweep(std::string_view workload,
                   const std::vector<std::string_view>& strategies,
                   const std::vector<std::size_t>& concurrencies,
                   std::size_t ops = 4) {
  const auto& registry = Registry::instance();
  op_counts().reset(ops);  // the counting workloads index it by op
  Sweep sweep;
  sweep.workload = &registry.workload(workload);
  sweep.params = Params(sweep.workload->info.params);
  for (auto name : strategies)
    sweep.strategies.push_back(&registry.strategy(name));
  for (std::size_t c : concurrencies) {
    Load load;
    load.ops = ops;
    load.concurrency = c;
    sweep.points.push_back(load);
  }
  sweep.settings.repetitions = 1;
  sweep.settings.warmup = 0;
  sweep.settings.threads = 2;
  return sweep;
}

TEST(RunPlan, MeasuresEveryPointUnderEveryStrategy) {
  Plan plan;
  plan.sweeps.push_back(
      closed_sweep("test.counting", {"sequential", "async"}, {1, 2}));
  plan.slo = Slo{99, 1.0};
  EXPECT_EQ(plan.run_count(), 4u);
  EXPECT_EQ(plan.repetition_count(), 4u);

  std::size_t repetitions = 0;
  std::vector<std::string> finished;
  PlanCallbacks callbacks;
  callbacks.repetition = [&](const RunRequest&, std::size_t, unsigned,
                             unsigned) { ++repetitions; };
  callbacks.finished = [&](const RunResult& r) {
    finished.push_back(r.strategy);
  };
  const Results results = run_plan(plan, callbacks);

  ASSERT_EQ(results.runs.size(), 4u);
  EXPECT_EQ(repetitions, 4u);
  EXPECT_EQ(finished, (std::vector<std::string>{"sequential", "async",
                                                "sequential", "async"}));
  EXPECT_GT(results.context.cores, 0u);
  ASSERT_TRUE(results.slo.has_value());
  for (const RunResult& r : results.runs) {
    EXPECT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    EXPECT_TRUE(r.swept);
    EXPECT_EQ(r.load.threads, 2u);
    EXPECT_TRUE(latency_at(r, 99).has_value());  // the SLO's percentile
  }
  EXPECT_EQ(results.runs[2].load.requested_concurrency(), 2u);
  EXPECT_TRUE(results.early_stops.empty());
}

// threads (blocking ops) cannot run an async-only workload: n/a at the
// first point ends its sweep; async goes on to every point.
TEST(RunPlan, AStrategyThatFailsAPointSkipsTheRest) {
  Plan plan;
  plan.sweeps.push_back(
      closed_sweep("test.async_only", {"threads", "async"}, {1, 2, 4}));
  std::size_t skipped_runs = 0, skipped_repetitions = 0;
  PlanCallbacks callbacks;
  callbacks.skipped = [&](const EarlyStop&, std::size_t runs,
                          std::size_t repetitions) {
    skipped_runs += runs;
    skipped_repetitions += repetitions;
  };
  Results results = run_plan(plan, callbacks);

  ASSERT_EQ(results.runs.size(), 4u);
  EXPECT_EQ(results.runs[0].strategy, "threads");
  EXPECT_EQ(results.runs[0].status, RunStatus::not_applicable);
  for (std::size_t i = 1; i < 4; ++i)
    EXPECT_EQ(results.runs[i].strategy, "async");
  EXPECT_EQ(skipped_runs, 2u);
  EXPECT_EQ(skipped_repetitions, 2u);
  ASSERT_EQ(results.early_stops.size(), 1u);
  EXPECT_EQ(results.early_stops[0].last_run, 0u);
  EXPECT_NE(results.early_stops[0].reason.find("n/a"), std::string::npos)
      << results.early_stops[0].reason;

  // analyse() carries the stop to the series of that run (async's series
  // ran to the end).
  analyse(results);
  ASSERT_EQ(results.series.size(), 1u);
  EXPECT_EQ(results.series[0].strategy, "async");
  EXPECT_EQ(results.series[0].stopped_early, "");
}

TEST(RunPlan, AStopRequestEndsThePlanKeepingItsRuns) {
  Plan plan;
  plan.sweeps.push_back(
      closed_sweep("test.counting", {"sequential", "async"}, {1, 2, 4}));
  plan.sweeps.push_back(closed_sweep("test.counting", {"async"}, {1}));
  bool stop = false;
  PlanCallbacks callbacks;
  callbacks.finished = [&](const RunResult&) { stop = true; };
  callbacks.stop_requested = [&] { return stop; };
  const Results results = run_plan(plan, callbacks);
  // The first point's group finishes; nothing after it starts.
  ASSERT_EQ(results.runs.size(), 2u);
  for (const RunResult& r : results.runs)
    EXPECT_EQ(r.status, RunStatus::ok) << r.reason;
  EXPECT_TRUE(results.early_stops.empty());
}

// A UsageError at the second point's setup propagates; the first point's
// runs are in the Results the caller passed, ready to be written.
TEST(RunPlan, ABadValueMidPlanKeepsTheRunsMeasuredBeforeIt) {
  Plan plan;
  Sweep sweep =
      closed_sweep("test.rejects_long_runs", {"sequential", "async"}, {0}, 2);
  Load longer = sweep.points.front();
  longer.ops = 8;
  sweep.points.push_back(longer);
  plan.sweeps.push_back(sweep);
  Results results;
  EXPECT_THROW(run_plan(plan, results), UsageError);
  ASSERT_EQ(results.runs.size(), 2u);
  for (const RunResult& r : results.runs) {
    EXPECT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.load.ops, 2u);
  }
}

}  // namespace
}  // namespace apb::testing

APB_REGISTER_WORKLOAD(apb::testing::RejectsLongRunsWorkload);
