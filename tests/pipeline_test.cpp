// Pipelines: every strategy computes the same data, stages are timed, and
// tbb-pipeline says n/a (with the reason) for a workload without stages.
#include "apbench/pipeline.hpp"

#include <gtest/gtest.h>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

RunRequest small_fetch_process(const Strategy& s) {
  const auto& w = Registry::instance().workload("hybrid.fetch_process");
  RunRequest r;
  r.workload = &w;
  r.strategy = &s;
  r.params = Params(w.info.params);
  r.params.set("delay", "2ms");
  r.params.set("work", "2ms");
  r.params.set("respond", "1ms");
  r.load.ops = 8;
  r.load.concurrency = 4;
  r.repetitions = 2;
  r.warmup = 0;
  return r;
}

TEST(Pipeline, EveryStrategyComputesTheSameChecksumAndTimesEachStage) {
  std::optional<std::uint64_t> checksum;
  for (const Strategy* s : Registry::instance().strategies()) {
    SCOPED_TRACE(std::string(s->name()));
    const RunResult r = run(small_fetch_process(*s));
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    ASSERT_TRUE(r.checksum.has_value());
    if (!checksum) checksum = r.checksum;
    EXPECT_EQ(*r.checksum, *checksum);
    ASSERT_EQ(r.stages.size(), 3u);
    EXPECT_EQ(r.stages[0].name, "fetch");
    EXPECT_EQ(r.stages[1].kind, "cpu");
    // Each I/O stage waits at least its delay (margin for timer slack).
    EXPECT_GE(r.stages[0].time_s, 0.0019);
    EXPECT_GE(r.stages[2].time_s, 0.0009);
    EXPECT_GT(r.stages[1].time_s, 0.0);
    ASSERT_TRUE(r.stage_overlap.has_value());
    EXPECT_GT(r.stage_overlap->cpu_busy, 0.0);
    ASSERT_TRUE(r.ideal_s.has_value());
  }
}

TEST(Pipeline, TbbPipelineIsNotApplicableToASingleOpWorkload) {
  const auto& w = Registry::instance().workload("io.sleep");
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy("tbb-pipeline");
  r.params = Params(w.info.params);
  r.params.set("delay", "1ms");
  r.load.ops = 2;
  const RunResult res = run(r);
  EXPECT_EQ(res.status, RunStatus::not_applicable);
  EXPECT_NE(res.reason.find("pipeline"), std::string::npos) << res.reason;
}

// The ideal from stage costs: 8 ops, 2 lanes, 2 cores; stages 10 ms I/O,
// 20 ms CPU, 5 ms I/O: latency bound 4 x (15 + 10) = 100 ms, CPU bound
// 10 + 8 x 20 / 2 + 5 = 95 ms.
TEST(Pipeline, IdealIsTheLargerOfTheLatencyAndCpuBounds) {
  struct Fixed final : PipelineWorkload<> {
    void setup(const RunSetup&) override {}
    std::vector<Stage> stages() const override {
      return {{"a", StageKind::io, 0.010},
              {"b", StageKind::cpu, 0.020},
              {"c", StageKind::io, 0.005}};
    }
  } fixed;
  const Params params;
  EXPECT_NEAR(*fixed.ideal_seconds({params, 8, 2, 2, 2, 1}), 0.100, 1e-12);
  EXPECT_NEAR(*fixed.ideal_seconds({params, 8, 8, 2, 2, 1}), 0.095, 1e-12);
}

// A small run of a built-in pipeline workload (no warm-up, 2 repetitions).
RunRequest small_pipeline(
    const Strategy& s, std::string_view workload,
    const std::vector<std::pair<std::string, std::string>>& values) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &s;
  r.params = Params(w.info.params);
  for (const auto& [name, value] : values) r.params.set(name, value);
  r.load.ops = 8;
  r.load.concurrency = 4;
  r.repetitions = 2;
  r.warmup = 0;
  return r;
}

