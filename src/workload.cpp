#include "apbench/workload.hpp"

#include <stdexcept>

#include "apbench/seed.hpp"

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
  return out;
}

std::uint64_t OpContext::seed() const { return op_seed(run_seed_, index_); }

asio::awaitable<void> Workload::async_op(OpContext& op) {
  // A kernel-only workload is still an op the async strategies can await:
  // its CPU work goes through the strategy's compute policy.
  op.add_digest(co_await op.async_compute(
      kernel_size(), [this, &op](IndexRange r) { return kernel(op, r); }));
}

void Workload::blocking_op(OpContext& op) {
  op.add_digest(op.compute(
      kernel_size(), [this, &op](IndexRange r) { return kernel(op, r); }));
}

std::uint64_t Workload::kernel(OpContext&, IndexRange) {
  throw std::logic_error("workload declares no kernel form");
}

}  // namespace apb
