// The threads that share one op's CPU kernel are --threads, whatever the
// ops in flight: `parallel` and `hybrid` split even a single op over every
// thread (a oneTBB arena sized by the concurrency gave one op one thread).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
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
  std::condition_variable joined;
  std::set<std::thread::id> ids;
  // Each piece waits (up to 10 s) for a second thread to take a piece: on a
  // loaded machine a worker may wake only after one thread has run every
  // piece, so without the wait the count would be luck.
  bool wait_for_second = false;
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
      auto& k = kernel_threads();
      std::unique_lock lock(k.mutex);
      k.ids.insert(std::this_thread::get_id());
      k.joined.notify_all();
      if (k.wait_for_second) {  // once: a run on one thread fails in 10 s
        k.wait_for_second = false;
        k.joined.wait_for(lock, std::chrono::seconds(10),
                          [&] { return k.ids.size() >= 2; });
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(range.size()));
    return range.size();
  }
};
APB_REGISTER_WORKLOAD(SlowKernelWorkload);

std::size_t threads_sharing_one_op(std::string_view strategy,
                                   std::size_t concurrency,
                                   bool wait_for_second = true) {
  kernel_threads().ids.clear();
  kernel_threads().wait_for_second = wait_for_second;
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

TEST(KernelSplit, OpenmpSplitsOneOpOverEveryThread) {
  EXPECT_EQ(threads_sharing_one_op("openmp", 0), 2u);
  EXPECT_EQ(threads_sharing_one_op("openmp", 1), 2u);
}

TEST(KernelSplit, HybridSplitsOneOpOverEveryThread) {
  EXPECT_EQ(threads_sharing_one_op("hybrid", 1), 2u);
}

TEST(KernelSplit, SequentialRunsTheKernelOnOneThread) {
  EXPECT_EQ(threads_sharing_one_op("sequential", 1, false), 1u);
}

}  // namespace
}  // namespace apb
