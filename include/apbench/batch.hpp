#pragma once
// One repetition's ledger of ops: hands out op indices to a strategy's
// lanes, runs each op in the requested form, and records its latency,
// digest and failure. A strategy only decides *where* ops run.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "apbench/asio.hpp"
#include "apbench/histogram.hpp"
#include "apbench/load.hpp"
#include "apbench/workload.hpp"

namespace apb {

// What one worker (thread, or the one io_context thread) recorded.
struct WorkerRecord {
  Histogram latency;  // open loop: from the op's due time
  Histogram service;  // open loop only: from the op's actual start
  std::uint64_t ok = 0;
  std::uint64_t digest = 0;
};

class Batch {
 public:
  // `slots` WorkerRecords are kept; strategies record into slot w < slots.
  // With `shared_slots` several threads may use one slot (a mutex guards
  // it); otherwise each slot must be used by one thread at a time.
  Batch(std::size_t ops, std::size_t concurrency, unsigned threads,
        std::uint64_t seed, unsigned slots, bool shared_slots);

  // Open loop: op i is due at start() + due_ns[i] (ascending, one per op);
  // at most `max_in_flight` arrived ops may be unfinished when one starts.
  void set_schedule(std::vector<std::int64_t> due_ns,
                    std::size_t max_in_flight);
  bool open() const noexcept { return !due_ns_.empty(); }
  // Starts the schedule's clock; the runner calls it just before execute().
  void start() noexcept { origin_ = clock::now(); }

  // Shard `shard` of `shards` (--shard I/N): this batch's op i is op
  // i x N + I of the whole load, which is what its ops are told
  // (OpContext::index(), seed()), so a shard's ops draw the same values
  // as those ops of the load run by one process.
  void set_shard(unsigned shard, unsigned shards);
  // The number in the whole load of this batch's op `index`.
  std::size_t op_number(std::size_t index) const noexcept {
    return index * shards_ + shard_;
  }

  std::size_t ops() const { return ops_; }
  std::size_t concurrency() const { return concurrency_; }
  unsigned threads() const { return threads_; }
  unsigned slots() const { return static_cast<unsigned>(slots_.size()); }

  // Next unclaimed op index, or nullopt when all are claimed or the batch
  // was stopped. Thread-safe; each index is handed out once.
  std::optional<std::size_t> claim() noexcept;
  // Stops handing out indices (a strategy that failed calls this so its
  // other lanes wind down).
  void stop() noexcept { stopped_.store(true, std::memory_order_relaxed); }

  // The run's stop request (Ctrl-C): once requested, claim() hands out
  // nothing, open-loop waits end, and ops that finish are no longer
  // recorded (ok or failed), so the repetition ends with what it had.
  // Strategies whose lanes wait on an event loop stop it on this token
  // (see StopLoopOnRequest in apbench/lanes.hpp).
  void set_stop_token(std::stop_token stop) { stop_token_ = std::move(stop); }
  const std::stop_token& stop_token() const noexcept { return stop_token_; }
  bool stop_requested() const noexcept { return stop_token_.stop_requested(); }
  // Waits for op `index`'s due time (open loop); false when stopped first.
  bool wait_until_due(std::size_t index) const;

  // Pass as `slot` to record into the slot set for the recording thread
  // with set_thread_slot(): for coroutines that may resume on any thread
  // of a pool.
  static constexpr unsigned kThreadSlot = ~0u;
  static void set_thread_slot(unsigned slot) noexcept;

  // Runs op `index` in its blocking form and records it in `slot`. Never
  // throws for an op's own failure: its message is counted as an error.
  void run_blocking(Workload& workload, std::size_t index,
                    ComputePolicy& compute, unsigned slot, LaneState& lane);
  // The same for a lane that runs its ops back to back (claims the next
  // index and runs it at once, as every built-in lane does): in a closed
  // loop the op starts where the lane's previous op ended (lane_start).
  void run_lane_op(Workload& workload, std::size_t index,
                   ComputePolicy& compute, unsigned slot, LaneState& lane);

