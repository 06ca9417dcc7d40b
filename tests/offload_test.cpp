// co_await apb::offload runs work on oneTBB and resumes on the coroutine's
// executor, leaving the io_context thread free meanwhile.
#include "apbench/offload.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "../src/tbb_setup.hpp"

namespace apb {
namespace {

using namespace std::chrono_literals;

template <typename Awaitable>
void run_on(asio::io_context& ioc, Awaitable a) {
  std::exception_ptr failure;
  asio::co_spawn(ioc, std::move(a), [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
}

TEST(Offload, ResumesOnTheCoroutinesExecutorAndFreesTheLoop) {
  OffloadArena arena(2);
  asio::io_context ioc(1);
  const auto io_thread = std::this_thread::get_id();
  std::promise<void> loop_ran;
  auto loop_ran_future = loop_ran.get_future();
  std::thread::id work_thread, resumed_thread;
  int result = 0;

  run_on(ioc, [&]() -> asio::awaitable<void> {
    // While the offloaded work waits, the io thread must run this handler;
    // if offload blocked the loop, the work would wait forever (bounded).
    asio::post(ioc, [&] { loop_ran.set_value(); });
    result = co_await offload(arena.arena(), [&] {
      work_thread = std::this_thread::get_id();
      const auto status = loop_ran_future.wait_for(10s);
      return status == std::future_status::ready ? 42 : -1;
    });
    resumed_thread = std::this_thread::get_id();
  }());

  EXPECT_EQ(result, 42) << "the io_context thread was not free";
  EXPECT_NE(work_thread, io_thread);
  EXPECT_EQ(resumed_thread, io_thread);
}

TEST(Offload, ExceptionsPropagateToTheAwaitingCoroutine) {
  OffloadArena arena(2);
  asio::io_context ioc(1);
  bool caught = false;
  run_on(ioc, [&]() -> asio::awaitable<void> {
    try {
      co_await offload(arena.arena(),
                       []() -> int { throw std::runtime_error("boom"); });
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()) == "boom";
    }
    co_await offload(arena.arena(), [] {});  // void results work too
  }());
  EXPECT_TRUE(caught);
}

TEST(Offload, ManyConcurrentOffloadsAllComplete) {
  OffloadArena arena(2);
  asio::io_context ioc(1);
  std::atomic<int> done{0};
  constexpr int kCoroutines = 200;
  for (int i = 0; i < kCoroutines; ++i)
    asio::co_spawn(
        ioc,
        [&, i]() -> asio::awaitable<void> {
          const int v = co_await offload(arena.arena(), [i] { return i * 2; });
          if (v == i * 2) done.fetch_add(1);
        },
        asio::detached);
  ioc.run();
  EXPECT_EQ(done.load(), kCoroutines);
}

}  // namespace
}  // namespace apb
