#pragma once
// Lanes: the engine shared by the coroutine strategies. Each lane is a
// coroutine that claims the next op, awaits it, and repeats; as many lanes
// as the load's concurrency are spawned at once. In an open loop a lane
// first waits for its op's due time, so ops start on the schedule while
// lanes are free and queue (in order) when they are not.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>

#include "apbench/batch.hpp"

namespace apb {

inline asio::awaitable<void> lane(Batch& batch, Workload& workload,
                                  ComputePolicy& compute, unsigned slot,
                                  std::size_t lane_index) {
  LaneState state(lane_index);              // lives as long as the lane
  std::optional<asio::steady_timer> timer;  // open loop only
  while (const auto index = batch.claim()) {
    OpContext op(*index, batch.seed(), compute, state);
    auto start = Batch::clock::now();
    if (batch.open()) {
      if (const auto due = batch.due(*index); start < due) {
        if (!timer) timer.emplace(co_await asio::this_coro::executor);
        timer->expires_at(due);
        co_await timer->async_wait(asio::use_awaitable);
        start = Batch::clock::now();
      }
      if (!batch.admit(start)) continue;
    }
    try {
      co_await workload.async_op(op);
    } catch (...) {
      batch.record_current_exception();
      continue;
    }
    batch.record_ok(slot, *index, start, Batch::clock::now(), op.digest());
  }
}

// Spawns batch.concurrency() lanes on `ioc` and starts them as it goes:
// every 64 spawns it runs the lanes that are ready up to their first
// suspension, as C#'s Task.WhenAll starts each task when it is created.
// Otherwise the first op would only start once the last lane was spawned,
// and with 100 000 lanes that start-up delay would show in the wall time.
// Something thrown outside an op (e.g. out of memory) escapes from here or
// from io_context::run() and fails the run.
// With `strand_per_lane` (an io_context run by several threads) each lane
// runs on its own strand, so what a lane starts (a connection's watchdog)
// never runs at the same time as the lane itself.
inline void spawn_lanes(asio::io_context& ioc, Batch& batch, Workload& workload,
                        ComputePolicy& compute, unsigned slot,
                        bool strand_per_lane = false) {
  // poll() stops an io_context that runs out of work; the guard prevents
  // that while lanes are still being spawned.
  auto keep_running = asio::make_work_guard(ioc);
  for (std::size_t i = 0; i < batch.concurrency(); ++i) {
    auto on_end = [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    };
    if (strand_per_lane)
      asio::co_spawn(asio::make_strand(ioc),
                     lane(batch, workload, compute, slot, i), on_end);
    else
      asio::co_spawn(ioc, lane(batch, workload, compute, slot, i), on_end);
    if (i % 64 == 63) ioc.poll();
  }
}

}  // namespace apb
