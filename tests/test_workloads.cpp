#include "test_workloads.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "apbench/seed.hpp"

namespace apb::testing {

OpCounts& op_counts() {
  static OpCounts counts;
  return counts;
}

std::vector<const Strategy*> strategies_for(std::string_view workload) {
  const auto& info = Registry::instance().workload(workload).info;
  std::vector<const Strategy*> out;
  for (const Strategy* s : Registry::instance().strategies())
    if (!s->unsupported_reason(info)) out.push_back(s);
  return out;
}

std::size_t directory_entries(const char* dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(dir))
    ++n;
  return n;
}

namespace {

// Lane state of the counting workloads: is an op of this lane running?
struct LaneUse {
  std::atomic<bool> busy{false};
};

void count(std::size_t index) {
  auto& c = op_counts();
  c.runs.at(index).fetch_add(1);
  if (c.fail_every != 0 && index % c.fail_every == 0)
    throw std::runtime_error("planted failure");
}

// Both forms; the async form yields to the event loop once so ops interleave.
class CountingWorkload final : public Workload {
 public:
  static WorkloadInfo info() {
    return {.name = "test.counting",
            .kind = WorkloadKind::io,
            .description = "test: counts each op",
            .params = {},
            .forms = form_async | form_blocking,
            .default_ops = 10};
  }
  void setup(const RunSetup&) override {}
  asio::awaitable<void> async_op(OpContext& op) override {
    enter(op);
    co_await asio::post(co_await asio::this_coro::executor,
                        asio::use_awaitable);
    count(op.index());
    op.add_digest(mix64(op.index()));
    leave(op);
  }
  void blocking_op(OpContext& op) override {
    enter(op);
    count(op.index());
    op.add_digest(mix64(op.index()));
    leave(op);
  }

 private:
  // Records the lane's index and checks no other op of it is running.
  static void enter(OpContext& op) {
    auto& c = op_counts();
    std::size_t seen = c.lanes_seen.load();
    const std::size_t mine = op.lane().index() + 1;
    while (seen < mine && !c.lanes_seen.compare_exchange_weak(seen, mine)) {
    }
    if (op.lane().state<LaneUse>().busy.exchange(true)) ++c.lane_overlaps;
  }
  static void leave(OpContext& op) {
    op.lane().state<LaneUse>().busy.store(false);
  }
};

// Kernel form only: the framework derives the blocking and async ops.
class KernelWorkload final : public Workload {
 public:
  static WorkloadInfo info() {
    return {.name = "test.kernel",
            .kind = WorkloadKind::cpu,
            .description = "test: a kernel over 1000 items",
            .params = {},
            .forms = form_kernel,
            .default_ops = 10};
  }
  void setup(const RunSetup&) override {}
  std::size_t kernel_size() const override { return 1000; }
  std::uint64_t kernel(OpContext& op, IndexRange r) override {
    if (r.begin == 0) count(op.index());
    std::uint64_t d = 0;
    for (std::size_t i = r.begin; i < r.end; ++i) d += mix64(op.seed() ^ i);
    return d;
  }
};

// Async form only: blocking strategies must report n/a.
class AsyncOnlyWorkload final : public Workload {
 public:
  static WorkloadInfo info() {
    return {.name = "test.async_only",
            .kind = WorkloadKind::io,
            .description = "test: async form only",
            .params = {},
            .forms = form_async,
            .default_ops = 10};
  }
  void setup(const RunSetup&) override {}
  asio::awaitable<void> async_op(OpContext& op) override {
    count(op.index());
    co_return;
  }
};

// A 10 ms wait, except that op `stall_op` blocks its thread for `stall`:
// under `async` that freezes the event loop mid-run, the stall a closed
// loop hides (coordinated omission) and an open loop must show.
class LoopBlockerWorkload final : public Workload {
 public:
  static WorkloadInfo info() {
    return {.name = "test.loop_blocker",
            .kind = WorkloadKind::io,
            .description = "test: 10 ms waits; one op blocks the loop",
            .params = {{"stall",
                        ParamType::duration,
                        "200ms",
                        "how long op stall_op blocks its thread",
                        {}},
                       {"stall_op",
                        ParamType::integer,
                        "100",
                        "index of the op that blocks",
                        {}}},
            .forms = form_async,
            .default_ops = 200};
  }
  void setup(const RunSetup& run) override {
    stall_ = run.params.duration("stall");
    stall_op_ = static_cast<std::size_t>(run.params.integer("stall_op"));
  }
  asio::awaitable<void> async_op(OpContext& op) override {
    if (op.index() == stall_op_) std::this_thread::sleep_for(stall_);
    asio::steady_timer timer(co_await asio::this_coro::executor,
                             std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::use_awaitable);
  }

 private:
  std::chrono::nanoseconds stall_{};
  std::size_t stall_op_ = 0;
};

// A 20 ms wait whose odd-numbered ops fail at once, with the ideal of
// every op waiting at once: failing ops end early, which must not make a
// run look faster than the ideal.
class HalfFailingWorkload final : public Workload {
 public:
  static WorkloadInfo info() {
    return {.name = "test.half_failing",
            .kind = WorkloadKind::io,
            .description = "test: 20 ms waits; odd ops fail at once",
            .params = {},
            .forms = form_async,
            .default_ops = 8};
  }
  void setup(const RunSetup&) override {}
  std::optional<double> ideal_seconds(const RunSetup&) const override {
    return 0.020;
  }
  asio::awaitable<void> async_op(OpContext& op) override {
    if (op.index() % 2 == 1) throw std::runtime_error("planted failure");
    asio::steady_timer timer(co_await asio::this_coro::executor,
                             std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
};

}  // namespace
}  // namespace apb::testing

APB_REGISTER_WORKLOAD(apb::testing::HalfFailingWorkload);
APB_REGISTER_WORKLOAD(apb::testing::CountingWorkload);
APB_REGISTER_WORKLOAD(apb::testing::KernelWorkload);
APB_REGISTER_WORKLOAD(apb::testing::AsyncOnlyWorkload);
APB_REGISTER_WORKLOAD(apb::testing::LoopBlockerWorkload);
