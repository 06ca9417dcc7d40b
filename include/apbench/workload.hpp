#pragma once
// A workload: one kind of operation with parameters, in the forms a
// strategy can run (async coroutine, blocking call, splittable CPU kernel,
// fork-join tree), and a model of the fastest a batch of its ops could possibly
// finish.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/asio.hpp"
#include "apbench/lane.hpp"
#include "apbench/params.hpp"
#include "apbench/run_failure.hpp"
#include "apbench/workload_kind.hpp"

namespace apb {

class ForkJoin;  // fork_join.hpp: a strategy's spawn/join model

// Forms of an op a workload provides (bit set).
enum Form : unsigned {
  form_async = 1u << 0,     // asio::awaitable<void> async_op(OpContext&)
  form_blocking = 1u << 1,  // void blocking_op(OpContext&)
  form_kernel = 1u << 2,    // kernel(OpContext&, IndexRange) over kernel_size()
  form_pipeline =
      1u << 3,  // stages (a PipelineWorkload<OpState>, pipeline.hpp)
  form_fork_join = 1u << 4,  // a ForkJoinWorkload (see fork_join.hpp)
};
std::string forms_to_string(unsigned forms);  // "async,blocking,kernel"

struct WorkloadInfo {
  std::string name;  // dotted: "io.sleep"
  WorkloadKind kind = WorkloadKind::io;
  std::string description;  // one line
  std::vector<ParamSpec> params;
  unsigned forms = 0;
  std::size_t default_ops = 10;  // used when --ops is not given
  // Ops in flight when --concurrency is not given (0: all at once).
  std::size_t default_concurrency = 0;
};

// Half-open range of kernel items [begin, end).
struct IndexRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

// Computes items [begin, end) and returns a digest of them. Digests of the
// pieces are added (mod 2^64), so a kernel split any way gives one answer.
using Kernel = std::function<std::uint64_t(IndexRange)>;

// How CPU work inside an op is executed; chosen by the strategy (serial on
// the caller, tbb::parallel_reduce, or offloaded to a oneTBB arena).
class ComputePolicy {
 public:
  virtual ~ComputePolicy() = default;
  virtual std::string_view name() const = 0;
  virtual std::uint64_t run(std::size_t items, const Kernel& kernel) = 0;
  virtual asio::awaitable<std::uint64_t> run_async(std::size_t items,
                                                   const Kernel& kernel) = 0;
  // How fork-join ops spawn and join under this strategy (default: inline
  // calls on the op's thread).
  virtual ForkJoin& fork_join();
};

// One fork-join op's tree, counted and timed once at set-up: what the
// per-task cost and the ideal are computed from.
struct ForkJoinProfile {
  std::uint64_t tasks = 0;     // children forked in one op's tree
  std::uint64_t leaves = 0;    // nodes solved by the serial code
  double serial_s = 0;         // one op by the plain serial code
  double critical_path_s = 0;  // its longest chain of leaf and node work
};

// What a workload learns about its run before the first op.
struct RunSetup {
  const Params& params;
  std::size_t ops = 0;
  std::size_t concurrency = 0;  // as requested by the load
  unsigned cores = 1;           // hardware threads of this machine
  unsigned threads = 1;         // --threads
  std::uint64_t seed = 0;
  // Where a failure that is not one op's goes (run_failure.hpp), e.g. an
  // in-process server that can no longer accept: keep the pointer and call
  // failure->fail(reason) from any thread; the run then fails at once.
  std::shared_ptr<RunFailure> failure = std::make_shared<RunFailure>();
};

// Per-op handle passed to every op form.
class OpContext {
 public:
  OpContext(std::size_t index, std::uint64_t run_seed, ComputePolicy& compute,
            LaneState& lane)
      : index_(index), run_seed_(run_seed), compute_(&compute), lane_(&lane) {}

  // The op's number in the whole load: 0 .. ops - 1, whatever the strategy
  // and order; in shard I of N (--shard I/N) the ops I, I + N, I + 2N, ...
  // of the load, so a shard's op draws what it would in one process.
  std::size_t index() const { return index_; }
  // The lane this op runs on, and the state the lane keeps across its ops.
  LaneState& lane() const { return *lane_; }
  // Reproducible per-op seed: the same for op i whatever the strategy, and
  // in the shard that runs op i.
  std::uint64_t seed() const;

  // CPU work of `items` items, split as the strategy decides. Blocking
  // forms call compute(); async forms co_await async_compute().
  std::uint64_t compute(std::size_t items, const Kernel& kernel) {
    return compute_->run(items, kernel);
  }
  asio::awaitable<std::uint64_t> async_compute(std::size_t items,
                                               Kernel kernel) {
    co_return co_await compute_->run_async(items, kernel);
  }
  // The strategy's compute policy itself (what compute() calls).
  ComputePolicy& compute_policy() const { return *compute_; }
  // The strategy's spawn/join model for fork-join work (fork_join.hpp).
  ForkJoin& fork_join() { return compute_->fork_join(); }

