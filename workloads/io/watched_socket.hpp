#pragma once
// A lane's TCP connection for async ops, with a watchdog that cancels its
// I/O when an op overruns `op_timeout` (cheaper per op than a timer and a
// coroutine per op: see apb::Watchdog). Used by io.tcp_echo and io.http.
#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>

#include "apbench/op_error.hpp"
#include "apbench/timeout.hpp"

namespace apb::io {

class WatchedSocket {
 public:
  using tcp = asio::ip::tcp;

  WatchedSocket() = default;
  WatchedSocket(const WatchedSocket&) = delete;
  WatchedSocket& operator=(const WatchedSocket&) = delete;
  ~WatchedSocket() { close(); }

  bool is_open() const { return socket_.has_value(); }
  tcp::socket& socket() { return *socket_; }

  // Starts an op's deadline, connecting first if needed (the connect is
  // part of the op and under its deadline).
  asio::awaitable<void> begin_op(const tcp::endpoint& endpoint,
                                 std::chrono::nanoseconds limit) {
    if (socket_) {
      watchdog_->begin_op();
      co_return;
    }
    const auto executor = co_await asio::this_coro::executor;
    socket_.emplace(executor);
    tcp::socket* socket = &*socket_;
    watchdog_ = Watchdog::start(executor, limit, [socket] {
      boost::system::error_code ignored;
      socket->cancel(ignored);
    });
    watchdog_->begin_op();
    boost::system::error_code ec;
    co_await socket->async_connect(
        endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (ec && !watchdog_->fired())
      throw OpError(cause::connect, fmt::format("connect: {}", ec.message()));
    if (ec) throw watchdog_->timeout_error();
    socket->set_option(tcp::no_delay(true));
  }

  void end_op() { watchdog_->end_op(); }

  // Call from the catch block of a failed op: closes the connection and
  // rethrows the failure, as a timeout when the watchdog cut it short.
  [[noreturn]] void fail() {
    const bool timed_out = watchdog_ && watchdog_->fired();
    std::optional<OpError> timeout;
    if (timed_out) timeout = watchdog_->timeout_error();
    close();
    if (timeout) throw *timeout;
    throw;
  }

  void close() {
    if (watchdog_) watchdog_->stop();
    watchdog_.reset();
    socket_.reset();
  }

 private:
  std::optional<tcp::socket> socket_;
  std::shared_ptr<Watchdog> watchdog_;
};

}  // namespace apb::io
