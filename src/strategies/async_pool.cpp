// async-pool: the same coroutines, one io_context run by T threads. Waits
// overlap and CPU work spreads over the threads, but each op's CPU work
// still runs whole on whichever thread resumed it.
#include <thread>
#include <vector>

#include "apbench/compute_policies.hpp"
#include "apbench/lanes.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"

namespace apb {
namespace {

class AsyncPoolStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "async-pool"; }
  std::string_view description() const override {
    return "the same coroutines on one io_context run by T threads; CPU "
           "work runs whole on whichever thread resumed the op";
  }
  StrategyTraits traits() const override {
    return {.model = ExecutionModel::event_loop_pool,
            .event_loop = true,
            .simplicity = 3};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const override {
    return needs_async(info);
  }
  std::size_t effective_concurrency(const Load& load) const override {
    return load.requested_concurrency();
  }
  Recording recording(const Load& load) const override {
    return {load.threads, false};  // one slot per pool thread
  }

  void execute(const WorkloadInfo&, Workload& workload,
               Batch& batch) const override {
    asio::io_context ioc(static_cast<int>(batch.threads()));
    // Fork-join children go to the pool itself, not to the op's strand.
    CoroutineForkJoin fork_join(ioc.get_executor(), /*queued=*/true);
    InlineCompute compute(fork_join);
    Batch::set_thread_slot(0);       // spawning starts lanes on this thread too
    LoopLagProbe probe(ioc, batch);  // after ioc: destroyed before it
    const StopLoopOnRequest stop(ioc, batch);
    spawn_lanes(ioc, batch, workload, compute, Batch::kThreadSlot,
                /*strand_per_lane=*/batch.threads() > 1, &probe);
    std::vector<std::jthread> pool;
    pool.reserve(batch.threads());
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto run = [&](unsigned slot) {
      Batch::set_thread_slot(slot);
      try {
        ioc.run();
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        batch.stop();
        ioc.stop();
      }
    };
    for (unsigned t = 1; t < batch.threads(); ++t) pool.emplace_back(run, t);
    run(0);        // the calling thread is pool thread 0
    pool.clear();  // joins
    if (failure) std::rethrow_exception(failure);
  }
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(AsyncPoolStrategy);

}  // namespace apb