  // Stage timing of a pipeline op (see pipeline.hpp): the batch hands out
  // a row of 1 + 2 x stages time stamps (op start, then each stage's begin
  // and end), or none when stages are not timed.
  void set_stage_row(std::int64_t* row) { stage_row_ = row; }
  void mark_op_start();  // first stamp only
  void mark_stage(std::size_t stage, bool begin);
  // The op's work ended now: what follows (a pipeline's op-finished hook)
  // is not in its latency. Strategies record end_time(): this stamp, or
  // `now` when the op made none.
  void mark_op_end() { end_ = std::chrono::steady_clock::now(); }
  std::chrono::steady_clock::time_point end_time(
      std::chrono::steady_clock::time_point now) const {
    return end_ ? *end_ : now;
  }

  // Adds to the op's digest; the run's checksum is the sum over ops, so
  // strategies can be checked to compute the same thing.
  void add_digest(std::uint64_t value) { digest_ += value; }
  std::uint64_t digest() const { return digest_; }

  // Set when the run is asked to stop (Ctrl-C): a blocking op that waits
  // long should wait with sleep_for() or poll stop_requested(), and may
  // then return or throw at once; what it did is not recorded.
  // The token is referred to, not copied (a copy per op would cost two
  // atomic reference-count updates): it must outlive the op, as the
  // Batch's own stop_token() does.
  void set_stop_token(const std::stop_token& stop) { stop_ = &stop; }
  void set_stop_token(std::stop_token&&) = delete;  // would dangle
  const std::stop_token& stop_token() const { return *stop_; }
  bool stop_requested() const { return stop_->stop_requested(); }
  // Sleeps `duration`, or less when the run is asked to stop; false then.
  bool sleep_for(std::chrono::nanoseconds duration) const;

 private:
  std::size_t index_;
  std::uint64_t run_seed_;
  ComputePolicy* compute_;
  LaneState* lane_;
  std::uint64_t digest_ = 0;
  std::int64_t* stage_row_ = nullptr;
  std::optional<std::chrono::steady_clock::time_point> end_;
  const std::stop_token* stop_ = &no_stop_;
  static inline const std::stop_token no_stop_{};  // never stops
};

class Workload {
 public:
  virtual ~Workload() = default;

  // Once per run, before warm-up: read parameters, start servers,
  // calibrate, create files. Throws UsageError for bad parameter values.
  virtual void setup(const RunSetup& run) = 0;
  // Once per run, after the last repetition (also after a failure).
  virtual void teardown() {}

  // The op forms. Defaults run the kernel form through the context's
  // compute policy; a workload overrides the forms it declares.
  virtual asio::awaitable<void> async_op(OpContext& op);
  virtual void blocking_op(OpContext& op);
  virtual std::size_t kernel_size() const { return 0; }
  virtual std::uint64_t kernel(OpContext& op, IndexRange range);

  // Lower bound on the wall time of the run (seconds), or nullopt when the
  // workload has no model. Called after setup().
  virtual std::optional<double> ideal_seconds(const RunSetup& run) const {
    (void)run;
    return std::nullopt;
  }
  // Fork-join workloads: their tree's profile (fork_join.hpp), from which
  // results report tasks spawned and the overhead per task.
  virtual std::optional<ForkJoinProfile> fork_join_profile() const {
    return std::nullopt;
  }
  // At most this many ops in flight (e.g. one per connection of a pool),
  // or nullopt for no limit. Called after setup(); strategies then run
  // min(requested, limit) lanes.
  virtual std::optional<std::size_t> concurrency_limit(
      const RunSetup& run) const {
    (void)run;
    return std::nullopt;
  }
  // The forms these parameters leave, when fewer than info().forms, and
  // why (e.g. a mode only the async form has): a strategy that needs a form
  // left out gives n/a with that reason. Called before setup().
  struct FormsAllowed {
    unsigned forms = 0;
    std::string reason;
  };
  virtual std::optional<FormsAllowed> forms_allowed(
      const Params& params) const {
    (void)params;
    return std::nullopt;
  }
  // Facts worth reporting with the results (calibration, server address).
  virtual std::vector<std::pair<std::string, std::string>> notes() const {
    return {};
  }
  // Counts worth reporting with the results, read after the last
  // repetition (before teardown), e.g. {"server_accept_errors", 3}: results
  // keep them per run, the console shows those that are not 0. Thread-safe
  // against the workload's own threads (e.g. atomics).
  virtual std::map<std::string, std::uint64_t> counters() const { return {}; }
};

}  // namespace apb
