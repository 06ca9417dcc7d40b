// co_await apb::offload runs work on oneTBB and resumes on the coroutine's
// executor, leaving the io_context thread free meanwhile.
#include "apbench/offload.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "apbench/tbb_arena.hpp"

namespace apb {
namespace {

using namespace std::chrono_literals;

// A one-shot gate whose waits are bounded, so a broken test fails instead of
// hanging.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 10s, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Polls until `counter` reaches `n` (bounded).
bool reaches(const std::atomic<int>& counter, int n) {
  for (int i = 0; i < 10'000 && counter.load() < n; ++i)
    std::this_thread::sleep_for(1ms);
  return counter.load() >= n;
}

// Counts its own destruction. As a coroutine local it tells that the frame
// was destroyed; captured by an offloaded fn (through a shared_ptr, so moves
// do not count) it tells that the offload's state was freed.
struct Counted {
  std::atomic<int>& destroyed;
  ~Counted() { destroyed.fetch_add(1); }
};
// The fns below are named before co_await: g++ 12 destroys the captures of a
// lambda temporary written inside a co_await expression twice (see
// offload.hpp).

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

TEST(Offload, WithoutAnArenaRunsOnTheDefaultArena) {
  asio::io_context ioc(1);
  const auto io_thread = std::this_thread::get_id();
  std::thread::id work_thread, resumed_thread;
  run_on(ioc, [&]() -> asio::awaitable<void> {
    work_thread = co_await offload([] { return std::this_thread::get_id(); });
    resumed_thread = std::this_thread::get_id();
  }());
  EXPECT_NE(work_thread, io_thread);
  EXPECT_EQ(resumed_thread, io_thread);
}

// "Its own executor" is the executor, not merely some thread of the context:
// a coroutine on a strand of a two-thread io_context resumes on that strand.
TEST(Offload, ResumesOnTheStrandItWasAwaitedOn) {
  OffloadArena arena(2);
  asio::io_context ioc(2);
  auto strand = asio::make_strand(ioc);
  bool before = false, after = false;
  asio::co_spawn(
      strand,
      [&]() -> asio::awaitable<void> {
        before = strand.running_in_this_thread();
        co_await offload(arena.arena(), [] {});
        after = strand.running_in_this_thread();
      },
      asio::detached);
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  EXPECT_TRUE(before);
  EXPECT_TRUE(after);
}

// The io_context is destroyed while fn runs and reads the coroutine's locals
// by reference. The destructor must wait for fn (or fn would read a freed
// frame: ASan) and then destroy the coroutine without resuming it.
TEST(OffloadLifetime, DestroyingTheContextWhileFnRunsWaitsForFn) {
  OffloadArena arena(2);
  Gate started, release;
  std::atomic<int> frames{0}, states{0};
  std::atomic<bool> fn_returned{false};
  std::atomic<bool> resumed{false};
  std::thread releaser;
  {
    asio::io_context ioc(1);
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          Counted frame{frames};
          std::vector<int> data(1000, 1);
          auto fn = [&, token = std::make_shared<Counted>(states)] {
            started.open();
            release.wait();
            const int s = std::accumulate(data.begin(), data.end(), 0);
            fn_returned = true;
            return s;
          };
          const int sum = co_await offload(arena.arena(), std::move(fn));
          resumed = sum > 0;
        },
        asio::detached);
    ioc.poll();  // runs the coroutine up to its co_await
    ASSERT_TRUE(started.wait());
    // Released while ~io_context is (very likely) already waiting.
    releaser = std::thread([&] {
      std::this_thread::sleep_for(50ms);
      release.open();
    });
  }
  EXPECT_TRUE(fn_returned) << "~io_context returned while fn still ran";
  EXPECT_EQ(frames.load(), 1) << "the coroutine was not destroyed";
  EXPECT_FALSE(resumed);
  EXPECT_EQ(states.load(), 1) << "the offload's state was not freed";
  releaser.join();
}

// Many coroutines await offloads when the context goes: the two whose fn
// runs are waited for, the queued ones are dropped without running fn, every
// frame is destroyed and every state freed (their oneTBB tasks free the
// dropped ones later, without touching the dead context).
TEST(OffloadLifetime, ManyPendingOffloadsAreDroppedAtOnce) {
  OffloadArena arena(2);
  constexpr int kOffloads = 200;
  Gate release;
  std::atomic<int> started{0}, frames{0}, states{0}, resumed{0};
  int started_before_shutdown = 0;
  std::thread releaser;
  {
    asio::io_context ioc(1);
    for (int i = 0; i < kOffloads; ++i)
      asio::co_spawn(
          ioc,
          [&]() -> asio::awaitable<void> {
            Counted frame{frames};
            auto fn = [&, token = std::make_shared<Counted>(states)] {
              started.fetch_add(1);
              release.wait();
            };
            co_await offload(arena.arena(), std::move(fn));
            resumed.fetch_add(1);
          },
          asio::detached);
    ioc.poll();
    // Both workers of the arena are now blocked in fn; the rest are queued.
    ASSERT_TRUE(reaches(started, 2));
    std::this_thread::sleep_for(20ms);
    started_before_shutdown = started.load();
    releaser = std::thread([&] {
      std::this_thread::sleep_for(50ms);
      release.open();
    });
  }
  releaser.join();
  EXPECT_EQ(frames.load(), kOffloads);
  EXPECT_EQ(resumed.load(), 0);
  EXPECT_TRUE(reaches(states, kOffloads)) << states.load() << " freed";
  EXPECT_EQ(started.load(), started_before_shutdown)
      << "fn of a dropped offload ran";
}

// fn returns after the context was stopped: its completion waits in the
// context, and the coroutine resumes when the context runs again.
TEST(OffloadLifetime, AStoppedContextResumesTheCoroutineWhenRunAgain) {
  OffloadArena arena(2);
  asio::io_context ioc(1);
  Gate started, release;
  std::atomic<int> returned{0};
  int result = 0;
  std::thread::id resumed_thread;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        result = co_await offload(arena.arena(), [&] {
          started.open();
          release.wait();
          returned = 1;
          return 7;
        });
        resumed_thread = std::this_thread::get_id();
      },
      asio::detached);
  std::thread io([&] { ioc.run(); });
  ASSERT_TRUE(started.wait());
  ioc.stop();
  io.join();  // run() returned although the offload is pending
  release.open();
  ASSERT_TRUE(reaches(returned, 1));
  EXPECT_EQ(result, 0);
  ioc.restart();
  ioc.run();
  EXPECT_EQ(result, 7);
  EXPECT_EQ(resumed_thread, std::this_thread::get_id());
}

