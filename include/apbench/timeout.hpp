#pragma once
// co_await apb::with_timeout(op, limit): runs `op` and fails with
// OpError(cause::timeout) when it has not finished within `limit`; the op
// is then cancelled (Asio per-operation cancellation), so whatever it was
// using (a socket) must be treated as broken. An op that fails before the
// limit fails at once with its own error.
#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
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
