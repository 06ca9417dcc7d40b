#pragma once
// Lanes: how a strategy keeps the load's ops in flight. A coroutine lane
// claims the next op, awaits it, and repeats; as many lanes as the load's
// concurrency are spawned at once on the strategy's io_context. In an open
// loop a lane first waits for its op's due time, so ops start on the
// schedule while lanes are free and queue (in order) when they are not. A
// blocking lane does the same on a thread of the strategy's own.
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/version.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

#include "apbench/batch.hpp"

namespace apb {

// A blocking lane: claims ops and runs each in its blocking form on this
// thread until none is left or the run is stopped. Run one per thread of a
// strategy's pool; `slot` is its WorkerRecord (Strategy::recording), or
// Batch::kThreadSlot for threads that set_thread_slot() themselves.
inline void run_blocking_lane(Batch& batch, Workload& workload,
                              ComputePolicy& compute, unsigned slot,
                              std::size_t lane_index) {
  LaneState state(lane_index);  // the lane's own data, for its ops
  while (const auto index = batch.claim())
    batch.run_lane_op(workload, *index, compute, slot, state);
}

// Stops `ioc` when the run is asked to stop (Ctrl-C), whatever its lanes
// await (timers, sockets, offloaded work): run() returns, and destroying the
// io_context destroys the suspended lanes with their ops, none of which is
// recorded. Declare it after the io_context, alive while run() runs.
class StopLoopOnRequest {
 public:
  StopLoopOnRequest(asio::io_context& ioc, const Batch& batch)
      : on_stop_(batch.stop_token(), [&ioc] { ioc.stop(); }) {}

 private:
  std::stop_callback<std::function<void()>> on_stop_;
};

// A heartbeat on the io_context: a timer due every kPeriod, and how late it
// actually ran. A loop whose thread is busy with CPU work (or blocked)
// runs it late: that lateness is what every other ready coroutine waits.
class LoopLagProbe {
 public:
  static constexpr std::chrono::milliseconds kPeriod{5};

  LoopLagProbe(asio::io_context& ioc, Batch& batch)
      : strand_(asio::make_strand(ioc)), timer_(strand_), batch_(batch) {}

