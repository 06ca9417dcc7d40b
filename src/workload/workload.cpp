#include "apbench/workload.hpp"

#include <chrono>
#include <stdexcept>

#include "apbench/fork_join.hpp"
#include "apbench/seed.hpp"
#include "apbench/stop.hpp"

namespace apb {

std::string_view to_string(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::io:
      return "io";
    case WorkloadKind::cpu:
      return "cpu";
    case WorkloadKind::hybrid:
      return "hybrid";
  }
  return "?";
}

std::string forms_to_string(unsigned forms) {
  std::string out;
  auto add = [&](unsigned bit, const char* name) {
    if ((forms & bit) == 0) return;
    if (!out.empty()) out += ',';
    out += name;
  };
  add(form_async, "async");
  add(form_blocking, "blocking");
  add(form_kernel, "kernel");
  add(form_pipeline, "pipeline");
  add(form_fork_join, "fork-join");
  return out;
}

std::uint64_t OpContext::seed() const { return op_seed(run_seed_, index_); }

namespace {
std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void OpContext::mark_op_start() {
  if (stage_row_ && stage_row_[0] == 0) stage_row_[0] = steady_now_ns();
}

bool OpContext::sleep_for(std::chrono::nanoseconds duration) const {
  return apb::sleep_for(*stop_, duration);
}

void OpContext::mark_stage(std::size_t stage, bool begin) {
  if (stage_row_) stage_row_[1 + 2 * stage + (begin ? 0 : 1)] = steady_now_ns();
}

asio::awaitable<void> Workload::async_op(OpContext& op) {
  // A kernel-only workload is still an op the async strategies can await:
  // its CPU work goes through the strategy's compute policy.
  // The kernel lives in this frame, so the policy's coroutine is awaited
  // directly (OpContext::async_compute would add a frame per op).
  const Kernel kernel = [this, &op](IndexRange r) {
    return this->kernel(op, r);
  };
  op.add_digest(co_await op.compute_policy().run_async(kernel_size(), kernel));
}

void Workload::blocking_op(OpContext& op) {
  op.add_digest(op.compute(
      kernel_size(), [this, &op](IndexRange r) { return kernel(op, r); }));
}

ForkJoin& ComputePolicy::fork_join() { return inline_fork_join(); }

ForkJoin& inline_fork_join() {
  static InlineForkJoin model;
  return model;
}

asio::awaitable<void> ForkJoin::async_join(ForkTasks children) {
  for (ForkTask* child : children) co_await child->run_async(*this);
}

asio::awaitable<void> ForkJoin::async_run(ForkTask& root) {
  co_await root.run_async(*this);
}

std::uint64_t Workload::kernel(OpContext&, IndexRange) {
  throw std::logic_error("workload declares no kernel form");
}

}  // namespace apb
