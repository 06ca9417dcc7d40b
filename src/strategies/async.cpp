// async: every op a coroutine on ONE io_context thread, all in flight at
// once and awaited together: C#'s Task.WhenAll. Waits overlap; CPU work
// runs on (and blocks) the one thread.
#include "apbench/compute_policies.hpp"
#include "apbench/lanes.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"

namespace apb {
namespace {

class AsyncStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "async"; }
  std::string_view description() const override {
    return "all ops as Asio coroutines on ONE io_context thread, awaited "
           "together (Task.WhenAll); CPU work runs on that thread";
  }
  StrategyTraits traits() const override {
    return {.model = ExecutionModel::event_loop,
            .event_loop = true,
            .one_thread = true,
            .simplicity = 1};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const override {
    return needs_async(info);
  }
  std::size_t effective_concurrency(const Load& load) const override {
    return load.requested_concurrency();
  }

  unsigned compute_threads(const Load&) const override { return 1; }

  void execute(const WorkloadInfo&, Workload& workload,
               Batch& batch) const override {
    asio::io_context ioc(1);  // concurrency hint 1: no locking inside
    CoroutineForkJoin fork_join(ioc.get_executor(),
                                /*queued=*/false);  // children on it too
    InlineCompute compute(fork_join);
    LoopLagProbe probe(ioc, batch);  // after ioc: destroyed before it
    const StopLoopOnRequest stop(ioc, batch);
    spawn_lanes(ioc, batch, workload, compute, 0, false, &probe);
    ioc.run();
  }
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(AsyncStrategy);

}  // namespace apb
