// Round trip of an empty function from a coroutine on an io_context thread
// to another thread and back (the cost `offload` adds to every CPU stage of
// the hybrid strategy), beside the plain-Asio reference: a hop to an
// asio::thread_pool and back. Each iteration is one round trip; the time is
// wall time (the io thread sleeps while it waits), so "Time" reads ns per
// round trip.
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <thread>
#include <utility>

#include "apbench/offload.hpp"
#include "apbench/tbb_arena.hpp"

namespace {

namespace asio = boost::asio;

// As many threads on the far side as the hybrid strategy would use.
unsigned far_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

// Runs `body` as a coroutine on an io_context driven by the benchmark's own
// thread, so the timed loop itself runs on the io thread.
template <typename Body>
void run_on_io_thread(Body body) {
  asio::io_context ioc(1);
  std::exception_ptr failure;
  asio::co_spawn(ioc, std::move(body),
                 [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
}

// (a) co_await apb::offload(arena, fn) on an arena set up as the hybrid
// strategy does.
void BM_OffloadRoundTrip(benchmark::State& state) {
  apb::OffloadArena arena(far_threads());
  run_on_io_thread([&]() -> asio::awaitable<void> {
    for (auto _ : state) co_await apb::offload(arena.arena(), [] {});
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OffloadRoundTrip)->UseRealTime();

// (a') co_await apb::offload(fn) on the default arena.
void BM_OffloadDefaultArenaRoundTrip(benchmark::State& state) {
  run_on_io_thread([&]() -> asio::awaitable<void> {
    for (auto _ : state) co_await apb::offload([] {});
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OffloadDefaultArenaRoundTrip)->UseRealTime();

// (b) The reference: asio::post to a thread_pool with the coroutine's
// handler. Asio runs it there through a work dispatcher that dispatches it
// back to the handler's own executor, the io_context: one round trip.
void BM_ThreadPoolRoundTrip(benchmark::State& state) {
  asio::thread_pool pool(far_threads());
  run_on_io_thread([&]() -> asio::awaitable<void> {
    for (auto _ : state) co_await asio::post(pool, asio::use_awaitable);
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ThreadPoolRoundTrip)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
