// example.checksum: the custom workload docs/extending.md walks through,
// compiled and run in CTest so the guide cannot rot. Each op "downloads" a
// blob (waits `latency`, like a call to a storage service), then checksums
// its `size` bytes: a wait that async strategies overlap, and CPU work that
// the strategy may split over the cores.
#include <fmt/format.h>

#include <algorithm>
#include <apbench/error.hpp>
#include <apbench/registry.hpp>
#include <apbench/seed.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <thread>
#include <vector>

namespace {

namespace asio = apb::asio;
constexpr std::size_t kBlock = 4096;  // bytes per kernel item

class ChecksumWorkload final : public apb::Workload {
 public:
  // Step 1: describe the workload. `apbench --list` prints this, and --set
  // checks values against the parameter types before anything runs.
  static apb::WorkloadInfo info() {
    return {
        .name = "example.checksum",         // dotted, lower case
        .kind = apb::WorkloadKind::hybrid,  // io, cpu or hybrid (for --kind)
        .description = "fetch a blob (wait `latency`), then checksum it",
        .params = {{"latency",
                    apb::ParamType::duration,
                    "10ms",
                    "wait before each checksum",
                    {}},
                   {"size",
                    apb::ParamType::bytes,
                    "256KiB",
                    "bytes checksummed per op (1 B..1 GiB)",
                    {}}},
        .forms = apb::form_async | apb::form_blocking,
        .default_ops = 32,  // ops per run without --ops
    };
  }

  // Step 2: once per run, before warm-up: read the parameters and prepare
  // the data (seeded, so every strategy hashes the same bytes). A value of
  // the right type that is still unusable is a UsageError: exit status 2.
  void setup(const apb::RunSetup& run) override {
    latency_ = run.params.duration("latency");
    const std::uint64_t size = run.params.bytes("size");
    if (size == 0 || size > (std::uint64_t{1} << 30))
      throw apb::UsageError(fmt::format(
          "bad value for parameter 'size': {} B, expected 1B..1GiB", size));
    blob_.resize(size);
    for (std::size_t i = 0; i < blob_.size(); ++i)
      blob_[i] = static_cast<unsigned char>(apb::mix64(run.seed + i));
  }
  void teardown() override { blob_ = {}; }  // once per run, also on failure

  // Step 3: the async form, run by async, async-pool and hybrid. The timer
  // frees the thread while it waits; the hashing goes to the context, and
  // the strategy decides where it runs (inline, or split on oneTBB).
  asio::awaitable<void> async_op(apb::OpContext& op) override {
    asio::steady_timer timer(co_await asio::this_coro::executor, latency_);
    co_await timer.async_wait(asio::use_awaitable);
    op.add_digest(co_await op.async_compute(blocks(), hash_blocks()));
  }

  // Step 4: the same op, blocking: run by sequential, threads and parallel.
  void blocking_op(apb::OpContext& op) override {
    std::this_thread::sleep_for(latency_);
    op.add_digest(op.compute(blocks(), hash_blocks()));
  }

  // Step 5 (optional): a lower bound on the run's wall time, so apbench can
  // report efficiency. With C ops in flight, ceil(N / C) waits in sequence;
  // the hashing is left out, so this bound is never too high.
  std::optional<double> ideal_seconds(const apb::RunSetup& run) const override {
    const std::size_t lanes = std::max<std::size_t>(run.concurrency, 1);
    const auto rounds = static_cast<double>((run.ops + lanes - 1) / lanes);
    return std::chrono::duration<double>(latency_).count() * rounds;
  }

 private:
  std::size_t blocks() const { return (blob_.size() + kBlock - 1) / kBlock; }

  // The CPU work as a kernel over blocks [begin, end): FNV-1a of each block,
  // mixed with its index, summed. The digests of the pieces add up to the
  // same value however a strategy splits the range.
  apb::Kernel hash_blocks() const {
    return [this](apb::IndexRange range) {
      std::uint64_t sum = 0;
      for (std::size_t b = range.begin; b < range.end; ++b) {
        std::uint64_t h = 0xcbf29ce484222325ULL;
        const std::size_t end = std::min(blob_.size(), (b + 1) * kBlock);
        for (std::size_t i = b * kBlock; i < end; ++i)
          h = (h ^ blob_[i]) * 0x100000001b3ULL;
        sum += apb::mix64(h + b);
      }
      return sum;
    };
  }

  std::chrono::nanoseconds latency_{};
  std::vector<unsigned char> blob_;
};

}  // namespace

// Step 6: register at namespace scope. This runs in a static initialiser,
// so the object file must be linked whole (see CMakeLists.txt).
APB_REGISTER_WORKLOAD(ChecksumWorkload);
