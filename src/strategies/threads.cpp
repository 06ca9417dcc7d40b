// threads: one std::thread per op in flight, each running the blocking
// form: the naive baseline that pays thread creation and memory per op.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "apbench/compute_policies.hpp"
#include "apbench/op_forms.hpp"
#include "apbench/registry.hpp"

namespace apb {
namespace {

// Fork-join ops: a thread per child in the top two levels of the tree, so
// an op starts at most fan-out + fan-out^2 threads; past 1000 threads alive
// at once the run fails instead of exhausting the machine.
constexpr unsigned kForkDepthLimit = 2;
constexpr unsigned kMaxForkThreads = 1000;

// The most threads a run may need, one per op in flight: past it the run
// fails before starting any (tens of thousands of threads would load the
// machine for minutes after). APBENCH_MAX_THREADS sets it; by default 4096,
// or the per-user limit (ulimit -u) when that is lower.
constexpr std::size_t kDefaultMaxThreads = 4096;

struct ThreadBound {
  std::size_t threads;
  const char* source;  // where it came from, for the reason
};

ThreadBound max_threads() {
  if (const char* text = std::getenv("APBENCH_MAX_THREADS")) {
    std::size_t value = 0;
    const char* end = text + std::strlen(text);
    const auto [at, ec] = std::from_chars(text, end, value);
    if (ec == std::errc() && at == end && value > 0)
      return {value, "set by APBENCH_MAX_THREADS"};
  }
  const char* source =
      "the lower of 4096 and ulimit -u; APBENCH_MAX_THREADS sets it";
  rlimit limit{};
  if (::getrlimit(RLIMIT_NPROC, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    return {std::max<std::size_t>(
                1, std::min<std::size_t>(kDefaultMaxThreads, limit.rlim_cur)),
            source};
  return {kDefaultMaxThreads, source};
}

class ThreadsStrategy final : public Strategy {
 public:
  std::string_view name() const override { return "threads"; }
  std::string_view description() const override {
    return "one std::thread per op in flight, each running the blocking "
           "form (the naive baseline)";
  }
  StrategyTraits traits() const override {
    return {.model = ExecutionModel::thread_per_op, .simplicity = 5};
  }
  std::optional<std::string> unsupported_reason(
      const WorkloadInfo& info) const override {
    return needs_blocking(info);
  }
  std::size_t effective_concurrency(const Load& load) const override {
    return load.requested_concurrency();
  }
  Recording recording(const Load& load) const override {
    // Thousands of threads cannot each own a histogram; they share a few.
    return {std::max(1u, load.threads * 2), true};
  }

  void execute(const WorkloadInfo&, Workload& workload,
               Batch& batch) const override {
    if (const ThreadBound bound = max_threads();
        batch.concurrency() > bound.threads)
      throw std::runtime_error(fmt::format(
          "{} ops in flight need {} threads, above the bound of {} ({}): "
          "lower --concurrency",
          batch.concurrency(), batch.concurrency(), bound.threads,
          bound.source));
    ThreadForkJoin fork_join(kForkDepthLimit, kMaxForkThreads);
    InlineCompute compute(fork_join);
    std::vector<std::thread> threads;
    threads.reserve(batch.concurrency());
    std::string failure;
    try {
      for (std::size_t t = 0; t < batch.concurrency(); ++t) {
        const auto slot = static_cast<unsigned>(t % batch.slots());
        threads.emplace_back([&batch, &workload, &compute, slot, t] {
          LaneState lane(t);
          while (const auto index = batch.claim())
            batch.run_lane_op(workload, *index, compute, slot, lane);
        });
      }
    } catch (const std::system_error& e) {
      failure = "could not create thread " +
                std::to_string(threads.size() + 1) + " of " +
                std::to_string(batch.concurrency()) + ": " + e.code().message();
      batch.stop();
    }
    for (auto& t : threads) t.join();
    if (!failure.empty()) throw std::runtime_error(failure);
    if (auto reason = fork_join.failure()) throw std::runtime_error(*reason);
  }
};

}  // namespace

// Registered exactly as a user's strategy is (docs/extending.md).
APB_REGISTER_STRATEGY(ThreadsStrategy);

}  // namespace apb
