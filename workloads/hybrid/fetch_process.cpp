// hybrid.fetch_process: the second seed post's web API, as a pipeline. Each
// op fetches (simulated I/O of `delay`), processes (calibrated CPU work of
// `work`, splittable across cores) and responds (simulated I/O of
// `respond`).
// Waits overlap only for async forms; the CPU part uses all cores only
// where the strategy splits it (parallel, hybrid).
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "apbench/busy_work.hpp"
#include "apbench/pipeline.hpp"
#include "apbench/registry.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;

constexpr std::size_t kFetchProcessPieces = 64;

class FetchProcessWorkload final : public apb::PipelineWorkload<> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "hybrid.fetch_process",
        .kind = apb::WorkloadKind::hybrid,
        .description =
            "web API request as a pipeline: fetch (I/O wait), process (CPU, "
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
        .forms = apb::form_async | apb::form_blocking | apb::form_pipeline,
        .default_ops = 16,
        // Two requests in flight: fewer than cores, so splitting one
        // request's processing across cores pays (the seed post's point).
        .default_concurrency = 2,
    };
  }

  void setup(const apb::RunSetup& run) override {
    fetch_ = run.params.duration("delay");
    work_ = run.params.duration("work");
    respond_ = run.params.duration("respond");
    iterations_ = apb::busy_iterations_for(work_);
  }

  // The ideal (PipelineWorkload::ideal_seconds) comes from these costs: one
  // op's critical path is fetch + work / cores + respond, and all N x work
  // of CPU must fit on the cores between the first fetch and last respond.
  std::vector<apb::Stage> stages() const override {
    auto s = [](nanoseconds d) { return duration<double>(d).count(); };
    return {{"fetch", apb::StageKind::io, s(fetch_)},
            {"process", apb::StageKind::cpu, s(work_)},
            {"respond", apb::StageKind::io, s(respond_)}};
  }

  asio::awaitable<void> async_io(apb::OpContext&, apb::NoOpState&,
                                 std::size_t stage) override {
    asio::steady_timer timer(co_await asio::this_coro::executor,
                             stage == 0 ? fetch_ : respond_);
    co_await timer.async_wait(asio::use_awaitable);
  }
  void blocking_io(apb::OpContext&, apb::NoOpState&,
                   std::size_t stage) override {
    std::this_thread::sleep_for(stage == 0 ? fetch_ : respond_);
  }

  std::size_t cpu_items(const apb::OpContext&, const apb::NoOpState&,
                        std::size_t) const override {
    return kFetchProcessPieces;
  }
  std::uint64_t cpu_kernel(const apb::OpContext& op, const apb::NoOpState&,
                           std::size_t, apb::IndexRange range) override {
    return apb::busy_kernel(iterations_, kFetchProcessPieces, op.seed())(range);
  }

 private:
  nanoseconds fetch_{}, work_{}, respond_{};
  std::uint64_t iterations_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(FetchProcessWorkload);
