// io.sleep: a simulated I/O call that waits `delay`. The async form waits
// on an Asio steady_timer (the thread is free meanwhile); the blocking
// form sleeps the thread. The first seed post's "10 calls of 500 ms".
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <thread>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/registry.hpp"
#include "apbench/seed.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;

class SleepWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "io.sleep",
        .kind = apb::WorkloadKind::io,
        .description =
            "simulated I/O call: waits `delay` (timer when async, "
            "thread sleep when blocking)",
        .params = {{"delay",
                    apb::ParamType::duration,
                    "500ms",
                    "mean wait per op",
                    {}},
                   {"distribution",
                    apb::ParamType::choice,
                    "fixed",
                    "fixed: every op waits delay; uniform: 0..2*delay; "
                    "exponential: mean delay (seeded)",
                    {"fixed", "uniform", "exponential"}}},
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 10,
    };
  }

  void setup(const apb::RunSetup& run) override {
    mean_ = run.params.duration("delay");
    distribution_ = run.params.text("distribution");
    seed_ = run.seed;
  }

  asio::awaitable<void> async_op(apb::OpContext& op) override {
    asio::steady_timer timer(co_await asio::this_coro::executor,
                             delay_of(op.index()));
    co_await timer.async_wait(asio::use_awaitable);
  }

  void blocking_op(apb::OpContext& op) override {
    // Ends early when the run is asked to stop (Ctrl-C).
    op.sleep_for(delay_of(op.index()));
  }

  // With C ops in flight, the run cannot end before its longest wait nor
  // before the total wait divided over C lanes; for equal waits, exactly
  // ceil(N / C) waits in sequence.
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    const std::size_t lanes = std::max<std::size_t>(run.concurrency, 1);
    if (distribution_ == "fixed") {
      const auto rounds = (run.ops + lanes - 1) / lanes;
      return duration<double>(mean_).count() * static_cast<double>(rounds);
    }
    double longest = 0, total = 0;
    for (std::size_t i = 0; i < run.ops; ++i) {
      const double d = duration<double>(delay_of(i)).count();
      longest = std::max(longest, d);
      total += d;
    }
    return std::max(longest, total / static_cast<double>(lanes));
  }

 private:
  // Op i's wait depends only on the run seed and i, so every strategy
  // waits the same waits.
  nanoseconds delay_of(std::size_t index) const {
    if (distribution_ == "fixed") return mean_;
    const double u = apb::unit_interval(apb::op_seed(seed_, index));
    const double mean = static_cast<double>(mean_.count());
    const double ns =
        distribution_ == "uniform" ? 2.0 * mean * u : -mean * std::log1p(-u);
    return nanoseconds(static_cast<std::int64_t>(ns));
  }

  nanoseconds mean_{};
  std::string distribution_;
  std::uint64_t seed_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(SleepWorkload);
