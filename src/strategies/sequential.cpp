// sequential: one op after another on the calling thread, the baseline
// every speed-up is measured against (the seed post's `foreach await`).
#include "apbench/compute_policies.hpp"
#include "apbench/lanes.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"

namespace apb {
namespace {

class SequentialStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "sequential"; }
  std::string_view description() const override {
    return "one op after another on one thread: the baseline (blocking "
           "form, or one awaited coroutine at a time)";
  }
  StrategyTraits traits() const override {
    return {.model = ExecutionModel::calling_thread,
            .baseline = true,
            .one_thread = true,
            .simplicity = 0};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo&) const override {
    return std::nullopt;  // every workload has a blocking or an async form
  }
  std::size_t effective_concurrency(const Load&) const override { return 1; }

  unsigned compute_threads(const Load&) const override { return 1; }

  void execute(const WorkloadInfo& info, Workload& workload,
               Batch& batch) const override {
    InlineCompute compute;
    if (has_blocking_form(info)) {
      run_blocking_lane(batch, workload, compute, 0, 0);
      return;
    }
    asio::io_context ioc(1);
    const StopLoopOnRequest stop(ioc, batch);
    spawn_lanes(ioc, batch, workload, compute, 0);  // one lane: concurrency 1
    ioc.run();
  }
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(SequentialStrategy);

}  // namespace apb
