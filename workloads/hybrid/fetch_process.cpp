// hybrid.fetch_process: the second seed post's web API. Each op fetches
// (simulated I/O of `delay`), processes (calibrated CPU work of `work`,
// splittable across cores) and responds (simulated I/O of `respond`).
// Waits overlap only for async forms; the CPU part uses all cores only
// where the strategy splits it (parallel, hybrid).
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "apbench/busy_work.hpp"
#include "apbench/registry.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;

constexpr std::size_t kPieces = 64;

asio::awaitable<void> wait_for(nanoseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

class FetchProcessWorkload final : public apb::Workload {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "hybrid.fetch_process",
        .kind = apb::WorkloadKind::hybrid,
        .description =
            "web API request: fetch (I/O wait), process (CPU, "
            "splittable), respond (I/O wait)",
        .params = {{"delay",
                    apb::ParamType::duration,
                    "20ms",
                    "fetch wait per op",
                    {}},
                   {"work",
                    apb::ParamType::duration,
                    "40ms",
                    "CPU time of the processing per op on one core",
                    {}},
                   {"respond",
                    apb::ParamType::duration,
                    "5ms",
                    "respond wait per op",
                    {}}},
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 16,
    };
  }

  void setup(const apb::RunSetup& run) override {
    fetch_ = run.params.duration("delay");
    work_ = run.params.duration("work");
    respond_ = run.params.duration("respond");
    iterations_ = apb::busy_iterations_for(work_);
  }

  asio::awaitable<void> async_op(apb::OpContext& op) override {
    co_await wait_for(fetch_);
    op.add_digest(co_await op.async_compute(
        kPieces, apb::busy_kernel(iterations_, kPieces, op.seed())));
    co_await wait_for(respond_);
  }

  void blocking_op(apb::OpContext& op) override {
    std::this_thread::sleep_for(fetch_);
    op.add_digest(
        op.compute(kPieces, apb::busy_kernel(iterations_, kPieces, op.seed())));
    std::this_thread::sleep_for(respond_);
  }

  // One op's critical path is fetch + work / cores + respond; C lanes run
  // ceil(N / C) of them in turn; and all N * work of CPU must fit on the
  // cores between the first fetch and the last respond.
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    const double fetch = duration<double>(fetch_).count();
    const double work = duration<double>(work_).count();
    const double respond = duration<double>(respond_).count();
    const double cores = run.cores;
    const std::size_t lanes = std::max<std::size_t>(run.concurrency, 1);
    const double rounds = static_cast<double>((run.ops + lanes - 1) / lanes);
    const double latency_bound = rounds * (fetch + work / cores + respond);
    const double cpu_bound =
        fetch + static_cast<double>(run.ops) * work / cores + respond;
    return std::max(latency_bound, cpu_bound);
  }

 private:
  nanoseconds fetch_{}, work_{}, respond_{};
  std::uint64_t iterations_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(FetchProcessWorkload);
