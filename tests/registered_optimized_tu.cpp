// Registered from a translation unit compiled with -O2 (tests/CMakeLists.txt).
#include <apbench/apbench.hpp>

namespace {
class Optimized final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {.name = "test.built_optimized",
            .kind = apb::WorkloadKind::cpu,
            .description = "test: registered from an -O2 translation unit",
            .params = {},
            .forms = apb::form_blocking,
            .default_ops = 1};
  }
  void setup(const apb::RunSetup&) override {}
  void blocking_op(apb::OpContext&) override {}
};
}  // namespace

APB_REGISTER_WORKLOAD(Optimized);
