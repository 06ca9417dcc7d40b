// hybrid.etl: a stream of items through read (simulated I/O of `read`),
// transform (calibrated CPU work of `work`, splittable across cores) and
// write (simulated I/O of `write`). The ops in flight (default 8) are the
// bounded buffer between the stages: at most that many items have been
// read and not yet written.
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

constexpr std::size_t kEtlPieces = 16;

enum EtlStage : std::size_t { kRead = 0, kTransform = 1, kWrite = 2 };

class EtlWorkload final : public apb::PipelineWorkload<> {
 public:
  static apb::WorkloadInfo info() {
    return {
        .name = "hybrid.etl",
        .kind = apb::WorkloadKind::hybrid,
        .description =
            "stream of items through read (I/O wait), transform (CPU, "
            "splittable), write (I/O wait); ops in flight are the bounded "
            "buffer",
        .params = {{"read",
                    apb::ParamType::duration,
                    "2ms",
                    "read wait per item",
                    {}},
                   {"work",
                    apb::ParamType::duration,
                    "4ms",
                    "CPU time of the transform per item on one core",
                    {}},
                   {"write",
                    apb::ParamType::duration,
                    "2ms",
                    "write wait per item",
                    {}}},
        .forms = apb::form_async | apb::form_blocking | apb::form_pipeline,
        .default_ops = 200,
        // The bounded buffer: at most 8 items read and not yet written.
        .default_concurrency = 8,
    };
  }

  void setup(const apb::RunSetup& run) override {
    read_ = run.params.duration("read");
    work_ = run.params.duration("work");
    write_ = run.params.duration("write");
    iterations_ = apb::busy_iterations_for(work_);
  }

  std::vector<apb::Stage> stages() const override {
    auto s = [](nanoseconds d) { return duration<double>(d).count(); };
    return {{"read", apb::StageKind::io, s(read_)},
            {"transform", apb::StageKind::cpu, s(work_)},
            {"write", apb::StageKind::io, s(write_)}};
  }

  asio::awaitable<void> async_io(apb::OpContext&, apb::NoOpState&,
                                 std::size_t stage) override {
    asio::steady_timer timer(co_await asio::this_coro::executor,
                             stage == kRead ? read_ : write_);
    co_await timer.async_wait(asio::use_awaitable);
  }
  void blocking_io(apb::OpContext&, apb::NoOpState&,
                   std::size_t stage) override {
    std::this_thread::sleep_for(stage == kRead ? read_ : write_);
  }

  std::size_t cpu_items(const apb::OpContext&, const apb::NoOpState&,
                        std::size_t) const override {
    return kEtlPieces;
  }
  // The item's transform digest: the busy kernel seeded by the op's seed.
  std::uint64_t cpu_kernel(const apb::OpContext& op, const apb::NoOpState&,
                           std::size_t, apb::IndexRange range) override {
    return apb::busy_kernel(iterations_, kEtlPieces, op.seed())(range);
  }

 private:
  nanoseconds read_{}, work_{}, write_{};
  std::uint64_t iterations_ = 0;
};

}  // namespace

APB_REGISTER_WORKLOAD(EtlWorkload);