  // The pieces of run_blocking, for strategies that run ops themselves
  // (the coroutine lanes in apbench/lanes.hpp, which save a
  // coroutine frame per op by not wrapping the op in another coroutine).
  using clock = std::chrono::steady_clock;
  std::uint64_t seed() const { return seed_; }
  // Closed loop, a lane running its ops back to back: an op starts where
  // the lane's previous op ended (that op's end, read once for both), so
  // each op costs one clock read. The lane's bookkeeping between the two
  // (recording one op, claiming the next: tens of ns) counts in the next
  // op's latency. A lane's first op, and an op after a failed one, read
  // the clock. Call lane_end for the op's end when it succeeded.
  static clock::time_point lane_start(LaneState& lane) noexcept {
    const auto since = std::exchange(lane.free_since_, clock::time_point{});
    return since == clock::time_point{} ? clock::now() : since;
  }
  static clock::time_point lane_end(LaneState& lane) noexcept {
    lane.free_since_ = clock::now();
    return lane.free_since_;
  }
  // Open loop: when op `index` is due (only valid when open()).
  clock::time_point due(std::size_t index) const noexcept {
    return origin_ + std::chrono::nanoseconds(due_ns_[index]);
  }
  // Open loop: whether the op due to start now may run; false means it was
  // dropped (counted) because max_in_flight arrived ops are unfinished.
  // Always true in a closed loop.
  bool admit(clock::time_point now) noexcept;
  // Records a successful op that started at `start` and ended at `end`.
  void record_ok(unsigned slot, std::size_t index, clock::time_point start,
                 clock::time_point end, std::uint64_t digest);
  // Counts the exception being handled (call from a catch block).
  void record_current_exception();

  // Pipelines: keep a row of stage time stamps per op (see
  // OpContext::set_stage_row); rows of failed ops stay incomplete.
  void enable_stage_timing(std::size_t stages);
  std::size_t timed_stages() const { return stages_; }
  std::int64_t* stage_row(std::size_t index) {
    return stages_ == 0 ? nullptr : &stage_rows_[index * (1 + 2 * stages_)];
  }
  const std::vector<std::int64_t>& stage_rows() const { return stage_rows_; }

  // Event-loop lag: how late a heartbeat timer on an io_context ran (see
  // LoopLagProbe in apbench/lanes.hpp). Thread-safe.
  void record_loop_lag(std::uint64_t ns);
  // Heartbeats recorded (empty for strategies without an event loop).
  Histogram loop_lag() const;

  // Results, read after the strategy returned.
  std::uint64_t claimed() const noexcept;
  std::uint64_t dropped() const noexcept {
    return dropped_.load(std::memory_order_relaxed);
  }
  WorkerRecord merged() const;
  std::uint64_t errors() const;
  std::map<std::string, std::uint64_t> error_messages() const;
  std::map<std::string, std::uint64_t> errors_by_cause() const;

 private:
  void run_blocking_op(Workload& workload, std::size_t index,
                       ComputePolicy& compute, unsigned slot, LaneState& lane,
                       bool back_to_back);
  void record_error(std::string cause, std::string message);

  struct Slot {
    WorkerRecord record;
    std::mutex mutex;  // used only with shared_slots
  };
  void record(Slot& slot, std::uint64_t latency_ns, std::uint64_t service_ns,
              std::uint64_t digest);

  std::size_t ops_;
  std::size_t concurrency_;
  unsigned threads_;
  std::uint64_t seed_;
  unsigned shard_ = 0;
  unsigned shards_ = 1;
  bool shared_slots_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopped_{false};
  std::stop_token stop_token_;
  // Open loop.
  std::vector<std::int64_t> due_ns_;
  std::size_t max_in_flight_ = 0;
  clock::time_point origin_ = clock::now();
  std::atomic<std::uint64_t> finished_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::size_t stages_ = 0;
  std::vector<std::int64_t> stage_rows_;
  mutable std::mutex loop_lag_mutex_;
  Histogram loop_lag_;
  mutable std::mutex errors_mutex_;
  std::uint64_t errors_ = 0;
  std::map<std::string, std::uint64_t> error_messages_;
  std::map<std::string, std::uint64_t> errors_by_cause_;
};

}  // namespace apb
