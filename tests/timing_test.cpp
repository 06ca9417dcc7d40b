// The first seed post, as a test with generous margins: 20 waits of 200 ms
// overlap under async and add up under sequential.
#include <gtest/gtest.h>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

RunResult sleep_run(std::string_view strategy) {
  const auto& w = Registry::instance().workload("io.sleep");
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  r.params.set("delay", "200ms");
  r.load.ops = 20;
  r.repetitions = 1;
  r.warmup = 0;
  return run(r);
}

TEST(Timing, AsyncOverlapsWaitsSequentialAddsThemUp) {
  const RunResult async = sleep_run("async");
  ASSERT_EQ(async.status, RunStatus::ok) << async.reason;
  EXPECT_LT(async.wall_s.median, 3 * 0.200);
  EXPECT_GE(async.wall_s.median, 0.200);

  const RunResult seq = sleep_run("sequential");
  ASSERT_EQ(seq.status, RunStatus::ok) << seq.reason;
  EXPECT_GE(seq.wall_s.median, 20 * 0.200);
  ASSERT_TRUE(seq.ideal_s.has_value());
  EXPECT_DOUBLE_EQ(*seq.ideal_s, 0.200);  // 20 waits all at once
}

}  // namespace
}  // namespace apb
