// cpu.spin: `work` of calibrated busy computation per op (not a sleep),
// split into pieces so a strategy can spread one op over cores.
#include <fmt/format.h>

#include "apbench/busy_work.hpp"
#include "apbench/registry.hpp"
#include "apbench/units.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;

constexpr std::size_t kPieces = 64;

class SpinWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "cpu.spin",
        .kind = apb::WorkloadKind::cpu,
        .description =
            "calibrated busy computation of `work` per op, "
            "splittable into 64 pieces",
        .params = {{"work",
                    apb::ParamType::duration,
                    "5ms",
                    "CPU time per op on one core",
                    {}}},
        .forms = apb::form_kernel,
        .default_ops = 64,
    };
  }

  void setup(const apb::RunSetup& run) override {
    work_ = run.params.duration("work");
    iterations_ = apb::busy_iterations_for(work_);
  }

  std::size_t kernel_size() const override { return kPieces; }
  std::uint64_t kernel(apb::OpContext& op, apb::IndexRange range) override {
    return apb::busy_kernel(iterations_, kPieces, op.seed())(range);
  }

  // N ops of W each on P cores: no faster than N * W / P.
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    return duration<double>(work_).count() * static_cast<double>(run.ops) /
           run.cores;
  }

  std::vector<std::pair<std::string, std::string>> notes() const override {
    return {
        {"calibration", fmt::format("{:.0f} busy iterations per ms on one core "
                                    "(measured at start-up)",
                                    apb::busy_iterations_per_second() / 1e3)}};
  }

 private:
  nanoseconds work_{};
  std::uint64_t iterations_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(SpinWorkload);
