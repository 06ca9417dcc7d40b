#pragma once
// co_await apb::with_timeout(op, limit): runs `op` and fails with
// OpError(cause::timeout) when it has not finished within `limit`; the op
// is then cancelled (Asio per-operation cancellation), so whatever it was
// using (a socket) must be treated as broken. An op that fails before the
// limit fails at once with its own error.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include "apbench/asio.hpp"
#include "apbench/op_error.hpp"
#include "apbench/units.hpp"

namespace apb {

template <typename T>
asio::awaitable<T> with_timeout(asio::awaitable<T> op,
                                std::chrono::nanoseconds limit) {
  // (awaitable_operators' `||` would wait for the timer when the op fails:
  // it waits for the first *success*. wait_for_one takes the first to end.)
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, limit);
  auto timed_out = [&] {
    return OpError(
        cause::timeout,
        fmt::format(
            "no answer within {}",
            format_duration(std::chrono::duration<double>(limit).count())));
  };
  if constexpr (std::is_void_v<T>) {
    auto [order, error, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(executor, std::move(op), asio::deferred),
            timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(),
                        asio::use_awaitable);
    (void)timer_ec;
    if (order[0] == 1) throw timed_out();
    if (error) std::rethrow_exception(error);
  } else {
    auto [order, error, value, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(executor, std::move(op), asio::deferred),
            timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(),
                        asio::use_awaitable);
    (void)timer_ec;
    if (order[0] == 1) throw timed_out();
    if (error) std::rethrow_exception(error);
    co_return std::move(value);
  }
}

}  // namespace apb

namespace apb {

// A connection's watchdog: cancels the connection's pending I/O when the
// op in progress overruns its time limit. Unlike with_timeout, it costs
// an op two clock reads and two stores, not a timer and a coroutine: it
// wakes every limit / 8 to look, so a timeout fires up to 12.5 % late.
// Run it on the connection's executor (an async lane's; strands keep it
// serial with the lane on a multi-threaded io_context); stop() it before
// the connection goes away.
class Watchdog : public std::enable_shared_from_this<Watchdog> {
 public:
  using clock = std::chrono::steady_clock;

  // `cancel` runs on `executor` when an op overruns (e.g. socket.cancel()).
  static std::shared_ptr<Watchdog> start(asio::any_io_executor executor,
                                         std::chrono::nanoseconds limit,
                                         std::function<void()> cancel) {
    auto dog = std::shared_ptr<Watchdog>(
        new Watchdog(executor, limit, std::move(cancel)));
    asio::co_spawn(executor, dog->watch(dog), asio::detached);
    return dog;
  }

  void begin_op() {
    fired_ = false;
    deadline_ = clock::now() + limit_;
  }
  void end_op() { deadline_ = clock::time_point::max(); }
  // Whether the last op was cancelled for overrunning.
  bool fired() const { return fired_; }
  OpError timeout_error() const {
    return OpError(
        cause::timeout,
        fmt::format(
            "no answer within {}",
            format_duration(std::chrono::duration<double>(limit_).count())));
  }
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

 private:
  Watchdog(asio::any_io_executor executor, std::chrono::nanoseconds limit,
           std::function<void()> cancel)
      : timer_(executor), limit_(limit), cancel_(std::move(cancel)) {}

  static asio::awaitable<void> watch(std::shared_ptr<Watchdog> self) {
    const auto tick =
        std::max(self->limit_ / 8,
                 std::chrono::nanoseconds(std::chrono::milliseconds(1)));
    while (!self->stopped_) {
      self->timer_.expires_after(tick);
      boost::system::error_code ec;
      co_await self->timer_.async_wait(
          asio::redirect_error(asio::use_awaitable, ec));
      if (self->stopped_) break;
      if (clock::now() >= self->deadline_) {
        self->fired_ = true;
        self->deadline_ = clock::time_point::max();
        self->cancel_();
      }
    }
  }

  asio::steady_timer timer_;
  std::chrono::nanoseconds limit_;
  std::function<void()> cancel_;
  clock::time_point deadline_ = clock::time_point::max();
  bool fired_ = false;
  bool stopped_ = false;
};

}  // namespace apb
