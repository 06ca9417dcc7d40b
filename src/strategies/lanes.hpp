#pragma once
// Lanes: the closed-loop engine shared by the coroutine strategies. Each
// lane is a coroutine that claims the next op, awaits it, and repeats; as
// many lanes as the load's concurrency are spawned at once.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>

#include "apbench/batch.hpp"

namespace apb {

inline asio::awaitable<void> lane(Batch& batch, Workload& workload,
                                  ComputePolicy& compute, unsigned slot) {
  while (const auto index = batch.claim()) {
    OpContext op(*index, batch.seed(), compute);
    const auto start = Batch::clock::now();
    try {
      co_await workload.async_op(op);
    } catch (...) {
      batch.record_current_exception();
      continue;
    }
    batch.record_ok(slot, Batch::clock::now() - start, op.digest());
  }
}

// Spawns batch.concurrency() lanes on `ioc`. Something thrown outside an
// op (e.g. out of memory) escapes io_context::run() and fails the run.
inline void spawn_lanes(asio::io_context& ioc, Batch& batch, Workload& workload,
                        ComputePolicy& compute, unsigned slot) {
  for (std::size_t i = 0; i < batch.concurrency(); ++i)
    asio::co_spawn(ioc, lane(batch, workload, compute, slot),
                   [](std::exception_ptr error) {
                     if (error) std::rethrow_exception(error);
                   });
}

}  // namespace apb
