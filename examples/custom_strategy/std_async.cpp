// `std-async`: every op in flight on a thread of its own from
// std::async(std::launch::async), the first tool many reach for, measured
// beside apbench's strategies on the same workloads.
#include <apbench/strategy_kit.hpp>
#include <future>
#include <semaphore>
#include <vector>

namespace {

// Fork-join: a std::async per child while the fork is shallower than
// kDepth (at most 15 threads per op for a binary tree), plain calls below:
// a thread per child all the way down would start millions of threads.
constexpr int kDepth = 4;
thread_local int depth = 0;  // of the fork running on this thread

class StdAsyncForkJoin final : public apb::ForkJoin {
 public:
  std::string_view name() const override {
    return "std::async per child above depth 4";
  }
  void join(apb::ForkTasks children) override {
    const int level = depth;
    if (level >= kDepth) {
      for (apb::ForkTask* child : children) child->run(*this);
      return;
    }
    std::vector<std::future<void>> spawned;
    for (apb::ForkTask* child : children.first(children.size() - 1))
      spawned.push_back(std::async(std::launch::async, [this, child, level] {
        depth = level + 1;
        child->run(*this);
      }));
    depth = level + 1;  // the last child runs here, as std::async users do
    children.back()->run(*this);
    depth = level;
    for (auto& child : spawned) child.get();  // rethrows a child's failure
  }
};

class StdAsyncStrategy final : public apb::Strategy {
 public:
  std::string_view name() const override { return "std-async"; }
  std::string_view description() const override {
    return "std::async(std::launch::async) per op in flight and per "
           "fork-join child above depth 4: a new thread each";
  }
  // What the analysis, advice and charts know of it.
  apb::StrategyTraits traits() const override {
    return {.model = apb::ExecutionModel::thread_per_op, .simplicity = 2};
  }
  // It runs the blocking form only: "n/a" and why for async-only workloads.
  std::optional<std::string> unsupported_reason(
      const apb::WorkloadInfo& info) const override {
    return apb::needs_blocking(info);
  }
  std::size_t effective_concurrency(const apb::Load& load) const override {
    return load.requested_concurrency();
  }
  // Ops run on threads that come and go: one record, shared.
  Recording recording(const apb::Load&) const override {
    return {.slots = 1, .shared = true};
  }

  void execute(const apb::WorkloadInfo&, apb::Workload& workload,
               apb::Batch& batch) const override {
    StdAsyncForkJoin fork_join;
    apb::InlineCompute compute(fork_join);  // CPU work on the op's thread
    // At most the load's concurrency of ops in flight at once.
    std::counting_semaphore<> free_slots(
        static_cast<std::ptrdiff_t>(batch.concurrency()));
    std::vector<std::future<void>> ops;
    while (true) {
      free_slots.acquire();
      const auto index = batch.claim();  // none left, or the run stopped
      if (!index) break;
      ops.push_back(std::async(std::launch::async, [&, i = *index] {
        apb::LaneState lane(i);
        batch.run_blocking(workload, i, compute, 0, lane);
        free_slots.release();
      }));
    }
    for (auto& op : ops) op.get();
  }
};

}  // namespace

APB_REGISTER_STRATEGY(StdAsyncStrategy);