// Every strategy runs the workload: ok, one checksum, the declared stages.
void expect_same_data_and_stages(
    std::string_view workload,
    const std::vector<std::pair<std::string, std::string>>& values,
    const std::vector<std::pair<std::string, std::string>>& stages) {
  std::optional<std::uint64_t> checksum;
  for (const Strategy* s : Registry::instance().strategies()) {
    SCOPED_TRACE(std::string(s->name()));
    const RunResult r = run(small_pipeline(*s, workload, values));
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u);
    ASSERT_TRUE(r.checksum.has_value());
    if (!checksum) checksum = r.checksum;
    EXPECT_EQ(*r.checksum, *checksum);
    ASSERT_EQ(r.stages.size(), stages.size());
    for (std::size_t i = 0; i < stages.size(); ++i) {
      EXPECT_EQ(r.stages[i].name, stages[i].first);
      EXPECT_EQ(r.stages[i].kind, stages[i].second);
    }
    ASSERT_TRUE(r.ideal_s.has_value());
  }
}

const std::vector<std::pair<std::string, std::string>> kSmallWebApi = {
    {"fanout", "4"}, {"delay", "2ms"}, {"work", "1ms"}, {"respond", "1ms"}};

TEST(Pipeline, WebApiComputesTheSameChecksumUnderEveryStrategy) {
  expect_same_data_and_stages(
      "hybrid.web_api", kSmallWebApi,
      {{"fetch", "io"}, {"process", "cpu"}, {"respond", "io"}});
}

// The async form fetches the fan-out concurrently (one delay), a blocking
// client one item after another (fanout x delay). One op in flight: with
// more, `async` computes the other ops' processing on its one thread and
// the fetch resumes late (loop lag), which is not what this measures. The
// 20 ms delay and the relative bound leave room for late timer wake-ups on
// a busy machine (they add to both strategies alike).
TEST(Pipeline, WebApiAsyncFetchesConcurrentlyAndBlockingOneAtATime) {
  constexpr double delay = 0.020, fanout = 4;
  const std::vector<std::pair<std::string, std::string>> values = {
      {"fanout", "4"}, {"delay", "20ms"}, {"work", "1ms"}, {"respond", "1ms"}};
  const auto& registry = Registry::instance();
  RunRequest async_request =
      small_pipeline(registry.strategy("async"), "hybrid.web_api", values);
  async_request.load.concurrency = 1;
  async_request.repetitions = 1;
  const RunResult async_run = run(async_request);
  ASSERT_EQ(async_run.status, RunStatus::ok) << async_run.reason;
  ASSERT_EQ(async_run.stages.size(), 3u);
  EXPECT_GE(async_run.stages[0].time_s, 0.9 * delay);

  RunRequest sequential_request =
      small_pipeline(registry.strategy("sequential"), "hybrid.web_api", values);
  sequential_request.repetitions = 1;
  const RunResult sequential_run = run(sequential_request);
  ASSERT_EQ(sequential_run.status, RunStatus::ok) << sequential_run.reason;
  ASSERT_EQ(sequential_run.stages.size(), 3u);
  EXPECT_GE(sequential_run.stages[0].time_s, 0.9 * fanout * delay);
  // 1 delay against 4: half leaves a 2x margin on each side.
  EXPECT_LT(async_run.stages[0].time_s, 0.5 * sequential_run.stages[0].time_s);
}

TEST(Pipeline, WebApiRejectsAFanoutOutOfRange) {
  for (const char* fanout : {"0", "1025"}) {
    SCOPED_TRACE(fanout);
    RunRequest r = small_pipeline(Registry::instance().strategy("sequential"),
                                  "hybrid.web_api", kSmallWebApi);
    r.params.set("fanout", fanout);
    try {
      (void)run(r);
      ADD_FAILURE() << "no UsageError";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("fanout"), std::string::npos)
          << e.what();
    }
  }
}

TEST(Pipeline, EtlComputesTheSameChecksumUnderEveryStrategy) {
  expect_same_data_and_stages(
      "hybrid.etl", {{"read", "2ms"}, {"work", "1ms"}, {"write", "2ms"}},
      {{"read", "io"}, {"transform", "cpu"}, {"write", "io"}});
}

}  // namespace
}  // namespace apb
