// hybrid.http_process: real HTTP through a pipeline. Every strategy
// fetches the same bytes, processes them to one checksum and posts it back
// (no failed op); its stages are timed and add up to the op's latency.
#include <gtest/gtest.h>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

RunRequest small_http_process(const Strategy& s) {
  const auto& w = Registry::instance().workload("hybrid.http_process");
  RunRequest r;
  r.workload = &w;
  r.strategy = &s;
  r.params = Params(w.info.params);
  r.params.set("body", "40KiB");
  r.params.set("rounds", "2");
  r.params.set("server_delay", "3ms");
  r.params.set("respond_delay", "1ms");
  r.load.ops = 6;
  r.load.concurrency = 2;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

TEST(HttpProcess, EveryStrategyFetchesProcessesAndPostsTheSameChecksum) {
  std::optional<std::uint64_t> checksum;
  for (const Strategy* s : Registry::instance().strategies()) {
    SCOPED_TRACE(std::string(s->name()));
    const RunResult r = run(small_http_process(*s));
    ASSERT_EQ(r.status, RunStatus::ok) << r.reason;
    EXPECT_EQ(r.errors, 0u)
        << (r.error_messages.empty() ? "" : r.error_messages.begin()->first);
    ASSERT_TRUE(r.checksum.has_value());
    if (!checksum) checksum = r.checksum;
    EXPECT_EQ(*r.checksum, *checksum);
    ASSERT_EQ(r.stages.size(), 3u);
    EXPECT_EQ(r.stages[1].kind, "cpu");
    // Each exchange waits at least the server's delay.
    EXPECT_GE(r.stages[0].time_s, 0.0029);
    EXPECT_GE(r.stages[2].time_s, 0.0009);
    // One op at a time per lane: the stages (and waits before them) make
    // up the op's latency, apart from the moments between them.
    if (r.strategy_traits.model != ExecutionModel::pipeline) {
      double sum = 0;
      for (const auto& stage : r.stages) sum += stage.time_s + stage.queue_s;
      EXPECT_LE(sum, r.latency_s.mean * 1.05);
      EXPECT_GE(sum, r.latency_s.mean * 0.5);
    }
  }
}

}  // namespace
}  // namespace apb
