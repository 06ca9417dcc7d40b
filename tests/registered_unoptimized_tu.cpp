// Registered from a translation unit compiled with -O0 (tests/CMakeLists.txt),
// as a user's project configured without CMAKE_BUILD_TYPE would be.
#include <apbench/apbench.hpp>

namespace {
class Unoptimized final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {.name = "test.built_unoptimized",
            .kind = apb::WorkloadKind::cpu,
            .description = "test: registered from an -O0 translation unit",
            .params = {},
            .forms = apb::form_blocking,
            .default_ops = 1};
  }
  void setup(const apb::RunSetup&) override {}
  void blocking_op(apb::OpContext&) override {}
};
}  // namespace

APB_REGISTER_WORKLOAD(Unoptimized);
