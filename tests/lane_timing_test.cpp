// A lane that runs its ops back to back reads the clock once per op: each
// op starts where the lane's previous op ended (Batch::run_lane_op and the
// coroutine lanes). These tests put a gap between two ops of one lane on
// purpose, so the gap shows up in the second op's latency exactly when the
// op was chained to the first, and never after a failed op, in an open
// loop, or through run_blocking (which reads the clock at both ends).
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "apbench/batch.hpp"
#include "apbench/compute_policies.hpp"

namespace apb {
namespace {

using namespace std::chrono_literals;

constexpr auto kGap = 30ms;
constexpr std::uint64_t kGapNs = 30'000'000;

// Empty ops; op 0 throws when asked to.
class EmptyOps final : public Workload {
 public:
  explicit EmptyOps(bool first_fails) : first_fails_(first_fails) {}
  void setup(const RunSetup&) override {}
  void blocking_op(OpContext& op) override {
    if (first_fails_ && op.index() == 0) throw std::runtime_error("planted");
  }

 private:
  bool first_fails_;
};

// Runs op 0, waits kGap, runs op 1, both on one lane; returns the batch's
// largest recorded latency.
template <typename RunOp>
std::uint64_t max_latency_after_gap(Batch& batch, bool first_fails,
                                    RunOp run_op) {
  EmptyOps workload(first_fails);
  InlineCompute compute;
  LaneState lane(0);
  batch.start();
  run_op(batch, workload, compute, lane, std::size_t{0});
  std::this_thread::sleep_for(kGap);
  run_op(batch, workload, compute, lane, std::size_t{1});
  return batch.merged().latency.max();
}

const auto lane_op = [](Batch& b, Workload& w, ComputePolicy& c, LaneState& l,
                        std::size_t i) { b.run_lane_op(w, i, c, 0, l); };
const auto blocking_op = [](Batch& b, Workload& w, ComputePolicy& c,
                            LaneState& l,
                            std::size_t i) { b.run_blocking(w, i, c, 0, l); };

TEST(LaneTiming, ABackToBackOpStartsWhereTheLanesPreviousOpEnded) {
  Batch batch(2, 1, 1, 1, 1, false);
  EXPECT_GE(max_latency_after_gap(batch, false, lane_op), kGapNs);
  EXPECT_EQ(batch.merged().ok, 2u);
}

TEST(LaneTiming, RunBlockingTimesEachOpOnItsOwn) {
  Batch batch(2, 1, 1, 1, 1, false);
  EXPECT_LT(max_latency_after_gap(batch, false, blocking_op), kGapNs);
  EXPECT_EQ(batch.merged().ok, 2u);
}

TEST(LaneTiming, AnOpAfterAFailedOneReadsTheClock) {
  Batch batch(2, 1, 1, 1, 1, false);
  EXPECT_LT(max_latency_after_gap(batch, true, lane_op), kGapNs);
  EXPECT_EQ(batch.merged().ok, 1u);
  EXPECT_EQ(batch.errors(), 1u);
}

TEST(LaneTiming, AnOpenLoopTimesEachOpFromItsOwnStart) {
  // Both ops due at once, so neither waits: only the gap could count.
  Batch batch(2, 1, 1, 1, 1, false);
  batch.set_schedule({0, 0}, 2);
  max_latency_after_gap(batch, false, lane_op);
  EXPECT_LT(batch.merged().service.max(), kGapNs);
  EXPECT_EQ(batch.merged().ok, 2u);
}

}  // namespace
}  // namespace apb