// fn finished and posted its completion, but nobody runs the context again:
// destroying it destroys the queued completion, the coroutine and the state.
TEST(OffloadLifetime, DestroyingAContextWithACompletionQueuedFreesIt) {
  OffloadArena arena(2);
  Gate polled;
  std::atomic<int> frames{0}, states{0}, returned{0};
  std::atomic<bool> resumed{false};
  {
    asio::io_context ioc(1);
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          Counted frame{frames};
          auto fn = [&, token = std::make_shared<Counted>(states)] {
            polled.wait();  // or poll() could run the completion
            returned = 1;
          };
          co_await offload(arena.arena(), std::move(fn));
          resumed = true;
        },
        asio::detached);
    ioc.poll();
    polled.open();
    ASSERT_TRUE(reaches(returned, 1));
    // Give the oneTBB task time to post; if it has not yet, this exercises
    // the running-fn path instead, which must be just as safe.
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(frames.load(), 1);
  EXPECT_EQ(states.load(), 1);
  EXPECT_FALSE(resumed);
}

// The context is destroyed at varying moments of fn's life (queued, running,
// finished with its completion queued, or already resumed): whichever side
// takes the registry lock first, every coroutine is destroyed exactly once
// and every state freed. Mostly useful under ASan and TSan.
TEST(OffloadLifetime, ContextDestroyedAsFnsFinishIsSafe) {
  OffloadArena arena(2);
  constexpr int kRounds = 200;
  constexpr int kPerRound = 4;
  std::atomic<int> frames{0}, states{0};
  for (int round = 0; round < kRounds; ++round) {
    asio::io_context ioc(1);
    const auto work = std::chrono::microseconds(round % 50);
    for (int i = 0; i < kPerRound; ++i)
      asio::co_spawn(
          ioc,
          [&]() -> asio::awaitable<void> {
            Counted frame{frames};
            auto fn = [work, token = std::make_shared<Counted>(states)] {
              std::this_thread::sleep_for(work);
            };
            co_await offload(arena.arena(), std::move(fn));
          },
          asio::detached);
    ioc.poll();
    std::this_thread::sleep_for(std::chrono::microseconds(round * 7 % 100));
  }
  EXPECT_EQ(frames.load(), kRounds * kPerRound);
  EXPECT_TRUE(reaches(states, kRounds * kPerRound)) << states.load();
}

}  // namespace
}  // namespace apb
