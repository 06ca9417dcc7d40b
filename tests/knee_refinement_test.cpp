// --refine: bisection between the last point meeting the SLO and the first
// breaking it converges on a known knee.
#include "apbench/knee_refinement.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "apbench/stats.hpp"

namespace apb {
namespace {

constexpr double kCapacity = 1000;  // ops/s the fake system serves
const Slo kSlo{99, 0.05};

// A run at `rate` of a system that keeps p99 at 10 ms below its capacity
// and queues without bound above it (p99 of a second).
RunResult run_at(double rate) {
  RunResult r;
  r.load.mode = LoadMode::open;
  r.load.rate = rate;
  r.load.duration_s = 1;
  const double p99 = rate <= kCapacity ? 0.01 : 1.0;
  r.latency_spectrum = {{99, p99}};
  r.latency_s.p99 = p99;
  return r;
}

TEST(KneeRefinementTest, BracketIsLastMeetingAndFirstBreaking) {
  std::vector<RunResult> runs;
  for (double rate : {250.0, 500.0, 857.0, 1470.0, 2520.0})
    runs.push_back(run_at(rate));
  std::vector<const RunResult*> ptrs;
  for (const auto& r : runs) ptrs.push_back(&r);
  const auto b = knee_bracket(ptrs, kSlo);
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->meets.rate, 857);
  EXPECT_DOUBLE_EQ(b->breaks.rate, 1470);

  // Nothing breaks, or the first point already does: nothing to bisect.
  std::vector<const RunResult*> low(ptrs.begin(), ptrs.begin() + 3);
  EXPECT_FALSE(knee_bracket(low, kSlo));
  std::vector<const RunResult*> high(ptrs.begin() + 3, ptrs.end());
  EXPECT_FALSE(knee_bracket(high, kSlo));
}

// The sweep 250..4000 finds 857 (14 % below the capacity); each step halves
// the bracket's log width, so 3 steps are within 10 % and 6 within 1 %.
TEST(KneeRefinementTest, ConvergesOnTheKnownKnee) {
  KneeBracket start{run_at(857).load, run_at(1470).load};
  unsigned measured = 0;
  const auto measure = [&](const Load& load) -> std::optional<bool> {
    ++measured;
    EXPECT_GT(load.rate, 857);
    EXPECT_LT(load.rate, 1470);
    EXPECT_EQ(load.ops, static_cast<std::size_t>(std::llround(load.rate)));
    return load.rate <= kCapacity;
  };
  const KneeBracket three = refine_knee(start, 3, measure);
  EXPECT_EQ(measured, 3u);
  EXPECT_LE(three.meets.rate, kCapacity);
  EXPECT_GT(three.breaks.rate, kCapacity);
  EXPECT_GT(three.meets.rate, 0.9 * kCapacity);
  const KneeBracket six = refine_knee(start, 6, measure);
  EXPECT_GT(six.meets.rate, 0.99 * kCapacity);
  EXPECT_LT(six.breaks.rate, 1.02 * kCapacity);
}

TEST(KneeRefinementTest, ConcurrencyBisectsIntegersAndStops) {
  Load lo, hi;
  lo.concurrency = 4;
  hi.concurrency = 12;
  unsigned measured = 0;
  const auto measure = [&](const Load& load) -> std::optional<bool> {
    ++measured;
    return load.concurrency <= 6;  // knee at 6
  };
  const KneeBracket b = refine_knee({lo, hi}, 10, measure);
  EXPECT_EQ(b.meets.concurrency, 6u);
  EXPECT_EQ(b.breaks.concurrency, 7u);
  EXPECT_EQ(measured, 3u);  // 8, 6, 7: then nothing lies between
  // A stop request (nullopt) ends the bisection.
  const KneeBracket stopped = refine_knee(
      {lo, hi}, 5, [](const Load&) -> std::optional<bool> { return {}; });
  EXPECT_EQ(stopped.meets.concurrency, 4u);
  EXPECT_EQ(stopped.breaks.concurrency, 12u);
}

}  // namespace
}  // namespace apb
