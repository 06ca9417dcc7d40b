// hybrid: I/O as coroutines on one io_context thread, CPU work offloaded
// with co_await apb::offload to a oneTBB arena and split across its
// workers; the coroutine resumes on its executor (C#'s await Task.Run).
#include "apbench/compute_policies.hpp"
#include "apbench/lanes.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"
#include "apbench/tbb_arena.hpp"

namespace apb {
namespace {

class HybridStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "hybrid"; }
  std::string_view description() const override {
    return "coroutines on one io_context thread for I/O; CPU work "
           "offloaded to a oneTBB arena of T threads and split there";
  }
  StrategyTraits traits() const override {
    return {.model = ExecutionModel::loop_and_pool,
            .event_loop = true,
            .offloads_cpu = true,
            .simplicity = 4};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const override {
    return needs_async(info);
  }
  std::size_t effective_concurrency(const Load& load) const override {
    return load.requested_concurrency();
  }

  void execute(const WorkloadInfo&, Workload& workload,
               Batch& batch) const override {
    OffloadArena arena(batch.threads());
    OffloadCompute compute(arena.arena());
    asio::io_context ioc(1);
    // Ops resume on the io_context thread, so one slot suffices.
    LoopLagProbe probe(ioc, batch);  // after ioc: destroyed before it
    const StopLoopOnRequest stop(ioc, batch);
    spawn_lanes(ioc, batch, workload, compute, 0, false, &probe);
    ioc.run();
  }
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(HybridStrategy);

}  // namespace apb
