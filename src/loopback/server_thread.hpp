#pragma once
// What the loopback servers share: an io_context, a listener on an
// ephemeral port and the thread that runs them, accepting until stopped.
#include <fmt/format.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "apbench/asio.hpp"
#include "apbench/run_failure.hpp"

namespace apb::loopback {

// Declare it as a server's last member: it is then destroyed first, so the
// thread has stopped before the members its sessions use go away.
class ServerThread {
 public:
  using tcp = asio::ip::tcp;
  using Session = std::function<asio::awaitable<void>(tcp::socket)>;

  // `failure` (may be null) hears of an accept error the server cannot go
  // on after.
  ServerThread(const asio::ip::address& bind,
               std::shared_ptr<RunFailure> failure)
      : acceptor_(std::in_place, *ioc_, tcp::endpoint(bind, 0)),
        failure_(std::move(failure)) {}
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;
  ~ServerThread() { stop(); }

  // Runs `session` for every accepted connection, on the thread.
  void start(Session session) {
    session_ = std::move(session);
    asio::co_spawn(*ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_->run(); });
  }
  // Stops accepting and serving and joins the thread; the listener and
  // the open sessions (their sockets) are destroyed with the io_context,
  // so clients see their connections closed. Idempotent.
  void stop() {
    if (!ioc_) return;
    stopping_.store(true, std::memory_order_relaxed);
    ioc_->stop();
    if (thread_.joinable()) thread_.join();
    acceptor_.reset();
    ioc_.reset();
  }

  // Read once at construction: valid after stop().
  tcp::endpoint endpoint() const { return endpoint_; }
  // Accepts that failed so far (each retried, but the last one when the
  // server could not go on).
  std::uint64_t accept_errors() const {
    return accept_errors_.load(std::memory_order_relaxed);
  }

  // An accept error the server goes on after: out of descriptors, buffers
  // or memory (the clients' own failures free some), or a connection that
  // failed before it was accepted (accept(2) reports the network errors of
  // a pending connection as its own).
  static bool transient(const boost::system::error_code& ec) {
    if (ec.category() != boost::system::system_category()) return false;
    switch (ec.value()) {
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
      case ECONNABORTED:
      case EPROTO:
      case EPERM:  // a firewall rule refused this connection
      case ENOPROTOOPT:
      case ENETDOWN:
      case ENETUNREACH:
      case EHOSTDOWN:
      case EHOSTUNREACH:
      case ENONET:
      case EOPNOTSUPP:
        return true;
      default:
        return false;
    }
  }

 private:
  // Accepts until the io_context stops. A transient error is counted,
  // backed off a little and retried, instead of ending the loop and leaving
  // every later connection in the listen queue. Any other error (the
  // listener was closed or shut down under it) ends the server: the run
  // fails with the reason at once rather than its ops timing out.
  asio::awaitable<void> accept_loop() {
    asio::steady_timer back_off(*ioc_);
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor_->async_accept(
          asio::redirect_error(asio::use_awaitable, ec));
      if (stopping_.load(std::memory_order_relaxed)) co_return;
      if (ec) {
        accept_errors_.fetch_add(1, std::memory_order_relaxed);
        if (!transient(ec)) {
          if (failure_)
            failure_->fail(fmt::format("in-process server stopped: accept: {}",
                                       ec.message()));
          co_return;
        }
        back_off.expires_after(std::chrono::milliseconds(10));
        co_await back_off.async_wait(
            asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(*ioc_, session_(std::move(socket)), asio::detached);
    }
  }

  std::unique_ptr<asio::io_context> ioc_ =
      std::make_unique<asio::io_context>(1);
  std::optional<tcp::acceptor> acceptor_;
  tcp::endpoint endpoint_ = acceptor_->local_endpoint();
  std::shared_ptr<RunFailure> failure_;
  Session session_;
  std::atomic<std::uint64_t> accept_errors_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace apb::loopback
