// Open-loop load: arrivals on a schedule, latency from the due time,
// drops over max_in_flight, and the coordinated omission a closed loop hides.
#include <gtest/gtest.h>

#include <cmath>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"
#include "apbench/schedule.hpp"

namespace apb {
namespace {

TEST(Schedule, ConstantIssuesRateTimesDurationOpsEvenlySpaced) {
  const auto due = arrival_schedule(Arrival::constant, 250, 2.0, 1);
  ASSERT_NEAR(static_cast<double>(due.size()), 500, 1);
  for (std::size_t i = 0; i < due.size(); ++i)
    EXPECT_NEAR(static_cast<double>(due[i]), i * 4e6, 1) << i;
}

TEST(Schedule, PoissonHasTheRateOnAverageAndIsSeeded) {
  const auto a = arrival_schedule(Arrival::poisson, 1000, 10.0, 7);
  const auto b = arrival_schedule(Arrival::poisson, 1000, 10.0, 7);
  const auto c = arrival_schedule(Arrival::poisson, 1000, 10.0, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // 10 000 expected arrivals; Poisson sd = 100, so +-5 % is 5 sd.
  EXPECT_NEAR(static_cast<double>(a.size()), 10000, 500);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_LT(a.back(), 10'000'000'000);
}

TEST(Schedule, RejectsNonPositiveRateOrDuration) {
  EXPECT_THROW(arrival_schedule(Arrival::constant, 0, 1, 1),
               std::invalid_argument);
  EXPECT_THROW(arrival_schedule(Arrival::constant, 10, 0, 1),
               std::invalid_argument);
}

RunRequest open_request(std::string_view workload, std::string_view strategy,
                        double rate, double duration_s) {
  const auto& w = Registry::instance().workload(workload);
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  r.load.mode = LoadMode::open;
  r.load.rate = rate;
  r.load.duration_s = duration_s;
  r.repetitions = 1;
  r.warmup = 0;
  return r;
}

// Ops start on the schedule: a run of R x D ops at rate R takes about D,
// not R x D x delay (closed, sequential) nor delay (all at once).
TEST(OpenLoop, EveryStrategyRunsTheScheduleOnTime) {
  for (const char* strategy : {"sequential", "async", "async-pool", "threads",
                               "parallel", "openmp", "hybrid"}) {
    auto r = open_request("io.sleep", strategy, 100, 0.5);
    r.params.set("delay", "1ms");
    const RunResult res = run(r);
    ASSERT_EQ(res.status, RunStatus::ok) << strategy << ": " << res.reason;
    EXPECT_EQ(res.load.ops, 50u) << strategy;
    EXPECT_EQ(res.latency_s.count, 50u) << strategy;
    EXPECT_EQ(res.dropped, 0u) << strategy;
    // The last op is due at 490 ms; generous upper margin for a busy box.
    EXPECT_GE(res.wall_s.median, 0.49) << strategy;
    EXPECT_LT(res.wall_s.median, 1.5) << strategy;
    ASSERT_TRUE(res.service_time_s.has_value());
    EXPECT_GE(res.latency_s.p50, res.service_time_s->p50) << strategy;
  }
}

// The reason open loops exist. Op 100 of 400 (at 200/s) blocks the single
// event-loop thread for 300 ms. Ops due during the stall (about 60, 15 %)
// start up to 300 ms late: open-loop p99 shows it. Their service time, once
// started, is the normal 10 ms, so service time does not; nor does a closed
// loop, which simply stops issuing ops while stalled. Service time is read at
// p90, not p99: the blocker and the ops already sleeping when the stall began
// (2-3, more on a slow box, against p99's 4) finish after it. Margins: half
// the stall on one side, a third on the other (sanitizers slow the loop).
TEST(OpenLoop, StallShowsInLatencyNotInServiceTime) {
  auto r = open_request("test.loop_blocker", "async", 200, 2.0);
  r.params.set("stall", "300ms");
  const RunResult open = run(r);
  ASSERT_EQ(open.status, RunStatus::ok) << open.reason;
  ASSERT_TRUE(open.service_time_s.has_value());
  EXPECT_GE(open.latency_s.p99, 0.150);
  EXPECT_LT(open.service_time_s->p90, 0.100);

  RunRequest closed = r;
  closed.load = Load{};
  closed.load.ops = 400;
  closed.load.concurrency = 2;
  const RunResult closed_run = run(closed);
  ASSERT_EQ(closed_run.status, RunStatus::ok) << closed_run.reason;
  EXPECT_LT(closed_run.latency_s.p99, 0.100);
}

// Overload: 1 lane serving 1 ms ops at 2000/s with room for 8 in flight
// drops most ops instead of queueing them without bound.
TEST(OpenLoop, OverloadBeyondMaxInFlightIsDropped) {
  auto r = open_request("io.sleep", "sequential", 2000, 0.5);
  r.params.set("delay", "1ms");
  r.load.max_in_flight = 8;
  const RunResult res = run(r);
  ASSERT_EQ(res.status, RunStatus::ok) << res.reason;
  EXPECT_EQ(res.load.ops, 1000u);
  EXPECT_GT(res.dropped, 300u);
  EXPECT_EQ(res.latency_s.count + res.dropped + res.errors, 1000u);
  // With at most 8 waiting, no op waits much more than 8 service times.
  EXPECT_LT(res.latency_s.p99, 0.1);
}

TEST(OpenLoop, SpectrumIncludesRequestedPercentiles) {
  auto r = open_request("io.sleep", "async", 100, 0.3);
  r.params.set("delay", "1ms");
  r.extra_percentiles = {97.0};
  const RunResult res = run(r);
  ASSERT_EQ(res.status, RunStatus::ok) << res.reason;
  ASSERT_TRUE(latency_at(res, 97.0).has_value());
  EXPECT_GE(*latency_at(res, 97.0), 0.001);
  EXPECT_FALSE(latency_at(res, 12.3).has_value());
}

}  // namespace
}  // namespace apb