  void start() {
    asio::co_spawn(strand_, beat(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  }
  // Lanes to be spawned or not yet ended (counted before the first is
  // spawned: lanes may end while others are still being spawned); the last
  // to end stops the probe, so run() can return. Thread-safe.
  void lanes_to_come(std::size_t lanes) noexcept {
    lanes_.fetch_add(lanes, std::memory_order_relaxed);
  }
  void lane_ended() {
    if (lanes_.fetch_sub(1, std::memory_order_acq_rel) == 1) stop();
  }
  // Thread-safe.
  void stop() {
    asio::post(strand_, [this] {
      stopped_ = true;
      timer_.cancel();
    });
  }

 private:
  asio::awaitable<void> beat() {
    while (!stopped_) {
      const auto due = Batch::clock::now() + kPeriod;
      timer_.expires_at(due);
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec || stopped_) break;
      batch_.record_loop_lag(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(
              Batch::clock::now() - due)
              .count()));
    }
  }

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer timer_;
  Batch& batch_;
  bool stopped_ = false;  // touched on the strand only
  std::atomic<std::size_t> lanes_{0};
};

namespace lanes_detail {

// How a coroutine lane is started. Started by co_spawn, a lane is two
// coroutine frames, co_spawn's entry point and the lane itself; with all ops
// in flight at once that is a frame per op more than a plain program's
// (about 200 B per op). On the Boost version this was verified against (1.81,
// Debian 12's), the lane is itself the bottom frame of an Asio thread of
// execution, as co_spawn's entry point is: one frame fewer per op, which
// keeps a fan-out of 1 000 000 ops as small and as fast as plain detached
// co_spawn (docs/performance.md). Other versions take co_spawn's path, as
// does any build with APBENCH_LANES_VIA_CO_SPAWN defined.
#if BOOST_VERSION / 100 == 1081 && !defined(APBENCH_LANES_VIA_CO_SPAWN)
using LaneTask = asio::awaitable<asio::detail::awaitable_thread_entry_point,
                                 asio::any_io_executor>;
// Runs the lane on this thread up to its first suspension; what the lane
// lets out escapes from here, or from whatever resumed it (run()).
inline void start(const asio::any_io_executor& ex, LaneTask lane) {
  asio::detail::awaitable_thread<asio::any_io_executor>(
      std::move(lane), ex, asio::cancellation_slot(),
      asio::cancellation_state())
      .launch();
}
#else
using LaneTask = asio::awaitable<void>;
inline void start(const asio::any_io_executor& ex, LaneTask lane) {
  asio::co_spawn(ex, std::move(lane), [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  });
}
#endif

// What every lane of one spawn_lanes() call shares, by value in each lane's
// frame (nothing outlives spawn_lanes() to hold it for them).
struct LaneArgs {
  Batch* batch;
  Workload* workload;
  ComputePolicy* compute;
  LoopLagProbe* probe;  // told when the lane ends, or none
  unsigned slot;
  bool hop_to_strand;  // the lane's executor is a strand it is not on yet
};

// Keeps the io_context from running out of work while a lane waits on
// something that does not count as work (co_spawn's entry point holds the
// same guard).
using LaneWork = asio::executor_work_guard<asio::io_context::executor_type>;

// A coroutine lane of a closed loop (see spawn_lanes): its ops run back to
// back, so each op's start is the previous op's end (Batch::lane_start):
// one clock read per op. Its frame holds only what every op needs, since
// with all ops in flight at once there is one lane, and one frame, per op.
inline LaneTask closed_lane(LaneArgs args, std::size_t lane_index,
                            LaneWork work) {
  if (args.hop_to_strand) co_await asio::dispatch(asio::use_awaitable);
  Batch& batch = *args.batch;
  LaneState state(lane_index);  // lives as long as the lane
  while (const auto index = batch.claim()) {
    OpContext op(batch.op_number(*index), batch.seed(), *args.compute, state);
    op.set_stage_row(batch.stage_row(*index));
    op.set_stop_token(batch.stop_token());
    const auto start = batch.lane_start(state);
    try {
      co_await args.workload->async_op(op);
    } catch (...) {
      batch.record_current_exception();
      continue;
    }
    // A pipeline's op-finished hook ran after the op's end (end_time):
    // neither that op's latency nor the next one's.
    const auto free = batch.lane_end(state);
    batch.record_ok(args.slot, *index, start, op.end_time(free), op.digest());
  }
  work.reset();
  if (args.probe) args.probe->lane_ended();
}

// A coroutine lane of an open loop: it first waits for its op's due time,
// so ops start on the schedule while lanes are free.
inline LaneTask open_lane(LaneArgs args, std::size_t lane_index,
                          LaneWork work) {
  if (args.hop_to_strand) co_await asio::dispatch(asio::use_awaitable);
  Batch& batch = *args.batch;
  LaneState state(lane_index);
  std::optional<asio::steady_timer> timer;
  while (const auto index = batch.claim()) {
    OpContext op(batch.op_number(*index), batch.seed(), *args.compute, state);
    op.set_stage_row(batch.stage_row(*index));
    op.set_stop_token(batch.stop_token());
    auto start = Batch::clock::now();
    if (const auto due = batch.due(*index); start < due) {
      if (!timer) timer.emplace(co_await asio::this_coro::executor);
      timer->expires_at(due);
      co_await timer->async_wait(asio::use_awaitable);
      start = Batch::clock::now();
    }
    if (!batch.admit(start)) continue;
    try {
      co_await args.workload->async_op(op);
    } catch (...) {
      batch.record_current_exception();
      continue;
    }
    batch.record_ok(args.slot, *index, start, op.end_time(Batch::clock::now()),
                    op.digest());
  }
  work.reset();
  if (args.probe) args.probe->lane_ended();
}

}  // namespace lanes_detail

// Spawns batch.concurrency() lanes on `ioc` and starts each as it is
// spawned, as C#'s Task.WhenAll starts each task when it is created:
// otherwise the first op would only start once the last lane was spawned,
// and with 100 000 lanes that start-up delay would show in the wall time.
// A lane runs on this thread up to its first suspension (a lane on a strand
// first hops onto it), and every 64 spawns what is ready by then runs
// (poll), so the loop does not fall behind the spawning.
// Something thrown outside an op (e.g. out of memory) escapes from here or
// from io_context::run() and fails the run.
// With `strand_per_lane` (an io_context run by several threads) each lane
// runs on a strand, so what a lane starts (a connection's watchdog) never
// runs at the same time as the lane itself. Up to kLaneStrands lanes each
// get a strand of their own; beyond, lanes share them round-robin (lanes
// on one strand take turns), so a fan-out of 100 000 ops does not create,
// lock and free 100 000 strands.
inline constexpr std::size_t kLaneStrands = 256;
// With a `probe`, it is started first and stopped when the last lane ends.
inline void spawn_lanes(asio::io_context& ioc, Batch& batch, Workload& workload,
                        ComputePolicy& compute, unsigned slot,
                        bool strand_per_lane = false,
                        LoopLagProbe* probe = nullptr) {
  // poll() stops an io_context that runs out of work; the guard prevents
  // that while lanes are still being spawned.
  auto keep_running = asio::make_work_guard(ioc);
  if (probe) {
    probe->lanes_to_come(batch.concurrency());
    probe->start();
  }
  std::vector<asio::strand<asio::io_context::executor_type>> strands;
  if (strand_per_lane)
    for (std::size_t i = 0; i < std::min(batch.concurrency(), kLaneStrands);
         ++i)
      strands.push_back(asio::make_strand(ioc));
  const lanes_detail::LaneArgs args{&batch, &workload, &compute,
                                    probe,  slot,      strand_per_lane};
  const auto lane =
      batch.open() ? lanes_detail::open_lane : lanes_detail::closed_lane;
  const asio::any_io_executor on_loop = ioc.get_executor();
  for (std::size_t i = 0; i < batch.concurrency(); ++i) {
    auto task = lane(args, i, asio::make_work_guard(ioc));
    lanes_detail::start(strand_per_lane
                            ? asio::any_io_executor(strands[i % strands.size()])
                            : on_loop,
                        std::move(task));
    if (i % 64 == 63) ioc.poll();
  }
}

}  // namespace apb
