// hybrid.web_api: the second seed post's web API with a fan-out inside each
// request. An op fetches `fanout` items (simulated I/O of `delay` each),
// processes them (calibrated CPU work of `work` per item, splittable across
// cores) and responds (simulated I/O of `respond`).
// The async form starts all `fanout` fetches at once and awaits them all
// (C#'s Task.WhenAll inside a request): one `delay`. The blocking form is a
// blocking client making one call at a time: `fanout` x `delay`.
#include <fmt/format.h>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <thread>
#include <vector>

#include "apbench/busy_work.hpp"
#include "apbench/error.hpp"
#include "apbench/pipeline.hpp"
#include "apbench/registry.hpp"

namespace {

using namespace std::chrono;
namespace asio = apb::asio;

// Kernel items per fetched item: a request's processing is fanout x
// kPiecesPerItem items, so a strategy can split it over the cores whatever
// the fan-out.
constexpr std::size_t kPiecesPerItem = 16;
constexpr std::int64_t kMaxFanout = 1024;

enum WebApiStage : std::size_t { kFetch = 0, kProcess = 1, kRespond = 2 };

class WebApiWorkload final : public apb::PipelineWorkload<> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "hybrid.web_api",
        .kind = apb::WorkloadKind::hybrid,
        .description =
            "web API request with fan-out: fetch fanout items (async: all at "
            "once, one delay; blocking: one at a time, fanout x delay), "
            "process them (CPU, splittable), respond (I/O wait)",
        .params = {{"fanout",
                    apb::ParamType::integer,
                    "4",
                    "items fetched and processed per request (1..1024)",
                    {}},
                   {"delay",
                    apb::ParamType::duration,
                    "20ms",
                    "fetch wait per item",
                    {}},
                   {"work",
                    apb::ParamType::duration,
                    "4ms",
                    "CPU time of the processing per item on one core",
                    {}},
                   {"respond",
                    apb::ParamType::duration,
                    "1ms",
                    "respond wait per request",
                    {}}},
        .forms = apb::form_async | apb::form_blocking | apb::form_pipeline,
        .default_ops = 32,
        // Two clients: with fewer requests in flight than cores, only
        // splitting one request's processing over the cores uses them all.
        .default_concurrency = 2,
    };
  }

  void setup(const apb::RunSetup& run) override {
    const auto fanout = run.params.integer("fanout");
    if (fanout < 1 || fanout > kMaxFanout)
      throw apb::UsageError(
          fmt::format("bad value '{}' for parameter 'fanout': expected 1..{}",
                      fanout, kMaxFanout));
    fanout_ = static_cast<std::size_t>(fanout);
    delay_ = run.params.duration("delay");
    work_ = run.params.duration("work");
    respond_ = run.params.duration("respond");
    iterations_ = apb::busy_iterations_for(work_);
  }

  // Costs for the ideal (PipelineWorkload::ideal_seconds): the fetch's
  // critical path is one delay (the async form's concurrent fetches), the
  // processing is fanout x work on one core.
  std::vector<apb::Stage> stages() const override {
    auto s = [](nanoseconds d) { return duration<double>(d).count(); };
    return {
        {"fetch", apb::StageKind::io, s(delay_)},
        {"process", apb::StageKind::cpu,
         s(work_) * static_cast<double>(fanout_)},
        {"respond", apb::StageKind::io, s(respond_)},
    };
  }

  asio::awaitable<void> async_io(apb::OpContext&, apb::NoOpState&,
                                 std::size_t stage) override {
    const auto executor = co_await asio::this_coro::executor;
    if (stage == kRespond || fanout_ == 1) {
      asio::steady_timer timer(executor, stage == kFetch ? delay_ : respond_);
      co_await timer.async_wait(asio::use_awaitable);
      co_return;
    }
    // Task.WhenAll: all fetches start now and the request goes on when the
    // last one is done.
    const auto deadline = steady_clock::now() + delay_;
    std::vector<asio::steady_timer> timers;
    timers.reserve(fanout_);
    using Wait = decltype(timers.front().async_wait(asio::deferred));
    std::vector<Wait> waits;
    waits.reserve(fanout_);
    for (std::size_t i = 0; i < fanout_; ++i) {
      timers.emplace_back(executor, deadline);
      waits.push_back(timers.back().async_wait(asio::deferred));
    }
    auto [order, errors] =
        co_await asio::experimental::make_parallel_group(std::move(waits))
            .async_wait(asio::experimental::wait_for_all(),
                        asio::use_awaitable);
    for (const auto& ec : errors)
      if (ec) throw boost::system::system_error(ec, "fetch");
  }

  // A blocking client makes one call at a time.
  void blocking_io(apb::OpContext&, apb::NoOpState&,
                   std::size_t stage) override {
    if (stage == kRespond) {
      std::this_thread::sleep_for(respond_);
      return;
    }
    for (std::size_t i = 0; i < fanout_; ++i)
      std::this_thread::sleep_for(delay_);
  }

  std::size_t cpu_items(const apb::OpContext&, const apb::NoOpState&,
                        std::size_t) const override {
    return fanout_ * kPiecesPerItem;
  }
  // fanout x kPiecesPerItem equal items, each seeded by (op seed, item):
  // any split gives the same digest.
  std::uint64_t cpu_kernel(const apb::OpContext& op, const apb::NoOpState&,
                           std::size_t, apb::IndexRange range) override {
    return apb::busy_kernel(iterations_ * fanout_, fanout_ * kPiecesPerItem,
                            op.seed())(range);
  }

 private:
  std::size_t fanout_ = 1;
  nanoseconds delay_{}, work_{}, respond_{};
  std::uint64_t iterations_ = 0;  // per item
};

}  // namespace

APB_REGISTER_WORKLOAD(WebApiWorkload);
