// The threads that share one op's CPU kernel are --threads, whatever the
// ops in flight: `parallel` and `hybrid` split even a single op over every
// thread (a oneTBB arena sized by the concurrency gave one op one thread).
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "apbench/registry.hpp"
#include "apbench/runner.hpp"

namespace apb {
namespace {

// The threads that ran kernel pieces of the current run.
struct KernelThreads {
  std::mutex mutex;
  std::set<std::thread::id> ids;
};
KernelThreads& kernel_threads() {
  static KernelThreads threads;
  return threads;
}

// A kernel of 64 items of 1 ms each: long enough that an idle worker
// always finds a piece to take, so the count of threads is not luck.
class SlowKernelWorkload final : public Workload {
 public:
  static WorkloadInfo info() {
    return {.name = "test.slow_kernel",
            .kind = WorkloadKind::cpu,
            .description = "test: a kernel of 64 items of 1 ms each",
            .params = {},
            .forms = form_kernel,
            .default_ops = 1};
  }
  void setup(const RunSetup&) override {}
  std::size_t kernel_size() const override { return 64; }
  std::uint64_t kernel(OpContext&, IndexRange range) override {
    {
      std::lock_guard lock(kernel_threads().mutex);
      kernel_threads().ids.insert(std::this_thread::get_id());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(range.size()));
    return range.size();
  }
};
APB_REGISTER_WORKLOAD(SlowKernelWorkload);

std::size_t threads_sharing_one_op(std::string_view strategy,
                                   std::size_t concurrency) {
  kernel_threads().ids.clear();
  const auto& w = Registry::instance().workload("test.slow_kernel");
  RunRequest r;
  r.workload = &w;
  r.strategy = &Registry::instance().strategy(strategy);
  r.params = Params(w.info.params);
  r.load.ops = 1;
  r.load.concurrency = concurrency;
  r.load.threads = 2;
  r.repetitions = 1;
  r.warmup = 0;
  const RunResult result = run(r);
  EXPECT_EQ(result.status, RunStatus::ok) << result.reason;
  EXPECT_EQ(result.checksum, std::optional<std::uint64_t>(64));
  return kernel_threads().ids.size();
}

TEST(KernelSplit, ParallelSplitsOneOpOverEveryThread) {
  EXPECT_EQ(threads_sharing_one_op("parallel", 0), 2u);
  EXPECT_EQ(threads_sharing_one_op("parallel", 1), 2u);
}

TEST(KernelSplit, HybridSplitsOneOpOverEveryThread) {
  EXPECT_EQ(threads_sharing_one_op("hybrid", 1), 2u);
}

TEST(KernelSplit, SequentialRunsTheKernelOnOneThread) {
  EXPECT_EQ(threads_sharing_one_op("sequential", 1), 1u);
}

}  // namespace
}  // namespace apb
